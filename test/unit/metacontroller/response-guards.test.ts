/**
 * Each guard of the response builder alone and at its boundaries: mutation testing (`npm run mutate`)
 * showed which of them no other test checked on its own (an empty child name, the identity fallbacks
 * of the deletion guard, non-finite resync values, the refusal's reason, a missing status).
 */
import {
  checkChildren,
  checkFinalized,
  checkResync,
  checkStatus,
  isObject,
} from '../../../hooks/metacontroller/response';
import { HookError } from '../../../hooks/metacontroller/errors';
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { ObjectMap } from '../../../hooks/metacontroller/types';

const CM = {
  kind: 'ConfigMap',
  apiVersion: 'v1',
  resource: 'configmaps',
  updateStrategy: 'InPlace',
} as const;
const PVC = {
  kind: 'PersistentVolumeClaim',
  apiVersion: 'v1',
  resource: 'persistentvolumeclaims',
  updateStrategy: 'OnDelete',
} as const;
const TYPES = [CM, PVC];

function refusal(fn: () => unknown): HookError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HookError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

const protectedPvc = (meta: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', annotations: { 'pgmeta.io/protected': 'true' }, ...meta },
});
const observedPvcs = (obj: KubeObject): ObjectMap => ({
  'PersistentVolumeClaim.v1': { [obj.metadata.name]: obj },
});
const pvcChild = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' } };

describe('checkChildren refuses malformed children, naming the index', () => {
  it.each([
    ['an empty name', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '' } }],
    ['no name', { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }],
    ['an empty kind', { apiVersion: 'v1', kind: '', metadata: { name: 'a' } }],
    ['an empty apiVersion', { apiVersion: '', kind: 'ConfigMap', metadata: { name: 'a' } }],
    ['metadata that is a list', { apiVersion: 'v1', kind: 'ConfigMap', metadata: ['a'] }],
  ])('%s', (_what, child) => {
    const err = refusal(() => checkChildren([child], { types: TYPES, namespace: 'ns', observed: {} }));
    expect(err.reason).toBe('InvalidResponse');
    expect(err.message).toBe('children[0] needs apiVersion, kind and metadata.name');
  });

  it('a child that is not an object', () => {
    const err = refusal(() => checkChildren(['x'], { types: TYPES, namespace: 'ns', observed: {} }));
    expect(err.message).toBe('children[0] is not an object');
  });

  it.each([{}, 'a', null, 3])('children that are not a list (%p)', (children) => {
    const err = refusal(() => checkChildren(children, { types: TYPES, namespace: 'ns', observed: {} }));
    expect([err.reason, err.message]).toEqual(['InvalidResponse', 'children must be a list']);
  });

  it('a declared kind under another apiVersion', () => {
    const child = { apiVersion: 'v2', kind: 'ConfigMap', metadata: { name: 'a' } };
    const err = refusal(() => checkChildren([child], { types: TYPES, namespace: 'ns', observed: {} }));
    expect(err.message).toBe('child ConfigMap a: undeclared type ConfigMap.v2');
  });

  it('a namespace other than the parent one, also for a cluster-scoped parent', () => {
    const child = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'other' } };
    expect(
      refusal(() => checkChildren([child], { types: TYPES, namespace: 'ns', observed: {} })).message,
    ).toBe(`child ConfigMap a: namespace "other" is not the parent's`);
    expect(() => checkChildren([child], { types: TYPES, namespace: undefined, observed: {} })).toThrow(
      'is not the parent',
    );
  });

  it('the same child twice, once with and once without the namespace', () => {
    const a = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } };
    const b = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' } };
    const err = refusal(() => checkChildren([a, b], { types: TYPES, namespace: 'ns', observed: {} }));
    expect(err.message).toBe('duplicate child ConfigMap ns/a');
  });

  it('sorts by kind, then namespace/name', () => {
    const mk = (kind: string, name: string) => ({ apiVersion: 'v1', kind, metadata: { name } });
    const out = checkChildren(
      [mk('PersistentVolumeClaim', 'a'), mk('ConfigMap', 'b'), mk('ConfigMap', 'a')],
      {
        types: TYPES,
        namespace: 'ns',
        observed: {},
      },
    );
    expect(out.map((c) => `${c.kind}/${c.metadata.name}`)).toEqual([
      'ConfigMap/a',
      'ConfigMap/b',
      'PersistentVolumeClaim/a',
    ]);
  });
});

describe('checkChildren, the namespace it writes', () => {
  const cm = (metadata: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata });

  it("adds the parent's namespace, keeping metadata's keys sorted", () => {
    const [out] = checkChildren([cm({ name: 'a', labels: { x: 'y' } })], {
      types: TYPES,
      namespace: 'ns',
      observed: {},
    });
    expect(Object.keys(out!.metadata)).toEqual(['labels', 'name', 'namespace']);
    expect(out!.metadata.namespace).toBe('ns');
  });

  it('writes no namespace key at all for a cluster-scoped parent', () => {
    const [out] = checkChildren([cm({ name: 'a' })], { types: TYPES, namespace: undefined, observed: {} });
    expect(out).toStrictEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
  });

  it('names the child and the field of a value JSON cannot carry', () => {
    const bad = { ...cm({ name: 'b' }), data: { x: Number.NaN } };
    const err = refusal(() =>
      checkChildren([cm({ name: 'a' }), bad], { types: TYPES, namespace: 'ns', observed: {} }),
    );
    expect(err.message).toBe('unsupported number value at children[1].data.x');
  });
});

describe('the deletion guard', () => {
  it('refuses to leave out a protected child, with its reason and identity', () => {
    const observed = observedPvcs(protectedPvc({ namespace: 'ns' }));
    const err = refusal(() => checkChildren([], { types: TYPES, namespace: 'ns', observed }));
    expect([err.reason, err.message]).toEqual([
      'ProtectedChildOmitted',
      'refusing to delete protected child PersistentVolumeClaim ns/data',
    ]);
  });

  it("names an observed child without a namespace by the parent's namespace", () => {
    const observed = observedPvcs(protectedPvc({}));
    expect(() => checkChildren([pvcChild], { types: TYPES, namespace: 'ns', observed })).not.toThrow();
    expect(refusal(() => checkChildren([], { types: TYPES, namespace: 'ns', observed })).message).toBe(
      'refusing to delete protected child PersistentVolumeClaim ns/data',
    );
  });

  it('names a cluster-scoped observed child with an empty namespace', () => {
    const observed = observedPvcs(protectedPvc({}));
    expect(() => checkChildren([pvcChild], { types: TYPES, namespace: undefined, observed })).not.toThrow();
    expect(refusal(() => checkChildren([], { types: TYPES, namespace: undefined, observed })).message).toBe(
      'refusing to delete protected child PersistentVolumeClaim /data',
    );
  });

  it('lets a protected child go that is already terminating, and any unprotected one', () => {
    const terminating = observedPvcs(
      protectedPvc({ namespace: 'ns', deletionTimestamp: '2026-01-01T00:00:00Z' }),
    );
    expect(checkChildren([], { types: TYPES, namespace: 'ns', observed: terminating })).toEqual([]);
    const plain = observedPvcs({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
    });
    expect(checkChildren([], { types: TYPES, namespace: 'ns', observed: plain })).toEqual([]);
    const notTrue = observedPvcs(protectedPvc({ annotations: { 'pgmeta.io/protected': 'false' } }));
    expect(checkChildren([], { types: TYPES, namespace: 'ns', observed: notTrue })).toEqual([]);
  });

  it('asks the controller whether a child is protected when it says how', () => {
    const observed = observedPvcs({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
    });
    const isProtected = (o: KubeObject) => o.metadata.name === 'data';
    expect(() => checkChildren([], { types: TYPES, namespace: 'ns', observed, isProtected })).toThrow(
      'refusing to delete protected child',
    );
  });
});

describe('checkResync', () => {
  it.each([undefined, 0])('omits %p', (v) => {
    expect(checkResync(v)).toEqual({});
  });
  it.each([30, 0.5])('keeps %p', (v) => {
    expect(checkResync(v)).toEqual({ resyncAfterSeconds: v });
  });
  it.each(['30', NaN, Infinity, -Infinity, -1, null, true])('refuses %p', (v) => {
    const err = refusal(() => checkResync(v));
    expect([err.reason, err.message]).toEqual([
      'InvalidResponse',
      'resyncAfterSeconds must be a non-negative number',
    ]);
  });
});

describe('checkStatus', () => {
  it('turns a missing status into an empty one (Metacontroller would otherwise clear it)', () => {
    expect(checkStatus(undefined)).toEqual({});
  });
  it.each([null, [], 'ok', 1])('refuses %p', (v) => {
    const err = refusal(() => checkStatus(v));
    expect([err.reason, err.message]).toEqual(['InvalidResponse', 'status must be an object']);
  });
  it('names the field of a value JSON cannot carry', () => {
    expect(refusal(() => checkStatus({ phase: 'x', at: Infinity })).message).toBe(
      'unsupported number value at status.at',
    );
  });
  it('keeps an object', () => {
    expect(checkStatus({ phase: 'Running' })).toEqual({ phase: 'Running' });
  });
});

describe('isObject (also what dispatch checks a hook answer and a request with)', () => {
  it.each([
    [{}, true],
    [{ a: 1 }, true],
    [null, false],
    [undefined, false],
    [[], false],
    ['x', false],
    [1, false],
  ])('%p: %p', (v, expected) => {
    expect(isObject(v)).toBe(expected);
  });
});

describe('checkFinalized', () => {
  it('in a finalize call, only a literal true finalizes', () => {
    expect(checkFinalized(true, true)).toEqual({ finalized: true });
    expect(checkFinalized('true', true)).toEqual({ finalized: false });
    expect(checkFinalized(undefined, true)).toEqual({ finalized: false });
  });
  it('in a sync call, never finalizes', () => {
    expect(checkFinalized(undefined, false)).toEqual({});
    expect(checkFinalized(true, false)).toEqual({ finalized: false });
  });
});
