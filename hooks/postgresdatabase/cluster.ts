/**
 * What a PostgresDatabase needs from its PostgresCluster, read from the related objects the customize
 * hook asks for. The one place that knows the cluster's names and spec (kept small on purpose: the
 * PostgresCluster side may change its internals, not these facts).
 */
import type { KubeObject } from '../lib/k8s.js';
import type { ImageSettings } from '../lib/context.js';
import { withInstallImages } from '../postgrescluster/images/set.js';
import { getObject } from '../metacontroller/children.js';
import type { ObjectMap, RelatedResourceRule } from '../metacontroller/types.js';
import { clusterNames, PORTS, serviceHost } from '../postgrescluster/names.js';
import { checkSpec as checkClusterSpec } from '../postgrescluster/spec/index.js';
import type { ClusterReserved } from './spec/role-rules.js';

export const CLUSTER_TYPE = {
  kind: 'PostgresCluster',
  apiVersion: 'pgmeta.io/v1alpha1',
  resource: 'postgresclusters',
};
const SECRET_TYPE = { kind: 'Secret', apiVersion: 'v1' };

/** Where the SQL Job and applications connect, and with which superuser Secret. */
export interface ClusterEndpoint {
  name: string;
  /** `<cluster>.<namespace>.svc`: the primary Service (Patroni's leader). */
  host: string;
  port: number;
  /** Secret with keys `username` and `password` of the cluster's superuser. */
  superuserSecret: string;
}

export type ClusterView = ClusterEndpoint & {
  /** The bootstrap owner and database of the cluster, when its spec could be read. */
  reserved?: ClusterReserved;
} & (
    | { ready: true; image: string; pullSecrets: readonly string[]; platform: 'kubernetes' | 'openshift' }
    | {
        ready: false;
        found: boolean;
        reason: 'ClusterNotFound' | 'ClusterNotReady' | 'SuperuserSecretMissing' | 'ClusterSpecInvalid';
        message: string;
      }
  );

/** Names derived from the cluster's name alone (valid before the cluster is observed). */
export function clusterEndpoint(name: string, namespace: string): ClusterEndpoint {
  const names = clusterNames({ name });
  return {
    name,
    host: serviceHost({ namespace }, names.primaryService),
    port: PORTS.postgresql.port,
    superuserSecret: names.secrets.superuser,
  };
}

/** The related-object rules: the cluster and its superuser Secret, by name, in the parent's namespace. */
export function relatedRules(clusterName: string, namespace: string): RelatedResourceRule[] {
  const endpoint = clusterEndpoint(clusterName, namespace);
  return [
    { apiVersion: CLUSTER_TYPE.apiVersion, resource: CLUSTER_TYPE.resource, namespace, names: [clusterName] },
    { apiVersion: SECRET_TYPE.apiVersion, resource: 'secrets', namespace, names: [endpoint.superuserSecret] },
  ];
}

function conditionsOf(cluster: KubeObject): { type?: unknown; status?: unknown }[] {
  const status = cluster['status'] as { conditions?: unknown } | undefined;
  return Array.isArray(status?.conditions)
    ? (status.conditions as { type?: unknown; status?: unknown }[])
    : [];
}

function isReady(cluster: KubeObject): boolean {
  return conditionsOf(cluster).some((c) => c.type === 'Ready' && c.status === 'True');
}

const hasCondition = (cluster: KubeObject, type: string): boolean =>
  conditionsOf(cluster).some((c) => c.type === type);

/** The cluster as observed: ready for SQL (with the Spilo image, which ships psql), or why not. */
export function observeCluster(
  related: ObjectMap,
  id: { clusterName: string; namespace: string },
  images?: ImageSettings,
): ClusterView {
  const endpoint = clusterEndpoint(id.clusterName, id.namespace);
  const cluster = getObject(related, CLUSTER_TYPE, { name: id.clusterName, namespace: id.namespace });
  if (!cluster) {
    return {
      ...endpoint,
      ready: false,
      found: false,
      reason: 'ClusterNotFound',
      message: `PostgresCluster ${id.clusterName} not found`,
    };
  }
  // Read before readiness: what the cluster reserves must be refused even while it starts.
  const spec = checkClusterSpec(cluster);
  const reserved: ClusterReserved | undefined = spec.ok
    ? { bootstrapOwner: spec.resolved.bootstrap.owner, bootstrapDatabase: spec.resolved.bootstrap.database }
    : undefined;
  const known = { ...endpoint, ...(reserved ? { reserved } : {}) };
  const notReady = (
    reason: 'ClusterNotReady' | 'SuperuserSecretMissing' | 'ClusterSpecInvalid',
    message: string,
  ): ClusterView => ({ ...known, ready: false, found: true, reason, message });
  if (!isReady(cluster)) return notReady('ClusterNotReady', `PostgresCluster ${id.clusterName} is not Ready`);
  if (!getObject(related, SECRET_TYPE, { name: endpoint.superuserSecret, namespace: id.namespace })) {
    return notReady('SuperuserSecretMissing', `Secret ${endpoint.superuserSecret} not found`);
  }
  if (!spec.ok)
    return notReady('ClusterSpecInvalid', `PostgresCluster ${id.clusterName} has an invalid spec`);
  // A standby cluster is read-only (docs/standby.md): its roles and databases are its source's.
  if (spec.resolved.standby || hasCondition(cluster, 'Standby'))
    return notReady(
      'ClusterNotReady',
      `PostgresCluster ${id.clusterName} is a standby (read-only) until it is promoted`,
    );
  // The install's current images: a Job restarts no member, so no update policy applies (images/set.ts).
  const { image, images: current } = withInstallImages(spec.resolved, images);
  return { ...known, ready: true, image, pullSecrets: current.pullSecrets, platform: spec.resolved.platform };
}
