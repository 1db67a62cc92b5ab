/**
 * `spec.pgbouncer` after defaults. Kept apart from defaults.ts so the pooler's resolution and its
 * types live with the feature; `resolveSpec` only calls {@link resolvePgbouncer}.
 */
import type { V1ResourceRequirements } from '@kubernetes/client-node';
import type { PostgresClusterSpec } from '../../generated/postgrescluster.types.js';
import type { Plain } from '../../lib/k8s.js';
import { canonicalQuantity } from '../../lib/quantity.js';

export type PoolMode = 'session' | 'transaction';

/** The poolers of a cluster; `ResolvedCluster.pgbouncer` is present only when they are enabled. */
export interface ResolvedPgbouncer {
  /** PgBouncer pods of each pooler. @default 2 */
  replicas: number;
  /** @default transaction */
  poolMode: PoolMode;
  /** @default 1000 */
  maxClientConn: number;
  /** @default 20 */
  defaultPoolSize: number;
  /** 0 means no limit. @default 0 */
  maxDbConnections: number;
  resources: Plain<V1ResourceRequirements>;
  /** Whether a second pooler serves the replicas. @default false */
  readOnlyPooler: boolean;
}

/**
 * Resources when the spec gives none: PgBouncer is single-threaded and needs little memory per
 * connection, so a small request schedules anywhere; the memory limit stops a leak from taking the
 * node down, and no CPU limit avoids throttling the event loop under bursts.
 */
export const DEFAULT_POOLER_RESOURCES: Readonly<Plain<V1ResourceRequirements>> = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { memory: '256Mi' },
};

type QuantityMap = Readonly<Record<string, number | string>> | undefined;

function canonical(map: QuantityMap): Record<string, string> | undefined {
  const entries = Object.entries(map ?? {}).map(([k, v]) => [k, canonicalQuantity(v) ?? String(v)] as const);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

function resolveResources(
  resources: { requests?: QuantityMap; limits?: QuantityMap } | undefined,
): Plain<V1ResourceRequirements> {
  const requests = canonical(resources?.requests);
  const limits = canonical(resources?.limits);
  if (requests === undefined && limits === undefined) return structuredClone(DEFAULT_POOLER_RESOURCES);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

/** The resolved poolers, or undefined when `spec.pgbouncer.enabled` is not true. */
export function resolvePgbouncer(spec: PostgresClusterSpec): ResolvedPgbouncer | undefined {
  const p = spec.pgbouncer;
  if (p?.enabled !== true) return undefined;
  return {
    replicas: p.replicas ?? 2,
    poolMode: p.poolMode ?? 'transaction',
    maxClientConn: p.maxClientConn ?? 1000,
    defaultPoolSize: p.defaultPoolSize ?? 20,
    maxDbConnections: p.maxDbConnections ?? 0,
    resources: resolveResources(p.resources),
    readOnlyPooler: p.readOnlyPooler ?? false,
  };
}
