/**
 * The measured half of the fleet benchmark (fleet.ts): a few PostgresClusters run through the
 * lifecycle emulator's Metacontroller (test/lifecycle/emulator.ts) with the REAL hook service in this
 * process and the simulated Patroni on the Kubernetes DCS (test/lifecycle/sim/), on simulated time.
 * It measures what one sync costs and what each kind of cluster causes, per class (idle, or writing
 * continuously): the hook's CPU per call (`process.cpuUsage` around each request in the service,
 * test/lifecycle/lib/hook-server.ts), Metacontroller's writes per sync (status, children), Patroni's
 * own writes, and what a spec edit and a primary's failure set in motion. The fleet model
 * (fleet-model.ts) replays these per-sync costs for thousands of clusters.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { HookServer } from '../../test/lifecycle/lib/hook-server';
import type { ChangeRecord } from '../../test/lifecycle/lib/store';
import { METACONTROLLER } from '../../test/lifecycle/metacontroller/model';
import { Scenario } from '../../test/lifecycle/scenario';

export const NAMESPACE = 'fleet';
/** 3 members, as the fleet; everything else at its default. */
export const CLUSTER_SPEC = { version: '16', replicas: 3, storage: { size: '10Gi' } };
/** How far a healthy replica trails between two Patroni loops (as test/lifecycle/status-churn.test.ts). */
const HEALTHY_LAGS = [40_000, 250_000, 700_000, 120_000, 900_000, 5_000];

export interface SampleOptions {
  /** Clusters simulated per class. */
  clusters: number;
  /** Simulated minutes of steady state per class. */
  minutes: number;
  /** Failovers sampled (one cluster each, 1 s ticks). */
  failovers: number;
  /** False: the hook service without its answer memo (to measure that lever). */
  memo?: boolean;
}

/** What one class of clusters (idle or writing) did over the steady phase. */
export interface ClassSample {
  clusters: number;
  seconds: number;
  syncs: number;
  customizeCalls: number;
  /** Hook CPU of every sync/finalize call (µs), and of every customize call. */
  syncCpuMicros: number[];
  customizeCpuMicros: number[];
  statusWrites: number;
  childWrites: number;
  /** Patroni's own writes (leader lock renewals, member annotations): counted apart. */
  patroniWrites: number;
  leaderRenewals: number;
  podUpdates: number;
}

/** One failover: Patroni's part and what the cluster's objects did after the failure. */
export interface FailoverSample {
  /** Failure → the last change Patroni made before status.primary could name the new primary (s). */
  patroniSeconds: number;
  /** Failure → status.primary names the new primary, syncing at every 1 s tick (s). */
  unloadedSeconds: number;
  /** Seconds after the failure at which an object of the cluster changed (each wakes the parent). */
  wakeOffsets: number[];
  /** Metacontroller's writes (status and children) in the 120 s after the failure. */
  writes: number;
}

export interface EditSample {
  /** Syncs from the edit to the changed StatefulSet being applied (1: the first sync applies it). */
  syncsToApply: number;
  /** Metacontroller's writes in that sync (children, then the status with observedGeneration). */
  writes: number;
  hookCalls: number;
}

export interface Sample {
  idle: ClassSample;
  busy: ClassSample;
  failovers: FailoverSample[];
  edit: EditSample;
}

const isMc = (c: ChangeRecord) => c.actor === METACONTROLLER;
const ofCluster = (c: ChangeRecord, names: readonly string[]) =>
  c.namespace === NAMESPACE && names.some((n) => c.name === n || c.name.startsWith(`${n}-`));

/** A scenario world with `n` settled 3-member clusters `c0`..; each class gets its own hook service. */
async function fleetWorld(hooks: HookServer, n: number, tickSeconds: number): Promise<Scenario> {
  const s = new Scenario(hooks, { name: 'c0', namespace: NAMESPACE, tickSeconds, maxSteps: 400 });
  for (let i = 1; i < n; i++) {
    s.store.create(
      {
        apiVersion: 'pgmeta.io/v1alpha1',
        kind: 'PostgresCluster',
        metadata: { name: `c${i}`, namespace: NAMESPACE },
        spec: CLUSTER_SPEC,
      },
      'user',
    );
  }
  await s.given.cluster(CLUSTER_SPEC);
  return s;
}

/** One Patroni loop of write load on cluster `name`: the primary writes, each replica trails. */
function writeLoad(s: Scenario, name: string, i: number): void {
  s.sim.patroni.write(NAMESPACE, name, 65_536 + (i % 7) * 4_096);
  for (const o of [1, 2]) {
    const bytes = HEALTHY_LAGS[(i + o) % HEALTHY_LAGS.length] ?? 0;
    s.sim.patroni.setLag(NAMESPACE, { scope: name, member: `${name}-${o}`, bytes });
  }
}

export async function classSample(o: SampleOptions, busy: boolean): Promise<ClassSample> {
  const hooks = new HookServer(undefined, o.memo === false ? { answerMemoBytes: 0 } : {});
  await hooks.start();
  try {
    const s = await fleetWorld(hooks, o.clusters, 5);
    const names = Array.from({ length: o.clusters }, (_, i) => `c${i}`);
    const fromLog = s.store.log.length;
    const fromSync = s.mc.history.length;
    hooks.cpuSamples = [];
    const steps = Math.round((o.minutes * 60) / 5);
    for (let i = 0; i < steps; i++) {
      // Write load once per loop_wait (10 s: two ticks), as a member's HA loop reports it.
      if (busy && i % 2 === 0) for (const n of names) writeLoad(s, n, i / 2);
      await s.step();
    }
    const log = s.store.log.slice(fromLog);
    const samples = hooks.cpuSamples;
    const mc = log.filter(isMc);
    return {
      clusters: o.clusters,
      seconds: steps * 5,
      syncs: s.mc.history.length - fromSync,
      customizeCalls: samples.filter((x) => x.path.endsWith('/customize')).length,
      syncCpuMicros: samples.filter((x) => !x.path.endsWith('/customize')).map((x) => x.micros),
      customizeCpuMicros: samples.filter((x) => x.path.endsWith('/customize')).map((x) => x.micros),
      statusWrites: mc.filter((c) => c.verb === 'status').length,
      childWrites: mc.filter((c) => c.verb !== 'status').length,
      patroniWrites: log.filter((c) => !isMc(c) && ofCluster(c, names) && c.actor !== 'kubelet').length,
      leaderRenewals: log.filter((c) => c.kind === 'Endpoints' && names.includes(c.name)).length,
      podUpdates: log.filter((c) => c.kind === 'Pod' && c.verb === 'update').length,
    };
  } finally {
    await hooks.stop();
  }
}

const primaryOf = (p: KubeObject | undefined): string | undefined =>
  (p?.['status'] as { primary?: string } | undefined)?.primary;

/** One primary deleted (Patroni releases the lock on shutdown, a replica takes it on its next loop). */
async function failoverSample(hooks: HookServer, round: number): Promise<FailoverSample> {
  const s = await fleetWorld(hooks, 1, 1);
  // Failures land anywhere in the leader's loop: advance a varying part of one loop_wait first.
  for (let i = 0; i < round % 10; i++) await s.step();
  const before = primaryOf(s.parent());
  if (before === undefined) throw new Error('failover sample: no primary before the failure');
  const t0 = s.clock.now;
  const from = s.store.log.length;
  s.when.podDeleted(Number(before.split('-').at(-1)));
  let tStatus: number | undefined;
  for (let i = 0; i < 120; i++) {
    await s.step();
    const now = primaryOf(s.parent());
    if (tStatus === undefined && now !== undefined && now !== before) tStatus = s.clock.now;
  }
  if (tStatus === undefined) throw new Error('failover sample: status.primary never changed');
  const log = s.store.log.slice(from);
  const wakes = log.filter((c) => !isMc(c) && ofCluster(c, ['c0']) && c.kind !== 'PostgresCluster');
  const lastPatroni = wakes.filter((c) => c.at < tStatus).at(-1)?.at ?? t0;
  return {
    patroniSeconds: lastPatroni - t0,
    unloadedSeconds: tStatus - t0,
    wakeOffsets: [...new Set(wakes.map((c) => c.at - t0))],
    writes: log.filter(isMc).length,
  };
}

/** A spec edit that changes the StatefulSet (the members' resources). */
async function editSample(hooks: HookServer): Promise<EditSample> {
  const s = await fleetWorld(hooks, 1, 5);
  const fromSync = s.mc.history.length;
  const fromLog = s.store.log.length;
  const calls = [...hooks.calls.values()].reduce((a, b) => a + b, 0);
  s.when.specEdited({ resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } } });
  await s.step();
  const log = s.store.log.slice(fromLog);
  const applied = log.some((c) => isMc(c) && c.kind === 'StatefulSet' && c.verb === 'update');
  if (!applied) throw new Error('edit sample: the first sync after the edit did not apply the StatefulSet');
  return {
    syncsToApply: s.mc.history.length - fromSync,
    writes: log.filter(isMc).length,
    hookCalls: [...hooks.calls.values()].reduce((a, b) => a + b, 0) - calls,
  };
}

export async function sample(o: SampleOptions): Promise<Sample> {
  const idle = await classSample(o, false);
  const busy = await classSample(o, true);
  const hooks = new HookServer();
  await hooks.start();
  try {
    const failovers: FailoverSample[] = [];
    for (let i = 0; i < o.failovers; i++) failovers.push(await failoverSample(hooks, i));
    return { idle, busy, failovers, edit: await editSample(hooks) };
  } finally {
    await hooks.stop();
  }
}
