/**
 * Label and field selectors as query strings (`labelSelector=a=b,c!=d,e in (x,y),!f`,
 * `fieldSelector=metadata.name=x`), evaluated as the API server does: every requirement must hold.
 * Field selectors support the fields every kind has (metadata.name, metadata.namespace) plus the
 * ones kubectl and this project's CLI use (Event involvedObject.*, Pod spec.nodeName, status.phase).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { StatusError } from './status';

type Test = (get: (key: string) => string | undefined) => boolean;

/** Splits on commas that are not inside `( )`. */
function requirements(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

function requirement(req: string): Test {
  const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(req);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = list.split(',').map((v) => v.trim());
    return (get) => {
      const v = get(key);
      return op === 'in' ? v !== undefined && values.includes(v) : v === undefined || !values.includes(v);
    };
  }
  const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(req);
  if (cmp) {
    const [, key = '', op, value] = cmp;
    return (get) => (op === '!=' ? get(key) !== value : get(key) === value);
  }
  if (/^![^\s!=]+$/.test(req)) return (get) => get(req.slice(1)) === undefined;
  if (/^[^\s!=(),]+$/.test(req)) return (get) => get(req) !== undefined;
  throw new StatusError('BadRequest', `unable to parse requirement: ${JSON.stringify(req)}`);
}

export function labelSelector(s: string | null): (o: KubeObject) => boolean {
  const tests = requirements(s ?? '').map(requirement);
  return (o) => tests.every((t) => t((k) => o.metadata.labels?.[k]));
}

function field(o: KubeObject, path: string): string | undefined {
  let v: unknown = o;
  for (const p of path.split('.'))
    v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[p] : undefined;
  return v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
}

const FIELDS =
  /^(metadata\.(name|namespace)|involvedObject\.(kind|name|namespace|uid)|spec\.nodeName|status\.phase)$/;

export function fieldSelector(s: string | null): (o: KubeObject) => boolean {
  const reqs = requirements(s ?? '');
  for (const r of reqs) {
    const key = /^([^\s!=]+)/.exec(r)?.[1] ?? '';
    if (!FIELDS.test(key)) throw new StatusError('BadRequest', `field label not supported: ${key}`);
  }
  const tests = reqs.map(requirement);
  // An unset field reads as "" for field selectors (fields.Set semantics), unlike labels.
  return (o) => tests.every((t) => t((k) => field(o, k) ?? ''));
}
