/**
 * The fixture of the emulator's tests (emulator*.test.ts): a scripted CompositeController
 * (test/support/test-controllers.ts: children, status, finalized and resyncAfterSeconds are whatever
 * the parent's spec says) served by the real hook server over HTTP, and a world with one parent.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { echoController } from '../support/test-controllers';
import { Metacontroller, collectGarbage, type CompositeController } from './emulator';
import { KUBERNETES_RULES } from './lib/apiserver-rules';
import { SimClock } from './lib/clock';
import { HookServer } from './lib/hook-server';
import { ApiStore } from './lib/store';

export const NS = 'ns1';
export const hook = (name: string) => ({
  version: 'v2',
  webhook: { url: `http://pgmeta-hooks.test/echo/${name}` },
});
export const CONTROLLER: CompositeController = {
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
export const PARENT = { kind: 'PostgresCluster', namespace: NS, name: 'p1' };
export const STATUS = { phase: 'Running' };
export const secret = (name: string, value: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name },
  data: { v: Buffer.from(value).toString('base64') },
});

/** The hook server with the echo controller, started before the file's tests and stopped after. */
export function useEchoHooks(): HookServer {
  const hooks = new HookServer([echoController]);
  beforeAll(async () => {
    await hooks.start();
  });
  afterAll(async () => {
    await hooks.stop();
  });
  return hooks;
}

/** A store with one PostgresCluster `p1` of this spec, and helpers to edit and sync it. */
export function world(hooks: HookServer, spec: Record<string, unknown>) {
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

export type World = ReturnType<typeof world>;
