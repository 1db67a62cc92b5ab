/**
 * The Spilo container's resources: the spec's, with a memory request and limit always present.
 *
 * Spilo sizes PostgreSQL from the container's memory limit: `configure_spilo.py`
 * `get_placeholders()` (4.0-p3) reads the cgroup limit (`memory.limit_in_bytes`, or `memory.max`
 * under cgroup v2, where `max` means none), caps it at the node's physical memory, and sets
 * `shared_buffers` to a fifth of it in Kubernetes and `max_connections` to one per 30 MB, between
 * 100 and 1000. Without a limit every member therefore sizes itself from the whole node: several
 * members (or other pods) on one node then promise more shared memory and connections than the node
 * has, and the kernel OOM-kills them under load. Without a request the scheduler reserves nothing.
 *
 * So pgmeta always renders both: the user's values where given, the one standing for the other
 * when only one is given (Kubernetes itself defaults a missing request to the limit), and
 * {@link DEFAULT_MEMORY} for both otherwise. Request equal to limit means the scheduler reserves
 * exactly what Spilo sizes PostgreSQL for. Other resources (CPU) are left as given.
 * postgres-operator likewise always renders a memory limit (its `default_memory_limit`).
 */
import type { PostgresClusterSpec } from '../../generated/postgrescluster.types.js';
import { canonicalQuantity } from '../../lib/quantity.js';
import type { ResolvedCluster } from './resolved.js';

/**
 * The memory request and limit of a member when the spec gives neither: Spilo then sizes
 * shared_buffers at 204MB and max_connections at 100, which PostgreSQL, Patroni and Spilo's cron
 * jobs fit in.
 */
export const DEFAULT_MEMORY = '1Gi';

/** Quantities as the API server stores them, so the StatefulSet does not differ on every sync. */
function canonicalMap(map: Readonly<Record<string, number | string>> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map ?? {}).map(([k, v]) => [k, canonicalQuantity(v) ?? String(v)] as const),
  );
}

/** The resolved resources: canonical quantities, memory request and limit always set. */
export function resolveResources(spec: PostgresClusterSpec): ResolvedCluster['resources'] {
  const requests = canonicalMap(spec.resources?.requests);
  const limits = canonicalMap(spec.resources?.limits);
  const memoryLimit = limits['memory'] ?? requests['memory'] ?? DEFAULT_MEMORY;
  const memoryRequest = requests['memory'] ?? memoryLimit;
  return {
    requests: { ...requests, memory: memoryRequest },
    limits: { ...limits, memory: memoryLimit },
  };
}
