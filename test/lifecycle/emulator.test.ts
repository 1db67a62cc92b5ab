/**
 * The emulator against the Metacontroller contract (shared/reference/metacontroller.md §2-§4), with
 * a scripted controller (test/support/test-controllers.ts: children, status, finalized and
 * resyncAfterSeconds are whatever the parent's spec says) served by the real hook server over HTTP.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { cm, echoController } from '../support/test-controllers';
import { Metacontroller, collectGarbage, type CompositeController } from './emulator';
import { KUBERNETES_RULES } from './lib/apiserver-rules';
import { SimClock } from './lib/clock';
import { HookServer } from './lib/hook-server';
import { ApiStore } from './lib/store';

const NS = 'ns1';
const hook = (name: string) => ({ version: 'v2', webhook: { url: `http://pgmeta-hooks.test/echo/${name}` } });
const CONTROLLER: CompositeController = {
  apiVersion: 'metacontroller.k8s.io/v1alpha1',
  kind: 'CompositeController',
  metadata: { name: 'echo' },
  spec: {
    generateSelector: true,
    resyncPeriodSeconds: 30,
    parentResource: { apiVersion: 'pgmeta.io/v1alpha1', resource: 'postgresclusters' },
    childResources: [
      { apiVersion: 'v1', resource: 'configmaps', updateStrategy: { method: 'InPlace' } },
      { apiVersion: 'v1', resource: 'secrets' },
    ],
    hooks: { sync: hook('sync'), finalize: hook('finalize'), customize: hook('customize') },
  },
};
const PARENT = { kind: 'PostgresCluster', namespace: NS, name: 'p1' };
const STATUS = { phase: 'Running' };
const secret = (name: string, value: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name },
  data: { v: Buffer.from(value).toString('base64') },
});

describe('Metacontroller emulator', () => {
  const hooks = new HookServer([echoController]);
  beforeAll(async () => {
    await hooks.start();
  });
  afterAll(async () => {
    await hooks.stop();
  });

  function world(spec: Record<string, unknown>) {
    const clock = new SimClock();
    const store = new ApiStore(clock, KUBERNETES_RULES);
    const mc = new Metacontroller({ store, hooks, clock, controllers: [CONTROLLER] });
    store.create(
      {
        apiVersion: 'pgmeta.io/v1alpha1',
        kind: 'PostgresCluster',
        metadata: { name: 'p1', namespace: NS },
        spec,
      },
      'user',
    );
    const edit = (next: Record<string, unknown>) => {
      const p = store.get(PARENT)!;
      store.update({ ...p, spec: next }, 'user');
    };
    const sync = async () => {
      clock.advance(1);
      const record = await mc.syncParent(PARENT);
      collectGarbage(store);
      return record;
    };
    const rvs = () =>
      new Map(store.all().map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]));
    return { clock, store, mc, edit, sync, rvs };
  }

  it('adds its finalizer before creating anything, then creates owned, labelled children', async () => {
    const w = world({ desired: [cm('a', { data: { k: '1' } })], status: STATUS });
    await w.sync();
    const finalizerAt = w.store.log.find(
      (c) => c.kind === 'PostgresCluster' && c.paths?.includes('metadata.finalizers'),
    )!.rv;
    const createdAt = w.store.log.find((c) => c.kind === 'ConfigMap')!.rv;
    expect(finalizerAt).toBeLessThan(createdAt);
    const parent = w.store.get(PARENT)!;
    expect(parent.metadata.finalizers).toEqual(['metacontroller.io/compositecontroller-echo']);
    const a = w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'a' })!;
    expect(a.metadata.labels).toEqual({ 'controller-uid': parent.metadata.uid });
    expect(a.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'pgmeta.io/v1alpha1',
        kind: 'PostgresCluster',
        name: 'p1',
        uid: parent.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(parent['status']).toEqual({ phase: 'Running', observedGeneration: 1 });
  });

  it('deletes an observed child the response leaves out, and only that one', async () => {
    const w = world({ desired: [cm('a'), cm('b')], status: STATUS });
    await w.sync();
    w.edit({ desired: [cm('a')], status: STATUS });
    await w.sync();
    expect(w.store.list('ConfigMap', NS).map((c) => c.metadata.name)).toEqual(['a']);
    expect(
      w.store.log.filter((c) => c.verb === 'delete').map((c) => `${c.kind}/${c.name} by ${c.actor}`),
    ).toEqual(['ConfigMap/b by metacontroller']);
  });

  it.each([
    [
      'a handler error (500)',
      (w: ReturnType<typeof world>) => {
        w.edit({ throw: 'boom', desired: [], status: { phase: 'Failed' } });
      },
    ],
    [
      'an injected 503',
      (w: ReturnType<typeof world>) => {
        w.edit({ desired: [], status: { phase: 'Failed' } });
        w.mc.failNextCalls(2, 503);
      },
    ],
  ])('changes nothing after %s: no delete, no create, no status write', async (_what, breakIt) => {
    const w = world({ desired: [cm('a'), secret('s', 'x')], status: STATUS });
    await w.sync();
    breakIt(w);
    const before = w.rvs();
    const record = await w.sync();
    expect(record?.httpStatus).not.toBe(200);
    expect(w.rvs()).toEqual(before);
    expect(w.mc.errors.at(-1)).toMatch(/SyncError ns1\/p1: (customize|hook) answered 5\d\d/);
  });

  it('updates InPlace children keeping fields others set, and never rewrites OnDelete children', async () => {
    const w = world({ desired: [cm('a', { data: { k: '1' } }), secret('s', 'one')], status: STATUS });
    await w.sync();
    const a = w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'a' })!;
    w.store.update(
      { ...a, metadata: { ...a.metadata, annotations: { 'someone.else/note': 'kept' } } },
      'kubectl',
    );
    w.edit({ desired: [cm('a', { data: { k: '2' } }), secret('s', 'two')], status: STATUS });
    await w.sync();
    const updated = w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'a' })!;
    expect(updated['data']).toEqual({ k: '2' });
    expect(updated.metadata.annotations).toEqual({ 'someone.else/note': 'kept' });
    expect(w.store.get({ kind: 'Secret', namespace: NS, name: 's' })!['data']).toEqual({
      v: Buffer.from('one').toString('base64'),
    });
  });

  it('removes a field the hook stops setting (apply semantics)', async () => {
    const w = world({ desired: [cm('a', { data: { k: '1', gone: 'x' } })], status: STATUS });
    await w.sync();
    w.edit({ desired: [cm('a', { data: { k: '1' } })], status: STATUS });
    await w.sync();
    expect(w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'a' })!['data']).toEqual({ k: '1' });
  });

  it('adopts a matching orphan and releases an owned child whose labels stopped matching', async () => {
    const w = world({ desired: [cm('a')], status: STATUS });
    await w.sync();
    const uid = w.store.get(PARENT)!.metadata.uid!;
    w.store.create(
      { ...cm('orphan'), metadata: { name: 'orphan', namespace: NS, labels: { 'controller-uid': uid } } },
      'user',
    );
    const a = w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'a' })!;
    w.store.update(
      { ...a, metadata: { ...a.metadata, labels: { 'controller-uid': 'someone-else' } } },
      'user',
    );
    const record = await w.sync();
    expect(record?.observedChildren).toEqual(['ConfigMap/orphan']);
    const released = w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'a' })!;
    expect(released.metadata.ownerReferences ?? []).toEqual([]);
    // The adopted orphan was not in the response, so it was deleted: the reason PVCs are never children.
    expect(w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'orphan' })).toBeUndefined();
  });

  it('aborts the whole sync when a desired child does not match the selector', async () => {
    const w = world({ desired: [cm('a')], status: STATUS });
    await w.sync();
    w.edit({
      desired: [cm('b', { metadata: { name: 'b', labels: { 'controller-uid': 'not-mine' } } })],
      status: { phase: 'Failed' },
    });
    const before = w.rvs();
    const record = await w.sync();
    expect(record?.error).toMatch(/labels do not match/);
    expect(w.rvs()).toEqual(before);
  });

  it('reports status fields the CRD would prune, and rejects a status the schema refuses', async () => {
    const w = world({ desired: [], status: { phase: 'Running', notInSchema: 1 } });
    await w.sync();
    expect(w.store.get(PARENT)!['status']).toEqual({ phase: 'Running', observedGeneration: 1 });
    expect(w.mc.problems).toEqual([
      "status.notInSchema is not in the CRD's status schema: the API server drops it on every write",
    ]);
    w.edit({ desired: [], status: { phase: 'Running', replicas: 'three' } });
    await w.sync();
    expect(w.store.get(PARENT)!['status']).toEqual({ phase: 'Running', observedGeneration: 1 });
    expect(w.mc.errors.at(-1)).toMatch(/status write rejected: status.replicas: Invalid value/);
  });

  it('finalizes: calls finalize while deleting, keeps the parent until finalized, then the GC removes children', async () => {
    const w = world({ desired: [cm('a')], status: STATUS });
    await w.sync();
    w.store.delete(PARENT, { actor: 'user' });
    expect(w.store.get(PARENT)?.metadata.deletionTimestamp).toBeDefined();
    const first = await w.sync();
    expect(first?.hook).toBe('finalize');
    expect(w.store.get(PARENT)).toBeDefined();
    const p = w.store.get(PARENT)!;
    // The API server accepts spec edits of a terminating object; the hook reads `finalized` from it.
    w.store.update({ ...p, spec: { desired: [cm('a')], status: STATUS, finalized: true } }, 'user');
    await w.sync();
    expect(w.store.get(PARENT)).toBeUndefined();
    collectGarbage(w.store);
    expect(w.store.list('ConfigMap', NS)).toEqual([]);
  });

  it('caches customize per parent uid and generation', async () => {
    const w = world({ desired: [], status: STATUS });
    const calls = () => hooks.calls.get('/echo/customize') ?? 0;
    const start = calls();
    await w.sync();
    await w.sync();
    expect(calls() - start).toBe(1);
    w.edit({ desired: [cm('x')], status: STATUS });
    await w.sync();
    expect(calls() - start).toBe(2);
  });

  it('runs several controllers on one store: each syncs, customizes and owns only its own parents', async () => {
    const backups: CompositeController = {
      ...CONTROLLER,
      metadata: { name: 'echo-backups' },
      spec: {
        ...CONTROLLER.spec,
        parentResource: { apiVersion: 'pgmeta.io/v1alpha1', resource: 'postgresbackups' },
      },
    };
    const clock = new SimClock();
    const store = new ApiStore(clock, KUBERNETES_RULES);
    const mc = new Metacontroller({ store, hooks, clock, controllers: [CONTROLLER, backups] });
    const parent = (kind: string, name: string, child: string) =>
      store.create(
        {
          apiVersion: 'pgmeta.io/v1alpha1',
          kind,
          metadata: { name, namespace: NS },
          spec: { desired: [cm(child)], status: STATUS },
        },
        'user',
      );
    const cluster = parent('PostgresCluster', 'p1', 'of-cluster');
    const backup = parent('PostgresBackup', 'p1', 'of-backup');
    const customizeCalls = () => hooks.calls.get('/echo/customize') ?? 0;
    const before = customizeCalls();

    expect(await mc.syncDue()).toBe(2);
    expect(mc.history.map((r) => [r.controller, r.parent, r.parentUid])).toEqual([
      ['echo', 'ns1/p1', cluster.metadata.uid],
      ['echo-backups', 'ns1/p1', backup.metadata.uid],
    ]);
    expect(customizeCalls() - before).toBe(2);
    const ownerOf = (name: string) =>
      store.get({ kind: 'ConfigMap', namespace: NS, name })?.metadata.ownerReferences?.[0]?.uid;
    expect([ownerOf('of-cluster'), ownerOf('of-backup')]).toEqual([
      cluster.metadata.uid,
      backup.metadata.uid,
    ]);
    expect(store.get({ kind: 'PostgresBackup', namespace: NS, name: 'p1' })?.metadata.finalizers).toEqual([
      'metacontroller.io/compositecontroller-echo-backups',
    ]);
    // A second sync of each: the other controller's children are never observed, so never deleted.
    await mc.syncDue({ force: true });
    expect(mc.history.slice(2).map((r) => [r.controller, r.observedChildren])).toEqual([
      ['echo', ['ConfigMap/of-cluster']],
      ['echo-backups', ['ConfigMap/of-backup']],
    ]);
    expect(store.list('ConfigMap', NS)).toHaveLength(2);
    expect(() => new Metacontroller({ store, hooks, clock, controllers: [CONTROLLER, CONTROLLER] })).toThrow(
      /two CompositeControllers watch PostgresCluster parents/,
    );
  });

  it('syncs on events, on resyncAfterSeconds and on the resync period, not otherwise', async () => {
    const w = world({ desired: [], status: STATUS, resyncAfterSeconds: 10 });
    await w.mc.syncDue();
    await w.mc.syncDue(); // its own status write is an event
    expect(await w.mc.syncDue()).toBe(0);
    w.clock.advance(9);
    expect(await w.mc.syncDue()).toBe(0);
    w.clock.advance(1);
    expect(await w.mc.syncDue()).toBe(1);
    w.edit({ desired: [], status: STATUS });
    expect(await w.mc.syncDue()).toBe(1);
  });
});
