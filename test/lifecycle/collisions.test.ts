/**
 * Scenarios: a new cluster whose child names are already taken (issue 13). With server-side apply
 * (metacontroller/apply.ts) Metacontroller would force our fields over the existing object and adopt
 * it; pgmeta sees the names through customize and refuses instead: Ready=False, NameConflict, the
 * holder named, nothing created, the other object untouched. Once the name is free the cluster starts.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { canonicalJson } from './lib/json';
import { USER, useLifecycle, type Scenario } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'orders', labels: { app: 'orders', 'app.kubernetes.io/managed-by': 'Helm' } },
  spec: { selector: { app: 'orders' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
};
const secret: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'orders-app' },
  type: 'Opaque',
  data: { password: Buffer.from('chosen-by-the-user').toString('base64') },
};
const statefulSet: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: {
    name: 'orders',
  },
  spec: {
    replicas: 0,
    serviceName: 'orders',
    selector: { matchLabels: { app: 'orders' } },
    template: {
      metadata: { labels: { app: 'orders' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    },
  },
};

/** Gives the object a controller of another kind (which must exist, or the GC deletes it). */
function ownedByAnotherController(s: Scenario, obj: KubeObject): void {
  const owner = s.store.create(
    { apiVersion: 'example.com/v1', kind: 'Shop', metadata: { name: 'shop', namespace: s.namespace } },
    USER,
  );
  const live = s.store.get({ kind: obj.kind, namespace: s.namespace, name: obj.metadata.name })!;
  const ref = { apiVersion: 'example.com/v1', kind: 'Shop', name: 'shop', uid: owner.metadata.uid ?? '' };
  live.metadata.ownerReferences = [{ ...ref, controller: true }];
  s.store.update(live, 'shop-controller');
}

/** The object as stored, without its status (its own controller writes that). */
function stored(s: Scenario, obj: KubeObject): string {
  const live = s.store.get({ kind: obj.kind, namespace: s.namespace, name: obj.metadata.name });
  if (!live) return 'absent';
  const { status: _status, ...rest } = live;
  const { resourceVersion: _rv, ...metadata } = live.metadata;
  return canonicalJson({ ...rest, metadata });
}

/** Objects that name the cluster as an owner. */
function owned(s: Scenario): string[] {
  const uid = s.parent()?.metadata.uid;
  return s.store
    .all()
    .filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === uid))
    .map((o) => `${o.kind}/${o.metadata.name}`);
}

describe('lifecycle: name collisions', () => {
  const world = useLifecycle();

  it.each([
    ['a Service', service, /Service\/orders \(no owner, managed by Helm\)/],
    ['a Secret', secret, /Secret\/orders-app \(no owner\)/],
    ['the StatefulSet', statefulSet, /StatefulSet\/orders \(Shop\/shop\)/],
  ])(
    '%s of the same name: refused with NameConflict, nothing created, theirs untouched',
    async (_what, theirs, named) => {
      const s = world.scenario();
      s.store.create({ ...theirs, metadata: { ...theirs.metadata, namespace: s.namespace } }, USER);
      if (theirs.kind === 'StatefulSet') ownedByAnotherController(s, theirs);
      const before = stored(s, theirs);

      await s.given.cluster(HA);

      const ready = s.then.condition('Ready', { status: 'False', reason: 'NameConflict' });
      expect(ready.message).toMatch(named);
      expect(owned(s)).toEqual([]);
      expect(s.then.podNames()).toEqual([]);
      expect(stored(s, theirs)).toBe(before);
      await s.then.steadyState();

      // The user frees the name: the cluster is created as if nothing had happened.
      s.when.deleted(theirs.kind, theirs.metadata.name);
      await s.settle();
      s.then.phase('Running');
      s.then.condition('Ready', { status: 'True' });
      expect(s.then.podNames()).toHaveLength(3);
      await s.then.steadyState();
    },
  );

  it('an existing cluster enabling the pooler over a taken name keeps everything; only the pooler waits', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const pods = s.then.podNames();
    const taken = { ...service, metadata: { ...service.metadata, name: 'orders-pooler' } };
    s.store.create({ ...taken, metadata: { ...taken.metadata, namespace: s.namespace } }, USER);
    const before = stored(s, taken);

    s.when.specEdited({ pgbouncer: { enabled: true } });
    await s.settle();

    expect(s.then.condition('Ready', { status: 'False', reason: 'NameConflict' }).message).toMatch(
      /Service\/orders-pooler \(no owner, managed by Helm\)/,
    );
    expect(stored(s, taken)).toBe(before);
    expect(s.store.list('Deployment', s.namespace)).toEqual([]);
    expect(s.then.podNames()).toEqual(pods);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();

    // Once the name is free the next sync creates the pooler (one step only: the simulation has no
    // effect for the pooler's auth Job).
    s.when.deleted('Service', 'orders-pooler');
    await s.step();
    expect(s.store.list('Deployment', s.namespace).map((d) => d.metadata.name)).toEqual(['orders-pooler']);
    const pooler = s.store.get({ kind: 'Service', namespace: s.namespace, name: 'orders-pooler' });
    expect(pooler?.metadata.ownerReferences?.[0]?.uid).toBe(s.parent()?.metadata.uid);
  });
});
