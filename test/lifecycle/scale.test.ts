/**
 * Scenario: scale 1 → 3 → 5 → 2 with the primary on the highest ordinal. A scale-down never removes
 * the primary: pgmeta switches over to a replica that stays, then the StatefulSet shrinks. The PVCs
 * of removed members follow `storage.retentionPolicy.whenScaled`.
 */
import { useLifecycle, type Scenario } from './scenario';

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

async function scaleTo(s: Scenario, replicas: number): Promise<void> {
  s.when.specEdited({ replicas });
  await s.settle();
  s.then.phase('Running');
  expect(s.then.podNames()).toEqual(names('orders-', replicas));
}

describe('lifecycle: scaling', () => {
  const world = useLifecycle();

  it.each([
    ['Retain', names('pgdata-orders-', 5), []],
    ['Delete', names('pgdata-orders-', 2), ['pgdata-orders-2', 'pgdata-orders-3', 'pgdata-orders-4']],
  ])('1 → 3 → 5 → 2 with the primary on orders-4, whenScaled %s', async (whenScaled, pvcsLeft, pvcsGone) => {
    const s = world.scenario();
    await s.given.cluster({
      version: '16',
      replicas: 1,
      storage: { size: '10Gi', retentionPolicy: { whenScaled } },
    });
    s.then.phase('Running');

    await scaleTo(s, 3);
    await scaleTo(s, 5);
    s.when.patroniSwitchover(4);
    await s.settle();
    s.then.primary('orders-4');

    s.when.specEdited({ replicas: 2 });
    await s.settle();

    const deletions = s.then.podDeletions();
    expect(deletions.filter((d) => d.role === 'master')).toEqual([]);
    const handover = s.then.patroniEvents('switchover');
    expect(handover.map((e) => e.detail)).toEqual(['orders-4']);
    expect(['orders-0', 'orders-1']).toContain(handover[0]?.member);
    expect(Math.min(...deletions.map((d) => d.at))).toBeGreaterThanOrEqual(handover[0]?.at ?? Infinity);
    expect(deletions.map((d) => d.name).sort()).toEqual(['orders-2', 'orders-3', 'orders-4']);
    s.then.phase('Running');
    expect(s.then.podNames()).toEqual(['orders-0', 'orders-1']);
    s.then.primary(handover[0]?.member ?? '');
    expect(s.then.pvcNames()).toEqual(pvcsLeft);
    s.then.noDataBearingObjectDeleted({ pvcs: pvcsGone });
    await s.then.steadyState();
  });

  it('a scale-down keeps its switchover Job through the moment without a primary', async () => {
    const s = world.scenario();
    await s.given.cluster({ version: '16', replicas: 3, storage: { size: '10Gi' } });
    s.when.patroniSwitchover(2);
    await s.settle();
    s.then.primary('orders-2');

    s.when.specEdited({ replicas: 2 });
    await s.settle();

    // Patroni's old leader demotes and releases the lock a loop before the candidate takes it: some
    // sync saw no member labelled primary while the Job ran (and the scenario checks, after every
    // step, that Metacontroller deleted no running Job).
    const withoutPrimary = s
      .syncsSinceMark()
      .filter((r) => r.hook === 'sync' && !r.pods.some((p) => p.role === 'master' && !p.terminating));
    expect(withoutPrimary.length).toBeGreaterThan(0);
    const jobs = s.sim.jobs.finished.filter((j) => j.name.startsWith('orders-switchover-'));
    expect(jobs.map((j) => j.outcome)).toEqual(['Complete']);
    expect(s.then.patroniEvents('switchover').map((e) => e.detail)).toEqual(['orders-2']);
    expect(s.then.podDeletions().filter((d) => d.role === 'master')).toEqual([]);
    expect(s.then.podNames()).toEqual(['orders-0', 'orders-1']);
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('in synchronous mode the scale-down hands the primary to the synchronous standby', async () => {
    const s = world.scenario();
    await s.given.cluster({
      version: '16',
      replicas: 3,
      storage: { size: '10Gi' },
      synchronous: { mode: 'sync' },
    });
    s.when.patroniSwitchover(1);
    await s.settle();
    s.then.primary('orders-1');
    const syncStandby = () =>
      s.store.get({ kind: 'Endpoints', namespace: 'shop', name: 'orders-sync' })?.metadata.annotations?.[
        'sync_standby'
      ];
    expect(syncStandby()).toBe('orders-0');

    s.when.specEdited({ replicas: 1, synchronous: { mode: 'async' } });
    await s.settle();

    expect(s.then.patroniEvents('switchover').map((e) => [e.detail, e.member])).toEqual([
      ['orders-1', 'orders-0'],
    ]);
    expect(s.then.podDeletions().filter((d) => d.role === 'master')).toEqual([]);
    s.then.primary('orders-0');
    expect(s.then.podNames()).toEqual(['orders-0']);
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });
});
