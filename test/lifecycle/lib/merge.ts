/**
 * How Metacontroller turns a desired child into the object it writes over the observed one.
 *
 * A three-way merge of (observed, last applied, desired), the semantics of its dynamic apply and,
 * for the fields this project emits, of server-side apply with a single field manager:
 * - a key the last apply set and the desired object no longer has is removed;
 * - a key the desired object has is set (objects merge recursively);
 * - a key never applied (server defaults, other writers) is kept.
 * Lists of objects that share a conventional key (`containerPort`, `port`, `mountPath`, `name`,
 * `uid`, `ip`, `path`: the first one every item has) merge item by item; every other list is replaced.
 */
import { isObject, type JsonObject } from './json';

const LIST_KEYS = ['containerPort', 'port', 'mountPath', 'name', 'uid', 'ip', 'path'];

export function threeWayMerge(observed: unknown, lastApplied: unknown, desired: unknown): unknown {
  if (isObject(desired)) {
    return mergeObjects(
      isObject(observed) ? observed : {},
      isObject(lastApplied) ? lastApplied : {},
      desired,
    );
  }
  if (Array.isArray(desired)) return mergeLists(observed, lastApplied, desired);
  return desired;
}

function mergeObjects(observed: JsonObject, last: JsonObject, desired: JsonObject): JsonObject {
  const dropped = (k: string): boolean => k in last && !(k in desired);
  const out: JsonObject = Object.fromEntries(Object.entries(observed).filter(([k]) => !dropped(k)));
  for (const [k, v] of Object.entries(desired)) out[k] = threeWayMerge(observed[k], last[k], v);
  return out;
}

function mergeKey(lists: unknown[][]): string | undefined {
  const items = lists.flat();
  if (items.length === 0 || !items.every(isObject)) return undefined;
  return LIST_KEYS.find((k) => items.every((i) => i[k] !== undefined));
}

function mergeLists(observed: unknown, lastApplied: unknown, desired: unknown[]): unknown[] {
  const obs = Array.isArray(observed) ? observed : [];
  const last = Array.isArray(lastApplied) ? lastApplied : [];
  const key = mergeKey([obs, last, desired]);
  if (key === undefined) return desired;
  const id = (i: unknown): string => JSON.stringify((i as JsonObject)[key]);
  const find = (list: unknown[], k: string): unknown => list.find((i) => id(i) === k);
  const wanted = new Set(desired.map(id));
  const applied = new Set(last.map(id));
  const merged = desired.map((d) => threeWayMerge(find(obs, id(d)), find(last, id(d)), d));
  // Items someone else added stay; items we applied before and no longer want go.
  const foreign = obs.filter((o) => !wanted.has(id(o)) && !applied.has(id(o)));
  return [...merged, ...foreign];
}
