/**
 * The emulator against the Metacontroller contract (Metacontroller v4.17.2; metacontroller/UPSTREAM.md names the sources): how
 * one sync writes children (create, delete the omitted, update strategies, apply semantics, claiming,
 * the selector check) and changes nothing after a failed hook call. The parents' side (status,
 * finalize, customize, several controllers, when syncs happen) is in emulator-parents.test.ts.
 */
import { cm } from '../support/test-controllers';
import { NS, PARENT, STATUS, secret, useEchoHooks, world as echoWorld, type World } from './emulator-world';

describe('Metacontroller emulator', () => {
  const hooks = useEchoHooks();
  const world = (spec: Record<string, unknown>) => echoWorld(hooks, spec);

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
      (w: World) => {
        w.edit({ throw: 'boom', desired: [], status: { phase: 'Failed' } });
      },
    ],
    [
      'an injected 503',
      (w: World) => {
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

  it('adopts a matching orphan; releases an owned child whose labels stopped matching (and SSA re-takes it)', async () => {
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
    // `a` was released (its ownerReference removed); still desired but no longer observed, it was
    // then force-applied by server-side apply: owned again, the selector label forced back.
    const writes = w.store.log.filter((c) => c.name === 'a' && c.actor === 'metacontroller');
    expect(writes.slice(-2).map((c) => c.labels['controller-uid'])).toEqual(['someone-else', uid]);
    const retaken = w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'a' })!;
    expect((retaken.metadata.ownerReferences ?? []).map((r) => r.uid)).toEqual([uid]);
    // The adopted orphan was not in the response, so it was deleted: the reason PVCs are never children.
    expect(w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'orphan' })).toBeUndefined();
  });

  it('server-side apply: a desired child it does not observe is applied over the object of that name', async () => {
    const w = world({ desired: [cm('a', { data: { k: '1' } })], status: STATUS });
    await w.sync();
    const parent = w.store.get(PARENT)!;
    const a = w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'a' })!;
    // Someone else's label makes it stop matching: released, then forced back by the create path.
    w.store.update({ ...a, metadata: { ...a.metadata, labels: { 'controller-uid': 'other' } } }, 'user');
    const record = await w.sync();
    expect(record?.observedChildren).toEqual([]);
    const after = w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'a' })!;
    expect(after.metadata.uid).toBe(a.metadata.uid);
    expect(after.metadata.labels).toEqual({ 'controller-uid': parent.metadata.uid });
    expect(after.metadata.ownerReferences?.map((r) => r.uid)).toEqual([parent.metadata.uid]);
    const writes = w.store.log.filter((c) => c.kind === 'ConfigMap' && c.actor === 'metacontroller');
    expect(writes.map((c) => c.verb)).toEqual(['create', 'update', 'update']);
    expect(w.mc.problems).toEqual([]);
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
});
