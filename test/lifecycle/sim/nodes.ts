/**
 * The node lifecycle controller's taint-based eviction, for nodes a scenario lost (`lostNodes`):
 * - the node is found unreachable after the monitor grace period (kube-controller-manager
 *   `--node-monitor-grace-period`, 50 s: docs
 *   `content/en/docs/reference/command-line-tools-reference/kube-controller-manager.md`) and tainted
 *   `node.kubernetes.io/unreachable:NoExecute`;
 * - each pod on it is evicted once its toleration of that taint runs out: the DefaultTolerationSeconds
 *   admission plugin gives every pod that does not tolerate it already 300 s; a toleration without
 *   `tolerationSeconds` keeps the pod bound for good. The pod gets the `DisruptionTarget` condition
 *   (reason `DeletionByTaintManager`), then a graceful delete;
 * - nobody answers on the lost node, so the pod stays Terminating until the node returns (the kubelet
 *   then finishes it); a StatefulSet makes no replacement meanwhile (at most one pod per identity).
 * Kubernetes docs `content/en/docs/concepts/scheduling-eviction/taint-and-toleration.md` ("Taint
 * based Evictions"), `content/en/docs/concepts/workloads/pods/disruptions.md` ("Pod disruption
 * conditions"), `content/en/docs/reference/access-authn-authz/admission-controllers.md`
 * ("DefaultTolerationSeconds").
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { refOf } from '../emulator';
import { conditionsOf, setCondition, specOf, statusOf, type SimContext } from './context';
import { nodeOf } from './kubelet';

export const TAINT_EVICTION_CONTROLLER = 'taint-eviction-controller';
export const NODE_MONITOR_GRACE_SECONDS = 50;
export const DEFAULT_TOLERATION_SECONDS = 300;
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

interface Toleration {
  key?: string;
  operator?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** How long the pod stays bound to an unreachable node: undefined for ever. */
export function tolerationSeconds(pod: KubeObject): number | undefined {
  const own = ((specOf(pod)['tolerations'] ?? []) as Toleration[]).find(
    (t) =>
      (t.key === UNREACHABLE_TAINT || (t.key === undefined && t.operator === 'Exists')) &&
      (t.effect === undefined || t.effect === 'NoExecute'),
  );
  if (!own) return DEFAULT_TOLERATION_SECONDS;
  return own.tolerationSeconds;
}

export class NodeLifecycle {
  /** When each lost node stopped answering (seen by this controller). */
  private readonly lostAt = new Map<string, number>();

  private readonly ctx: SimContext;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
  }

  tick(): void {
    for (const node of [...this.lostAt.keys()]) if (!this.ctx.lostNodes.has(node)) this.lostAt.delete(node);
    for (const node of this.ctx.lostNodes)
      if (!this.lostAt.has(node)) this.lostAt.set(node, this.ctx.clock.now);
    for (const pod of this.ctx.store.list('Pod')) {
      const due = this.evictionTime(pod);
      if (due === undefined || this.ctx.clock.now < due) continue;
      const now = this.ctx.clock.iso();
      const conditions = setCondition(conditionsOf(pod), 'DisruptionTarget', 'True', now).map((c) =>
        c.type === 'DisruptionTarget'
          ? {
              ...c,
              reason: 'DeletionByTaintManager',
              message: 'Taint manager: deleting due to NoExecute taint',
            }
          : c,
      );
      const marked = this.ctx.store.updateStatus(
        { ...pod, status: { ...statusOf(pod), conditions } },
        TAINT_EVICTION_CONTROLLER,
      );
      this.ctx.store.delete(refOf(marked), {
        actor: TAINT_EVICTION_CONTROLLER,
        uid: marked.metadata.uid ?? '',
      });
      this.ctx.trace(`nodes: evicted ${pod.metadata.name} from unreachable ${nodeOf(pod)}`);
    }
  }

  /** When the pod is evicted from its lost node, if it is on one and not deleted already. */
  private evictionTime(pod: KubeObject): number | undefined {
    const lost = this.lostAt.get(nodeOf(pod));
    const seconds = tolerationSeconds(pod);
    if (lost === undefined || seconds === undefined || pod.metadata.deletionTimestamp !== undefined)
      return undefined;
    return lost + NODE_MONITOR_GRACE_SECONDS + seconds;
  }

  nextTimer(): number | undefined {
    const times = this.ctx.store
      .list('Pod')
      .map((p) => this.evictionTime(p))
      .filter((t) => t !== undefined);
    return times.length > 0 ? Math.min(...times) : undefined;
  }
}
