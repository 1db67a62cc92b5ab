/**
 * Scenarios: hibernation and fencing. `spec.paused` freezes every child while status keeps following
 * the cluster; `spec.stopped` scales to zero keeping volumes, Secrets and Services, and starting again
 * resumes on the same data.
 */
import { useLifecycle } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

describe('lifecycle: pause and stop', () => {
  const world = useLifecycle();

  it('paused: spec edits wait, status still follows a lost replica; unpausing applies them', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.specEdited({ paused: true });
    await s.settle();
    s.then.condition('Paused', { status: 'True' });
    const frozen = s.then.snapshot({ childrenOnly: true });

    s.when.specEdited({ replicas: 5, image: 'ghcr.io/zalando/spilo-17:4.0-p4' });
    await s.settle();
    s.then.unchangedSince(frozen);

    s.when.podKilled(2);
    await s.settle();
    s.then.phaseSequence(['Recovering', 'Running']);
    s.then.unchangedSince(frozen);
    await s.then.steadyState();

    s.when.specEdited({ paused: null });
    await s.settle();
    expect(s.then.status().conditions?.some((c) => c.type === 'Paused')).toBe(false);
    expect(s.then.podNames()).toHaveLength(5);
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('stopped: no member runs, volumes, Secrets and Services stay; started again on the same data', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const initialize = () =>
      s.store.get({ kind: 'Endpoints', namespace: 'shop', name: 'orders-config' })?.metadata.annotations?.[
        'initialize'
      ];
    const sysid = initialize();
    const pvcUids = s.store.list('PersistentVolumeClaim', 'shop').map((p) => p.metadata.uid);

    s.when.specEdited({ stopped: true });
    await s.settle();
    s.then.phase('Stopped');
    expect(s.then.podNames()).toEqual([]);
    expect(s.store.list('PersistentVolumeClaim', 'shop').map((p) => p.metadata.uid)).toEqual(pvcUids);
    expect(s.store.list('Secret', 'shop').map((x) => x.metadata.name)).toEqual([
      'orders-app',
      // The bootstrap Job's Secret (the owner's SCRAM verifier) stays with its Job.
      expect.stringMatching(/^orders-bootstrap-[0-9a-f]{8}$/),
      'orders-patroni-api',
      'orders-replication',
      'orders-superuser',
    ]);
    expect(s.store.list('Service', 'shop').map((x) => x.metadata.name)).toContain('orders');
    await s.then.steadyState();

    s.when.specEdited({ stopped: null });
    await s.settle();
    s.then.phase('Running');
    expect(s.then.podNames()).toHaveLength(3);
    expect(initialize()).toBe(sysid);
    expect(s.then.patroniEvents('bootstrap')).toEqual([]);
    expect(s.store.list('PersistentVolumeClaim', 'shop').map((p) => p.metadata.uid)).toEqual(pvcUids);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });
});
