/**
 * The emulator's triggers and informer caches (metacontroller/triggers.ts; UPSTREAM.md, "Triggers and
 * informer caches"): which events make which parent due, the resync period, ignoreStatusChanges, and
 * reads of children and related objects that lag behind the API server.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { cm } from '../support/test-controllers';
import { Metacontroller, type CompositeController } from './emulator';
import { CONTROLLER, NS, STATUS, useEchoHooks } from './emulator-world';
import { KUBERNETES_RULES } from './lib/apiserver-rules';
import { SimClock } from './lib/clock';
import type { HookServer } from './lib/hook-server';
import { ApiStore } from './lib/store';

const controller = (o: {
  ignoreStatusChanges?: boolean;
  resyncPeriodSeconds?: number;
}): CompositeController => ({
  ...CONTROLLER,
  spec: {
    ...CONTROLLER.spec,
    ...(o.resyncPeriodSeconds === undefined ? {} : { resyncPeriodSeconds: o.resyncPeriodSeconds }),
    parentResource: {
      ...CONTROLLER.spec.parentResource,
      ...(o.ignoreStatusChanges === undefined ? {} : { ignoreStatusChanges: o.ignoreStatusChanges }),
    },
  },
});
const NO_RESYNC = { resyncPeriodSeconds: 0 };

/** Parents `ns/name` with the echo spec, under one controller; `settle` syncs until nothing is due. */
function world(hooks: HookServer, cc: CompositeController, parents: [string, string][], lag = 0) {
  const clock = new SimClock();
  const store = new ApiStore(clock, KUBERNETES_RULES);
  const mc = new Metacontroller({ store, hooks, clock, controllers: [cc], informerLagSeconds: lag });
  const uids = parents.map(
    ([namespace, name]) =>
      store.create(
        {
          apiVersion: 'pgmeta.io/v1alpha1',
          kind: 'PostgresCluster',
          metadata: { name, namespace },
          spec: { desired: [cm(`${name}-cm`)], status: STATUS },
        },
        'user',
      ).metadata.uid ?? '',
  );
  const settle = async () => {
    for (let i = 0; i < 10 && (await mc.syncDue()) > 0; i++);
    return mc.history.length;
  };
  const synced = async () => {
    const before = mc.history.length;
    await mc.syncDue();
    return mc.history.slice(before).map((r) => r.parent);
  };
  return { clock, store, mc, uids, settle, synced };
}

const pod = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: 'x' } },
  spec: { containers: [{ name: 'c', image: 'i' }] },
});

describe('Metacontroller emulator: triggers and informer caches', () => {
  const hooks = useEchoHooks();

  it('ignoreStatusChanges: a status-only write does not sync the parent; a label change does', async () => {
    const run = async (ignoreStatusChanges: boolean) => {
      const w = world(hooks, controller({ ignoreStatusChanges, ...NO_RESYNC }), [[NS, 'p1']]);
      await w.settle();
      const p = w.store.get({ kind: 'PostgresCluster', namespace: NS, name: 'p1' })!;
      w.store.updateStatus({ ...p, status: { phase: 'Failed' } }, 'someone');
      const afterStatus = await w.synced();
      const q = w.store.get({ kind: 'PostgresCluster', namespace: NS, name: 'p1' })!;
      w.store.update({ ...q, metadata: { ...q.metadata, labels: { tier: 'gold' } } }, 'user');
      return [afterStatus, await w.synced()];
    };
    expect(await run(true)).toEqual([[], ['ns1/p1']]);
    expect(await run(false)).toEqual([['ns1/p1'], ['ns1/p1']]);
  });

  it('a child event syncs the parent its controller reference names, an orphan the parents it matches', async () => {
    const w = world(hooks, controller(NO_RESYNC), [
      [NS, 'p1'],
      [NS, 'p2'],
    ]);
    await w.settle();
    const child = w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'p1-cm' })!;
    w.store.update({ ...child, data: { drift: 'yes' } }, 'someone');
    expect(await w.synced()).toEqual(['ns1/p1']);
    // An orphan Secret (a child type) that no parent's selector matches wakes nobody.
    w.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: NS } }, 'user');
    expect(await w.synced()).toEqual([]);
    // One labelled with p2's controller-uid is p2's to adopt.
    const labels = { 'controller-uid': w.uids[1] ?? '' };
    w.store.create(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 't', namespace: NS, labels } },
      'user',
    );
    expect(await w.synced()).toEqual(['ns1/p2']);
    // The adoption writes the Secret: an event of p2's child again (as upstream), then quiet.
    expect(await w.synced()).toEqual(['ns1/p2']);
    expect(await w.synced()).toEqual([]);
    // An object of a kind that is neither a child nor related wakes nobody.
    w.store.create(
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: NS } },
      'user',
    );
    expect(await w.synced()).toEqual([]);
  });

  it('a related event syncs the parents whose customize rules select the object, old or new', async () => {
    // The echo customize hook selects every Pod of the parent's namespace.
    const w = world(hooks, controller(NO_RESYNC), [
      ['ns1', 'p1'],
      ['ns2', 'p2'],
    ]);
    await w.settle();
    w.store.create(pod('ns2', 'a'), 'kubelet');
    expect(await w.synced()).toEqual(['ns2/p2']);
    w.store.delete({ kind: 'Pod', namespace: 'ns2', name: 'a' }, { actor: 'user' });
    expect(await w.synced()).toEqual(['ns2/p2']);
    w.store.create(pod('ns1', 'b'), 'kubelet');
    expect(await w.synced()).toEqual(['ns1/p1']);
  });

  it('resyncs every parent each resyncPeriodSeconds since the start, and nothing in between', async () => {
    const w = world(hooks, controller({ resyncPeriodSeconds: 30 }), [
      [NS, 'p1'],
      [NS, 'p2'],
    ]);
    await w.settle();
    w.clock.advance(29);
    expect(await w.synced()).toEqual([]);
    // An event sync of p1 one second before the tick does not move p1's resync: the informer's
    // resync timer runs from its start, not from each parent's last sync.
    const child = w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'p1-cm' })!;
    w.store.update({ ...child, data: { drift: 'yes' } }, 'someone');
    expect(await w.synced()).toEqual(['ns1/p1']);
    w.clock.advance(1);
    expect(await w.synced()).toEqual(['ns1/p1', 'ns1/p2']);
    w.clock.advance(20);
    expect(await w.synced()).toEqual([]);
    w.clock.advance(10);
    expect(await w.synced()).toEqual(['ns1/p1', 'ns1/p2']);
  });

  it('informer lag: a sync right after a change reads the stale view, and the event arrives late', async () => {
    const w = world(hooks, controller(NO_RESYNC), [[NS, 'p1']], 5);
    const ref = { kind: 'PostgresCluster', namespace: NS, name: 'p1' };
    const first = await w.mc.syncParent(ref);
    expect(first?.desiredChildren).toEqual(['ConfigMap/p1-cm']);
    expect(w.store.get({ kind: 'ConfigMap', namespace: NS, name: 'p1-cm' })).toBeDefined();
    // The ConfigMap exists, but the cache the next sync reads does not have it yet.
    expect((await w.mc.syncParent(ref))?.observedChildren).toEqual([]);
    w.store.create(pod(NS, 'a'), 'kubelet');
    expect(await w.synced()).toEqual([]);
    w.clock.advance(5);
    const late = await w.synced();
    expect(late).toEqual(['ns1/p1']);
    const record = w.mc.history.at(-1)!;
    expect([record.observedChildren, record.pods.map((p) => p.name)]).toEqual([['ConfigMap/p1-cm'], ['a']]);
  });
});
