/**
 * `spec.networkPolicy` after defaults. Kept beside the feature; `resolveSpec` only calls
 * {@link resolveNetworkPolicy}.
 */
import type { V1LabelSelector } from '@kubernetes/client-node';
import type { PostgresClusterSpec } from '../../generated/postgrescluster.types.js';
import type { Plain } from '../../lib/k8s.js';

/** A NetworkPolicy peer the user allows: pods and/or namespaces by label. */
export interface ResolvedPeer {
  namespaceSelector?: Plain<V1LabelSelector>;
  podSelector?: Plain<V1LabelSelector>;
}

/** The NetworkPolicies of a cluster; `ResolvedCluster.networkPolicy` is present only when enabled. */
export interface ResolvedNetworkPolicy {
  allowFrom: ResolvedPeer[];
  allowCidrs: string[];
  /** The API server's addresses; empty leaves the members' egress on 443 and 6443 open to all. */
  apiServerCidrs: string[];
}

/** The resolved policies, or undefined when `spec.networkPolicy.enabled` is not true. */
export function resolveNetworkPolicy(spec: PostgresClusterSpec): ResolvedNetworkPolicy | undefined {
  const np = spec.networkPolicy;
  if (np?.enabled !== true) return undefined;
  return {
    allowFrom: (np.allowFrom ?? []).map((p) => ({
      ...(p.namespaceSelector === undefined ? {} : { namespaceSelector: p.namespaceSelector }),
      ...(p.podSelector === undefined ? {} : { podSelector: p.podSelector }),
    })),
    allowCidrs: [...(np.allowCidrs ?? [])],
    apiServerCidrs: [...(np.apiServerCidrs ?? [])],
  };
}
