/**
 * The rules every finalize follows about how its parent is being deleted
 * (hooks/metacontroller/deletion.ts), each checked on its own and at its edges: which garbage-collector
 * finalizer wins, which desired children count as observed, and which related objects are orphans.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../hooks/lib/k8s';
import {
  gcDeletion,
  onlyObserved,
  orphanedChildren,
  ownChildrenRule,
} from '../../../hooks/metacontroller/deletion';
import type { ObjectMap, SyncRequest } from '../../../hooks/metacontroller/types';

const parent = (meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'pgmeta.io/v1alpha1',
  kind: 'PostgresCluster',
  metadata: { name: 'orders', namespace: 'shop', uid: 'uid-1', ...meta },
});
const obj = (kind: string, apiVersion: string, name: string, meta: Partial<KubeObject['metadata']> = {}) =>
  ({ apiVersion, kind, metadata: { name, namespace: 'shop', ...meta } }) as KubeObject;
const mapOf = (objects: KubeObject[]): ObjectMap => {
  const map: ObjectMap = {};
  for (const o of objects) {
    const key = `${o.kind}.${o.apiVersion}`;
    map[key] = { ...map[key], [`${o.metadata.namespace}/${o.metadata.name}`]: o };
  }
  return map;
};
const request = (p: KubeObject, children: KubeObject[], related: KubeObject[] = []): SyncRequest => ({
  controller: {
    apiVersion: 'metacontroller.k8s.io/v1alpha1',
    kind: 'CompositeController',
    metadata: { name: 'c' },
  },
  parent: p,
  children: mapOf(children),
  related: mapOf(related),
  finalizing: true,
});

describe('gcDeletion', () => {
  it.each<[string, string[] | undefined, string | undefined]>([
    ['no finalizers field', undefined, undefined],
    ['only other finalizers', ['metacontroller.io/compositecontroller-x', 'kubernetes'], undefined],
    ['orphan', ['x', 'orphan'], 'orphan'],
    ['foregroundDeletion', ['foregroundDeletion'], 'foreground'],
    ['both (orphan is checked first, as the collector does)', ['foregroundDeletion', 'orphan'], 'orphan'],
    ['a finalizer that only contains the word', ['orphan-dependents', 'x/foregroundDeletion'], undefined],
  ])('%s', (_what, finalizers, mode) => {
    const p = parent(finalizers === undefined ? {} : { finalizers });
    expect(gcDeletion(p)).toBe(mode);
  });
});

describe('onlyObserved', () => {
  const observed = [obj('Service', 'v1', 'orders'), obj('StatefulSet', 'apps/v1', 'orders')];
  const req = request(parent(), observed);

  it('keeps a desired child observed with the same kind, apiVersion and name', () => {
    const desired = [obj('StatefulSet', 'apps/v1', 'orders'), obj('Service', 'v1', 'orders')];
    expect(onlyObserved(req, desired)).toEqual(desired);
  });

  it.each<[string, KubeObject]>([
    ['another name', obj('Service', 'v1', 'orders-ro')],
    ['another kind of the same name', obj('ConfigMap', 'v1', 'orders')],
    ['another apiVersion of the same kind and name', obj('StatefulSet', 'apps/v1beta2', 'orders')],
  ])('drops a desired child of %s', (_what, child) => {
    expect(onlyObserved(req, [child])).toEqual([]);
  });

  it('keeps nothing when nothing was observed', () => {
    expect(onlyObserved(request(parent(), []), observed)).toEqual([]);
  });
});

describe('ownChildrenRule', () => {
  const type = { apiVersion: 'apps/v1', resource: 'statefulsets' };

  it("selects the resource in the parent's namespace by the controller-uid label", () => {
    expect(ownChildrenRule(parent(), type)).toEqual([
      {
        apiVersion: 'apps/v1',
        resource: 'statefulsets',
        namespace: 'shop',
        labelSelector: { matchLabels: { 'controller-uid': 'uid-1' } },
      },
    ]);
  });

  it('asks for nothing when the parent has no uid, or no namespace (cluster-scoped)', () => {
    const { uid: _uid, ...noUid } = parent().metadata;
    const { namespace: _ns, ...noNamespace } = parent().metadata;
    expect(ownChildrenRule({ ...parent(), metadata: noUid }, type)).toEqual([]);
    expect(ownChildrenRule({ ...parent(), metadata: noNamespace }, type)).toEqual([]);
  });
});

describe('orphanedChildren', () => {
  const type = { kind: 'StatefulSet', apiVersion: 'apps/v1' };
  const labels = { 'controller-uid': 'uid-1' };
  const ref = (uid: string) => [{ apiVersion: 'v1', kind: 'X', name: 'x', uid, controller: true }];

  it("takes the parent's labelled objects with no reference to it, sorted by name", () => {
    const related = [
      obj('StatefulSet', 'apps/v1', 'b', { labels }),
      obj('StatefulSet', 'apps/v1', 'a', { labels, ownerReferences: ref('someone-else') }),
      obj('StatefulSet', 'apps/v1', 'owned', { labels, ownerReferences: ref('uid-1') }),
      obj('StatefulSet', 'apps/v1', 'other-parent', { labels: { 'controller-uid': 'uid-2' } }),
      obj('StatefulSet', 'apps/v1', 'unlabelled'),
      obj('Deployment', 'apps/v1', 'c', { labels }),
    ];
    const found = orphanedChildren(request(parent(), [], related), type);
    expect(found.map((o) => o.metadata.name)).toEqual(['a', 'b']);
  });

  it('finds none for a parent without a uid', () => {
    const p = parent();
    const { uid: _uid, ...metadata } = p.metadata;
    // Not even the objects without the label, which would match an undefined uid.
    const related = [obj('StatefulSet', 'apps/v1', 'b', { labels }), obj('StatefulSet', 'apps/v1', 'plain')];
    expect(orphanedChildren(request({ ...p, metadata }, [], related), type)).toEqual([]);
  });
});
