/**
 * Nodes, the scheduler's choice of one, and `kubectl cordon` / `kubectl drain`:
 *
 * - a node registers itself (a Node object) when the first pod is placed on it; the scheduler skips a
 *   node marked unschedulable (`spec.unschedulable`, which cordon sets), and a member then lands on
 *   another node (`node-<ordinal>-<n>`: the cluster's anti-affinity keeps members apart);
 * - `kubectl drain <node>` cordons the node, then asks the eviction API for each pod on it (DaemonSet
 *   pods aside), retries a refused one (429) every 5 seconds, and ends once no pod is left on the node
 *   (it waits for the evicted pods' graceful termination); a 500 ends the drain with an error.
 * Kubernetes docs: content/en/docs/tasks/administer-cluster/safely-drain-node.md ("Use kubectl drain
 * to remove a node from service": cordon, then evictions that respect PodDisruptionBudgets and wait
 * for termination; "Draining multiple nodes in parallel"), content/en/docs/concepts/scheduling-eviction/
 * api-eviction.md (429: try again later), content/en/docs/reference/kubectl/generated/kubectl_drain
 * (the command's steps). The 5-second retry is kubectl's (`kubectl drain` prints "will retry after 5s").
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { specOf, type SimContext } from './context';
import type { DisruptionController, EvictionResult } from './disruption';
import { nodeOf } from './kubelet';

export const KUBECTL = 'kubectl';
export const DRAIN_RETRY_SECONDS = 5;

export function isCordoned(node: KubeObject | undefined): boolean {
  return specOf(node ?? ({} as KubeObject))['unschedulable'] === true;
}

function nodeObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

/**
 * The node a member's new pod is placed on: `node-<ordinal>` unless it is cordoned, else the first
 * `node-<ordinal>-<n>` that is not. Registers the node on first use.
 */
export function scheduleMember(ctx: SimContext, ordinal: number): string {
  for (let n = 0; ; n++) {
    const name = n === 0 ? `node-${ordinal}` : `node-${ordinal}-${n}`;
    const node = ctx.store.get({ kind: 'Node', namespace: '', name });
    if (!node) ctx.store.create(nodeObject(name), 'kubelet');
    if (!isCordoned(node)) return name;
  }
}

/** One eviction call of a drain. */
export interface EvictionAttempt {
  at: number;
  node: string;
  pod: string;
  /** The pod's Patroni role label when it was asked for. */
  role: string | undefined;
  code: EvictionResult['code'];
}

interface Draining {
  node: string;
  retryAt: Map<string, number>;
  failed?: string;
}

export class Drains {
  readonly attempts: EvictionAttempt[] = [];
  /** Nodes whose drain ended, with the time (or the error that ended it). */
  readonly finished: { node: string; at: number; error?: string }[] = [];
  private readonly draining = new Map<string, Draining>();
  private readonly ctx: SimContext;
  private readonly api: DisruptionController;

  constructor(ctx: SimContext, api: DisruptionController) {
    this.ctx = ctx;
    this.api = api;
  }

  private setUnschedulable(node: string, value: boolean): void {
    const obj = this.ctx.store.get({ kind: 'Node', namespace: '', name: node }) ?? nodeObject(node);
    const spec = { ...specOf(obj) };
    if (value) spec['unschedulable'] = true;
    else delete spec['unschedulable'];
    if (obj.metadata.uid === undefined) this.ctx.store.create({ ...obj, spec }, KUBECTL);
    else this.ctx.store.update({ ...obj, spec }, KUBECTL);
  }

  cordon(node: string): void {
    this.setUnschedulable(node, true);
    this.ctx.trace(`kubectl: cordoned ${node}`);
  }

  uncordon(node: string): void {
    this.setUnschedulable(node, false);
    this.ctx.trace(`kubectl: uncordoned ${node}`);
  }

  /** `kubectl drain <node>`: cordon now; evictions run on every pass until the node is empty. */
  drain(node: string): void {
    this.cordon(node);
    this.draining.set(node, { node, retryAt: new Map() });
  }

  /** Drains still going on. */
  get running(): number {
    return this.draining.size;
  }

  tick(): void {
    for (const d of [...this.draining.values()]) this.step(d);
  }

  private step(d: Draining): void {
    const now = this.ctx.clock.now;
    const pods = this.ctx.store.list('Pod').filter((p) => nodeOf(p) === d.node && !daemon(p));
    if (pods.length === 0) {
      this.draining.delete(d.node);
      this.finished.push({ node: d.node, at: now });
      this.ctx.trace(`kubectl: node ${d.node} drained`);
      return;
    }
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp !== undefined) continue; // waiting for it to terminate
      if ((d.retryAt.get(pod.metadata.name) ?? 0) > now) continue;
      const result = this.api.evict(pod, KUBECTL);
      const role = pod.metadata.labels?.['spilo-role'];
      this.attempts.push({ at: now, node: d.node, pod: pod.metadata.name, role, code: result.code });
      this.ctx.trace(
        `kubectl: evict ${pod.metadata.name} (${role ?? '-'}): ${result.code} ${result.message}`,
      );
      if (result.code === 429) d.retryAt.set(pod.metadata.name, now + DRAIN_RETRY_SECONDS);
      if (result.code === 500) {
        this.draining.delete(d.node);
        this.finished.push({ node: d.node, at: now, error: result.message });
        return;
      }
    }
  }

  /** The next retry of a refused eviction, while a drain goes on. */
  nextTimer(): number | undefined {
    const times = [...this.draining.values()].flatMap((d) => [...d.retryAt.values()]);
    return times.length > 0 ? Math.min(...times) : undefined;
  }
}

function daemon(pod: KubeObject): boolean {
  return (pod.metadata.ownerReferences ?? []).some((r) => r.kind === 'DaemonSet');
}
