/** Scenario: a new cluster goes from nothing to Running, and then stays quiet. */
import { Backups, MINIO_BACKUP } from './backups';
import { useLifecycle } from './scenario';

describe('lifecycle: create', () => {
  const world = useLifecycle();

  it('a three-member cluster reaches Running with one primary and two streaming replicas', async () => {
    const s = world.scenario();
    await s.given.cluster({ version: '16', replicas: 3, storage: { size: '10Gi' } });

    s.then.phase('Running');
    s.then.primary('orders-0');
    expect(s.then.podNames()).toEqual(['orders-0', 'orders-1', 'orders-2']);
    expect(s.then.pvcNames()).toEqual(['pgdata-orders-0', 'pgdata-orders-1', 'pgdata-orders-2']);
    const st = s.then.status();
    expect(st.members?.map((m) => [m.name, m.role, m.ready])).toEqual([
      ['orders-0', 'primary', true],
      ['orders-1', 'replica', true],
      ['orders-2', 'replica', true],
    ]);
    expect(st.observedGeneration).toBe(1);
    s.then.condition('Ready', { status: 'True', reason: 'AllMembersReady' });
    expect(s.sim.jobs.finished.map((j) => j.outcome)).toEqual(['Complete']);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });
});

describe('lifecycle: create, with a bootstrap that takes time', () => {
  const world = useLifecycle();

  it('reports Creating (never Degraded) through a long bootstrap that fails once, then Running', async () => {
    const s = world.scenario();
    // Patroni writes `initialize` empty when the race is won and the system identifier only when
    // bootstrap ends; a failed bootstrap removes the key (ha.py bootstrap / post_bootstrap /
    // cancel_initialization).
    // Below the application bootstrap Job's one-hour deadline, which a longer bootstrap would exceed.
    s.sim.patroni.bootstrap.seconds = 1500;
    s.sim.patroni.bootstrap.failures = 1;
    await s.given.cluster({ version: '16', replicas: 3, storage: { size: '10Gi' } });

    const bootstrapping = s.mc.history.filter(
      (r) => r.controller === 'postgrescluster' && r.at > 0 && r.at < 3000,
    );
    expect(bootstrapping.length).toBeGreaterThan(0);
    expect(s.then.phasesSinceEvent()).toEqual(['Pending', 'Creating', 'Recovering', 'Running']);
    const [bootstrap] = s.then.patroniEvents('bootstrap');
    expect(bootstrap?.at).toBeGreaterThanOrEqual(3000);
    s.then.phase('Running');
    // After the failure the race starts again: any member may win it.
    s.then.primary(bootstrap?.member ?? '');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('a restore is Restoring, without restoredFrom, until Patroni wrote the system identifier', async () => {
    const s = world.scenario();
    new Backups(s).given.storeCredentials();
    s.sim.patroni.bootstrap.seconds = 1500;
    await s.given.cluster(
      {
        version: '16',
        replicas: 2,
        storage: { size: '10Gi' },
        restore: {
          source: { ...MINIO_BACKUP.destination, path: 'shop/orders-old/1' },
          target: { latest: true },
        },
      },
      { settle: false },
    );
    for (let i = 0; i < 20; i++) await s.step();

    const member = s.sim.patroni.member('shop', { scope: 'orders', member: 'orders-0' });
    expect(member?.state).toBe('running custom bootstrap script');
    s.then.phase('Creating');
    s.then.condition('Restored', { status: 'False', reason: 'Restoring' });
    expect(s.then.status()['restoredFrom']).toBeUndefined();

    await s.settle();
    s.then.phase('Running');
    s.then.condition('Restored', { status: 'True', reason: 'Restored' });
    expect(s.then.status()['restoredFrom']).toMatchObject({ latest: true });
    await s.then.steadyState();
  });
});
