/**
 * The scenario language's events (`s.when`, see scenario.ts): a user's edits and what happens to the
 * cluster (crashes, lost nodes, failing Jobs and hooks, an administrator's switchover, load).
 */
import { adminAuth } from './effects/common';
import { mergePatch, type JsonObject } from './lib/json';
import type { Scenario } from './scenario';
import { USER } from './scenario-given';

/** Events: a user's edit or what happens to the cluster. None of them settles; call `settle()`. */
export class When {
  private readonly s: Scenario;

  constructor(s: Scenario) {
    this.s = s;
  }

  private pod(ordinal: number): string {
    return `${this.s.name}-${ordinal}`;
  }

  private event(line: string): void {
    this.s.markNow();
    this.s.trace(`when: ${line}`);
  }

  /** A merge patch of the spec (`null` removes a field), as `kubectl patch --type merge` would send. */
  specEdited(patch: JsonObject): void {
    const parent = this.s.parent();
    if (!parent) this.s.fail('specEdited: the cluster does not exist');
    this.event(`spec edited ${JSON.stringify(patch)}`);
    this.s.store.update({ ...parent, spec: mergePatch(parent['spec'], patch) }, USER);
  }

  /** Annotations set (string) or removed (null) on the PostgresCluster. */
  annotated(annotations: Record<string, string | null>): void {
    const parent = this.s.parent();
    if (!parent) this.s.fail('annotated: the cluster does not exist');
    this.event(`annotated ${JSON.stringify(annotations)}`);
    const next = mergePatch(parent.metadata.annotations ?? {}, annotations) as Record<string, string>;
    this.s.store.update({ ...parent, metadata: { ...parent.metadata, annotations: next } }, USER);
  }

  /** `kubectl delete postgrescluster [--cascade=orphan|foreground]` (background by default). */
  clusterDeleted(o: { cascade?: 'background' | 'orphan' | 'foreground' } = {}): void {
    const cascade = o.cascade ?? 'background';
    this.event(`cluster deleted (--cascade=${cascade})`);
    const policy = ({ background: 'Background', orphan: 'Orphan', foreground: 'Foreground' } as const)[
      cascade
    ];
    this.s.store.delete(this.s.parentRef, { actor: USER, propagationPolicy: policy });
  }

  /** `kubectl delete <kind> <name>` of any object in the scenario's namespace. */
  deleted(kind: string, name: string): void {
    this.event(`${kind} ${name} deleted`);
    this.s.store.delete({ kind, namespace: this.s.namespace, name }, { actor: USER });
  }

  /** The database container of member `ordinal` crashes (the pod stays). */
  podKilled(ordinal: number): void {
    this.event(`container of ${this.pod(ordinal)} killed`);
    this.s.sim.killContainer(this.s.namespace, this.pod(ordinal));
  }

  /** `kubectl delete pod <cluster>-<ordinal>`. */
  podDeleted(ordinal: number): void {
    this.event(`pod ${this.pod(ordinal)} deleted`);
    this.s.sim.deletePod(this.s.namespace, this.pod(ordinal));
  }

  /** The node of member `ordinal` is lost; returns the node's name for `nodeRestored`. */
  nodeLost(ordinal: number): string {
    this.event(`node of ${this.pod(ordinal)} lost`);
    return this.s.sim.loseNodeOf(this.s.namespace, this.pod(ordinal));
  }

  /** `kubectl drain` of the node member `ordinal` runs on; returns the node's name. */
  nodeDrained(ordinal: number): string {
    const pod = this.s.store.get({ kind: 'Pod', namespace: this.s.namespace, name: this.pod(ordinal) });
    const node = String((pod?.['spec'] as { nodeName?: string } | undefined)?.nodeName);
    this.event(`kubectl drain ${node} (runs ${this.pod(ordinal)})`);
    this.s.sim.drains.drain(node);
    return node;
  }

  /** `kubectl uncordon <node>`. */
  nodeUncordoned(node: string): void {
    this.event(`kubectl uncordon ${node}`);
    this.s.sim.drains.uncordon(node);
  }

  /**
   * `kubectl rollout restart statefulset <name>`: a merge patch of the pod template's
   * `kubectl.kubernetes.io/restartedAt` annotation (kubectl's own field manager).
   */
  rolloutRestart(at: string): void {
    const ref = { kind: 'StatefulSet', namespace: this.s.namespace, name: this.s.name };
    const sts = this.s.store.get(ref);
    if (!sts) this.s.fail('rolloutRestart: no StatefulSet');
    this.event(`kubectl rollout restart statefulset ${this.s.name}`);
    const patch = {
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } },
    };
    this.s.store.update(mergePatch(sts, patch) as typeof sts, 'kubectl-rollout');
  }

  nodeRestored(node: string): void {
    this.event(`node ${node} restored`);
    this.s.sim.restoreNode(node);
  }

  /** The next Job whose name starts with `prefix` fails. */
  jobFails(prefix: string, message?: string): void {
    this.event(`next job ${prefix}* fails`);
    this.s.sim.failNextJob(prefix, message);
  }

  /** The hook service answers the next `n` calls with `status` (a crash, a bad deploy). */
  hookFails(n: number, status = 500): void {
    this.event(`the hook service answers the next ${n} call(s) with ${status}`);
    this.s.mc.failNextCalls(n, status);
  }

  /** An administrator's `patronictl switchover` (Patroni's REST API), bypassing pgmeta. */
  patroniSwitchover(candidateOrdinal: number): void {
    const api = this.s.sim.patroni
      .api(this.s.namespace, this.s.name)
      .withAuth(adminAuth(this.s.store, this.s.namespace, this.s.name));
    const leader = api.cluster().members.find((m) => m.role === 'leader')?.name;
    if (leader === undefined) this.s.fail('patroniSwitchover: no leader');
    this.event(`patronictl switchover ${leader} → ${this.pod(candidateOrdinal)}`);
    api.switchover({ leader, candidate: this.pod(candidateOrdinal) });
  }

  /** Clients write `bytes` of WAL on the primary. */
  primaryWrites(bytes: number): void {
    this.event(`clients write ${bytes} bytes`);
    this.s.sim.patroni.write(this.s.namespace, this.s.name, bytes);
  }

  /** Member `ordinal` falls `bytes` behind the primary (0: catches up). */
  replicaLags(ordinal: number, bytes: number): void {
    this.event(`${this.pod(ordinal)} lags ${bytes} bytes`);
    this.s.sim.patroni.setLag(this.s.namespace, { scope: this.s.name, member: this.pod(ordinal), bytes });
  }
}
