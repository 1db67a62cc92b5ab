/**
 * The structural part of spec validation: ajv compiled once, at module load, from the JSON Schema
 * that scripts/gen-schema.ts generates from the CRD. It also applies the CRD's defaults, so the hook
 * sees the spec the API server would store.
 */
import type { ErrorObject } from 'ajv';
import { compileCrdSchema, specFieldError, type KeywordMessages } from '../../lib/crd-schema.js';
import specSchema from '../../generated/postgrescluster.schema.json';
import type { FieldError } from '../../lib/field-errors.js';
import { CUSTOM_FORMATS, FORMAT_MESSAGE_KEYWORD } from './formats.js';

/** The generated schema, for tools that walk it (validate.ts reads the CEL rules from it). */
export const SPEC_SCHEMA: Readonly<Record<string, unknown>> = specSchema;

const validateSpec = compileCrdSchema(specSchema, {
  formats: CUSTOM_FORMATS,
  // The parent's CEL rules and the CRD's messages for formats, read by validate.ts and below.
  annotations: ['x-pgmeta-parent-validations', FORMAT_MESSAGE_KEYWORD],
  // verbose: errors carry their schema node, where the generator left the CRD's message for formats.
  ajv: { verbose: true, strictTypes: false },
});

const TYPE_NAMES: Readonly<Record<string, string>> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  object: 'an object',
  array: 'a list',
};

function formatMessage(e: ErrorObject): string {
  const own = (e.parentSchema as Record<string, unknown> | undefined)?.[FORMAT_MESSAGE_KEYWORD];
  if (typeof own === 'string') return own;
  const format = String((e.params as { format?: unknown }).format);
  if (format === 'cidr') return 'must be a CIDR such as 10.0.0.0/8';
  return `must be a valid ${format}`;
}

/** This CRD's words for a wrong type and a bad format. */
const MESSAGES: KeywordMessages = {
  type: (e) => {
    const type = String((e.params as { type?: unknown }).type);
    return `must be ${TYPE_NAMES[type] ?? type}`;
  },
  format: formatMessage,
};

/** A boolean gets its own explanation (specFieldError); a float or a list this one. */
const QUOTE = ' (quote other values in YAML)';

/**
 * ajv reports an int-or-string value that fits neither branch three times (not an integer, not a
 * string, no anyOf match). Keep the branch errors that say more than the type (a bad quantity), or
 * else one message for the whole.
 */
function collapseAnyOf(errors: readonly ErrorObject[]): ErrorObject[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  const inBranch = (e: ErrorObject, a: ErrorObject): boolean =>
    e.instancePath === a.instancePath && e.schemaPath.startsWith(`${a.schemaPath}/`);
  const result = errors.filter((e) => e.keyword !== 'anyOf' && !anyOfs.some((a) => inBranch(e, a)));
  for (const a of anyOfs) {
    const specific = errors.filter((e) => inBranch(e, a) && e.keyword !== 'type');
    result.push(
      ...(specific.length > 0
        ? specific
        : [{ ...a, message: `must be an integer or a string${typeof a.data === 'boolean' ? '' : QUOTE}` }]),
    );
  }
  return result;
}

/**
 * Validates a spec against the generated schema, applying the CRD's defaults to `spec` in place
 * (pass a copy). Errors have field paths under `spec`.
 */
export function schemaErrors(spec: unknown): FieldError[] {
  if (validateSpec(spec)) return [];
  const errors = collapseAnyOf(validateSpec.errors ?? []);
  // A value of the wrong type also fails its enum, format or range: the type error says it all.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  return errors
    .filter((e) => e.keyword === 'type' || !wrongType.has(e.instancePath))
    .map((e) => specFieldError(e, MESSAGES));
}

/** Applies the CRD's defaults to `spec` in place, ignoring any error (used for the last valid spec). */
export function applyDefaults(spec: unknown): void {
  validateSpec(spec);
}
