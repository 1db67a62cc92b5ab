/**
 * The emulator's deletion modes against their upstream sources (metacontroller/UPSTREAM.md, section
 * "Deletion and garbage collection"): the API server's propagation finalizers, the garbage
 * collector's orphaning and foreground deletion, Metacontroller's hands-off while they are on, and
 * claiming while the parent is being deleted.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { cm } from '../support/test-controllers';
import { collectGarbage } from './emulator';
import { CONTROLLER, NS, PARENT, STATUS, useEchoHooks, world as echoWorld } from './emulator-world';

const FINALIZER = `metacontroller.io/compositecontroller-${CONTROLLER.metadata.name}`;

describe('Metacontroller emulator: deletion modes', () => {
  const hooks = useEchoHooks();
  const world = (spec: Record<string, unknown>) => echoWorld(hooks, spec);
  const configMap = (w: ReturnType<typeof world>, name: string): KubeObject | undefined =>
    w.store.get({ kind: 'ConfigMap', namespace: NS, name });

  it('--cascade=orphan: the API server adds `orphan`; the GC drops the references, then the finalizer', () => {
    const w = world({ desired: [], status: STATUS });
    const parent = w.store.get(PARENT)!;
    w.store.create(
      { ...cm('dep'), metadata: { name: 'dep', namespace: NS, ownerReferences: [ownerOf(parent)] } },
      'user',
    );
    w.store.delete(PARENT, { actor: 'user', propagationPolicy: 'Orphan' });
    expect(w.store.get(PARENT)?.metadata.finalizers).toEqual(['orphan']);
    collectGarbage(w.store);
    expect(w.store.get(PARENT)).toBeUndefined();
    expect(configMap(w, 'dep')?.metadata.ownerReferences).toBeUndefined();
    collectGarbage(w.store);
    expect(configMap(w, 'dep')).toBeDefined();
  });

  it('while `orphan` is on, finalize is called but nothing it returns is applied; orphans are not claimed after', async () => {
    const w = world({ desired: [cm('a')], status: STATUS });
    await w.sync();
    w.store.delete(PARENT, { actor: 'user', propagationPolicy: 'Orphan' });
    expect(w.store.get(PARENT)?.metadata.finalizers).toEqual([FINALIZER, 'orphan']);
    // The hook now wants `b` and not `a`: hands off, neither happens.
    const p = w.store.get(PARENT)!;
    w.store.update({ ...p, spec: { desired: [cm('b')], status: STATUS } }, 'user');
    const first = await w.mc.syncParent(PARENT);
    expect(first?.hook).toBe('finalize');
    expect(first?.observedChildren).toEqual(['ConfigMap/a']);
    expect(configMap(w, 'a')).toBeDefined();
    expect(configMap(w, 'b')).toBeUndefined();
    collectGarbage(w.store);
    expect(w.store.get(PARENT)?.metadata.finalizers).toEqual([FINALIZER]);
    // The GC is done: `a` is an orphan the deleting parent does not claim; `b` is applied now.
    const second = await w.mc.syncParent(PARENT);
    expect(second?.observedChildren).toEqual([]);
    expect(configMap(w, 'a')?.metadata.ownerReferences).toBeUndefined();
    expect(configMap(w, 'b')?.metadata.ownerReferences?.map((r) => r.uid)).toEqual([p.metadata.uid]);
  });

  it('--cascade=foreground: dependents go first, blocking ones keep the finalizer until they are gone', () => {
    const w = world({ desired: [], status: STATUS });
    const parent = w.store.get(PARENT)!;
    const blocking = { ...ownerOf(parent), blockOwnerDeletion: true };
    w.store.create(
      {
        ...cm('held'),
        metadata: { name: 'held', namespace: NS, ownerReferences: [blocking], finalizers: ['x/hold'] },
      },
      'user',
    );
    w.store.create(
      { ...cm('free'), metadata: { name: 'free', namespace: NS, ownerReferences: [ownerOf(parent)] } },
      'user',
    );
    w.store.delete(PARENT, { actor: 'user', propagationPolicy: 'Foreground' });
    expect(w.store.get(PARENT)?.metadata.finalizers).toEqual(['foregroundDeletion']);
    collectGarbage(w.store);
    // Both deleted; `held` is terminating (its own finalizer) and still blocks the owner.
    expect(configMap(w, 'free')).toBeUndefined();
    expect(configMap(w, 'held')?.metadata.deletionTimestamp).toBeDefined();
    expect(w.store.get(PARENT)?.metadata.finalizers).toEqual(['foregroundDeletion']);
    const held = configMap(w, 'held')!;
    w.store.update({ ...held, metadata: { ...held.metadata, finalizers: [] } }, 'user');
    collectGarbage(w.store);
    expect(w.store.get(PARENT)).toBeUndefined();
  });

  it('while `foregroundDeletion` is on nothing is applied; after it, finalize answers are applied again', async () => {
    const w = world({ desired: [cm('a')], status: STATUS });
    await w.sync();
    w.store.delete(PARENT, { actor: 'user', propagationPolicy: 'Foreground' });
    const first = await w.mc.syncParent(PARENT);
    expect(first?.hook).toBe('finalize');
    collectGarbage(w.store); // deletes `a` (blocking), then drops the finalizer
    expect(configMap(w, 'a')).toBeUndefined();
    expect(w.store.get(PARENT)?.metadata.finalizers).toEqual([FINALIZER]);
    await w.mc.syncParent(PARENT);
    // What a finalize hook that answers with unobserved children causes: `a` is created again.
    expect(configMap(w, 'a')).toBeDefined();
  });

  it('a deleting parent neither claims nor releases an owned child that stopped matching', async () => {
    const w = world({ desired: [cm('a')], status: STATUS });
    await w.sync();
    const uid = w.store.get(PARENT)!.metadata.uid;
    const a = configMap(w, 'a')!;
    w.store.update({ ...a, metadata: { ...a.metadata, labels: { 'controller-uid': 'other' } } }, 'user');
    w.store.delete(PARENT, { actor: 'user', propagationPolicy: 'Orphan' });
    const p = w.store.get(PARENT)!;
    w.store.update({ ...p, spec: { desired: [], status: STATUS } }, 'user');
    const record = await w.mc.syncParent(PARENT);
    expect(record?.observedChildren).toEqual([]);
    expect(configMap(w, 'a')?.metadata.ownerReferences?.map((r) => r.uid)).toEqual([uid]);
  });
});

function ownerOf(parent: KubeObject) {
  return {
    apiVersion: parent.apiVersion,
    kind: parent.kind,
    name: parent.metadata.name,
    uid: parent.metadata.uid ?? '',
  };
}
