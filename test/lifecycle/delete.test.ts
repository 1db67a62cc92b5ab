/**
 * Scenarios: deleting a cluster. Finalize waits for the members to stop, PVCs follow
 * `storage.retentionPolicy.whenDeleted`, and nothing of Patroni's is left for a new cluster of the
 * same name to trip over.
 */
import { useLifecycle, type Scenario } from './scenario';

const leftovers = (s: Scenario) =>
  [
    ...s.store.list('Endpoints', 'shop'),
    ...s.store.list('Service', 'shop'),
    ...s.store.list('Pod', 'shop'),
  ].map((o) => `${o.kind}/${o.metadata.name}`);

describe('lifecycle: delete', () => {
  const world = useLifecycle();

  it.each([
    ['Retain', ['pgdata-orders-0', 'pgdata-orders-1', 'pgdata-orders-2']],
    ['Delete', []],
  ])(
    'whenDeleted %s: the cluster goes, the volumes follow the policy, Patroni leaves nothing',
    async (whenDeleted, pvcs) => {
      const s = world.scenario();
      await s.given.cluster({
        version: '16',
        replicas: 3,
        storage: { size: '10Gi', retentionPolicy: { whenDeleted } },
      });

      s.when.clusterDeleted();
      await s.settle();

      expect(s.parent()).toBeUndefined();
      const finalizes = s.syncsSinceMark().filter((r) => r.hook === 'finalize');
      expect(finalizes.at(-1)?.finalized).toBe(true);
      expect(finalizes.filter((r) => r.finalized === true).every((r) => r.pods.length === 0)).toBe(true);
      expect(s.then.pvcNames()).toEqual(pvcs);
      expect(leftovers(s)).toEqual([]);
      expect(s.store.list('StatefulSet', 'shop')).toEqual([]);
      expect(s.store.list('Secret', 'shop')).toEqual([]);
      s.then.noDataBearingObjectDeleted({ afterClusterDeletion: true });
      s.then.noErrors();
    },
  );

  it('a new cluster of the same name bootstraps after one deleted with its volumes', async () => {
    const s = world.scenario();
    await s.given.cluster({
      version: '16',
      replicas: 2,
      storage: { size: '10Gi', retentionPolicy: { whenDeleted: 'Delete' } },
    });
    s.when.clusterDeleted();
    await s.settle();

    await s.given.cluster({ version: '16', replicas: 2, storage: { size: '10Gi' } });
    s.then.phase('Running');
    expect(s.sim.patroni.events.filter((e) => e.type === 'bootstrap')).toHaveLength(2);
    await s.then.steadyState();
  });
});
