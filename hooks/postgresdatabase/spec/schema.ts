/**
 * Structural validation of a PostgresDatabase spec with the CRD's own OpenAPI schema (generated into
 * ../generated/spec.schema.json), so the hook refuses what the API server would and sees the same
 * defaults. Paths and wording follow the PostgresCluster validation (../../postgrescluster/spec).
 * CEL rules are mirrored separately (validate.ts).
 */
import { compileCrdSchema, specFieldError, type KeywordMessages } from '../../lib/crd-schema.js';
import type { FieldError } from '../../lib/field-errors.js';
import schemaJson from '../generated/spec.schema.json';
import type { PostgresDatabaseSpec } from '../generated/spec.types.js';

export type { FieldError } from '../../lib/field-errors.js';

// CEL rules stay in the schema as annotations: validate.ts mirrors them.
const validateSpec = compileCrdSchema(schemaJson);

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

/** This CRD's words for a pattern that does not match. */
const MESSAGES: KeywordMessages = {
  pattern: (e) => {
    const pattern = String((e.params as { pattern?: unknown }).pattern);
    return PATTERN_MESSAGES[pattern] ?? `must match ${pattern}`;
  },
};

export type SchemaResult = { ok: true; spec: PostgresDatabaseSpec } | { ok: false; errors: FieldError[] };

/** Validates a copy of `raw` and fills the CRD's defaults into it. */
export function checkSchema(raw: unknown): SchemaResult {
  const spec: unknown = structuredClone(raw ?? null);
  if (validateSpec(spec)) return { ok: true, spec: spec as PostgresDatabaseSpec };
  return { ok: false, errors: (validateSpec.errors ?? []).map((e) => specFieldError(e, MESSAGES)) };
}
