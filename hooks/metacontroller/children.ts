/**
 * Reading the observed-object maps of a request without caring whether the hook runs as v1
 * (inner keys `name`) or v2 (inner keys `namespace/name`). Everything reads objects through here.
 */
import type { KubeObject } from '../lib/k8s.js';
import type { ObjectMap, TypeKey } from './types.js';

/** `StatefulSet` + `apps/v1` → `StatefulSet.apps/v1`. */
export function typeKey(kind: string, apiVersion: string): TypeKey {
  return `${kind}.${apiVersion}`;
}

/** Splits an inner key into namespace (v2) and name. */
export function parseObjectKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** Every observed object of one type, sorted by namespace then name (map order is not stable). */
export function listObjects(map: ObjectMap | undefined, kind: string, apiVersion: string): KubeObject[] {
  const inner = map?.[typeKey(kind, apiVersion)];
  if (!inner) return [];
  return Object.values(inner).sort(compareByNamespacedName);
}

/** One observed object by name (and namespace, when the map holds several namespaces). */
export function getObject(
  map: ObjectMap | undefined,
  type: { kind: string; apiVersion: string },
  id: { name: string; namespace?: string },
): KubeObject | undefined {
  const inner = map?.[typeKey(type.kind, type.apiVersion)];
  if (!inner) return undefined;
  const v2 = id.namespace === undefined ? undefined : inner[`${id.namespace}/${id.name}`];
  if (v2) return v2;
  const v1 = inner[id.name];
  if (v1 && (id.namespace === undefined || (v1.metadata.namespace ?? id.namespace) === id.namespace))
    return v1;
  // A v2 map read without a namespace, or keys we did not expect: fall back to the objects themselves.
  return Object.values(inner).find(
    (o) =>
      o.metadata.name === id.name && (id.namespace === undefined || o.metadata.namespace === id.namespace),
  );
}

/** Objects of one type by name; for maps of a single namespace (a namespaced parent's children). */
export function objectsByName(
  map: ObjectMap | undefined,
  kind: string,
  apiVersion: string,
): Record<string, KubeObject> {
  return Object.fromEntries(listObjects(map, kind, apiVersion).map((o) => [o.metadata.name, o]));
}

/** True when the API server is already deleting the object. */
export function isTerminating(obj: KubeObject): boolean {
  return typeof obj.metadata.deletionTimestamp === 'string';
}

export function compareByNamespacedName(a: KubeObject, b: KubeObject): number {
  const na = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const nb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return na < nb ? -1 : na > nb ? 1 : 0;
}
