/**
 * Structural validation of a PostgresDatabase spec with the CRD's own OpenAPI schema (generated into
 * ../generated/spec.schema.json), so the hook rejects exactly what the API server would, with the
 * same defaults applied. CEL rules are mirrored separately (validate.ts).
 */
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import schemaJson from '../generated/spec.schema.json';
import type { PostgresDatabaseSpec } from '../generated/spec.types.js';

/** A validation error with the field path users know from kubectl (`spec.roles[0].name`). */
export interface FieldError {
  path: string;
  message: string;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
addFormats(ajv);
const validateSpec = ajv.compile(schemaJson as object);

/** Patterns of the CRD, said in words. */
const PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  '^[^\\x00-\\x1f\\x7f]+$': 'must not contain control characters',
  '^[a-z]([-a-z0-9]*[a-z0-9])?$':
    'must be a DNS-1035 label (lowercase letters, digits and -, starting with a letter)',
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$': 'must be a lowercase DNS subdomain',
  '^[A-Za-z0-9_]{1,32}$': 'must be an encoding name such as UTF8',
  '^[A-Za-z0-9_.@-]{1,63}$': 'must be a locale name such as en_US.UTF-8',
  '^[A-Za-z0-9_.+-]+$': 'must be a version such as 1.6',
};

/** `/roles/0/name` → `spec.roles[0].name`. */
export function fieldPath(instancePath: string, base = 'spec'): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : `${acc}.${p}`), base);
}

function toFieldError(e: ErrorObject): FieldError {
  const path = fieldPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required')
    return { path: `${path}.${String(params['missingProperty'])}`, message: 'is required' };
  if (e.keyword === 'additionalProperties') {
    return { path: `${path}.${String(params['additionalProperty'])}`, message: 'is not a known field' };
  }
  if (e.keyword === 'pattern') {
    const pattern = String(params['pattern']);
    return { path, message: PATTERN_MESSAGES[pattern] ?? `must match ${pattern}` };
  }
  if (e.keyword === 'enum') {
    return {
      path,
      message: `must be one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`,
    };
  }
  return { path, message: e.message ?? e.keyword };
}

export type SchemaResult = { ok: true; spec: PostgresDatabaseSpec } | { ok: false; errors: FieldError[] };

/** Validates a copy of `raw` and fills the CRD's defaults into it. */
export function checkSchema(raw: unknown): SchemaResult {
  const spec: unknown = structuredClone(raw ?? null);
  if (validateSpec(spec)) return { ok: true, spec: spec as PostgresDatabaseSpec };
  return { ok: false, errors: (validateSpec.errors ?? []).map(toFieldError) };
}
