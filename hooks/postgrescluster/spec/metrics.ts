/**
 * `spec.metrics` after defaults. Kept beside the feature; `resolveSpec` only calls
 * {@link resolveMetrics}.
 */
import type { V1ResourceRequirements } from '@kubernetes/client-node';
import type { PostgresClusterSpec } from '../../generated/postgrescluster.types.js';
import type { Plain } from '../../lib/k8s.js';

/** The metrics of a cluster; `ResolvedCluster.metrics` is present only when they are enabled. */
export interface ResolvedMetrics {
  /** Of the postgres_exporter sidecar. */
  resources: Plain<V1ResourceRequirements>;
}

/**
 * The exporter is a small Go process that runs a few queries per scrape: a small request schedules
 * it anywhere, the memory limit bounds a misbehaving scrape, no CPU limit avoids throttled scrapes.
 */
export const DEFAULT_EXPORTER_RESOURCES: Readonly<Plain<V1ResourceRequirements>> = {
  requests: { cpu: '10m', memory: '32Mi' },
  limits: { memory: '128Mi' },
};

/** The resolved metrics, or undefined when `spec.metrics.enabled` is not true. */
export function resolveMetrics(spec: PostgresClusterSpec): ResolvedMetrics | undefined {
  if (spec.metrics?.enabled !== true) return undefined;
  return { resources: structuredClone(DEFAULT_EXPORTER_RESOURCES) };
}
