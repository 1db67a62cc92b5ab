/**
 * Scenarios: storage growth. The claim template stays as it is (immutable); the claims themselves
 * are patched by a Job, when the StorageClass allows expansion, and status reports each volume.
 */
import { useLifecycle } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };
const CLAIMS = ['pgdata-orders-0', 'pgdata-orders-1', 'pgdata-orders-2'];

function claimSizes(
  s: ReturnType<ReturnType<typeof useLifecycle>['scenario']>,
): [string, unknown, unknown][] {
  return s.store
    .list('PersistentVolumeClaim', 'shop')
    .map((p) => [
      p.metadata.name,
      (p['spec'] as { resources: { requests: { storage: string } } }).resources.requests.storage,
      (p['status'] as { capacity?: { storage?: string } }).capacity?.storage,
    ]);
}

describe('lifecycle: storage', () => {
  const world = useLifecycle();

  it('grows every volume when the StorageClass allows it, and reports each one', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.specEdited({ storage: { size: '20Gi' } });
    await s.settle();

    expect(claimSizes(s)).toEqual(CLAIMS.map((n) => [n, '20Gi', '20Gi']));
    const sts = s.store.get({ kind: 'StatefulSet', namespace: 'shop', name: 'orders' });
    const template = (
      sts?.['spec'] as { volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[] }
    ).volumeClaimTemplates[0];
    expect(template?.spec.resources.requests.storage).toBe('10Gi');
    expect(s.then.status()['storage']).toEqual({
      size: '20Gi',
      volumes: CLAIMS.map((name) => ({ name, requested: '20Gi', capacity: '20Gi' })),
    });
    const resizing = s
      .syncsSinceMark()
      .some((r) =>
        ((r.status?.['conditions'] ?? []) as { type: string; status: string; reason: string }[]).some(
          (c) => c.type === 'StorageResized' && c.status === 'False' && c.reason === 'Resizing',
        ),
      );
    expect(resizing).toBe(true);
    expect(
      s.then.status().conditions?.find((c) => c.type === 'StorageResized' && c.status === 'False'),
    ).toBeUndefined();
    expect(s.then.podDeletions()).toEqual([]);
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('reports an expansion the storage back end refuses, with its message, until it recovers', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    s.sim.volumes.failExpansion('pgdata-orders-1', 'controller', 'disk quota exceeded');

    s.when.specEdited({ storage: { size: '20Gi' } });
    await s.settle();

    expect(claimSizes(s)).toEqual([
      ['pgdata-orders-0', '20Gi', '20Gi'],
      ['pgdata-orders-1', '20Gi', '10Gi'],
      ['pgdata-orders-2', '20Gi', '20Gi'],
    ]);
    const failed = s.then.condition('StorageResized', { status: 'False', reason: 'ExpansionFailed' });
    expect(failed.message).toBe(
      'cannot grow pgdata-orders-1 to 20Gi: pgdata-orders-1: ControllerResizeError: disk quota exceeded',
    );

    s.sim.volumes.recoverExpansion('pgdata-orders-1');
    await s.settle();
    expect(claimSizes(s)).toEqual(CLAIMS.map((n) => [n, '20Gi', '20Gi']));
    expect(
      s.then.status().conditions?.find((c) => c.type === 'StorageResized' && c.status === 'False'),
    ).toBeUndefined();
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('refuses clearly when the StorageClass cannot expand, and patches nothing', async () => {
    const s = world.scenario();
    s.given.storageClass('fixed', { allowVolumeExpansion: false });
    await s.given.cluster({ ...HA, storage: { size: '10Gi', storageClass: 'fixed' } });

    s.when.specEdited({ storage: { size: '20Gi', storageClass: 'fixed' } });
    await s.settle();

    expect(claimSizes(s)).toEqual(CLAIMS.map((n) => [n, '10Gi', '10Gi']));
    const resized = s.then.condition('StorageResized', { status: 'False', reason: 'ExpansionNotAllowed' });
    expect(resized.message).toMatch(/StorageClass fixed does not allow volume expansion/);
    expect(
      s.store
        .list('Job', 'shop')
        .map((j) => j.metadata.name)
        .filter((n) => n.includes('-resize-')),
    ).toEqual([]);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });
});
