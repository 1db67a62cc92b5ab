/**
 * The emulator's DecoratorControllers (metacontroller/decorator-loop.ts, after Metacontroller
 * v4.17.2 pkg/controller/decorator/controller.go) against the real hook service: attachments with
 * the parent's controller reference and the decorator's annotation, labels merged into the parent,
 * a null status leaving the parent's alone and a status replacing it, `ignoreStatusChanges`, and
 * the garbage collector removing the attachments with the parent.
 */
import { CONTROLLERS } from '../../hooks/controllers';
import type { DecoratorControllerDef } from '../../hooks/metacontroller/controller';
import { labelDecorator } from '../support/test-controllers';
import {
  Metacontroller,
  collectGarbage,
  loadDecoratorController,
  type DecoratorController,
} from './emulator';
import { KUBERNETES_RULES } from './lib/apiserver-rules';
import { SimClock } from './lib/clock';
import { HookServer } from './lib/hook-server';
import { ApiStore } from './lib/store';
import { DECORATOR_ANNOTATION } from './metacontroller/decorator-loop';

const NS = 'ns1';
const PARENT = { kind: 'PostgresCluster', namespace: NS, name: 'p1' };

/** Answers `spec.decoratorStatus` as its status (null when the spec has none). */
const statusDecorator: DecoratorControllerDef = {
  kind: 'decorator',
  name: 'status-setter',
  attachmentTypes: [],
  sync(req) {
    const wanted = (req.object['spec'] as { decoratorStatus?: Record<string, unknown> }).decoratorStatus;
    return { attachments: [], ...(wanted ? { status: wanted } : {}) };
  },
};

const decorator = (name: string, ignoreStatusChanges: boolean): DecoratorController => ({
  apiVersion: 'metacontroller.k8s.io/v1alpha1',
  kind: 'DecoratorController',
  metadata: { name },
  spec: {
    resources: [{ apiVersion: 'pgmeta.io/v1alpha1', resource: 'postgresclusters', ignoreStatusChanges }],
    attachments: [{ apiVersion: 'v1', resource: 'configmaps', updateStrategy: { method: 'InPlace' } }],
    hooks: { sync: { version: 'v2', webhook: { url: `http://pgmeta-hooks.test/${name}/sync` } } },
  },
});

describe('Metacontroller emulator: DecoratorControllers', () => {
  const hooks = new HookServer([...CONTROLLERS, labelDecorator, statusDecorator]);
  beforeAll(async () => {
    await hooks.start();
  });
  afterAll(async () => {
    await hooks.stop();
  });

  function world(decorators: DecoratorController[], spec: Record<string, unknown>) {
    const clock = new SimClock();
    const store = new ApiStore(clock, KUBERNETES_RULES);
    const mc = new Metacontroller({ store, hooks, clock, controllers: [], decorators });
    const meta = { name: 'p1', namespace: NS, labels: { 'pgmeta.io/old': 'x' } };
    store.create({ apiVersion: 'pgmeta.io/v1alpha1', kind: 'PostgresCluster', metadata: meta, spec }, 'user');
    const parent = store.get(PARENT)!;
    store.updateStatus({ ...parent, status: { phase: 'Running' } }, 'composite');
    const syncDue = async () => {
      clock.advance(1);
      const n = await mc.syncDue();
      collectGarbage(store);
      return n;
    };
    return { clock, store, mc, syncDue };
  }

  it('attaches with a controller reference and its annotation, merges labels, leaves a null status alone', async () => {
    const w = world([decorator('labeler', true)], {});
    await w.syncDue();
    const parent = w.store.get(PARENT)!;
    expect(parent.metadata.labels).toEqual({ 'pgmeta.io/seen': 'true' });
    expect(parent['status']).toEqual({ phase: 'Running' });
    const [cm] = w.store.list('ConfigMap', NS);
    expect(cm?.metadata.name).toBe('p1-extra');
    expect(cm?.metadata.annotations?.[DECORATOR_ANNOTATION]).toBe('labeler');
    expect(cm?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ uid: parent.metadata.uid, controller: true, blockOwnerDeletion: true }),
    ]);
    // Its own label write is an event (upstream re-syncs after its own updates); then it is quiet.
    const revision = w.store.revision;
    await w.syncDue();
    expect(w.store.revision).toBe(revision);
  });

  it('a status in the answer replaces the whole status', async () => {
    const w = world([decorator('status-setter', false)], { decoratorStatus: { replicas: 3 } });
    await w.syncDue();
    expect(w.store.get(PARENT)!['status']).toEqual({ replicas: 3 });
    expect(w.mc.decorators[0]!.records[0]?.statusWritten).toBe(true);
  });

  it('ignoreStatusChanges: a status write of the parent does not sync it, a label change does', async () => {
    const w = world([decorator('labeler', true), decorator('status-setter', false)], {});
    await w.syncDue();
    await w.syncDue();
    const [labeler, setter] = w.mc.decorators;
    const before = [labeler!.records.length, setter!.records.length];
    const p = w.store.get(PARENT)!;
    w.store.updateStatus({ ...p, status: { phase: 'Degraded' } }, 'composite');
    await w.syncDue();
    expect([labeler!.records.length, setter!.records.length]).toEqual([before[0], before[1]! + 1]);
    w.store.update({ ...w.store.get(PARENT)!, metadata: { ...p.metadata, labels: { a: 'b' } } }, 'user');
    await w.syncDue();
    expect(labeler!.records.length).toBe(before[0]! + 1);
  });

  it('prometheus and keda: PodMonitor and ScaledObject attached; deleting the parent removes them', async () => {
    const components = ['prometheus', 'keda'].map((c) => loadDecoratorController(c));
    const w = world(components, {
      version: '16',
      replicas: 3,
      storage: { size: '10Gi' },
      metrics: { enabled: true },
      scaling: { enabled: true, minReplicas: 2, maxReplicas: 5 },
    });
    await w.syncDue();
    const kinds = ['PodMonitor', 'PrometheusRule', 'ScaledObject', 'TriggerAuthentication'];
    const names = (kind: string) => w.store.list(kind, NS).map((o) => o.metadata.name);
    expect(names('PodMonitor')).toEqual(['p1']);
    expect(names('ScaledObject')).toEqual(['p1']);
    expect(w.store.get(PARENT)!['status']).toEqual({ phase: 'Running' });
    w.store.delete(PARENT, { actor: 'user' });
    collectGarbage(w.store);
    expect(w.store.get(PARENT)).toBeUndefined();
    for (const kind of kinds) expect(names(kind)).toEqual([]);
  });
});
