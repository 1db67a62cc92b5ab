/**
 * Scenarios: losing a member. Status follows every change within the sync that observes it (the
 * invariants checked after each sync), and the cluster comes back to Running on the same volumes.
 */
import { useLifecycle } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

describe('lifecycle: member loss', () => {
  const world = useLifecycle();

  it('a deleted replica comes back on its own volume and the primary never moves', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const pvcUid = s.store.get({ kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'pgdata-orders-2' })
      ?.metadata.uid;

    s.when.podDeleted(2);
    await s.settle();

    // The pod stays Terminating a while (one member missing: Degraded), then its replacement starts.
    // Never Updating: replacing a member is not a rollout, although the StatefulSet's revision counts
    // leave the terminating pod out.
    s.then.phaseSequence(['Degraded', 'Recovering', 'Running']);
    s.then.primary('orders-0');
    expect(s.then.patroniEvents('failover')).toEqual([]);
    expect(
      s.store.get({ kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'pgdata-orders-2' })?.metadata
        .uid,
    ).toBe(pvcUid);
    expect(s.then.status().members?.find((m) => m.name === 'orders-2')).toMatchObject({
      role: 'replica',
      ready: true,
      timeline: 1,
    });
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('a crashed replica container restarts in place', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.podKilled(1);
    await s.settle();

    s.then.phaseSequence(['Recovering', 'Running']);
    s.then.primary('orders-0');
    expect(s.then.podDeletions()).toEqual([]);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('a deleted primary: Degraded, then the most advanced replica is promoted, then the old primary rejoins', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    s.when.replicaLags(2, 4096);
    await s.settle();

    s.when.podDeleted(0);
    await s.settle();

    s.then.phaseSequence(['Degraded', 'Recovering', 'Running']);
    const degraded = s.syncsSinceMark().find((r) => r.status?.['phase'] === 'Degraded');
    const conditions = degraded?.status?.['conditions'] as { type: string; status: string; reason: string }[];
    expect(conditions.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'PrimaryUnavailable',
    });
    expect(degraded?.status?.['primary']).toBeUndefined();
    expect(s.then.patroniEvents('failover').map((e) => e.member)).toEqual(['orders-1']);
    s.then.primary('orders-1');
    expect(s.then.status().members?.map((m) => [m.name, m.role, m.timeline])).toEqual([
      ['orders-0', 'replica', 2],
      ['orders-1', 'primary', 2],
      ['orders-2', 'replica', 2],
    ]);
    s.then.condition('Degraded', { status: 'False', reason: 'Healthy' });
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('a primary whose container crashes and restarts within the lock TTL stays primary', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.podKilled(0);
    await s.settle();

    expect(s.then.patroniEvents('failover')).toEqual([]);
    s.then.primary('orders-0');
    s.then.phase('Running');
    await s.then.steadyState();
  });

  // The unreachable old leader keeps its label (its Patroni cannot reach the API) while the leader lock
  // (Endpoints `orders`) names orders-1: status.primary and the members' roles follow the lock holder.
  it('a lost node: the lock lapses, a replica is promoted, status names the lock holder and never says Recovering', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    const node = s.when.nodeLost(0);
    await s.settle();

    expect(s.then.patroniEvents('failover').map((e) => e.member)).toEqual(['orders-1']);
    // No primary until the lock lapses; then the old leader, unreachable with its stale label, is not
    // coming back by itself (never Recovering); then its pod is evicted and stays Terminating.
    s.then.phaseSequence(['Degraded']);
    const reasons: string[] = [];
    for (const r of s.syncsSinceMark()) {
      const ready = (r.status?.['conditions'] as { type: string; reason: string }[] | undefined)?.find(
        (c) => c.type === 'Ready',
      );
      if (ready && reasons.at(-1) !== ready.reason) reasons.push(ready.reason);
    }
    expect(reasons).toEqual(['PrimaryUnavailable', 'MemberUnreachable', 'MemberLost']);
    expect(
      s.store.get({ kind: 'Pod', namespace: 'shop', name: 'orders-0' })?.metadata.deletionTimestamp,
    ).toBeDefined();
    s.then.primary('orders-1');
    expect(
      s.then
        .status()
        .members?.filter((m) => m.role === 'primary')
        .map((m) => m.name),
    ).toEqual(['orders-1']);

    s.when.nodeRestored(node);
    await s.settle();
    s.then.phase('Running');
    s.then.primary('orders-1');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });
});
