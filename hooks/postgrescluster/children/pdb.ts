/**
 * The PodDisruptionBudget of the database pods.
 *
 * `maxUnavailable: 1` at every size:
 * - with N >= 2 members a drain may evict one member at a time and never a second one while the
 *   first is still down (an unready member already uses the budget up), so N-1 members and a failover
 *   candidate remain;
 * - with a single member there is no redundancy to protect, and a budget that forbids the eviction
 *   (`minAvailable: 1`) would block node drains and cluster upgrades forever; evicting it is a restart
 *   on the same volume.
 * The selector carries the component label, so a future pooler's pods are never counted here.
 */
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { Child } from '../../lib/k8s.js';
import { clusterNames, COMPONENTS, podSelector } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { childMetadata } from './metadata.js';

/** The database pods' PodDisruptionBudget. */
export function buildPodDisruptionBudget(cluster: ResolvedCluster): Child<V1PodDisruptionBudget> {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: childMetadata(cluster, {
      name: clusterNames(cluster).pdb,
      component: COMPONENTS.database,
    }),
    spec: { maxUnavailable: 1, selector: { matchLabels: podSelector(cluster) } },
  };
}
