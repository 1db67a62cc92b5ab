/**
 * Spec validation and resolution for the PostgresCluster hooks: the schema (ajv, CRD defaults),
 * the mirrored CEL rules (transition rules against the last valid spec), semantic checks and the
 * PostgreSQL settings of the requested major, then `resolveSpec`.
 *
 * `checkSpec` is total: any input (no spec, wrong types, cycles, huge numbers) gives a result, never
 * an exception, because the sync hook must always be able to answer with the last valid children.
 */
import type { PostgresClusterSpec } from '../../generated/postgrescluster.types.js';
import { setOwn, sortedJson } from '../../lib/canonical-json.js';
import type { KubeObject } from '../../lib/k8s.js';
import { PER_CLUSTER_MEMO_CAPACITY, createMemo } from '../../lib/memo.js';
import { backupErrors } from '../backup/validate.js';
import { standbyErrors } from '../standby/validate.js';
import { resolveSpec } from './defaults.js';
import { fillDcs } from './dcs.js';
import { sortErrors, type FieldError } from '../../lib/field-errors.js';
import { hbaErrors } from './hba/policy.js';
import { loggingErrors } from './logging.js';
import { majorErrors } from './majors.js';
import { checkParams } from './params.js';
import { SUPPORTED_MAJORS, type ClusterIdentity, type PgMajor, type ResolvedCluster } from './resolved.js';
import { applyDefaults, schemaErrors } from './schema.js';
import { semanticErrors } from './semantic.js';
import { celErrors } from './validate.js';

export type { FieldError } from '../../lib/field-errors.js';
export type { PostgresClusterSpec } from '../../generated/postgrescluster.types.js';

/** The outcome of checking a spec: the spec with defaults and the resolved cluster, or every error. */
export type SpecResult =
  { ok: true; spec: PostgresClusterSpec; resolved: ResolvedCluster } | { ok: false; errors: FieldError[] };

/** Deeper than any valid spec (the schema is about 12 levels deep); stops cycles and stack overflows. */
const MAX_DEPTH = 64;

/** A JSON copy of any value: plain objects and arrays only, non-JSON values dropped, depth bounded. */
function cloneJson(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) return value.map((v) => cloneJson(v, depth + 1) ?? null);
  return cloneObject(value, depth);
}

function cloneObject(value: object, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const copy = cloneJson(v, depth + 1);
    // setOwn: a `__proto__` key must stay a field (and fail the schema), not become the prototype.
    if (copy !== undefined) setOwn(out, k, copy);
  }
  return out;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function identityOf(parent: unknown): ClusterIdentity {
  const meta = isObj(parent) && isObj(parent['metadata']) ? parent['metadata'] : {};
  const text = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);
  // Offline (`pgmeta validate -f`) objects may have no namespace or uid yet.
  return {
    name: text(meta['name'], ''),
    namespace: text(meta['namespace'], 'default'),
    uid: text(meta['uid'], ''),
  };
}

const isMajor = (v: unknown): v is PgMajor => (SUPPORTED_MAJORS as readonly unknown[]).includes(v);

function paramErrors(spec: unknown): FieldError[] {
  if (!isObj(spec) || !isMajor(spec['version']) || !isObj(spec['postgresqlParams'])) return [];
  return checkParams(spec['version'], spec['postgresqlParams']);
}

/**
 * The previous valid spec with the CRD's defaults and the DCS it ran with written out (dcs.ts), or
 * undefined when there is none to compare with.
 */
function previousSpec(previous: unknown): Obj | undefined {
  const copy = cloneJson(previous);
  if (!isObj(copy)) return undefined;
  applyDefaults(copy);
  fillDcs(copy, copy);
  return copy;
}

/**
 * Every error of the spec; `spec` (a copy) gets the CRD's defaults applied on the way, and the DCS
 * the cluster keeps (dcs.ts `fillDcs`), before the transition rules compare it with `previous`.
 */
function collectErrors(parent: unknown, spec: unknown, previous: unknown): FieldError[] {
  if (spec === undefined) return [{ path: 'spec', message: 'required' }];
  const schema = schemaErrors(spec);
  fillDcs(spec, previous);
  return [
    ...schema,
    ...celErrors({ parent, spec, previous: previousSpec(previous) }),
    ...semanticErrors(spec),
    ...hbaErrors(spec),
    ...majorErrors(spec),
    ...backupErrors(identityOf(parent), spec),
    ...standbyErrors(identityOf(parent), spec),
    ...paramErrors(spec),
    ...loggingErrors(spec),
  ];
}

/**
 * Validates `parent.spec` (schema, CEL mirror incl. transition rules against `previous`, semantic
 * checks, PostgreSQL settings) and resolves it. `previous` is the last valid raw spec, if any.
 * Errors are all collected, with field paths, sorted.
 */
export function checkSpec(parent: KubeObject, previous?: unknown): SpecResult {
  const root = cloneJson(parent);
  const spec = isObj(root) ? root['spec'] : undefined;
  const errors = collectErrors(root, spec, previous);
  if (errors.length > 0) return { ok: false, errors: sortErrors(errors) };
  const valid = spec as PostgresClusterSpec;
  return { ok: true, spec: valid, resolved: resolveSpec(identityOf(root), valid) };
}

/** Larger specs are checked every time: the memo's memory stays bounded whatever the input. */
const MAX_MEMO_KEY_CHARS = 64 * 1024;
const specMemo = createMemo<SpecResult>(PER_CLUSTER_MEMO_CAPACITY);
/** Canonical text of the memo's (frozen, so unchanging) valid specs, written once per miss. */
const canonicalOfMemoSpec = new WeakMap<object, string>();

/**
 * `checkSpec` for values parsed from JSON (a request body, an annotation), remembered by their text:
 * the same cluster identity, spec and previous spec give the same frozen result. Only for parsed
 * JSON because the key is `JSON.stringify`, which would read `toJSON` or fail on cycles where
 * `checkSpec` copies plain data.
 */
export function checkParsedSpec(parent: KubeObject, previous?: unknown): SpecResult {
  // The parent's only fields checkSpec reads: the identity and (root CEL rules) metadata.name.
  const { name, namespace, uid } = parent.metadata;
  const reduced: KubeObject = {
    apiVersion: parent.apiVersion,
    kind: parent.kind,
    metadata: {
      name,
      ...(namespace === undefined ? {} : { namespace }),
      ...(uid === undefined ? {} : { uid }),
    },
    spec: parent['spec'],
  };
  const key = memoKey([reduced, previous]);
  if (key === undefined) return checkSpec(reduced, previous);
  return specMemo.get(key, () => {
    const result = checkSpec(reduced, previous);
    if (result.ok) canonicalOfMemoSpec.set(result.spec, canonicalSpecJson(result.spec));
    return result;
  });
}

/** The memo key of an input, or undefined when it is too large or too deep to serialize. */
function memoKey(input: unknown): string | undefined {
  try {
    const key = JSON.stringify(input);
    return key.length > MAX_MEMO_KEY_CHARS ? undefined : key;
  } catch {
    // Nesting deeper than the stack (JSON.parse accepts it): checkSpec reports it as an error.
    return undefined;
  }
}

/**
 * Sorted-key JSON of a spec: the same spec always gives the same text, for storing the last valid
 * spec on the StatefulSet without a diff on every sync.
 */
export function canonicalSpecJson(spec: unknown): string {
  const known = typeof spec === 'object' && spec !== null ? canonicalOfMemoSpec.get(spec) : undefined;
  if (known !== undefined) return known;
  return sortedJson(cloneJson(spec) ?? null);
}
