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
 * invariants of invariants.ts are checked, and after every step that no running operation Job was
 * deleted by Metacontroller.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { ClusterSim, SCENARIO_ACTOR } from './cluster-sim';
import {
  Metacontroller,
  loadCompositeController,
  loadDecoratorController,
  type SyncRecord,
} from './emulator';
import { runningJobsDeleted, syncViolations } from './invariants';
import { isBackground } from './effects/catalog';
import { isLeaseRenewal } from './sim/patroni-dcs';
import { KUBERNETES_RULES } from './lib/apiserver-rules';
import { SimClock } from './lib/clock';
import { HookServer } from './lib/hook-server';
import { ApiStore } from './lib/store';
import { Given, USER } from './scenario-given';
import { describeChange, Then } from './scenario-then';
import { When } from './scenario-when';

export { Given, USER } from './scenario-given';
export { Then, type DeletionAllowance } from './scenario-then';
export { When } from './scenario-when';
/** The CompositeControllers a scenario runs, in the order a step syncs their parents. */
export const CONTROLLERS = ['postgrescluster', 'postgresbackup', 'postgresrestoredrill'] as const;
const TRACE_TAIL = 80;

export interface ScenarioOptions {
  name?: string;
  namespace?: string;
  /** Simulated seconds per step. */
  tickSeconds?: number;
  /** Steps `settle()` may take before it reports a loop that does not settle. */
  maxSteps?: number;
  /** Optional kustomize components whose DecoratorControllers run too (cert-manager, prometheus, keda). */
  components?: readonly string[];
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
  private checkedChanges = 0;
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
      decorators: (o.components ?? []).map((c) => loadDecoratorController(c)),
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
    const changes = this.store.log.slice(this.checkedChanges);
    this.checkedChanges = this.store.log.length;
    const cutOff = runningJobsDeleted(changes, { finished: this.sim.jobs.finished, log: this.store.log });
    if (cutOff.length > 0) this.fail(`Metacontroller deleted running Job(s): ${cutOff.join(', ')}`);
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
    // The leader renews its lock every loop_wait (sim/patroni-dcs.ts `isLeaseRenewal`): not a change.
    const changedSince = (from: number) =>
      this.store.log.slice(from).some((c) => !isLeaseRenewal(c) && !isBackground(c));
    for (let i = 1; i <= max; i++) {
      const before = this.store.log.length;
      await this.step();
      if (changedSince(before)) continue;
      await this.mc.syncDue({ force: true });
      this.afterStep();
      if (changedSince(before)) continue;
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
