/**
 * The emulator against the Metacontroller contract (Metacontroller v4.17.2; metacontroller/UPSTREAM.md names the sources), the
 * parents' side: status writes checked against the CRD, finalize and the garbage collector, the
 * customize cache, several controllers on one store, and when a parent is synced.
 */
import { cm } from '../support/test-controllers';
import { Metacontroller, collectGarbage, type CompositeController } from './emulator';
import { CONTROLLER, NS, PARENT, STATUS, useEchoHooks, world as echoWorld } from './emulator-world';
import { KUBERNETES_RULES } from './lib/apiserver-rules';
import { SimClock } from './lib/clock';
import { ApiStore } from './lib/store';

describe('Metacontroller emulator: parents', () => {
  const hooks = useEchoHooks();
  const world = (spec: Record<string, unknown>) => echoWorld(hooks, spec);

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
