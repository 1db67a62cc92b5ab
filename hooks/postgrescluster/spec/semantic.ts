/**
 * Semantic checks that the CRD cannot express cheaply in CEL but that would otherwise surface late:
 * as a child the API server rejects (label and annotation keys, tolerations) or as a bootstrap that
 * fails inside the pod (an SQL reserved word as the database name). Each one names its field.
 */
import { childPath, type FieldError } from '../../lib/field-errors.js';

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * PostgreSQL's fully reserved key words (SQL Key Words appendix, "reserved" in the PostgreSQL
 * column): as unquoted identifiers they are syntax errors, so a database or role named `user` or
 * `order` would break the bootstrap SQL and every tool that does not quote.
 */
const RESERVED_WORDS = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'current_catalog current_date current_role current_time current_timestamp current_user default deferrable ' +
    'desc distinct do else end except false fetch for foreign from grant group having in initially intersect ' +
    'into lateral leading limit localtime localtimestamp not null offset on only or order placing primary ' +
    'references returning select session_user some symmetric system_user table then to trailing true union ' +
    'unique user using variadic when where window with'
  ).split(' '),
);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Kubernetes `IsQualifiedName`: an optional DNS-subdomain prefix and `/`, then a 63-character name. */
export function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (parts.length > 2 || name === undefined || name.length > 63 || !NAME_PART.test(name)) return false;
  return prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
}

/** Kubernetes `IsValidLabelValue`: empty, or up to 63 alphanumerics with `-_.` inside. */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME_PART.test(value));
}

function identifierErrors(spec: Obj): FieldError[] {
  const bootstrap = spec['bootstrap'];
  if (!isObj(bootstrap)) return [];
  return (['database', 'owner'] as const)
    .filter((k) => typeof bootstrap[k] === 'string' && RESERVED_WORDS.has(bootstrap[k]))
    .map((k) => ({ path: `spec.bootstrap.${k}`, message: 'must not be an SQL reserved word' }));
}

function mapKeyErrors(map: unknown, path: string, values: boolean): FieldError[] {
  if (!isObj(map)) return [];
  return Object.entries(map).flatMap(([key, value]) => {
    const at = childPath(path, key);
    const errors: FieldError[] = [];
    if (!isQualifiedName(key))
      errors.push({ path: at, message: 'key must be a qualified name such as example.com/name' });
    if (values && typeof value === 'string' && !isLabelValue(value)) {
      errors.push({ path: at, message: 'must be a label value: up to 63 letters, digits, -, _ or .' });
    }
    return errors;
  });
}

/** The rules the API server applies to a Pod's tolerations. */
function tolerationErrors(tolerations: unknown): FieldError[] {
  if (!Array.isArray(tolerations)) return [];
  return tolerations.flatMap((t: unknown, i) => {
    if (!isObj(t)) return [];
    const path = childPath('spec.tolerations', i);
    const exists = t['operator'] === 'Exists';
    const errors: FieldError[] = [];
    if (exists && typeof t['value'] === 'string' && t['value'] !== '') {
      errors.push({ path: `${path}.value`, message: 'must be empty when operator is Exists' });
    }
    if ((t['key'] === undefined || t['key'] === '') && !exists) {
      errors.push({ path: `${path}.operator`, message: 'must be Exists when key is empty' });
    }
    if (t['tolerationSeconds'] !== undefined && t['effect'] !== 'NoExecute') {
      errors.push({ path: `${path}.effect`, message: 'must be NoExecute when tolerationSeconds is set' });
    }
    return errors;
  });
}

/** Semantic errors of a spec (defaults applied); wrongly typed parts are left to the schema. */
export function semanticErrors(spec: unknown): FieldError[] {
  if (!isObj(spec)) return [];
  const image = spec['image'];
  const service = spec['service'];
  return [
    ...(typeof image === 'string' && /\s/.test(image)
      ? [{ path: 'spec.image', message: 'must not contain blanks' }]
      : []),
    ...identifierErrors(spec),
    ...mapKeyErrors(isObj(service) ? service['annotations'] : undefined, 'spec.service.annotations', false),
    ...mapKeyErrors(spec['nodeSelector'], 'spec.nodeSelector', true),
    ...tolerationErrors(spec['tolerations']),
    ...maintenanceErrors(spec['maintenance']),
  ];
}

/** A Window policy needs its window; the schema cannot say so (images/policy.ts). */
function maintenanceErrors(maintenance: unknown): FieldError[] {
  if (!isObj(maintenance) || maintenance['imageUpdates'] !== 'Window' || isObj(maintenance['window']))
    return [];
  return [{ path: 'spec.maintenance.window', message: 'required when imageUpdates is Window' }];
}
