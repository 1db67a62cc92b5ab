/**
 * Structural validation of a PostgresDatabase spec with the CRD's own OpenAPI schema (generated into
 * ../generated/spec.schema.json), so the hook refuses what the API server would and sees the same
 * defaults. Paths and wording follow the PostgresCluster validation (../../postgrescluster/spec).
 * CEL rules are mirrored separately (validate.ts).
 */
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { childPath, pointerToPath, type FieldError } from '../../postgrescluster/spec/errors.js';
import schemaJson from '../generated/spec.schema.json';
import type { PostgresDatabaseSpec } from '../generated/spec.types.js';

export type { FieldError } from '../../postgrescluster/spec/errors.js';

function compile(): (data: unknown) => boolean {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
  addFormats(ajv, ['int32', 'int64', 'date-time']);
  // CEL rules stay in the schema as annotations: validate.ts mirrors them.
  ajv.addVocabulary(['x-kubernetes-validations']);
  return ajv.compile(schemaJson);
}

const validateSpec = compile() as ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

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

function toFieldError(e: ErrorObject): FieldError {
  const path = pointerToPath('spec', e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: childPath(path, String(params['missingProperty'])), message: 'required' };
    case 'additionalProperties':
      return { path: childPath(path, String(params['additionalProperty'])), message: 'unknown field' };
    case 'pattern': {
      const pattern = String(params['pattern']);
      return { path, message: PATTERN_MESSAGES[pattern] ?? `must match ${pattern}` };
    }
    case 'enum':
      return {
        path,
        message: `must be one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`,
      };
    default:
      return { path, message: e.message ?? `fails ${e.keyword}` };
  }
}

export type SchemaResult = { ok: true; spec: PostgresDatabaseSpec } | { ok: false; errors: FieldError[] };

/** Validates a copy of `raw` and fills the CRD's defaults into it. */
export function checkSchema(raw: unknown): SchemaResult {
  const spec: unknown = structuredClone(raw ?? null);
  if (validateSpec(spec)) return { ok: true, spec: spec as PostgresDatabaseSpec };
  return { ok: false, errors: (validateSpec.errors ?? []).map(toFieldError) };
}
