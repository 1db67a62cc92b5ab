/**
 * Names, labels and selectors of a cluster's PgBouncer poolers.
 *
 * Pooler pods carry `app.kubernetes.io/component: pooler` and never `application: spilo`, so no
 * database selector (the StatefulSet's, the Services', the PodDisruptionBudget's, Patroni's member
 * list, the members' anti-affinity) can ever count them; their own selector adds the pooler role, so
 * the read-write and read-only poolers and the pooler's Job never select each other's pods.
 * The CRD forbids cluster names ending in `-pooler`, so `<name>-pooler` never collides with
 * another cluster's Services.
 */
import { CLUSTER_LABEL, COMPONENTS, LABELS, commonLabels, clusterNames } from '../names.js';
import type { ClusterIdentity } from '../spec/resolved.js';

/** Which Service a pooler sits in front of: the primary (rw) or the replicas (ro). */
export type PoolerRole = 'rw' | 'ro';
export const POOLER_ROLES: readonly PoolerRole[] = ['rw', 'ro'];

/** Pod label telling the two poolers apart. */
export const POOLER_LABEL = 'pgmeta.io/pooler';

/** PgBouncer's port, in the pod and on the Service. */
export const POOLER_PORT = { name: 'pgbouncer', port: 6432 } as const;

/**
 * The database role PgBouncer runs `auth_query` as. It may only execute the lookup function: it is
 * no superuser, and its password is in the pooler's own Secret.
 */
export const POOLER_USER = 'pgmeta_pooler';

/** Schema and function that return a login role's password verifier to PgBouncer. */
export const LOOKUP_SCHEMA = 'pgmeta';
export const LOOKUP_FUNCTION = `${LOOKUP_SCHEMA}.pooler_lookup`;

export interface PoolerNames {
  /** Deployment, Service, PodDisruptionBudget and ConfigMap of this pooler. */
  name: string;
  /** The Service this pooler forwards to. */
  upstreamService: string;
}

/** The names of one pooler. */
export function poolerNames(id: Pick<ClusterIdentity, 'name'>, role: PoolerRole): PoolerNames {
  const names = clusterNames(id);
  return role === 'rw'
    ? { name: `${id.name}-pooler`, upstreamService: names.primaryService }
    : { name: `${id.name}-pooler-ro`, upstreamService: names.replicaService };
}

/** The Secret with the lookup role's credentials, shared by both poolers. */
export function poolerSecretName(id: Pick<ClusterIdentity, 'name'>): string {
  return `${id.name}-pooler`;
}

/** Prefix of the Job that creates the lookup role and function, completed by a hash. */
export function poolerJobPrefix(id: Pick<ClusterIdentity, 'name'>): string {
  return `${id.name}-pooler-auth`;
}

/** Selector of one pooler's pods (Deployment, Service, PodDisruptionBudget). */
export function poolerSelector(id: Pick<ClusterIdentity, 'name'>, role: PoolerRole): Record<string, string> {
  return { [CLUSTER_LABEL]: id.name, [LABELS.component]: COMPONENTS.pooler, [POOLER_LABEL]: role };
}

/** Labels of one pooler's pods: the common labels plus the pooler role. */
export function poolerPodLabels(id: Pick<ClusterIdentity, 'name'>, role: PoolerRole): Record<string, string> {
  return { ...commonLabels(id, COMPONENTS.pooler), [POOLER_LABEL]: role };
}
