/**
 * What every hook needs to check a spec the way the API server does: the CRD's OpenAPI schema
 * compiled by ajv (which also fills the CRD's defaults in), ajv's errors in the paths and words a
 * Kubernetes user expects, and CEL's `==` for the TypeScript mirrors of `x-kubernetes-validations`.
 */
import Ajv, { type ErrorObject, type Format, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { childPath, pointerToPath, type FieldError } from './field-errors.js';
import { booleanKeyHint, booleanValueHint } from './kubectl-yaml.js';

/** How one CRD's schema is compiled beyond what every CRD needs. */
export interface CrdSchemaOptions {
  /** String formats of the schema beyond ajv-formats' int32, int64 and date-time. */
  formats?: Readonly<Record<string, Format>>;
  /** Keywords ajv keeps as annotations, besides `x-kubernetes-validations` (CEL, mirrored in TS). */
  annotations?: readonly string[];
  /** ajv options of this schema (strict mode, collecting every error and defaults are always on). */
  ajv?: Options;
}

/**
 * Compiles a CRD's schema once. Strict mode stays on (an unknown keyword or format is a bug in the
 * generated schema), so CEL rules and other annotations are declared as a vocabulary. Errors are
 * verbose: they carry the value, so a boolean where a string belongs can say where it came from.
 */
export function compileCrdSchema(schema: object, opts: CrdSchemaOptions = {}): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, verbose: true, ...opts.ajv });
  addFormats(ajv, ['int32', 'int64', 'date-time']);
  for (const [name, format] of Object.entries(opts.formats ?? {})) ajv.addFormat(name, format);
  ajv.addVocabulary(['x-kubernetes-validations', ...(opts.annotations ?? [])]);
  return ajv.compile(schema);
}

/** A CRD's own wording of an ajv error, by keyword (a pattern said in words, a type named). */
export type KeywordMessages = Readonly<Partial<Record<string, (e: ErrorObject) => string>>>;

/**
 * A boolean where the schema wants something else almost always comes from YAML 1.1, which kubectl
 * reads: an unquoted `off` or `yes` is sent as false or true. Say so, and how to fix it.
 */
function withBooleanHint(e: ErrorObject, message: string): string {
  const wrongType = e.keyword === 'type' || e.keyword === 'anyOf';
  return wrongType && typeof e.data === 'boolean' ? `${message}: ${booleanValueHint(e.data)}` : message;
}

/** One ajv error on a spec, as a field error under `spec`; `own` words its keywords its own way. */
export function specFieldError(e: ErrorObject, own: KeywordMessages = {}): FieldError {
  const path = pointerToPath('spec', e.instancePath);
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') {
    return { path: childPath(path, String(params['missingProperty'])), message: 'required' };
  }
  if (e.keyword === 'additionalProperties') {
    const key = String(params['additionalProperty']);
    const hint = booleanKeyHint(key);
    return { path: childPath(path, key), message: hint ? `unknown field: ${hint}` : 'unknown field' };
  }
  const message = own[e.keyword];
  if (message) return { path, message: withBooleanHint(e, message(e)) };
  if (e.keyword === 'enum') {
    return {
      path,
      message: `must be one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`,
    };
  }
  return { path, message: withBooleanHint(e, e.message ?? `fails ${e.keyword}`) };
}

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * CEL `==` on JSON values: lists item by item, maps key by key in any order (an absent key and one
 * set to undefined are the same), scalars by value.
 */
export function celEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => celEqual(x, b[i]))
    );
  }
  if (isObj(a) && isObj(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    return (
      keys.length === Object.keys(b).filter((k) => b[k] !== undefined).length &&
      keys.every((k) => celEqual(a[k], b[k]))
    );
  }
  return a === b;
}
