/**
 * Scenarios: node maintenance. `kubectl drain` of the primary's node ends in a switchover to a healthy
 * replica (the synchronous standby in synchronous mode) and then the eviction of the former primary,
 * never in a failover and never with two members down; the eviction API answers through the two
 * PodDisruptionBudgets (sim/disruption.ts), kubectl retries every 5 s (sim/drain.ts).
 */
import { CUSTOMIZE_TTL_SECONDS } from './metacontroller/customize';
import { useLifecycle, type Scenario } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

const codes = (s: Scenario, pod: string) =>
  s.sim.drains.attempts.filter((a) => a.pod === pod).map((a) => a.code);

const syncStandby = (s: Scenario) =>
  s.store.get({ kind: 'Endpoints', namespace: 'shop', name: 'orders-sync' })?.metadata.annotations?.[
    'sync_standby'
  ];

/**
 * A cluster that has run for longer than Metacontroller keeps a customize answer (20 minutes): its
 * rules now name the members' Nodes (status.nodes), so a cordon wakes the cluster at once.
 */
async function runningFor20Minutes(s: Scenario): Promise<void> {
  s.clock.advance(CUSTOMIZE_TTL_SECONDS);
  await s.settle();
}

/** Member pods that are ready and not terminating, now. */
function readyMembers(s: Scenario): number {
  return s.store
    .list('Pod', 'shop')
    .filter((p) => /^orders-\d+$/.test(p.metadata.name) && p.metadata.deletionTimestamp === undefined)
    .filter((p) =>
      ((p['status'] as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ),
    ).length;
}

/** Steps until every drain ended, checking after each step how many members are up; then settles. */
async function drainWatchingMembers(s: Scenario, maxSteps = 300): Promise<number> {
  let fewest = readyMembers(s);
  for (let i = 0; i < maxSteps && s.sim.drains.running > 0; i++) {
    await s.step();
    fewest = Math.min(fewest, readyMembers(s));
  }
  await s.settle();
  return Math.min(fewest, readyMembers(s));
}

describe('lifecycle: node drain', () => {
  const world = useLifecycle();

  it('draining the primary node: its eviction is refused, pgmeta switches over, then the old primary goes', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    await runningFor20Minutes(s);
    s.then.primary('orders-0');

    const node = s.when.nodeDrained(0);
    const fewest = await drainWatchingMembers(s);
    expect(fewest).toBe(2);

    // The primary's eviction was refused (429) until the switchover, then allowed as a replica's.
    const attempts = s.sim.drains.attempts.filter((a) => a.pod === 'orders-0');
    expect(attempts[0]).toMatchObject({ role: 'master', code: 429 });
    // Evicted once no longer labelled primary: Patroni had demoted it (the switchover was under way).
    expect(attempts.at(-1)?.code).toBe(200);
    expect(attempts.at(-1)?.role).not.toBe('master');
    expect(s.sim.drains.finished).toEqual([expect.objectContaining({ node })]);
    const switchovers = s.then.patroniEvents('switchover');
    expect(switchovers.map((e) => e.detail)).toEqual(['orders-0']);
    expect(s.then.patroniEvents('failover')).toEqual([]);
    expect(s.then.fewestReadySinceEvent()).toBeGreaterThanOrEqual(2);
    // The member came back on another node, as a replica; the cluster is healthy.
    const pod = s.store.get({ kind: 'Pod', namespace: 'shop', name: 'orders-0' });
    expect((pod?.['spec'] as { nodeName: string }).nodeName).not.toBe(node);
    s.then.primary(switchovers[0]!.member);
    s.then.phase('Running');
    expect(s.then.status()['drain']).toBeUndefined();
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('synchronous mode: the switchover goes to the synchronous standby', async () => {
    const s = world.scenario();
    await s.given.cluster({ ...HA, synchronous: { mode: 'sync' } });
    await runningFor20Minutes(s);
    const standby = syncStandby(s);
    expect(standby).toMatch(/^orders-[12]$/);
    // The other replica is further ahead: without synchronous mode it would be the one chosen.
    s.when.replicaLags(Number(standby!.slice(-1)), 4096);
    await s.settle();
    expect(syncStandby(s)).toBe(standby);

    s.when.nodeDrained(0);
    expect(await drainWatchingMembers(s)).toBe(2);

    expect(s.then.patroniEvents('switchover').map((e) => e.member)).toEqual([standby]);
    expect(s.then.patroniEvents('failover')).toEqual([]);
    s.then.primary(standby!);
    expect(s.then.fewestReadySinceEvent()).toBeGreaterThanOrEqual(2);
    s.then.phase('Running');
    await s.then.steadyState();
  });

  it('two nodes drained at once: a second member is never down while the first is', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    await runningFor20Minutes(s);

    s.when.nodeDrained(1);
    s.when.nodeDrained(0);
    const fewest = await drainWatchingMembers(s, 400);
    expect(fewest).toBe(2);

    expect(codes(s, 'orders-1').at(-1)).toBe(200);
    expect(codes(s, 'orders-0').at(-1)).toBe(200);
    // The primary was refused while orders-1 was away, and went only after orders-1 had left.
    expect(codes(s, 'orders-0')[0]).toBe(429);
    const gone = (node: string) => s.sim.drains.finished.find((f) => f.node === node)!.at;
    expect(gone('node-0')).toBeGreaterThan(gone('node-1'));
    expect(s.then.fewestReadySinceEvent()).toBeGreaterThanOrEqual(2);
    expect(s.then.patroniEvents('failover')).toEqual([]);
    expect(s.sim.drains.finished.map((f) => f.error)).toEqual([undefined, undefined]);
    s.then.phase('Running');
    await s.then.steadyState();
  });

  // Metacontroller asked the customize hook when the cluster was created, before any member had a
  // node, and keeps that answer for 20 minutes: the cordon is not seen until it expires. The drain
  // waits safely (the primary's eviction is refused) and then goes on as above.
  it('a drain in the first 20 minutes of a cluster waits for the customize answer to expire, safely', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const start = s.clock.now;
    s.when.nodeDrained(0);
    expect(await drainWatchingMembers(s, 400)).toBe(2);

    const [finished] = s.sim.drains.finished;
    expect(finished?.error).toBeUndefined();
    expect(finished!.at - start).toBeLessThanOrEqual(CUSTOMIZE_TTL_SECONDS + 120);
    expect(s.then.patroniEvents('switchover')).toHaveLength(1);
    expect(s.then.patroniEvents('failover')).toEqual([]);
    s.then.phase('Running');
  });

  // Every Node reports its status at least every 5 minutes (the kubelet's nodeStatusReportFrequency).
  // The cluster relates only the Nodes its members run on, by name: of 53 nodes reporting one after
  // the other, 3 wake it (36 syncs an hour), however many nodes the cluster has. A rule over every
  // Node would wake every cluster on every report: 53 per round, 636 an hour, times the clusters.
  it('node status reports wake the cluster only for the nodes its members run on', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    await runningFor20Minutes(s);
    for (let i = 0; i < 50; i++)
      s.store.create(
        { apiVersion: 'v1', kind: 'Node', metadata: { name: `spare-${i}` }, spec: {} },
        'kubelet',
      );
    await s.mc.syncDue();
    const nodes = s.store.list('Node');
    expect(nodes).toHaveLength(53);
    expect(s.then.status()['nodes']).toEqual(['node-0', 'node-1', 'node-2']);

    let woken = 0;
    for (const node of nodes) {
      const before = s.mc.history.length;
      s.store.updateStatus(
        {
          ...node,
          status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: s.clock.iso() }] },
        },
        'kubelet',
      );
      await s.mc.syncDue();
      woken += s.mc.history.slice(before).filter((r) => r.parent === 'shop/orders').length;
    }
    expect(woken).toBe(3);
  });
});
