/**
 * `spec.scaling` after defaults. Kept beside the feature; `resolveSpec` only calls
 * {@link resolveScaling}.
 */
import type { PostgresClusterSpec } from '../../generated/postgrescluster.types.js';

/** Autoscaling of the members; `ResolvedCluster.scaling` is present only when it is enabled. */
export interface ResolvedScaling {
  /** @default 2 */
  minReplicas: number;
  /** @default 5 */
  maxReplicas: number;
  /** Average CPU of the postgres containers, in percent of their request. @default 75 */
  cpuTargetUtilization: number;
  /** Client connections per replica to aim for; absent: CPU only. */
  connectionsPerReplica?: number;
  /** Scaling pauses while a replica lags more than this many bytes. @default 16777216 (16 MiB) */
  maxLagBytes: number;
}

/** The resolved autoscaling, or undefined when `spec.scaling.enabled` is not true. */
export function resolveScaling(spec: PostgresClusterSpec): ResolvedScaling | undefined {
  const s = spec.scaling;
  if (s?.enabled !== true) return undefined;
  return {
    minReplicas: s.minReplicas ?? 2,
    maxReplicas: s.maxReplicas ?? 5,
    cpuTargetUtilization: s.cpuTargetUtilization ?? 75,
    ...(s.connectionsPerReplica === undefined ? {} : { connectionsPerReplica: s.connectionsPerReplica }),
    maxLagBytes: s.maxLagBytes ?? 16_777_216,
  };
}
