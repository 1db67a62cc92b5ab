/**
 * The fleet half of the fleet benchmark (fleet.ts): N PostgresClusters as Metacontroller v4.17.2
 * serves them, on simulated time, with the per-sync costs measured on the real hooks
 * (fleet-sample.ts). What wakes a cluster, and what one sync asks of the API server, follow the
 * sources:
 *
 * - Patroni renews the leader lock on its Endpoints every `loop_wait` (ha.py `Ha.update_lock`,
 *   kubernetes.py `Kubernetes._update_leader`), and each member patches its Pod's `status` annotation
 *   when it changed, which under writes it does every loop (kubernetes.py `Kubernetes.touch_member`,
 *   the `xlog_location` moves); both are related objects of the cluster, so each is a sync
 *   (customize/manager.go `onRelatedUpdate`). Members' loops are not aligned: random phases.
 * - The parent informer's resync queues every parent at once each `resyncPeriodSeconds`
 *   (composite/controller.go `Start`, `AddEventHandlerWithResyncPeriod`).
 * - The customize hook is called again when its cached answer is 20 minutes old or the generation
 *   changed (common/customize/manager.go `newResponseCache`, `getCustomizeHookResponse`).
 * - `--workers` goroutines take keys from one work queue (fleet-queue.ts `WorkQueue`).
 * - One sync: the parent comes from the informer cache (common.go `GetObject`: no request); the
 *   finalizer is already there (finalizer.go `SyncObject`: no request); customize and sync hook calls;
 *   children written by `ManageChildren` (one server-side apply per changed child, none for an
 *   unchanged one: manage_children.go `ServerSideApply.Apply`, `isCacheInvalid`); then
 *   `updateParentStatus` → clientset.go `AtomicStatusUpdate`: an uncached GET of the parent, always,
 *   and an UpdateStatus only when the status differs. Every request goes through the one client-side
 *   token bucket (fleet-queue.ts `TokenBucket`).
 * The hook service: `replicas` single-threaded Node processes behind a Service that picks one at
 * random per connection (kube-proxy); a call takes its measured CPU on the chosen replica, in turn.
 */
import { EventHeap, quantile, rng, TokenBucket, WorkQueue, type Timed } from './fleet-queue';
import type { ClassCounts, Costs, FleetConfig, FleetResult } from './fleet-types';

export type { ClassCounts, Costs, FleetConfig, FleetResult } from './fleet-types';

export const CUSTOMIZE_TTL_SECONDS = 20 * 60;

type Op = { hook: number } | { api: 'read' | 'apply' | 'status'; marks?: 'edit' | 'failover' };
interface Run {
  c: number;
  ops: Op[];
  i: number;
}
type Body = { kind: 'wake'; c: number; every?: number } | { kind: 'resync' } | { kind: 'step'; run: Run };
type Ev = Timed & Body;

interface Pending {
  editAt?: number;
  fail?: { at: number; readyAt: number; writesLeft: number; done: boolean };
}

const zero = (): ClassCounts => ({
  clusterSeconds: 0,
  syncs: 0,
  hookCalls: 0,
  hookCpuMicros: 0,
  apiReads: 0,
  apiWrites: 0,
  statusWrites: 0,
});

export class FleetSim {
  private readonly heap = new EventHeap<Ev>();
  private readonly queue = new WorkQueue();
  private readonly bucket: TokenBucket;
  private readonly random: () => number;
  private readonly busy: boolean[];
  private readonly probe = new Set<number>();
  private readonly pending = new Map<number, Pending>();
  private readonly lastCustomize: number[];
  private readonly hookFree: number[];
  private freeWorkers: number;
  private seq = 0;
  private now = 0;
  readonly result: FleetResult;
  private readonly cfg: FleetConfig;
  private readonly costs: Costs;

  constructor(cfg: FleetConfig, costs: Costs) {
    this.cfg = cfg;
    this.costs = costs;
    this.random = rng(cfg.seed);
    this.bucket = new TokenBucket(cfg.qps, cfg.burst);
    this.freeWorkers = cfg.workers;
    this.hookFree = new Array<number>(cfg.hookReplicas).fill(0);
    this.busy = Array.from(
      { length: cfg.clusters },
      (_, i) => i < Math.round(cfg.clusters * cfg.busyFraction),
    );
    // Customize answers were cached at some point of the last 20 minutes before the run.
    this.lastCustomize = this.busy.map(() => -this.random() * CUSTOMIZE_TTL_SECONDS);
    const measured = cfg.seconds - cfg.warmupSeconds;
    this.result = {
      seconds: measured,
      idle: zero(),
      busy: zero(),
      hookCpuMicros: 0,
      apiRequests: 0,
      maxQueue: 0,
      edits: [],
      failovers: [],
      storm: [],
    };
  }

  private at(t: number, e: Body): void {
    this.heap.push({ ...e, t, seq: this.seq++ });
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)] as T;
  }

  private measuring(): boolean {
    return this.now >= this.cfg.warmupSeconds;
  }

  private counts(c: number): ClassCounts | undefined {
    if (!this.measuring() || this.probe.has(c)) return undefined;
    return this.busy[c] ? this.result.busy : this.result.idle;
  }

  /** Every event source, the probes (edits, failovers, the storm), then the events in time order. */
  run(): FleetResult {
    const { cfg } = this;
    const loop = cfg.loopWaitSeconds;
    for (let c = 0; c < cfg.clusters; c++) {
      if (cfg.watchLeaderEndpoints) this.at(this.random() * loop, { kind: 'wake', c, every: loop });
      if (!this.busy[c]) continue;
      for (let m = 0; m < cfg.members; m++) this.at(this.random() * loop, { kind: 'wake', c, every: loop });
    }
    if (cfg.resyncPeriodSeconds > 0) this.at(cfg.resyncPeriodSeconds, { kind: 'resync' });
    this.scheduleProbes();
    while (this.heap.size > 0) {
      const e = this.heap.pop();
      if (e === undefined) break;
      if (e.t > cfg.seconds) break;
      this.now = e.t;
      this.handle(e);
    }
    for (const k of ['idle', 'busy'] as const) {
      const n = this.busy.filter((b, c) => b === (k === 'busy') && !this.probe.has(c)).length;
      this.result[k].clusterSeconds = n * this.result.seconds;
    }
    return this.result;
  }

  private handle(e: Ev): void {
    if (e.kind === 'wake') {
      this.queue.add(e.c);
      if (e.every !== undefined) this.at(this.now + e.every, e);
    } else if (e.kind === 'resync') {
      for (let c = 0; c < this.cfg.clusters; c++) this.queue.add(c);
      this.at(this.now + this.cfg.resyncPeriodSeconds, e);
    } else {
      this.step(e.run);
      return;
    }
    this.result.maxQueue = Math.max(this.result.maxQueue, this.queue.length);
    this.dispatch();
  }

  private scheduleProbes(): void {
    const { cfg } = this;
    const span = cfg.seconds - cfg.warmupSeconds - 120;
    const fresh = (): number => {
      for (;;) {
        const c = Math.floor(this.random() * cfg.clusters);
        if (!this.probe.has(c)) return c;
      }
    };
    for (let i = 0; i < cfg.edits; i++) this.editAt(fresh(), cfg.warmupSeconds + this.random() * span);
    for (let i = 0; i < cfg.failovers; i++) this.failAt(fresh(), cfg.warmupSeconds + this.random() * span);
    const storm = Math.round((cfg.stormFraction ?? 0) * cfg.clusters);
    for (let i = 0; i < storm; i++) this.failAt(fresh(), cfg.stormAt ?? cfg.warmupSeconds, true);
  }

  private editAt(c: number, t: number): void {
    this.probe.add(c);
    this.pending.set(c, { editAt: t });
    this.editStart.set(c, t);
    this.at(t, { kind: 'wake', c });
  }

  /** A primary fails at `t`: its cluster's objects change at the sampled offsets after it. */
  private failAt(c: number, t: number, storm = false): void {
    this.probe.add(c);
    const s = this.pick(this.costs.failovers);
    const fail = { at: t, readyAt: t + s.patroniSeconds, writesLeft: Math.max(0, s.writes - 1), done: false };
    this.pending.set(c, { fail });
    if (storm) this.stormClusters.add(c);
    for (const off of s.wakeOffsets) this.at(t + off, { kind: 'wake', c });
  }

  private readonly stormClusters = new Set<number>();

  private dispatch(): void {
    while (this.freeWorkers > 0 && this.queue.length > 0) {
      const c = this.queue.get();
      if (c === undefined) return;
      this.freeWorkers--;
      this.step({ c, ops: this.plan(c), i: 0 });
    }
  }

  /** What one sync of cluster `c`, starting now, asks of the hook service and the API server. */
  private plan(c: number): Op[] {
    const ops: Op[] = [];
    const p = this.pending.get(c);
    const edit = p?.editAt !== undefined && p.editAt <= this.now;
    if (edit || this.now - (this.lastCustomize[c] ?? 0) >= CUSTOMIZE_TTL_SECONDS) {
      this.lastCustomize[c] = this.now;
      ops.push({ hook: this.pick(this.costs.customizeCpuMicros) });
    }
    const cls = this.busy[c] ? 'busy' : 'idle';
    ops.push({ hook: this.pick(this.costs.syncCpuMicros[cls]) });
    let status = this.random() < this.costs.statusWritesPerSync[cls];
    if (edit) {
      delete p.editAt;
      const applies = Math.max(1, this.costs.edit.writes - 1);
      for (let i = 1; i < applies; i++) ops.push({ api: 'apply' });
      ops.push({ api: 'apply', marks: 'edit' });
      status = true;
    } else if (this.random() < this.costs.childWritesPerSync[cls]) ops.push({ api: 'apply' });
    const f = p?.fail;
    let marks: 'failover' | undefined;
    if (f && !f.done && this.now >= f.readyAt) [f.done, status, marks] = [true, true, 'failover'];
    else if (f?.done === true && f.writesLeft > 0) [f.writesLeft, status] = [f.writesLeft - 1, true];
    ops.push({ api: 'read' });
    if (status) ops.push({ api: 'status', ...(marks ? { marks } : {}) });
    return ops;
  }

  /** Finishes the previous op of the run (its marks are timed now) and starts the next. */
  private step(run: Run): void {
    const prev = run.ops[run.i - 1];
    if (prev && 'api' in prev && prev.marks !== undefined) this.mark(run.c, prev.marks);
    const op = run.ops[run.i];
    if (op === undefined) {
      this.queue.done(run.c);
      this.freeWorkers++;
      this.dispatch();
      return;
    }
    run.i++;
    const k = this.counts(run.c);
    if ('hook' in op) {
      const r = Math.floor(this.random() * this.hookFree.length);
      const half = this.cfg.hookRttMs / 2000;
      const end = Math.max(this.now + half, this.hookFree[r] ?? 0) + op.hook / 1e6;
      this.hookFree[r] = end;
      if (this.measuring()) this.result.hookCpuMicros += op.hook;
      if (k) [k.hookCalls, k.hookCpuMicros] = [k.hookCalls + 1, k.hookCpuMicros + op.hook];
      this.at(end + half, { kind: 'step', run });
      return;
    }
    if (this.measuring()) this.result.apiRequests++;
    if (k) countApi(k, op.api);
    this.at(this.bucket.reserve(this.now) + this.cfg.apiLatencyMs / 1000, { kind: 'step', run });
  }

  private mark(c: number, what: 'edit' | 'failover'): void {
    const p = this.pending.get(c);
    if (what === 'edit') {
      const t = this.editStart.get(c);
      if (t !== undefined) this.result.edits.push(this.now - t);
      return;
    }
    const f = p?.fail;
    if (!f) return;
    (this.stormClusters.has(c) ? this.result.storm : this.result.failovers).push(this.now - f.at);
  }

  private readonly editStart = new Map<number, number>();
}

/** One uncached GET per sync (AtomicStatusUpdate), so reads count the syncs too. */
function countApi(k: ClassCounts, api: 'read' | 'apply' | 'status'): void {
  if (api === 'read') {
    k.apiReads++;
    k.syncs++;
    return;
  }
  k.apiWrites++;
  if (api === 'status') k.statusWrites++;
}

export { quantile };
