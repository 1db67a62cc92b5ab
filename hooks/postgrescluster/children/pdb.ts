/**
 * The PodDisruptionBudgets of the database pods: what a node drain (the eviction API) may take.
 *
 * With two members or more there are two budgets, with disjoint selectors (the eviction API refuses,
 * with 500, to evict a pod that more than one budget selects):
 * - `<name>-primary` selects the member Patroni labels primary, `minAvailable: 1`: its eviction is
 *   always refused (429), so a drain never stops the primary; pgmeta sees the cordoned node and
 *   switches over first (day2/drain.ts), after which that pod is a replica and passes the other budget;
 * - `<name>` selects every other member, `minAvailable` such that one member at most is down: the
 *   replicas less one while the primary is ready, every one of them otherwise (a primary that is down
 *   counts as the one member down). `minAvailable` with a number, not `maxUnavailable`: the disruption
 *   controller takes a budget's expected pods from the scale of the pods' controller when it computes
 *   `maxUnavailable`, and a budget that selects part of a StatefulSet would then never allow anything.
 * With a single member there is nothing to hand over to, and a budget that forbids its eviction would
 * block node drains and cluster upgrades forever: `maxUnavailable: 1` (evicting it is a restart on the
 * same volume).
 * The selectors carry the component label, so the poolers' pods are never counted here.
 * @see Kubernetes docs content/en/docs/concepts/workloads/pods/disruptions.md, and
 *   content/en/docs/tasks/run-application/configure-pdb.md ("Think about how your application reacts
 *   to disruptions", "Arbitrary workloads and arbitrary selectors": minAvailable with a number counts
 *   the selected pods)
 */
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { Child } from '../../lib/k8s.js';
import { clusterNames, COMPONENTS, podSelector, ROLE_LABEL, ROLE_VALUES, roleSelector } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { childMetadata } from './metadata.js';

type Budget = Child<V1PodDisruptionBudget>;

function budget(cluster: ResolvedCluster, name: string, spec: NonNullable<Budget['spec']>): Budget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: childMetadata(cluster, { name, component: COMPONENTS.database }),
    spec,
  };
}

/**
 * The database pods' PodDisruptionBudgets. `primaryReady`: the observed primary is ready (then one
 * replica may go); unknown or not, none may.
 */
export function buildPodDisruptionBudgets(cluster: ResolvedCluster, o: { primaryReady: boolean }): Budget[] {
  const names = clusterNames(cluster);
  const members = cluster.replicas;
  if (members < 2) {
    return [
      budget(cluster, names.pdb, { maxUnavailable: 1, selector: { matchLabels: podSelector(cluster) } }),
    ];
  }
  const notPrimary = { key: ROLE_LABEL, operator: 'NotIn', values: [ROLE_VALUES.primary] };
  return [
    budget(cluster, names.pdb, {
      minAvailable: o.primaryReady ? members - 2 : members - 1,
      selector: { matchLabels: podSelector(cluster), matchExpressions: [notPrimary] },
    }),
    budget(cluster, names.primaryPdb, {
      minAvailable: 1,
      selector: { matchLabels: roleSelector(cluster, 'primary') },
    }),
  ];
}
