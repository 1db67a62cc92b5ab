/**
 * The small objects of a pooler: its configuration (ConfigMap), the lookup role's credentials
 * (Secret, shared by both poolers), its Service and its PodDisruptionBudget.
 */
import type { V1ConfigMap, V1PodDisruptionBudget, V1Secret, V1Service } from '@kubernetes/client-node';
import type { Child } from '../../lib/k8s.js';
import { childMetadata } from '../children/metadata.js';
import { COMPONENTS } from '../names.js';
import type { ClusterIdentity } from '../spec/resolved.js';
import { type PooledCluster, pgbouncerIni, renderIni, userlistLine } from './ini.js';
import {
  POOLER_PORT,
  POOLER_USER,
  type PoolerRole,
  poolerNames,
  poolerSecretName,
  poolerSelector,
} from './names.js';

/** Key of pgbouncer.ini in the ConfigMap. */
export const INI_KEY = 'pgbouncer.ini';
/** Key of userlist.txt in the Secret. */
export const USERLIST_KEY = 'userlist.txt';

const meta = (cluster: ClusterIdentity, name: string) =>
  childMetadata(cluster, { name, component: COMPONENTS.pooler });

/** The ConfigMap holding one pooler's pgbouncer.ini. */
export function buildPoolerConfigMap(cluster: PooledCluster, role: PoolerRole): Child<V1ConfigMap> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(cluster, poolerNames(cluster, role).name),
    data: { [INI_KEY]: renderIni(pgbouncerIni(cluster, role)) },
  };
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/**
 * The lookup role's credentials: `username` and `password` for the Job that sets the password, and
 * `userlist.txt`, the only password PgBouncer stores.
 */
export function buildPoolerSecret(cluster: ClusterIdentity, password: string): Child<V1Secret> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(cluster, poolerSecretName(cluster)),
    type: 'Opaque',
    data: {
      password: b64(password),
      [USERLIST_KEY]: b64(userlistLine(POOLER_USER, password)),
      username: b64(POOLER_USER),
    },
  };
}

/** The pooler's Service (ClusterIP, port 6432). */
export function buildPoolerService(cluster: PooledCluster, role: PoolerRole): Child<V1Service> {
  const port = POOLER_PORT;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(cluster, poolerNames(cluster, role).name),
    spec: {
      type: 'ClusterIP',
      selector: poolerSelector(cluster, role),
      ports: [{ name: port.name, port: port.port, protocol: 'TCP', targetPort: port.port }],
    },
  };
}

/**
 * One PgBouncer pod may be evicted at a time: clients of an evicted pod reconnect to the others, and
 * a single-pod pooler may still be drained (a budget that forbids it would block node upgrades).
 */
export function buildPoolerPdb(cluster: PooledCluster, role: PoolerRole): Child<V1PodDisruptionBudget> {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(cluster, poolerNames(cluster, role).name),
    spec: { maxUnavailable: 1, selector: { matchLabels: poolerSelector(cluster, role) } },
  };
}
