/**
 * Every child of a cluster's poolers: per pooler a ConfigMap, Deployment, Service and
 * PodDisruptionBudget; once, the lookup role's Secret and the Job that creates the role and its
 * function. Nothing at all when the poolers are disabled, so other clusters render exactly as before.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { buildRoleJob } from '../children/psql-job.js';
import { COMPONENTS } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { POOLER_AUTH_SCRIPT, poolerPassword, type PoolerPasswordInputs } from './auth.js';
import { buildPoolerDeployment } from './deployment.js';
import { isPooled, poolerRoles } from './ini.js';
import { POOLER_USER, poolerJobPrefix } from './names.js';
import { buildPoolerConfigMap, buildPoolerPdb, buildPoolerSecret, buildPoolerService } from './objects.js';

/** The Job that creates the lookup role and installs the function in every database, and its Secret. */
export function buildPoolerAuthJob(cluster: ResolvedCluster, inputs: PoolerPasswordInputs): KubeObject[] {
  return buildRoleJob(
    cluster,
    {
      prefix: poolerJobPrefix(cluster),
      component: COMPONENTS.pooler,
      script: POOLER_AUTH_SCRIPT,
      env: 'POOLER',
      user: POOLER_USER,
      password: poolerPassword(cluster, inputs),
      purpose: `${cluster.uid}/pooler`,
    },
    inputs.operatorKey,
  );
}

/** The children of the cluster's poolers, or none when they are disabled. */
export function renderPooler(cluster: ResolvedCluster, inputs: PoolerPasswordInputs): KubeObject[] {
  if (!isPooled(cluster)) return [];
  const perPooler = poolerRoles(cluster).flatMap((role) => [
    buildPoolerConfigMap(cluster, role),
    buildPoolerDeployment(cluster, role),
    buildPoolerService(cluster, role),
    buildPoolerPdb(cluster, role),
  ]);
  return [
    ...perPooler,
    buildPoolerSecret(cluster, poolerPassword(cluster, inputs)),
    ...buildPoolerAuthJob(cluster, inputs),
  ];
}
