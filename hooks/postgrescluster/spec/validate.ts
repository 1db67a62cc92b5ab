/**
 * TypeScript mirrors of the CRD's CEL rules (`x-kubernetes-validations`), so the hook rejects what
 * the API server would reject, transition rules included, with the same messages and field paths.
 *
 * Why mirror what the API server already enforces: the hook also validates offline (`pgmeta
 * validate`), on clusters older than the CEL features used, and against the last valid spec rather
 * than the stored one (docs/architecture.md rule 2); and a transition rule is only as good as the old object it
 * sees.
 *
 * The rules are read from the generated schema (so messages and places are the CRD's); this module
 * only knows how to evaluate each rule, keyed by its exact text. A unit test fails when the CRD has a
 * rule without a mirror here. Mirrors must be total: when a value has the wrong type they pass and
 * leave the report to the schema, as the API server does.
 */
import { celEqual } from '../../lib/crd-schema.js';
import { compareQuantities, parseQuantity } from '../../lib/quantity.js';
import { RESERVED_DATABASES, SPILO_ROLES } from '../../lib/reserved-names.js';
import { BACKUP_MIRRORS } from '../backup/validate.js';
import { STANDBY_MIRRORS } from '../standby/validate.js';
import { appendFieldPath, childPath, type FieldError } from '../../lib/field-errors.js';
import { QUANTITY_FORMAT_RULES } from './formats.js';
import { SPEC_SCHEMA } from './schema.js';

/** A rule as the CRD states it. */
export interface CelRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
}

/**
 * Evaluates one rule: true when it holds, false when it fails (the CRD's message applies), or a
 * string that mirrors the rule's messageExpression. Transition rules get `oldSelf`.
 */
export type Mirror = (self: unknown, oldSelf: unknown) => boolean | string;

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: unknown, key: string): boolean => isObj(o) && o[key] !== undefined;
/** A quantity from a string or (int-or-string) integer, as CEL `quantity(string(x))`. */
const quantityOf = (v: unknown) =>
  typeof v === 'string' ? parseQuantity(v) : typeof v === 'number' ? parseQuantity(String(v)) : undefined;
/** CEL `size()` of a string counts code points, not UTF-16 units. */
const codePoints = (s: string): number => Array.from(s).length;

const RESOURCE_NAMES = ['cpu', 'memory', 'ephemeral-storage'];
const HBA_TYPE = /^[ \t]*(local|host|hostssl|hostnossl|hostgssenc|hostnogssenc)[ \t]/;

function limitsCoverRequests(self: unknown): boolean {
  if (!isObj(self) || !isObj(self['limits']) || !isObj(self['requests'])) return true;
  const limits = self['limits'];
  return Object.entries(self['requests']).every(([k, request]) => {
    const req = quantityOf(request);
    const lim = quantityOf(limits[k]);
    return req === undefined || lim === undefined || compareQuantities(lim, req) >= 0;
  });
}

/** The mirror of every CEL rule in crds/postgresclusters.yaml, keyed by the rule's exact text. */
export const MIRRORS: Readonly<Record<string, Mirror>> = {
  // spec.backup and spec.restore (their module keeps the rule texts and mirrors together)
  ...BACKUP_MIRRORS,
  // spec.standby
  ...STANDBY_MIRRORS,
  'size(self.metadata.name) <= 40': (self) => {
    const name = isObj(self) && isObj(self['metadata']) ? self['metadata']['name'] : undefined;
    return typeof name !== 'string' || codePoints(name) <= 40;
  },
  "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')": (self) => {
    const name = isObj(self) && isObj(self['metadata']) ? self['metadata']['name'] : undefined;
    return typeof name !== 'string' || /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name);
  },
  "!self.metadata.name.matches('-(ro|members|config|sync|failover|leader|pooler)$')": (self) => {
    const name = isObj(self) && isObj(self['metadata']) ? self['metadata']['name'] : undefined;
    return typeof name !== 'string' || !/-(ro|members|config|sync|failover|leader|pooler)$/.test(name);
  },
  "!has(self.synchronous) || self.synchronous.mode == 'async' || self.synchronous.nodeCount < self.replicas":
    (self) => {
      const sync = isObj(self) ? self['synchronous'] : undefined;
      if (!isObj(sync) || sync['mode'] === 'async') return true;
      const [count, replicas] = [sync['nodeCount'], isObj(self) ? self['replicas'] : undefined];
      return typeof count !== 'number' || typeof replicas !== 'number' || count < replicas;
    },
  // The restore reads the source's major and can only upgrade it (day2/major.ts).
  '!has(self.restore) || !has(self.restore.source.version) || int(self.restore.source.version) <= int(self.version)':
    (self) => {
      const restore = isObj(self) ? self['restore'] : undefined;
      const from = isObj(restore) && isObj(restore['source']) ? restore['source']['version'] : undefined;
      const to = isObj(self) ? self['version'] : undefined;
      return typeof from !== 'string' || typeof to !== 'string' || Number(from) <= Number(to);
    },
  'int(self) >= int(oldSelf)': (self, oldSelf) =>
    typeof self !== 'string' || typeof oldSelf !== 'string' || Number(self) >= Number(oldSelf)
      ? true
      : `cannot downgrade from ${oldSelf} to ${self}`,
  'has(self.storageClass) == has(oldSelf.storageClass) && (!has(self.storageClass) || self.storageClass == oldSelf.storageClass)':
    (self, oldSelf) =>
      has(self, 'storageClass') === has(oldSelf, 'storageClass') &&
      (!has(self, 'storageClass') || (self as Obj)['storageClass'] === (oldSelf as Obj)['storageClass']),
  '!isQuantity(self) || quantity(self).sign() > 0': (self) => {
    const q = quantityOf(typeof self === 'string' ? self : undefined);
    return q === undefined || q.unscaled > 0n;
  },
  '!isQuantity(self) || !isQuantity(oldSelf) || quantity(self).compareTo(quantity(oldSelf)) >= 0': (
    self,
    oldSelf,
  ) => {
    const [now, before] = [quantityOf(self), quantityOf(oldSelf)];
    if (now === undefined || before === undefined || compareQuantities(now, before) >= 0) return true;
    return `cannot shrink storage from ${String(oldSelf)} to ${String(self)}`;
  },
  '!has(self.limits) || !has(self.requests) || self.requests.all(k, !(k in self.limits) || !isQuantity(string(self.requests[k])) || !isQuantity(string(self.limits[k])) || quantity(string(self.limits[k])).compareTo(quantity(string(self.requests[k]))) >= 0)':
    limitsCoverRequests,
  "self.all(k, k in ['cpu', 'memory', 'ephemeral-storage'] || k.startsWith('hugepages-'))": (self) =>
    !isObj(self) || Object.keys(self).every((k) => RESOURCE_NAMES.includes(k) || k.startsWith('hugepages-')),
  'type(self) == int ? self >= 0 : !isQuantity(self) || quantity(self).sign() >= 0': (self) => {
    const q = quantityOf(self);
    return q === undefined || q.unscaled >= 0n;
  },
  "!self.contains('\\n') && !self.contains('\\r')": (self) =>
    typeof self !== 'string' || !/[\n\r]/.test(self),
  "self.matches('^[ \\\\t]*(local|host|hostssl|hostnossl|hostgssenc|hostnogssenc)[ \\\\t]')": (self) =>
    typeof self !== 'string' || HBA_TYPE.test(self),
  'self == oldSelf': (self, oldSelf) => celEqual(self, oldSelf),
  // spec.patroni: once recorded, the DCS stays (spec/dcs.ts fills the recorded value in first).
  '!has(oldSelf.dcs) || (has(self.dcs) && self.dcs == oldSelf.dcs)': (self, oldSelf) =>
    !has(oldSelf, 'dcs') || (has(self, 'dcs') && (self as Obj)['dcs'] === (oldSelf as Obj)['dcs']),
  // spec.credentialRotation.*: a lower generation would bring an earlier password back.
  'self >= oldSelf': (self, oldSelf) =>
    typeof self !== 'number' || typeof oldSelf !== 'number' || self >= oldSelf,
  // A value that is not a string never equals a name in the list.
  "!(self in ['postgres', 'template0', 'template1'])": (self) =>
    !(RESERVED_DATABASES as readonly unknown[]).includes(self),
  "!(self in ['postgres', 'standby', 'admin', 'cron_admin', 'robot_zmon', 'zalandos', 'public', 'none']) && !self.startsWith('pg_')":
    (self) => typeof self !== 'string' || (!SPILO_ROLES.includes(self) && !self.startsWith('pg_')),
  '!has(self.issuerRef) || !has(self.enabled) || self.enabled': (self) =>
    !has(self, 'issuerRef') || (self as Obj)['enabled'] !== false,
  'has(self.namespaceSelector) || has(self.podSelector)': (self) =>
    !isObj(self) || has(self, 'namespaceSelector') || has(self, 'podSelector'),
  '!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas': (self) => {
    if (!isObj(self)) return true;
    const [min, max] = [self['minReplicas'], self['maxReplicas']];
    return typeof min !== 'number' || typeof max !== 'number' || min <= max;
  },
  '!has(self.scaling) || !has(self.scaling.connectionsPerReplica) || (has(self.metrics) && has(self.metrics.enabled) && self.metrics.enabled)':
    (self) => {
      const scaling = isObj(self) ? self['scaling'] : undefined;
      if (!has(scaling, 'connectionsPerReplica')) return true;
      const metrics = (self as Obj)['metrics'];
      return isObj(metrics) && metrics['enabled'] === true;
    },
  "!has(self.externalTrafficPolicy) || self.type != 'ClusterIP'": (self) =>
    !has(self, 'externalTrafficPolicy') || (self as Obj)['type'] !== 'ClusterIP',
  "!has(self.loadBalancerSourceRanges) || size(self.loadBalancerSourceRanges) == 0 || self.type == 'LoadBalancer'":
    (self) => {
      const ranges = isObj(self) ? self['loadBalancerSourceRanges'] : undefined;
      return !Array.isArray(ranges) || ranges.length === 0 || (self as Obj)['type'] === 'LoadBalancer';
    },
};

/** Whether the API server treats a rule as a transition rule (it mentions `oldSelf`). */
export const isTransitionRule = (rule: string): boolean => /\boldSelf\b/.test(rule);

/** Rules the generated schema checks as `format: quantity`; they need no mirror here. */
export const isFormatRule = (rule: string): boolean => QUANTITY_FORMAT_RULES.includes(rule);

function rulesAt(schema: Obj, key: string): CelRule[] {
  const rules = schema[key];
  // The generated schema (spec/schema.ts) holds only rule objects here.
  return Array.isArray(rules) ? (rules as CelRule[]) : [];
}

/** Runs the rules of one schema node on one value. */
export function runRules(
  rules: readonly CelRule[],
  at: { path: string; self: unknown; oldSelf: unknown },
): FieldError[] {
  const errors: FieldError[] = [];
  for (const rule of rules) {
    if (isTransitionRule(rule.rule) && at.oldSelf === undefined) continue; // create, or a new field
    const mirror = MIRRORS[rule.rule];
    const verdict =
      mirror === undefined
        ? `no TypeScript mirror for the CRD rule ${rule.rule}`
        : mirror(at.self, at.oldSelf);
    if (verdict === true) continue;
    const message = typeof verdict === 'string' ? verdict : (rule.message ?? `fails ${rule.rule}`);
    errors.push({ path: appendFieldPath(at.path, rule.fieldPath), message });
  }
  return errors;
}

interface Walk {
  path: string;
  value: unknown;
  old: unknown;
}

/** Items of an array under a schema node. Atomic lists: the API server does not correlate items, so no oldSelf. */
function itemChildren(schema: Obj, at: Walk): [Obj, Walk][] {
  const items = schema['items'];
  if (!Array.isArray(at.value) || !isObj(items)) return [];
  return (at.value as unknown[]).map((item, i) => [
    items,
    { path: childPath(at.path, i), value: item, old: undefined },
  ]);
}

/** Properties and map entries of an object under a schema node, with the same key of the old value. */
function propertyChildren(schema: Obj, at: Walk): [Obj, Walk][] {
  const { value, old } = at;
  if (!isObj(value)) return [];
  const props = isObj(schema['properties']) ? schema['properties'] : {};
  const extra = isObj(schema['additionalProperties']) ? schema['additionalProperties'] : undefined;
  const out: [Obj, Walk][] = [];
  for (const [key, child] of Object.entries(value)) {
    const sub = isObj(props[key]) ? props[key] : extra;
    if (sub === undefined || child === undefined) continue;
    out.push([sub, { path: childPath(at.path, key), value: child, old: isObj(old) ? old[key] : undefined }]);
  }
  return out;
}

function walk(schema: Obj, at: Walk): FieldError[] {
  // The generated schema keeps only the rules that have a mirror: scripts/gen-schema.ts turns the
  // isQuantity rules (isFormatRule) into `format: quantity` and drops them here.
  const own = runRules(rulesAt(schema, 'x-kubernetes-validations'), {
    path: at.path,
    self: at.value,
    oldSelf: at.old,
  });
  // The walk follows the schema, which is finite and not recursive, so it ends with the schema's depth.
  return [
    ...own,
    ...[...itemChildren(schema, at), ...propertyChildren(schema, at)].flatMap(([sub, next]) =>
      walk(sub, next),
    ),
  ];
}

/**
 * Every CEL rule of the CRD, mirrored: the root rules on `parent` (its metadata.name), the spec
 * rules on `spec` (defaults applied), transition rules against `previous` (the last valid spec, with
 * defaults applied) when there is one.
 */
export function celErrors(input: { parent: unknown; spec: unknown; previous: unknown }): FieldError[] {
  const rootRules = rulesAt(SPEC_SCHEMA, 'x-pgmeta-parent-validations');
  return [
    ...runRules(rootRules, { path: '', self: input.parent, oldSelf: undefined }),
    ...walk(SPEC_SCHEMA, { path: 'spec', value: input.spec, old: input.previous }),
  ];
}
