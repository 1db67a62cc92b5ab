/**
 * The fleet benchmark's model (scripts/bench/fleet-model.ts, fleet-queue.ts) on a small fleet with
 * made-up costs: the queue, the rate limiter, what wakes a cluster and what a sync asks of the API.
 * The benchmark itself (`npm run bench:fleet`) is not part of the tests.
 */
import { FleetSim, type Costs, type FleetConfig } from '../../scripts/bench/fleet-model';
import { TokenBucket, WorkQueue, quantile } from '../../scripts/bench/fleet-queue';

const COSTS: Costs = {
  syncCpuMicros: { idle: [2000], busy: [2000] },
  customizeCpuMicros: [500],
  statusWritesPerSync: { idle: 0, busy: 0 },
  childWritesPerSync: { idle: 0, busy: 0 },
  failovers: [{ patroniSeconds: 1, unloadedSeconds: 2, wakeOffsets: [0, 1, 2], writes: 3 }],
  edit: { syncsToApply: 1, writes: 2, hookCalls: 2 },
};

const config = (o: Partial<FleetConfig> = {}): FleetConfig => ({
  clusters: 20,
  busyFraction: 0.5,
  members: 3,
  loopWaitSeconds: 10,
  resyncPeriodSeconds: 30,
  watchLeaderEndpoints: true,
  workers: 4,
  qps: 1000,
  burst: 1000,
  hookReplicas: 1,
  hookRttMs: 1,
  apiLatencyMs: 5,
  seconds: 3720,
  warmupSeconds: 120,
  edits: 0,
  failovers: 0,
  seed: 7,
  ...o,
});

const perHour = (n: number, clusterSeconds: number) => (n * 3600) / clusterSeconds;

describe('client-go token bucket', () => {
  it('lets a burst through at once, then one request per 1/qps', () => {
    const b = new TokenBucket(10, 3);
    expect([0, 0, 0, 0, 0].map(() => b.reserve(0))).toEqual([0, 0, 0, 0.1, 0.2]);
    expect(b.reserve(10)).toBe(10);
  });
});

describe('workqueue', () => {
  it('holds a key once, and queues a key again that had an event while it was processed', () => {
    const q = new WorkQueue();
    q.add(1);
    q.add(1);
    q.add(2);
    expect(q.length).toBe(2);
    expect(q.get()).toBe(1);
    q.add(1);
    expect(q.length).toBe(1);
    expect(q.get()).toBe(2);
    q.done(1);
    expect(q.get()).toBe(1);
    expect(q.get()).toBeUndefined();
  });
});

describe('fleet model', () => {
  it('syncs an idle cluster per leader renewal and per resync, a writing one per member report too', () => {
    const r = new FleetSim(config(), COSTS).run();
    // 360 renewals + 120 resyncs an hour; a resync landing while a renewal is queued merges with it
    expect(perHour(r.idle.syncs, r.idle.clusterSeconds)).toBeGreaterThan(440);
    expect(perHour(r.idle.syncs, r.idle.clusterSeconds)).toBeLessThanOrEqual(481);
    expect(perHour(r.busy.syncs, r.busy.clusterSeconds)).toBeGreaterThan(1400);
    // one uncached GET per sync, no write of a converged cluster
    expect(r.idle.apiReads).toBe(r.idle.syncs);
    expect(r.idle.apiWrites + r.busy.apiWrites).toBe(0);
    // customize again every 20 minutes: 3 extra hook calls an hour
    expect(perHour(r.idle.hookCalls - r.idle.syncs, r.idle.clusterSeconds)).toBeCloseTo(3, 0);
  });

  it('without the leader Endpoints an idle cluster syncs on resyncs only', () => {
    const r = new FleetSim(config({ watchLeaderEndpoints: false }), COSTS).run();
    expect(perHour(r.idle.syncs, r.idle.clusterSeconds)).toBeCloseTo(120, -1);
  });

  it('times a spec edit to the StatefulSet apply and a failure to the status write', () => {
    const r = new FleetSim(config({ edits: 5, failovers: 5 }), COSTS).run();
    expect(r.edits).toHaveLength(5);
    expect(r.failovers).toHaveLength(5);
    // an idle-enough fleet: hook call + one apply, well under a second
    expect(quantile(r.edits, 1)).toBeLessThan(1);
    // Patroni's second, then a sync: GET + PUT
    expect(quantile(r.failovers, 0)).toBeGreaterThanOrEqual(1);
    expect(quantile(r.failovers, 1)).toBeLessThan(2);
  });

  it('queues behind a rate limiter that is too slow for the fleet, and its latencies grow', () => {
    const fast = new FleetSim(config({ edits: 10, seconds: 900 }), COSTS).run();
    const slow = new FleetSim(config({ edits: 10, seconds: 900, qps: 5, burst: 10 }), COSTS).run();
    expect(slow.apiRequests / slow.seconds).toBeLessThanOrEqual(5.1);
    expect(slow.maxQueue).toBe(20); // every cluster waits, each once (the queue holds a key once)
    expect(quantile(slow.edits, 0.5)).toBeGreaterThan(quantile(fast.edits, 0.5) + 1);
  });

  it('a storm: every failing cluster gets its status written', () => {
    const r = new FleetSim(config({ seconds: 400, stormFraction: 0.5, stormAt: 150 }), COSTS).run();
    expect(r.storm).toHaveLength(10);
  });
});
