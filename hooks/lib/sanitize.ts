/**
 * Canonical JSON for everything we send to Metacontroller (docs/architecture.md rule 7): no null or undefined,
 * no empty-string env values, keys sorted. Any difference from what the API server stores makes
 * Metacontroller rewrite the child on every sync, so this runs on every response.
 */
import { HookError } from '../metacontroller/errors.js';
import { setOwn, sortedKeys } from './canonical-json.js';

/** Returns a sanitized deep copy; throws InvalidResponse on values JSON cannot carry faithfully. */
export function sanitize(value: unknown, path = '$'): unknown {
  return clean(value, path);
}

/**
 * Where a value sits: the root's name, or a key under a parent. Turned into text only for an error
 * message: building a path string for every node of every response was a measurable share of each
 * sync (issue 9's profile).
 */
type Where = string | { parent: Where; key: string | number };

function describe(at: Where): string {
  if (typeof at === 'string') return at;
  const base = describe(at.parent);
  return typeof at.key === 'number' ? `${base}[${at.key}]` : `${base}.${at.key}`;
}

function clean(value: unknown, at: Where): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return sanitizeArray(value, at);
  if (typeof value === 'object') return sanitizeObject(value as Record<string, unknown>, at);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new HookError('InvalidResponse', `unsupported ${typeof value} value at ${describe(at)}`);
}

function sanitizeArray(items: readonly unknown[], at: Where): unknown[] {
  const isEnv = typeof at === 'string' ? at.endsWith('.env') : at.key === 'env';
  const out: unknown[] = [];
  items.forEach((item, i) => {
    const c = clean(isEnv ? dropEmptyEnvValue(item) : item, { parent: at, key: i });
    if (c !== undefined) out.push(c);
  });
  return out;
}

/**
 * `{name, value: ""}` is stored by the API server as `{name}` (same meaning: the variable is set to
 * the empty string), so sending the empty value is a permanent diff (metacontroller#281).
 */
function dropEmptyEnvValue(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const rec = item as Record<string, unknown>;
  if (rec['value'] !== '') return item;
  const { value: _dropped, ...rest } = rec;
  return rest;
}

function sanitizeObject(obj: Record<string, unknown>, at: Where): Record<string, unknown> {
  // Plain means the prototype is null or some realm's Object.prototype (whose own prototype is null):
  // Dates, Buffers and class instances would serialize into something other than what they look like.
  const proto = Object.getPrototypeOf(obj) as object | null;
  if (proto !== null && Object.getPrototypeOf(proto) !== null) {
    throw new HookError('InvalidResponse', `non-plain object at ${describe(at)}`);
  }
  const out: Record<string, unknown> = {};
  for (const key of sortedKeys(obj)) {
    const c = clean(obj[key], { parent: at, key });
    if (c !== undefined) setOwn(out, key, c);
  }
  return out;
}
