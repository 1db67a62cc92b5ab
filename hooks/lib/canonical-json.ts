/**
 * Canonical JSON: object keys in UTF-16 code-unit order at every level, so equal values always
 * serialize to equal bytes (stored annotations, hashed names and every hook answer depend on it).
 */

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : 1);

/**
 * An object's own enumerable keys in code-unit order. Most objects the hooks build have a few keys,
 * often already in order: checking first is cheaper than `sort()`, which was a measurable share of
 * every answer's sanitizing (issue 9's profile).
 */
export function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] ?? '') > (keys[i] ?? '')) return keys.sort(byCodeUnits);
  }
  return keys;
}

/**
 * Sets an own enumerable property, even for the key `__proto__`: plain assignment would set the
 * copy's prototype instead and silently drop that key from the JSON (JSON.parse makes it an own key).
 */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

/** A copy of a JSON value with every object's keys in code-unit order. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  const rec = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of sortedKeys(rec)) setOwn(out, key, sortKeysDeep(rec[key]));
  return out;
}

/** JSON with object keys sorted at every level. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}
