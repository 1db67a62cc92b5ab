/**
 * Everything the hook knows about a PostgresDatabase spec: valid or not (with every error and its
 * field path), and resolved when valid.
 */
import type { KubeObject } from '../../lib/k8s.js';
import type { PostgresDatabaseSpec } from '../generated/spec.types.js';
import type { DatabaseIdentity } from '../names.js';
import { sortErrors } from '../../lib/field-errors.js';
import { checkSchema, type FieldError } from './schema.js';
import { resolveSpec, type ResolvedDatabase } from './resolve.js';
import { checkRules } from './validate.js';

export type { FieldError } from './schema.js';
export type { ResolvedDatabase, ReclaimPolicy } from './resolve.js';
export type { PostgresDatabaseSpec } from '../generated/spec.types.js';

export type SpecResult =
  { ok: true; spec: PostgresDatabaseSpec; resolved: ResolvedDatabase } | { ok: false; errors: FieldError[] };

/** Identity of a parent, from its metadata (empty strings when Metacontroller sent none). */
export function identityOf(parent: KubeObject): DatabaseIdentity {
  return {
    name: parent.metadata.name,
    namespace: parent.metadata.namespace ?? '',
    uid: parent.metadata.uid ?? '',
  };
}

/** Secret names come partly from defaults the CRD cannot see: two roles must not share one. */
function secretNameErrors(resolved: ResolvedDatabase): FieldError[] {
  const seen = new Map<string, string>();
  return resolved.secrets.flatMap((s) => {
    const other = seen.get(s.secretName);
    seen.set(s.secretName, s.role);
    const errors: FieldError[] = [];
    if (other !== undefined) {
      errors.push({
        path: 'spec.roles',
        message: `roles ${JSON.stringify(other)} and ${JSON.stringify(s.role)} would share Secret ${s.secretName}`,
      });
    }
    if (s.secretName.length > 253) {
      errors.push({
        path: 'spec.roles',
        message: `Secret name for role ${JSON.stringify(s.role)} is too long: set secretName`,
      });
    }
    return errors;
  });
}

/**
 * Validates the parent's spec (CRD schema with defaults, CEL mirror, transition rules against
 * `previous` when given) and resolves it. Total: never throws, whatever the input.
 */
export function checkSpec(parent: KubeObject, previous?: PostgresDatabaseSpec): SpecResult {
  const schema = checkSchema(parent['spec']);
  if (!schema.ok) return { ok: false, errors: sortErrors(schema.errors) };
  const errors = checkRules(schema.spec, previous);
  if (errors.length > 0) return { ok: false, errors: sortErrors(errors) };
  const resolved = resolveSpec(identityOf(parent), schema.spec);
  const secretErrors = secretNameErrors(resolved);
  if (secretErrors.length > 0) return { ok: false, errors: sortErrors(secretErrors) };
  return { ok: true, spec: schema.spec, resolved };
}
