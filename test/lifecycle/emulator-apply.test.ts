/**
 * The emulator's server-side apply and customize decoding (metacontroller/apply.ts, customize.ts),
 * each as Metacontroller v4.17.2 does it (metacontroller/UPSTREAM.md names the functions).
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { KUBERNETES_RULES } from './lib/apiserver-rules';
import { SimClock } from './lib/clock';
import { ApiError, ApiStore } from './lib/store';
import { ServerSideApplier } from './metacontroller/apply';
import { decodeCustomize, ruleSelects } from './metacontroller/customize';

const NS = 'ns1';

function setup() {
  const store = new ApiStore(new SimClock(), KUBERNETES_RULES);
  const parent = store.create(
    { apiVersion: 'pgmeta.io/v1alpha1', kind: 'PostgresCluster', metadata: { name: 'p', namespace: NS } },
    'user',
  );
  const applier = new ServerSideApplier(store);
  const traces: string[] = [];
  const fx = { trace: (l: string) => traces.push(l), problem: (l: string) => traces.push(l) };
  const get = (kind: string, name: string) => store.get({ kind, namespace: NS, name });
  const apply = (desired: KubeObject, method = 'InPlace') => {
    const observed = get(desired.kind, desired.metadata.name);
    const owned = observed?.metadata.ownerReferences?.some((r) => r.uid === parent.metadata.uid);
    applier.apply({ parent, desired, observed: owned === true ? observed : undefined, method }, fx);
  };
  return { store, parent, applier, traces, get, apply };
}

const cm = (data: Record<string, string>, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'a', namespace: NS, ...(labels ? { labels } : {}) },
  data,
});

const sts = (replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 's', namespace: NS, labels: { app: 's' } },
  spec: {
    replicas,
    serviceName: 's',
    selector: { matchLabels: { app: 's' } },
    template: { metadata: { labels: { app: 's' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
  },
});

describe('emulated server-side apply', () => {
  it('force-applies a child that is not observed over an existing object: ours win, theirs stay, adopted', () => {
    const w = setup();
    w.store.create(cm({ k: 'theirs', other: 'kept' }, { team: 'shop' }), 'user');
    w.apply(cm({ k: 'ours' }));
    const live = w.get('ConfigMap', 'a')!;
    expect(live['data']).toEqual({ k: 'ours', other: 'kept' });
    expect(live.metadata.labels).toEqual({ team: 'shop' });
    expect(live.metadata.ownerReferences?.map((r) => [r.uid, r.controller])).toEqual([
      [w.parent.metadata.uid, true],
    ]);
    expect(w.store.log.at(-1)).toMatchObject({ verb: 'update', actor: 'metacontroller' });
    expect(w.traces.join('\n')).toMatch(/forced over existing ConfigMap\/a/);
  });

  it('is refused by the API server when the object already has another controller', () => {
    const w = setup();
    const other = { apiVersion: 'v1', kind: 'X', name: 'x', uid: 'other', controller: true };
    w.store.create(
      { ...cm({ k: 'theirs' }), metadata: { ...cm({}).metadata, ownerReferences: [other] } },
      'user',
    );
    expect(() => {
      w.apply(cm({ k: 'ours' }));
    }).toThrow(ApiError);
    expect(w.get('ConfigMap', 'a')!['data']).toEqual({ k: 'theirs' });
  });

  it('does not revert metadata drift on an object with a generation until the generation moves', () => {
    const w = setup();
    w.apply(sts(3));
    const edit = (f: (o: KubeObject) => void) => {
      const o = w.get('StatefulSet', 's')!;
      f(o);
      w.store.update(o, 'user');
    };
    edit((o) => {
      o.metadata.labels = { ...o.metadata.labels, drift: 'yes' };
    });
    w.apply(sts(3));
    expect(w.get('StatefulSet', 's')!.metadata.labels?.['drift']).toBe('yes');
    edit((o) => {
      (o['spec'] as { replicas: number }).replicas = 5;
    });
    w.apply(sts(3));
    expect((w.get('StatefulSet', 's')!['spec'] as { replicas: number }).replicas).toBe(3);
  });

  it('reverts any drift on an object without a generation (its resourceVersion moved)', () => {
    const w = setup();
    w.apply(cm({ k: 'ours' }));
    const o = w.get('ConfigMap', 'a')!;
    w.store.update({ ...o, data: { k: 'edited' } }, 'user');
    w.apply(cm({ k: 'ours' }));
    expect(w.get('ConfigMap', 'a')!['data']).toEqual({ k: 'ours' });
  });

  it('never writes an observed OnDelete child', () => {
    const w = setup();
    w.apply(cm({ k: 'ours' }), 'OnDelete');
    const rv = w.get('ConfigMap', 'a')!.metadata.resourceVersion;
    w.apply(cm({ k: 'changed' }), 'OnDelete');
    expect(w.get('ConfigMap', 'a')!.metadata.resourceVersion).toBe(rv);
  });
});

describe('emulated customize decoding', () => {
  const ok = (body: unknown) => ({ status: 200, body });
  const rule = { apiVersion: 'v1', resource: 'secrets', namespace: NS, names: ['a'] };

  it('v2 decodes strictly: an unknown key in a rule or at the top fails the call; v1 ignores it', () => {
    expect(decodeCustomize(ok({ relatedResources: [rule] }), 'v2')).toEqual([rule]);
    expect(decodeCustomize(ok({ relatedResources: [{ ...rule, name: 'a' }] }), 'v2')).toMatch(
      /unknown field\(s\) relatedResources\[0\]\.name/,
    );
    expect(decodeCustomize(ok({ relatedResources: [], debug: 1 }), 'v2')).toMatch(/unknown field\(s\) debug/);
    expect(typeof decodeCustomize(ok({ relatedResources: [{ ...rule, name: 'a' }] }), 'v1')).toBe('object');
  });

  it('`names: []` selects every object, like no names at all', () => {
    const obj = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name } });
    expect(ruleSelects({ ...rule, names: [] }, obj('anything'))).toBe(true);
    expect(ruleSelects(rule, obj('anything'))).toBe(false);
    expect(ruleSelects(rule, obj('a'))).toBe(true);
  });
});
