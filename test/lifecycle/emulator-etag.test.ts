/**
 * The emulator's webhook ETag cache (metacontroller/etag.ts, Metacontroller v4.17.2
 * pkg/hooks/webhook_etag.go) against the real hook service, which tags every answer
 * (hooks/http/etag.ts): a hook whose YAML enables `etag` sends If-None-Match with the remembered
 * tag, a 304 reuses the remembered answer, a changed answer comes in full; other hooks never send it.
 */
import { cm } from '../support/test-controllers';
import {
  Metacontroller,
  collectGarbage,
  loadCompositeController,
  type CompositeController,
} from './emulator';
import { CONTROLLER, NS, PARENT, STATUS, useEchoHooks } from './emulator-world';
import { KUBERNETES_RULES } from './lib/apiserver-rules';
import { SimClock } from './lib/clock';
import { ApiStore } from './lib/store';
import { etagHooks } from './metacontroller/etag';

const etagged = (name: string) => ({
  version: 'v2',
  webhook: {
    url: `http://pgmeta-hooks.test/echo/${name}`,
    etag: { enabled: true, cacheTimeoutSeconds: 600, cacheCleanupSeconds: 300 },
  },
});
const ETAG_CONTROLLER: CompositeController = {
  ...CONTROLLER,
  spec: {
    ...CONTROLLER.spec,
    hooks: { ...CONTROLLER.spec.hooks, sync: etagged('sync'), finalize: etagged('finalize') },
  },
};

describe('Metacontroller emulator: If-None-Match and 304 on sync and finalize', () => {
  const hooks = useEchoHooks();

  function world(cc: CompositeController, spec: Record<string, unknown>) {
    const clock = new SimClock();
    const store = new ApiStore(clock, KUBERNETES_RULES);
    const mc = new Metacontroller({ store, hooks, clock, controllers: [cc] });
    const parent = { apiVersion: 'pgmeta.io/v1alpha1', kind: 'PostgresCluster', spec };
    store.create({ ...parent, metadata: { name: 'p1', namespace: NS } }, 'user');
    const sync = async () => {
      clock.advance(1);
      const r = await mc.syncParent(PARENT);
      collectGarbage(store);
      return r;
    };
    const edit = (next: Record<string, unknown>) => {
      store.update({ ...store.get(PARENT)!, spec: next }, 'user');
    };
    return { clock, store, mc, sync, edit };
  }

  it('a 304 round trip reuses the remembered answer; a changed answer comes in full', async () => {
    const w = world(ETAG_CONTROLLER, { desired: [cm('a')], status: STATUS });
    await w.sync();
    expect(w.mc.hooks.reused.get('/echo/sync')).toBeUndefined();
    // The request changed (status, resourceVersion) but the answer's bytes did not: the service
    // answers 304 to the remembered tag and the emulator applies the remembered body.
    const second = await w.sync();
    expect(w.mc.hooks.reused.get('/echo/sync')).toBe(1);
    expect(second?.httpStatus).toBe(200);
    expect(second?.desiredChildren).toEqual(['ConfigMap/a']);
    expect(w.store.get(PARENT)!['status']).toEqual({ ...STATUS, observedGeneration: 1 });
    w.edit({ desired: [cm('a'), cm('b')], status: STATUS });
    const third = await w.sync();
    expect(third?.httpStatus).toBe(200);
    expect(w.mc.hooks.reused.get('/echo/sync')).toBe(1);
    expect(
      w.store
        .list('ConfigMap', NS)
        .map((c) => c.metadata.name)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('finalize has its own cache; an expired entry sends no If-None-Match', async () => {
    const w = world(ETAG_CONTROLLER, { desired: [], status: STATUS });
    await w.sync();
    await w.sync();
    expect(w.mc.hooks.reused.get('/echo/sync')).toBe(1);
    w.clock.advance(600);
    const afterExpiry = await w.sync();
    expect(afterExpiry?.httpStatus).toBe(200);
    expect(w.mc.hooks.reused.get('/echo/sync')).toBe(1);
    w.store.delete(PARENT, { actor: 'user' });
    await w.sync();
    expect(w.mc.hooks.reused.get('/echo/finalize')).toBeUndefined();
    await w.sync();
    expect(w.mc.hooks.reused.get('/echo/finalize')).toBe(1);
  });

  it('a hook without `etag.enabled` never sends If-None-Match', async () => {
    const w = world(CONTROLLER, { desired: [], status: STATUS });
    await w.sync();
    const again = await w.sync();
    expect(again?.httpStatus).toBe(200);
    expect(w.mc.hooks.reused.size).toBe(0);
  });

  it('reads `etag` from the installed controllers: sync and finalize of postgrescluster', () => {
    const cc = loadCompositeController('postgrescluster');
    const paths = [...etagHooks(Object.values(cc.spec.hooks)).keys()].sort();
    expect(paths).toEqual(['/postgrescluster/finalize', '/postgrescluster/sync']);
  });
});
