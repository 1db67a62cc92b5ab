/** Names and constants of a cluster's metrics (spec.metrics). */
import type { ClusterIdentity } from '../spec/resolved.js';
import { DEFAULT_IMAGES } from '../images/set.js';

/**
 * postgres_exporter v0.20.1 (Prometheus community), pinned in pgmeta's image table: the alert rules and
 * the dashboard name its metrics, which change between releases.
 * @see https://github.com/prometheus-community/postgres_exporter
 */
export const EXPORTER_IMAGE = DEFAULT_IMAGES.exporter;

/** The exporter's port, in the pod and on the Services. */
export const METRICS_PORT = { name: 'metrics', port: 9187 } as const;

/**
 * The exporter's login role: a member of the predefined `pg_monitor` role (read access to the
 * statistics views and settings, nothing else), never a superuser.
 */
export const MONITOR_USER = 'pgmeta_monitor';

/** The Secret with the monitoring role's credentials. */
export function monitoringSecretName(id: Pick<ClusterIdentity, 'name'>): string {
  return `${id.name}-monitoring`;
}

/** Prefix of the Job that creates the monitoring role, completed by a hash. */
export function monitoringJobPrefix(id: Pick<ClusterIdentity, 'name'>): string {
  return `${id.name}-monitoring`;
}
