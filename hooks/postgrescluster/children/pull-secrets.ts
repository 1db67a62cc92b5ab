/** The pull Secrets of every pod pgmeta renders for a cluster (the install's images file, images/set.ts). */
import type { ResolvedCluster } from '../spec/resolved.js';

export function pullSecretsField(cluster: Pick<ResolvedCluster, 'images'>): {
  imagePullSecrets?: { name: string }[];
} {
  const names = cluster.images.pullSecrets;
  return names.length > 0 ? { imagePullSecrets: names.map((name) => ({ name })) } : {};
}
