/**
 * PodDisruptionBudgets and the eviction API, as a drain meets them:
 *
 * - the disruption controller keeps each budget's status: the selected pods (label selector, the
 *   budget's namespace), `expectedPods` (with `minAvailable` as a number, the selected pods; with
 *   `maxUnavailable`, the scale of the pods' controller, so a budget over part of a StatefulSet expects
 *   all of its replicas), `currentHealthy` (selected pods that are Ready, not being deleted and not
 *   evicted in the last two minutes), `desiredHealthy` and `disruptionsAllowed` (the healthy ones
 *   above the desired, at least 0), `observedGeneration`;
 * - the eviction API (`POST pods/<name>/eviction`): a pod that no budget selects, or that is being
 *   deleted, Pending, Succeeded or Failed, is deleted (200); a pod that two budgets select is refused
 *   with 500; a budget whose controller has not seen its latest generation, or whose
 *   `disruptionsAllowed` is 0, refuses with 429 ("Cannot evict pod as it would violate the pod's
 *   disruption budget"); an unready pod under the default `unhealthyPodEvictionPolicy`
 *   (IfHealthyBudget) is deleted only while the budget's healthy pods are at least the desired ones;
 *   otherwise the budget's `disruptionsAllowed` is decremented, the pod recorded in `disruptedPods`,
 *   and the pod gracefully deleted.
 *
 * Kubernetes docs: content/en/docs/concepts/scheduling-eviction/api-eviction.md ("How API-initiated
 * eviction works": 200, 429, 500 for several budgets), content/en/docs/tasks/run-application/
 * configure-pdb.md ("Specifying a PodDisruptionBudget": maxUnavailable counts the controller's desired
 * replicas, minAvailable the selected pods; "Unhealthy Pod Eviction Policy"; "Arbitrary Controllers and
 * Selectors"), content/en/docs/concepts/workloads/pods/disruptions.md ("Pod disruption budgets").
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { refOf } from '../emulator';
import { matches, type Selector } from '../lib/selectors';
import { controllerOwner, hasCondition, specOf, statusOf, type SimContext } from './context';

export const DISRUPTION_CONTROLLER = 'disruption-controller';
/** A pod the eviction API let go counts as disrupted (not healthy) this long, or until it is deleted. */
export const DISRUPTED_POD_TIMEOUT_SECONDS = 120;

export interface EvictionResult {
  code: 200 | 429 | 500;
  message: string;
}

interface BudgetStatus {
  observedGeneration: number;
  expectedPods: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
  disruptedPods?: Record<string, string>;
}

function selectedPods(ctx: SimContext, pdb: KubeObject): KubeObject[] {
  const selector = specOf(pdb)['selector'] as Selector | undefined;
  return ctx.store
    .list('Pod', pdb.metadata.namespace ?? '')
    .filter((p) => matches(selector, p.metadata.labels));
}

/** The scale of the controllers of the pods (maxUnavailable's expected pods). */
function controllersScale(ctx: SimContext, pods: readonly KubeObject[]): number {
  const owners = new Map<string, number>();
  for (const pod of pods) {
    const owner = controllerOwner(pod);
    if (!owner || owners.has(owner.uid)) continue;
    const sts = ctx.store.get({
      kind: owner.kind,
      namespace: pod.metadata.namespace ?? '',
      name: owner.name,
    });
    owners.set(owner.uid, Number(specOf(sts ?? pod)['replicas'] ?? 0));
  }
  return [...owners.values()].reduce((a, b) => a + b, 0);
}

function intValue(v: unknown, of: number): number {
  if (typeof v === 'number') return v;
  const pct = /^(\d+)%$/.exec(String(v));
  return pct ? Math.ceil((Number(pct[1]) * of) / 100) : 0;
}

/** The disruption controller's status of one budget now. */
export function budgetStatus(ctx: SimContext, pdb: KubeObject): BudgetStatus {
  const spec = specOf(pdb);
  const pods = selectedPods(ctx, pdb);
  const now = ctx.clock.now;
  const old = (statusOf(pdb)['disruptedPods'] ?? {}) as Record<string, string>;
  const disrupted = Object.fromEntries(
    Object.entries(old).filter(([name, at]) => {
      const pod = pods.find((p) => p.metadata.name === name);
      const age = now - (Date.parse(at) - Date.parse(ctx.clock.iso(0))) / 1000;
      return (
        pod !== undefined &&
        pod.metadata.deletionTimestamp === undefined &&
        age < DISRUPTED_POD_TIMEOUT_SECONDS
      );
    }),
  );
  const healthy = pods.filter(
    (p) =>
      p.metadata.deletionTimestamp === undefined &&
      !(p.metadata.name in disrupted) &&
      hasCondition(p, 'Ready'),
  ).length;
  const max = spec['maxUnavailable'];
  const expected = max === undefined ? pods.length : controllersScale(ctx, pods);
  const desired =
    max === undefined
      ? intValue(spec['minAvailable'], expected)
      : Math.max(0, expected - intValue(max, expected));
  return {
    observedGeneration: pdb.metadata.generation ?? 1,
    expectedPods: expected,
    currentHealthy: healthy,
    desiredHealthy: desired,
    disruptionsAllowed: Math.max(0, healthy - desired),
    ...(Object.keys(disrupted).length > 0 ? { disruptedPods: disrupted } : {}),
  };
}

/** The disruption controller: every budget's status, written when it changed. */
export class DisruptionController {
  private readonly ctx: SimContext;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
  }

  tick(): void {
    for (const pdb of this.ctx.store.list('PodDisruptionBudget')) {
      const status = budgetStatus(this.ctx, pdb);
      if (JSON.stringify(statusOf(pdb)) === JSON.stringify(status)) continue;
      this.ctx.store.updateStatus({ ...pdb, status }, DISRUPTION_CONTROLLER);
    }
  }

  /** The eviction API for one pod, as `actor` (kubectl drain) calls it. */
  evict(pod: KubeObject, actor: string): EvictionResult {
    const phase = statusOf(pod)['phase'];
    if (
      pod.metadata.deletionTimestamp !== undefined ||
      ['Pending', 'Succeeded', 'Failed'].includes(String(phase))
    )
      return this.remove(pod, actor);
    const budgets = this.ctx.store
      .list('PodDisruptionBudget', pod.metadata.namespace ?? '')
      .filter((b) => matches(specOf(b)['selector'] as Selector | undefined, pod.metadata.labels));
    if (budgets.length > 1)
      return {
        code: 500,
        message:
          'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      };
    const [pdb] = budgets;
    if (!pdb) return this.remove(pod, actor);
    const st = statusOf(pdb) as unknown as Partial<BudgetStatus>;
    if ((st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1))
      return {
        code: 429,
        message:
          "Cannot evict pod as it would violate the pod's disruption budget: not yet observed by the disruption controller.",
      };
    const healthyEnough =
      (st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0) && (st.desiredHealthy ?? 0) > 0;
    if (!hasCondition(pod, 'Ready') && healthyEnough) return this.remove(pod, actor);
    if ((st.disruptionsAllowed ?? 0) <= 0)
      return {
        code: 429,
        message: `Cannot evict pod as it would violate the pod's disruption budget (${pdb.metadata.name}).`,
      };
    const disruptedPods = { ...st.disruptedPods, [pod.metadata.name]: this.ctx.clock.iso() };
    this.ctx.store.updateStatus(
      { ...pdb, status: { ...st, disruptionsAllowed: (st.disruptionsAllowed ?? 1) - 1, disruptedPods } },
      actor,
    );
    return this.remove(pod, actor);
  }

  private remove(pod: KubeObject, actor: string): EvictionResult {
    this.ctx.store.delete(refOf(pod), { actor, uid: pod.metadata.uid ?? '' });
    return { code: 200, message: 'evicted' };
  }
}
