/**
 * The backup store's port, for the members' egress. Cloud object stores (S3, GCS, Azure) answer
 * on HTTPS (443); an S3-compatible endpoint (MinIO, Ceph) names its own `scheme://host[:port]`.
 * The store's address is a name resolved at run time, so the rule opens the port to any address.
 *
 * It reads the resolved backup and restore settings by shape only, so this module does not depend
 * on the backup feature's types.
 */
import type { ResolvedCluster } from '../spec/resolved.js';

interface WithDestination {
  destination?: { kind?: string; endpoint?: string };
}

function endpointPort(endpoint: string | undefined): number {
  if (endpoint === undefined) return 443;
  const m = /^(https?):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d{1,5}))?/.exec(endpoint);
  if (!m) return 443;
  if (m[3] !== undefined) return Number(m[3]);
  return m[1] === 'http' ? 80 : 443;
}

/** The ports of the stores the cluster archives to or restores from, sorted, without duplicates. */
export function backupStorePorts(cluster: ResolvedCluster): number[] {
  const c = cluster as unknown as { backup?: WithDestination; restore?: WithDestination };
  const stores = [c.backup?.destination, c.restore?.destination].filter((d) => d !== undefined);
  return [...new Set(stores.map((d) => endpointPort(d.endpoint)))].sort((a, b) => a - b);
}
