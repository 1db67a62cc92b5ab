/** JSON helpers for the emulated API server: equality, copies, and where two objects differ. */

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values (key order ignored, array order significant). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

/** A deep copy through JSON, which is exactly what a round trip through the API server keeps. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Sorted-key JSON: the same value always gives the same text (for hashes). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Up to `limit` JSON paths where `a` and `b` differ, for readable traces of updates. */
export function diffPaths(a: unknown, b: unknown, limit = 6): string[] {
  const out: string[] = [];
  walkDiff(a, b, '', out, limit);
  return out;
}

function walkDiff(a: unknown, b: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit || deepEqual(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      walkDiff(a[k], b[k], path === '' ? k : `${path}.${k}`, out, limit);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((v, i) => {
      walkDiff(v, b[i], `${path}[${i}]`, out, limit);
    });
    return;
  }
  out.push(path === '' ? '(whole object)' : path);
}

/** RFC 7386 JSON merge patch: objects merge, `null` deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const base: JsonObject = isObject(target) ? clone(target) : {};
  const removed = new Set(Object.keys(patch).filter((k) => patch[k] === null));
  const out = Object.fromEntries(Object.entries(base).filter(([k]) => !removed.has(k)));
  for (const [k, v] of Object.entries(patch)) if (v !== null) out[k] = mergePatch(out[k], v);
  return out;
}
