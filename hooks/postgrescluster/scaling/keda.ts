/**
 * What the keda component attaches to a cluster with `spec.scaling.enabled`: a KEDA ScaledObject
 * that scales the PostgresCluster itself through its scale subresource (`spec.replicas`, with the
 * member pods' selector in `status.selector`), so the StatefulSet and Patroni add and remove
 * replicas as they do for `kubectl scale`.
 *
 * - Never below the HA minimum: two members, and with synchronous replication one more than the
 *   synchronous replicas Patroni must keep (the CRD refuses nodeCount >= replicas).
 * - Triggers: the postgres containers' average CPU, and optionally the client connections per
 *   replica (KEDA's postgresql scaler counts them on the replicas' Service as the monitoring role,
 *   through a TriggerAuthentication reading its Secret; `metricType: Value` compares one replica's
 *   count with the target, so the HPA scales to connections / target replicas).
 * - One member at a time, slowly down: a new replica first copies the whole database.
 * - Paused (KEDA's `autoscaling.keda.sh/paused`) while a replica lags `maxLagBytes` or more
 *   behind the primary, as the cluster's status reports: adding replicas then would only add load
 *   on the primary, and removing one could remove the only caught-up one.
 * @see https://keda.sh/docs/latest/reference/scaledobject-spec/
 */
import type { KubeObject } from '../../lib/k8s.js';
import { childMetadata } from '../children/metadata.js';
import { clusterNames, COMPONENTS, PORTS, serviceHost } from '../names.js';
import { MONITOR_USER, monitoringSecretName } from '../metrics/names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { lagReaches } from '../status/lag.js';
import type { ResolvedScaling } from '../spec/scaling.js';

export const PAUSED_ANNOTATION = 'autoscaling.keda.sh/paused';

/** Client connections of one server (its own backends only: no replication or background workers). */
export const CONNECTIONS_QUERY =
  "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend'";

/** The fewest members that keep the cluster highly available. */
export function haMinimum(cluster: Pick<ResolvedCluster, 'synchronous'>): number {
  const { mode, nodeCount } = cluster.synchronous;
  return Math.max(2, mode === 'async' ? 0 : nodeCount + 1);
}

/** The replica counts the ScaledObject keeps between. */
export function replicaBounds(
  cluster: ResolvedCluster,
  scaling: ResolvedScaling,
): { min: number; max: number } {
  const min = Math.max(scaling.minReplicas, haMinimum(cluster));
  return { min, max: Math.max(scaling.maxReplicas, min) };
}

/**
 * Whether any member of the observed parent status lags as much as allowed: the status reports lag
 * rounded down to a power of two (status/lag.ts), so the limit is reached once the rounded lag is.
 */
export function lagging(parent: KubeObject, scaling: ResolvedScaling): boolean {
  const members = (parent['status'] as { members?: { lagBytes?: unknown }[] } | undefined)?.members ?? [];
  return members.some((m) => typeof m.lagBytes === 'number' && lagReaches(m.lagBytes, scaling.maxLagBytes));
}

function triggerAuthName(cluster: ResolvedCluster): string {
  return `${cluster.name}-keda`;
}

function triggers(cluster: ResolvedCluster, scaling: ResolvedScaling): Record<string, unknown>[] {
  const cpu = {
    type: 'cpu',
    metricType: 'Utilization',
    metadata: { value: String(scaling.cpuTargetUtilization), containerName: 'postgres' },
  };
  if (scaling.connectionsPerReplica === undefined) return [cpu];
  const connections = {
    type: 'postgresql',
    metricType: 'Value',
    metadata: {
      host: serviceHost(cluster, clusterNames(cluster).replicaService),
      port: String(PORTS.postgresql.port),
      userName: MONITOR_USER,
      dbName: 'postgres',
      sslmode: cluster.tls.enabled ? 'require' : 'disable',
      query: CONNECTIONS_QUERY,
      targetQueryValue: String(scaling.connectionsPerReplica),
    },
    authenticationRef: { name: triggerAuthName(cluster) },
  };
  return [cpu, connections];
}

const HPA_BEHAVIOR = {
  scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }] },
  scaleDown: { stabilizationWindowSeconds: 900, policies: [{ type: 'Pods', value: 1, periodSeconds: 600 }] },
};

/** The ScaledObject; `parent` is the observed PostgresCluster (its status tells the lag). */
export function buildScaledObject(cluster: ResolvedCluster, parent: KubeObject): KubeObject | undefined {
  const scaling = cluster.scaling;
  if (!scaling) return undefined;
  const { min, max } = replicaBounds(cluster, scaling);
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: childMetadata(cluster, {
      name: cluster.name,
      component: COMPONENTS.database,
      ...(lagging(parent, scaling) ? { annotations: { [PAUSED_ANNOTATION]: 'true' } } : {}),
    }),
    spec: {
      scaleTargetRef: { apiVersion: 'pgmeta.io/v1alpha1', kind: 'PostgresCluster', name: cluster.name },
      minReplicaCount: min,
      maxReplicaCount: max,
      pollingInterval: 30,
      cooldownPeriod: 300,
      advanced: { horizontalPodAutoscalerConfig: { behavior: HPA_BEHAVIOR } },
      triggers: triggers(cluster, scaling),
    },
  };
}

/** The password of the connections trigger, from the monitoring role's Secret; none without it. */
export function buildTriggerAuthentication(cluster: ResolvedCluster): KubeObject | undefined {
  if (cluster.scaling?.connectionsPerReplica === undefined) return undefined;
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: childMetadata(cluster, { name: triggerAuthName(cluster), component: COMPONENTS.database }),
    spec: {
      secretTargetRef: [{ parameter: 'password', name: monitoringSecretName(cluster), key: 'password' }],
    },
  };
}
