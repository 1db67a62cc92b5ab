/**
 * A small given/when/then language for lifecycle scenarios over the emulator and the simulation.
 *
 *   const world = useLifecycle();
 *   it('...', async () => {
 *     const s = world.scenario();
 *     await s.given.cluster({ version: '16', replicas: 3, storage: { size: '10Gi' } });
 *     s.when.podDeleted(0);
 *     await s.settle();
 *     s.then.phase('Running');
 *     await s.then.steadyState();
 *   });
 *
 * The emulated Metacontroller runs the postgrescluster and postgresbackup CompositeControllers
 * against the one store and clock (backups.ts has the PostgresBackup steps and assertions).
 *
 * One `step()` advances the clock by a tick, runs one pass of the simulation and syncs every parent
 * (of every controller) that has an event. `settle()` steps until a step changes nothing and a
 * forced sync of every parent changes nothing either (and no timer Patroni or a Job waits on is
 * pending); it fails with the trace when that does not happen within a bound. After every sync the
 * invariants of invariants.ts are checked.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { ClusterSim, SCENARIO_ACTOR } from './cluster-sim';
import { Metacontroller, loadCompositeController, type SyncRecord } from './emulator';
import { syncViolations } from './invariants';
import { KUBERNETES_RULES } from './lib/apiserver-rules';
import { SimClock } from './lib/clock';
import { HookServer } from './lib/hook-server';
import { canonicalJson, deepEqual, mergePatch, type JsonObject } from './lib/json';
import { ApiStore, type ChangeRecord } from './lib/store';
import type { PatroniEvent } from './sim/patroni';

export const USER = 'user';
/** The CompositeControllers a scenario runs, in the order a step syncs their parents. */
export const CONTROLLERS = ['postgrescluster', 'postgresbackup'] as const;
const TRACE_TAIL = 80;

export interface ScenarioOptions {
  name?: string;
  namespace?: string;
  /** Simulated seconds per step. */
  tickSeconds?: number;
  /** Steps `settle()` may take before it reports a loop that does not settle. */
  maxSteps?: number;
}

export class ScenarioError extends Error {}

export class Scenario {
  readonly clock = new SimClock();
  readonly store: ApiStore;
  readonly sim: ClusterSim;
  readonly mc: Metacontroller;
  readonly name: string;
  readonly namespace: string;
  readonly traceLines: string[] = [];
  readonly given: Given;
  readonly when: When;
  readonly then: Then;
  /** Index into the history where the last `when` happened, so `then` can look at what followed. */
  mark = 0;
  /** Simulated time of the last `when`. */
  markAt = 0;
  private checkedSyncs = 0;
  private readonly finalBackups = new Map<string, { phase: string; backupName: string | undefined }>();
  private readonly tick: number;
  private readonly maxSteps: number;

  readonly hooks: HookServer;

  constructor(hooks: HookServer, o: ScenarioOptions = {}) {
    this.hooks = hooks;
    this.name = o.name ?? 'orders';
    this.namespace = o.namespace ?? 'shop';
    this.tick = o.tickSeconds ?? 5;
    this.maxSteps = o.maxSteps ?? 200;
    hooks.now = () => this.clock.iso();
    this.store = new ApiStore(this.clock, KUBERNETES_RULES);
    this.store.onChange = (c) => {
      this.trace(describeChange(c));
    };
    const trace = (line: string): void => {
      this.trace(line);
    };
    this.sim = new ClusterSim({ store: this.store, clock: this.clock, trace });
    this.mc = new Metacontroller({
      store: this.store,
      hooks,
      clock: this.clock,
      controllers: CONTROLLERS.map((name) => loadCompositeController(name)),
      trace,
    });
    this.given = new Given(this);
    this.when = new When(this);
    this.then = new Then(this);
    this.store.create(
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name: 'standard',
          annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
        },
        provisioner: 'rancher.io/local-path',
        allowVolumeExpansion: true,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
      },
      USER,
    );
  }

  trace(line: string): void {
    this.traceLines.push(`[t=${this.clock.now}s] ${line}`);
  }

  /** The last lines of the trace, for failure messages. */
  traceTail(n = TRACE_TAIL): string {
    return this.traceLines.slice(-n).join('\n');
  }

  fail(message: string): never {
    throw new ScenarioError(`${message}\n--- trace (last ${TRACE_TAIL} lines) ---\n${this.traceTail()}`);
  }

  get parentRef(): { kind: string; namespace: string; name: string } {
    return { kind: 'PostgresCluster', namespace: this.namespace, name: this.name };
  }

  parent(): KubeObject | undefined {
    return this.store.get(this.parentRef);
  }

  /** One tick: the simulation's pass, then a sync of every parent with an event. */
  async step(o: { force?: boolean } = {}): Promise<void> {
    this.clock.advance(this.tick);
    this.sim.tick();
    await this.mc.syncDue(o);
    this.afterStep();
  }

  private afterStep(): void {
    for (const r of this.mc.history.filter((h) => h.seq > this.checkedSyncs)) {
      this.checkedSyncs = r.seq;
      const problems = syncViolations(r, {
        splitBrainPossible: this.sim.ctx.lostNodes.size > 0,
        finalBackups: this.finalBackups,
      });
      if (problems.length > 0)
        this.fail(`invariant violated in sync #${r.seq} at t=${r.at}s: ${problems.join('; ')}`);
    }
  }

  /**
   * Steps until nothing changes any more; returns the number of steps. When all is quiet but a timer
   * is pending (a Job's wait timing out, a lapsing leader lock), the clock jumps to it: a program that
   * waits 30 minutes for something that never comes is a stall to see, not a state to settle in.
   */
  async settle(o: { maxSteps?: number } = {}): Promise<number> {
    const max = o.maxSteps ?? this.maxSteps;
    for (let i = 1; i <= max; i++) {
      const before = this.store.revision;
      await this.step();
      if (this.store.revision !== before) continue;
      await this.mc.syncDue({ force: true });
      this.afterStep();
      if (this.store.revision !== before) continue;
      const timer = this.sim.nextTimer();
      if (timer === undefined) return i;
      if (timer > this.clock.now + this.tick) {
        this.trace(`settle: quiet, jumping ${timer - this.clock.now - this.tick}s to the next timer`);
        this.clock.advance(timer - this.clock.now - this.tick);
      }
    }
    return this.fail(
      `did not settle within ${max} steps (${max * this.tick}s): a hot loop or a stuck rollout`,
    );
  }

  /** Syncs of this scenario's cluster (or of the named parent of `controller`) since the last `when`. */
  syncsSinceMark(o: { controller?: string; name?: string } = {}): SyncRecord[] {
    const controller = o.controller ?? 'postgrescluster';
    const parent = `${this.namespace}/${o.name ?? this.name}`;
    return this.mc.history.filter(
      (r) => r.seq > this.mark && r.controller === controller && r.parent === parent,
    );
  }

  markNow(): void {
    this.mark = this.mc.history.at(-1)?.seq ?? 0;
    this.markAt = this.clock.now;
  }
}

function describeChange(c: ChangeRecord): string {
  const paths = c.paths && c.paths.length > 0 ? ` (${c.paths.join(', ')})` : '';
  return `store: ${c.verb} ${c.kind} ${c.namespace}/${c.name} by ${c.actor}${paths}`;
}

/** Starting points. */
export class Given {
  private readonly s: Scenario;

  constructor(s: Scenario) {
    this.s = s;
  }

  /** A PostgresCluster with this spec, created and settled (normally Running). */
  async cluster(spec: JsonObject, o: { settle?: boolean } = {}): Promise<void> {
    this.s.store.create(
      {
        apiVersion: 'pgmeta.io/v1alpha1',
        kind: 'PostgresCluster',
        metadata: { name: this.s.name, namespace: this.s.namespace },
        spec,
      },
      USER,
    );
    this.s.trace(`given: cluster ${this.s.namespace}/${this.s.name} ${JSON.stringify(spec)}`);
    if (o.settle !== false) await this.s.settle();
  }

  /** A user's Secret in the scenario's namespace (values base64-encoded into `data`, as kubectl does). */
  secret(name: string, values: Record<string, string>): void {
    this.s.store.create(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: this.s.namespace },
        data: Object.fromEntries(
          Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
      },
      USER,
    );
    this.s.trace(`given: secret ${this.s.namespace}/${name} with keys ${Object.keys(values).join(', ')}`);
  }

  /** A StorageClass (cluster-scoped). */
  storageClass(name: string, o: { allowVolumeExpansion: boolean; isDefault?: boolean }): void {
    this.s.store.create(
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name,
          ...(o.isDefault === true
            ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }
            : {}),
        },
        provisioner: 'example.com/csi',
        allowVolumeExpansion: o.allowVolumeExpansion,
      },
      USER,
    );
  }
}

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

  /** `kubectl delete postgrescluster`. */
  clusterDeleted(): void {
    this.event('cluster deleted');
    this.s.store.delete(this.s.parentRef, { actor: USER });
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
    const api = this.s.sim.patroni.api(this.s.namespace, this.s.name);
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

interface StatusView {
  phase?: string;
  primary?: string;
  replicas?: number;
  readyReplicas?: number;
  observedGeneration?: number;
  conditions?: {
    type: string;
    status: string;
    reason?: string;
    message?: string;
    lastTransitionTime?: string;
  }[];
  members?: {
    name: string;
    role?: string;
    state?: string;
    ready?: boolean;
    timeline?: number;
    pendingRestart?: boolean;
  }[];
  [k: string]: unknown;
}

/** Data-bearing objects a user would lose data or access with: never deleted unless asked for. */
export interface DeletionAllowance {
  /** PVC names whose deletion the spec asked for (e.g. whenScaled Delete). */
  pvcs?: readonly string[];
  /** The cluster was deleted: the garbage collector may remove its children (and PVCs under Delete). */
  afterClusterDeletion?: boolean;
}

/** Assertions. Each failure message carries the end of the trace. */
export class Then {
  private readonly s: Scenario;

  constructor(s: Scenario) {
    this.s = s;
  }

  status(): StatusView {
    return (this.s.parent()?.['status'] ?? {}) as StatusView;
  }

  phase(expected: string): void {
    const st = this.status();
    if (st.phase !== expected) {
      const ready = st.conditions?.find((c) => c.type === 'Ready');
      this.s.fail(
        `phase is ${String(st.phase)} (${ready?.reason ?? '-'}: ${ready?.message ?? '-'}), expected ${expected}`,
      );
    }
  }

  /** The distinct phases the hook reported, in order, since the last `when`. */
  phasesSinceEvent(): string[] {
    const out: string[] = [];
    for (const r of this.s.syncsSinceMark()) {
      const p = r.status?.['phase'];
      if (typeof p === 'string' && out.at(-1) !== p) out.push(p);
    }
    return out;
  }

  /** The phases since the last `when` contain `expected` in this order (other phases may sit between). */
  phaseSequence(expected: readonly string[]): void {
    const seen = this.phasesSinceEvent();
    let i = 0;
    for (const p of seen) if (p === expected[i]) i++;
    if (i < expected.length)
      this.s.fail(
        `phases since the event were ${seen.join(' → ')}, expected ${expected.join(' → ')} in order`,
      );
  }

  condition(type: string, expected: { status: string; reason?: string }): { message?: string } {
    const c = this.status().conditions?.find((x) => x.type === type);
    if (c?.status !== expected.status || (expected.reason !== undefined && c.reason !== expected.reason)) {
      this.s.fail(`condition ${type} is ${JSON.stringify(c)}, expected ${JSON.stringify(expected)}`);
    }
    return c;
  }

  primary(expected: string): void {
    const p = this.status().primary;
    if (p !== expected) this.s.fail(`status.primary is ${String(p)}, expected ${expected}`);
  }

  /** Pods of the cluster that exist (not terminating), by name. */
  podNames(): string[] {
    return this.s.store
      .list('Pod', this.s.namespace)
      .filter(
        (p) =>
          p.metadata.labels?.['pgmeta.io/cluster'] === this.s.name &&
          p.metadata.labels['app.kubernetes.io/component'] === 'database',
      )
      .filter((p) => p.metadata.deletionTimestamp === undefined)
      .map((p) => p.metadata.name);
  }

  pvcNames(): string[] {
    return this.s.store
      .list('PersistentVolumeClaim', this.s.namespace)
      .filter((p) => p.metadata.labels?.['pgmeta.io/cluster'] === this.s.name)
      .map((p) => p.metadata.name);
  }

  /** Member pods deleted since the last `when`: by whom, and their role label at that moment. */
  podDeletions(): { name: string; by: string; role: string | undefined; at: number }[] {
    return this.s.store.log
      .filter(
        (c) =>
          c.kind === 'Pod' &&
          c.verb === 'terminate' &&
          c.at >= this.s.markAt &&
          c.labels['pgmeta.io/cluster'] === this.s.name &&
          c.labels['app.kubernetes.io/component'] === 'database',
      )
      .map((c) => ({ name: c.name, by: c.actor, role: c.labels['spilo-role'], at: c.at }));
  }

  /** What Patroni did since the last `when` (restarts, switchovers, failovers, PATCH /config). */
  patroniEvents(type?: PatroniEvent['type']): PatroniEvent[] {
    return this.s.sim.patroni.events.filter(
      (e) => e.at >= this.s.markAt && (type === undefined || e.type === type),
    );
  }

  /** The fewest ready members any sync saw since the last `when`. */
  fewestReadySinceEvent(): number {
    const counts = this.s.syncsSinceMark().map((r) => r.pods.filter((p) => p.ready && !p.terminating).length);
    return Math.min(...counts);
  }

  /** The value PostgreSQL on `member` runs with (what Patroni started it with). */
  runningParameter(member: string, name: string): string | undefined {
    return this.s.sim.patroni.member(this.s.namespace, { scope: this.s.name, member })?.running[name];
  }

  /** Nothing that holds data or credentials was deleted (see DeletionAllowance for the exceptions). */
  noDataBearingObjectDeleted(allow: DeletionAllowance = {}): void {
    const n = this.s.name;
    const guarded = (c: ChangeRecord): boolean =>
      (c.kind === 'StatefulSet' && c.name === n) ||
      (c.kind === 'Service' && c.name === n) ||
      (c.kind === 'Secret' && [`${n}-superuser`, `${n}-replication`, `${n}-app`].includes(c.name)) ||
      (c.kind === 'PersistentVolumeClaim' && c.labels['pgmeta.io/cluster'] === n);
    const deletedAt = this.s.store.log.find(
      (c) => c.kind === 'PostgresCluster' && c.name === n && c.verb === 'terminate',
    )?.at;
    const bad = this.s.store.log.filter((c) => {
      if ((c.verb !== 'terminate' && c.verb !== 'delete') || c.namespace !== this.s.namespace || !guarded(c))
        return false;
      if (c.kind === 'PersistentVolumeClaim' && allow.pvcs?.includes(c.name)) return false;
      const byGc = c.actor === 'garbage-collector' || c.actor === 'kubelet';
      return !(allow.afterClusterDeletion === true && deletedAt !== undefined && c.at >= deletedAt && byGc);
    });
    if (bad.length > 0) this.s.fail(`data-bearing objects deleted:\n${bad.map(describeChange).join('\n')}`);
  }

  /** No SyncError, no contract problem (pruned status fields, AlreadyExists, rejected writes). */
  noErrors(): void {
    if (this.s.mc.errors.length > 0) this.s.fail(`sync errors:\n${this.s.mc.errors.join('\n')}`);
    if (this.s.mc.problems.length > 0) this.s.fail(`contract problems:\n${this.s.mc.problems.join('\n')}`);
  }

  /**
   * Converged means quiet: `rounds` more resync periods (every parent synced each time, the
   * simulation running) change no object at all: no child, no status field, no pod.
   */
  async steadyState(rounds = 3): Promise<void> {
    this.noErrors();
    const before = this.s.store.revision;
    const from = this.s.store.log.length;
    for (let i = 0; i < rounds; i++) {
      this.s.clock.advance(30);
      await this.s.step({ force: true });
    }
    const changes = this.s.store.log.slice(from);
    if (this.s.store.revision !== before || changes.length > 0) {
      this.s.fail(
        `not steady: ${changes.length} change(s) after convergence:\n${changes.map(describeChange).join('\n')}`,
      );
    }
    this.noErrors();
  }

  /**
   * What pgmeta controls, to compare with `unchangedSince`: each child without its status (which
   * the cluster's controllers write), each member pod's identity, and (unless `childrenOnly`) the
   * cluster's status.
   */
  snapshot(o: { childrenOnly?: boolean } = {}): Map<string, unknown> {
    const out = new Map<string, unknown>();
    const parent = this.s.parent();
    if (o.childrenOnly !== true) out.set('status', parent?.['status']);
    for (const name of this.podNames()) {
      out.set(
        `Pod/${name}`,
        this.s.store.get({ kind: 'Pod', namespace: this.s.namespace, name })?.metadata.uid,
      );
    }
    for (const obj of this.s.store.all()) {
      if (!obj.metadata.ownerReferences?.some((r) => r.uid === parent?.metadata.uid)) continue;
      const { status: _status, ...rest } = obj;
      const { resourceVersion: _rv, ...metadata } = obj.metadata;
      out.set(`${obj.kind}/${obj.metadata.name}`, canonicalJson({ ...rest, metadata }));
    }
    return out;
  }

  /** No child changed, no member pod was replaced, and (unless the snapshot left it out) the status is the same. */
  unchangedSince(snap: Map<string, unknown>): void {
    const now = this.snapshot({ childrenOnly: !snap.has('status') });
    const keys = new Set([...snap.keys(), ...now.keys()]);
    const diff = [...keys].filter((k) => !deepEqual(snap.get(k), now.get(k)));
    if (diff.length > 0) this.s.fail(`changed since the snapshot: ${diff.join(', ')}`);
  }
}

/**
 * Jest wiring: one hook server per test file (started before, stopped after), a fresh scenario per
 * call. Scenario files call this at the top level of a `describe`.
 */
export function useLifecycle(): { scenario(o?: ScenarioOptions): Scenario } {
  const hooks = new HookServer();
  beforeAll(async () => {
    await hooks.start();
  });
  afterAll(async () => {
    await hooks.stop();
  });
  return { scenario: (o) => new Scenario(hooks, o) };
}

export { SCENARIO_ACTOR };
