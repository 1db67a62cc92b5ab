/**
 * What status says about the poolers: each pooler's endpoint and how many of its PgBouncer pods are
 * ready (from the observed Deployments), and a `PoolerReady` condition. Clusters without poolers get
 * neither, so their status is unchanged.
 */
import type { ConditionInput } from '../../lib/conditions.js';
import type { KubeObject } from '../../lib/k8s.js';
import { serviceHost } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { isPooled, poolerRoles } from './ini.js';
import { POOLER_PORT, type PoolerRole, poolerNames } from './names.js';

export interface PoolerEndpointStatus {
  host: string;
  port: number;
  /** PgBouncer pods the Deployment wants. */
  replicas: number;
  /** PgBouncer pods that are ready. */
  readyReplicas: number;
}

export interface PoolerStatus {
  readWrite: PoolerEndpointStatus;
  readOnly?: PoolerEndpointStatus;
}

const KEYS: Record<PoolerRole, keyof PoolerStatus> = { rw: 'readWrite', ro: 'readOnly' };

function readyOf(deployment: KubeObject | undefined): number {
  const ready = (deployment?.['status'] as { readyReplicas?: unknown } | undefined)?.readyReplicas;
  return typeof ready === 'number' ? ready : 0;
}

/**
 * The `pooler` status field and the `PoolerReady` condition, or nothing without poolers.
 * `deployments` are the observed Deployments by name.
 */
export function poolerStatus(
  cluster: ResolvedCluster | undefined,
  deployments: Readonly<Record<string, KubeObject>>,
): { pooler?: PoolerStatus; conditions: ConditionInput[] } {
  if (!cluster || !isPooled(cluster)) return { conditions: [] };
  const entries = poolerRoles(cluster).map((role) => {
    const name = poolerNames(cluster, role).name;
    const endpoint: PoolerEndpointStatus = {
      host: serviceHost(cluster, name),
      port: POOLER_PORT.port,
      replicas: cluster.pgbouncer.replicas,
      readyReplicas: readyOf(deployments[name]),
    };
    return [KEYS[role], endpoint] as const;
  });
  const pooler = Object.fromEntries(entries) as unknown as PoolerStatus;
  const short = entries.filter(([, e]) => e.readyReplicas < e.replicas).map(([key]) => key);
  const condition: ConditionInput =
    short.length === 0
      ? { type: 'PoolerReady', status: 'True', reason: 'Ready', message: 'every PgBouncer pod is ready' }
      : {
          type: 'PoolerReady',
          status: 'False',
          reason: 'PodsNotReady',
          message: `waiting for PgBouncer pods of ${short.join(' and ')}`,
        };
  return { pooler, conditions: [condition] };
}
