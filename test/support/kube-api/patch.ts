/**
 * The two patch formats a client sends for custom resources: JSON merge patch (RFC 7386: an object
 * merges key by key, `null` removes a key, anything else replaces) and JSON patch (RFC 6902: add,
 * remove, replace, test, move, copy on JSON pointers with `~0`/`~1` escapes). Strategic merge patch
 * is refused for custom resources by the real API server (415); for built-in kinds it is taken as a
 * merge patch here, which is exact for the maps and scalars the CLI patches.
 */
import { clone, deepEqual, isObject } from '../../lifecycle/lib/json';
import { StatusError } from './status';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const base: Record<string, unknown> = isObject(target) ? target : {};
  const removed = new Set(
    Object.entries(patch)
      .filter(([, v]) => v === null)
      .map(([k]) => k),
  );
  const out = Object.fromEntries(Object.entries(base).filter(([k]) => !removed.has(k)));
  for (const [k, v] of Object.entries(patch)) if (v !== null) out[k] = mergePatch(out[k], v);
  return out;
}

interface Op {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

const unescape = (s: string): string => s.replaceAll('~1', '/').replaceAll('~0', '~');

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/'))
    throw new StatusError('BadRequest', `invalid JSON pointer ${JSON.stringify(path)}`);
  return path.slice(1).split('/').map(unescape);
}

/** The container of the last token, and the token. */
function locate(doc: unknown, path: string): { parent: unknown; key: string } {
  const tokens = pointer(path);
  const key = tokens.pop();
  if (key === undefined) throw new StatusError('BadRequest', 'a patch may not replace the whole object');
  let parent = doc;
  for (const t of tokens) {
    parent = Array.isArray(parent) ? parent[Number(t)] : isObject(parent) ? parent[t] : undefined;
    if (parent === undefined)
      throw new StatusError('Invalid', `the server rejected our request: no path ${JSON.stringify(path)}`);
  }
  return { parent, key };
}

function read(doc: unknown, path: string): unknown {
  const { parent, key } = locate(doc, path);
  return Array.isArray(parent) ? parent[Number(key)] : isObject(parent) ? parent[key] : undefined;
}

function put(doc: unknown, path: string, value: unknown, replace: boolean): void {
  const { parent, key } = locate(doc, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    parent.splice(i, replace ? 1 : 0, clone(value));
  } else if (isObject(parent)) {
    if (replace && !(key in parent)) throw new StatusError('Invalid', `replace: no value at ${path}`);
    parent[key] = clone(value);
  } else throw new StatusError('Invalid', `no object at ${path}`);
}

function remove(doc: unknown, path: string): void {
  const { parent, key } = locate(doc, path);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (isObject(parent) && key in parent) Reflect.deleteProperty(parent, key);
  else throw new StatusError('Invalid', `remove: no value at ${path}`);
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new StatusError('BadRequest', 'a JSON patch is an array of operations');
  const doc = clone(target);
  for (const o of ops as Op[]) {
    switch (o.op) {
      case 'add':
        put(doc, o.path, o.value, false);
        break;
      case 'replace':
        put(doc, o.path, o.value, true);
        break;
      case 'remove':
        remove(doc, o.path);
        break;
      case 'test':
        if (!deepEqual(read(doc, o.path), o.value))
          throw new StatusError('Invalid', `test failed at ${o.path}`);
        break;
      case 'move':
      case 'copy': {
        const v = read(doc, o.from ?? '');
        if (o.op === 'move') remove(doc, o.from ?? '');
        put(doc, o.path, v, false);
        break;
      }
      default:
        throw new StatusError('BadRequest', `unknown patch operation ${JSON.stringify(o.op)}`);
    }
  }
  return doc;
}
