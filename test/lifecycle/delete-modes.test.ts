/**
 * Scenarios: deleting a cluster with `kubectl delete --cascade=orphan` and `--cascade=foreground`
 * (docs/day2.md "Deleting a cluster"). The emulator models the garbage collector's `orphan` and
 * `foregroundDeletion` finalizers, Metacontroller's hands-off while they are on, and the
 * server-side-apply create path that would take orphans back (metacontroller/UPSTREAM.md).
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import type { ChangeRecord } from './lib/store';
import { useLifecycle, type Scenario } from './scenario';

const SPEC = (whenDeleted: string) => ({
  version: '16',
  replicas: 2,
  storage: { size: '10Gi', retentionPolicy: { whenDeleted } },
});

/** Every object in the namespace but the cluster itself. */
const objects = (s: Scenario): KubeObject[] =>
  s.store.all().filter((o) => o.metadata.namespace === s.namespace && o.kind !== 'PostgresCluster');

const ids = (list: KubeObject[]) => list.map((o) => `${o.kind}/${o.metadata.name}`).sort();

/** Changes to anything but the cluster itself in the namespace since the last `when`. */
const changes = (s: Scenario, verbs: readonly ChangeRecord['verb'][]) =>
  s.store.log.filter(
    (c) =>
      c.at >= s.markAt &&
      c.namespace === s.namespace &&
      c.kind !== 'PostgresCluster' &&
      verbs.includes(c.verb),
  );

describe('lifecycle: delete --cascade=orphan', () => {
  const world = useLifecycle();

  it.each(['Retain', 'Delete'])(
    'whenDeleted %s: the database keeps running, nothing is deleted, the finalizer is released',
    async (whenDeleted) => {
      const s = world.scenario();
      await s.given.cluster(SPEC(whenDeleted));
      const parentUid = s.parent()?.metadata.uid;
      const before = new Map(objects(s).map((o) => [`${o.kind}/${o.metadata.name}`, o]));

      s.when.clusterDeleted({ cascade: 'orphan' });
      await s.settle();

      expect(s.parent()).toBeUndefined();
      expect(changes(s, ['terminate', 'delete']).map((c) => `${c.kind}/${c.name} by ${c.actor}`)).toEqual([]);
      // Every object is still there, the same object (uid), and none is owned by the old cluster.
      const after = objects(s);
      expect(ids(after)).toEqual([...before.keys()].sort());
      for (const o of after) {
        expect([o.kind, o.metadata.uid]).toEqual([
          o.kind,
          before.get(`${o.kind}/${o.metadata.name}`)?.metadata.uid,
        ]);
        expect((o.metadata.ownerReferences ?? []).map((r) => r.uid)).not.toContain(parentUid);
      }
      // Running and unchanged: the StatefulSet's spec, the credentials, the members.
      const sts = s.store.get({ kind: 'StatefulSet', namespace: s.namespace, name: s.name });
      expect(sts?.['spec']).toEqual(before.get(`StatefulSet/${s.name}`)?.['spec']);
      for (const name of [`${s.name}-superuser`, `${s.name}-replication`, `${s.name}-app`]) {
        const secret = s.store.get({ kind: 'Secret', namespace: s.namespace, name });
        expect(secret?.['data']).toEqual(before.get(`Secret/${name}`)?.['data']);
      }
      expect(s.then.podNames()).toEqual([`${s.name}-0`, `${s.name}-1`]);
      expect(s.then.pvcNames()).toEqual([`pgdata-${s.name}-0`, `pgdata-${s.name}-1`]);
      expect(
        s.sim.patroni
          .api(s.namespace, s.name)
          .cluster()
          .members.map((m) => m.state),
      ).toEqual(['running', 'streaming']);
      s.then.noErrors();
    },
  );
});

describe('lifecycle: delete --cascade=foreground', () => {
  const world = useLifecycle();

  it.each([
    ['Retain', ['pgdata-orders-0', 'pgdata-orders-1']],
    ['Delete', []],
  ])('whenDeleted %s: the children go first and none is ever created again', async (whenDeleted, pvcs) => {
    const s = world.scenario();
    await s.given.cluster(SPEC(whenDeleted));

    s.when.clusterDeleted({ cascade: 'foreground' });
    await s.settle();

    expect(s.parent()).toBeUndefined();
    const deletions = changes(s, ['delete']);
    const recreated = changes(s, ['create'])
      .filter((c) => deletions.some((d) => d.kind === c.kind && d.name === c.name && d.rv < c.rv))
      .map((c) => `${c.kind}/${c.name} by ${c.actor}`);
    expect(recreated).toEqual([]);
    // Only the cleanup Job and its account were created, once no member ran.
    const created = changes(s, ['create']).filter((c) => c.actor === 'metacontroller');
    expect(created.map((c) => `${c.kind}/${c.name}`).sort()).toEqual(
      expect.arrayContaining([`ServiceAccount/${s.name}-cleanup`]),
    );
    const firstCreate = Math.min(...created.map((c) => c.rv));
    const lastPodGone = Math.max(
      ...changes(s, ['delete'])
        .filter((c) => c.kind === 'Pod' && /^orders-\d+$/.test(c.name))
        .map((c) => c.rv),
    );
    expect(firstCreate).toBeGreaterThan(lastPodGone);
    expect(s.then.pvcNames()).toEqual(pvcs);
    expect(
      ids(objects(s).filter((o) => o.kind !== 'PersistentVolumeClaim' && o.kind !== 'PersistentVolume')),
    ).toEqual([]);
    s.then.noDataBearingObjectDeleted({ afterClusterDeletion: true });
    s.then.noErrors();
  });
});

describe('lifecycle: a cluster created again over its orphans', () => {
  const world = useLifecycle();

  it('takes them over: same members, same data, same credentials, owned by the new cluster', async () => {
    const s = world.scenario();
    const spec = SPEC('Retain');
    await s.given.cluster(spec);
    s.when.primaryWrites(4096);
    await s.settle();
    const before = new Map(objects(s).map((o) => [`${o.kind}/${o.metadata.name}`, o]));
    s.when.clusterDeleted({ cascade: 'orphan' });
    await s.settle();

    await s.given.cluster(spec);

    const parent = s.parent();
    expect(parent?.metadata.uid).toBeDefined();
    s.then.phase('Running');
    // Nothing was deleted or restarted: the members are the same pods, on the same volumes.
    expect(changes(s, ['terminate', 'delete'])).toEqual([]);
    for (const name of s.then.podNames()) {
      const pod = s.store.get({ kind: 'Pod', namespace: s.namespace, name });
      expect(pod?.metadata.uid).toBe(before.get(`Pod/${name}`)?.metadata.uid);
    }
    expect(s.then.pvcNames()).toEqual([`pgdata-${s.name}-0`, `pgdata-${s.name}-1`]);
    // The passwords the database runs with are kept (docs/architecture.md rule 6).
    for (const name of [`${s.name}-superuser`, `${s.name}-replication`, `${s.name}-app`]) {
      const secret = s.store.get({ kind: 'Secret', namespace: s.namespace, name });
      expect([name, secret?.['data']]).toEqual([name, before.get(`Secret/${name}`)?.['data']]);
    }
    // Every former child is the same object, now owned by the new cluster.
    for (const [id, old] of before) {
      if (!(old.metadata.ownerReferences ?? []).some((r) => r.kind === 'PostgresCluster')) continue;
      const now = s.store.get({ kind: old.kind, namespace: s.namespace, name: old.metadata.name });
      expect([id, now?.metadata.uid]).toEqual([id, old.metadata.uid]);
      expect([id, now?.metadata.ownerReferences?.map((r) => r.uid)]).toEqual([id, [parent?.metadata.uid]]);
    }
    expect(s.sim.patroni.events.filter((e) => e.type === 'bootstrap')).toHaveLength(1);
    await s.then.steadyState();
  });
  it('with a spec its data cannot take (a major upgrade): refused like an edit, the orphans keep the old one', async () => {
    const s = world.scenario();
    await s.given.cluster(SPEC('Retain'));
    const sts = s.store.get({ kind: 'StatefulSet', namespace: s.namespace, name: s.name });
    s.when.clusterDeleted({ cascade: 'orphan' });
    await s.settle();

    await s.given.cluster({ ...SPEC('Retain'), version: '17' });

    s.then.condition('SpecValid', { status: 'False' });
    expect(changes(s, ['terminate', 'delete'])).toEqual([]);
    const now = s.store.get({ kind: 'StatefulSet', namespace: s.namespace, name: s.name });
    expect(now?.['spec']).toEqual(sts?.['spec']);
    expect(now?.metadata.ownerReferences?.map((r) => r.uid)).toEqual([s.parent()?.metadata.uid]);
    expect(s.then.podNames()).toEqual([`${s.name}-0`, `${s.name}-1`]);
  });
});
