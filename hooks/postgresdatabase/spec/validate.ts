/**
 * The CRD's CEL rules (`x-kubernetes-validations`) and list-map keys, mirrored in TypeScript: ajv
 * cannot run CEL, and the hook must not act on a spec the API server would have refused (an older CRD
 * may be installed, or the spec may come from `pgmeta validate`). Keyed by the rule's message so a
 * test can prove every rule in the CRD has its mirror. Transition rules need the previous spec.
 */
import { RESERVED_DATABASES } from '../../lib/reserved-names.js';
import { sqlTextProblem } from '../sql/quote.js';
import { PRIVILEGES } from '../sql/model.js';
import type { PostgresDatabaseSpec } from '../generated/spec.types.js';
import { ROLE_MIRRORS } from './role-rules.js';
import type { FieldError } from './schema.js';

export { RESERVED_ROLES } from './role-rules.js';

type Spec = PostgresDatabaseSpec;
type Mirror = (spec: Spec, previous: Spec | undefined) => FieldError[];

/** `pgmeta` holds pgmeta's bookkeeping; `pg_` is reserved by PostgreSQL. */
export const RESERVED_SCHEMAS: readonly string[] = ['pgmeta', 'information_schema'];

/** Every field of the spec that names a database object, with its path. */
export function identifierFields(spec: Spec): { path: string; value: string }[] {
  const out = [
    { path: 'spec.database.name', value: spec.database.name },
    { path: 'spec.database.owner', value: spec.database.owner },
  ];
  const add = (path: string, value: string | undefined): void => {
    if (value !== undefined) out.push({ path, value });
  };
  (spec.roles ?? []).forEach((r, i) => {
    add(`spec.roles[${i}].name`, r.name);
    (r.inRoles ?? []).forEach((p, j) => {
      add(`spec.roles[${i}].inRoles[${j}]`, p);
    });
  });
  (spec.schemas ?? []).forEach((s, i) => {
    add(`spec.schemas[${i}].name`, s.name);
    add(`spec.schemas[${i}].owner`, s.owner);
  });
  (spec.grants ?? []).forEach((g, i) => {
    add(`spec.grants[${i}].role`, g.role);
    add(`spec.grants[${i}].schema`, g.schema);
    add(`spec.grants[${i}].forRole`, g.forRole);
  });
  (spec.extensions ?? []).forEach((e, i) => {
    add(`spec.extensions[${i}].name`, e.name);
    add(`spec.extensions[${i}].schema`, e.schema);
  });
  return out;
}

function each<T>(items: readonly T[] | undefined, check: (item: T, i: number) => FieldError[]): FieldError[] {
  return (items ?? []).flatMap(check);
}

function errorIf(cond: boolean, path: string, message: string): FieldError[] {
  return cond ? [{ path, message }] : [];
}

function immutable(path: string, message: string, pick: (s: Spec) => unknown): Mirror {
  return (spec, previous) =>
    errorIf(
      previous !== undefined && JSON.stringify(pick(spec)) !== JSON.stringify(pick(previous)),
      path,
      message,
    );
}

const grantMirrors: Readonly<Record<string, Mirror>> = {
  'schema is required unless target is database, where it is not allowed': (spec) =>
    each(spec.grants, (g, i) =>
      errorIf(
        (g.target === 'database') === (g.schema !== undefined),
        `spec.grants[${i}].schema`,
        'schema is required unless target is database, where it is not allowed',
      ),
    ),
  'a privilege is not valid for this kind of object': (spec) =>
    each(spec.grants, (g, i) => {
      const allowed: readonly string[] = PRIVILEGES[g.target];
      const bad = g.privileges.filter((p) => !allowed.includes(p));
      return errorIf(
        bad.length > 0,
        `spec.grants[${i}].privileges`,
        'a privilege is not valid for this kind of object',
      );
    }),
  'defaultPrivileges applies only to tables, sequences and functions': (spec) =>
    each(spec.grants, (g, i) =>
      errorIf(
        g.defaultPrivileges === true && (g.target === 'database' || g.target === 'schema'),
        `spec.grants[${i}].defaultPrivileges`,
        'defaultPrivileges applies only to tables, sequences and functions',
      ),
    ),
  'forRole needs defaultPrivileges': (spec) =>
    each(spec.grants, (g, i) =>
      errorIf(
        g.forRole !== undefined && g.defaultPrivileges !== true,
        `spec.grants[${i}].forRole`,
        'forRole needs defaultPrivileges',
      ),
    ),
};

/** One mirror per CEL rule message of crds/postgresdatabases.yaml. */
export const CEL_MIRRORS: Readonly<Record<string, Mirror>> = {
  'SUPERUSER requires allowSuperuser to be true': (spec) =>
    errorIf(
      (spec.roles ?? []).some((r) => r.privileges?.includes('SUPERUSER')) && spec.allowSuperuser !== true,
      'spec.roles',
      'SUPERUSER requires allowSuperuser to be true',
    ),
  'secretName must be unique across roles': (spec) => {
    const names = (spec.roles ?? []).flatMap((r) => (r.secretName === undefined ? [] : [r.secretName]));
    return errorIf(
      new Set(names).size !== names.length,
      'spec.roles',
      'secretName must be unique across roles',
    );
  },
  'clusterRef is immutable': immutable('spec.clusterRef', 'clusterRef is immutable', (s) => s.clusterRef),
  'database.name is immutable': immutable(
    'spec.database',
    'database.name is immutable',
    (s) => s.database.name,
  ),
  'database.encoding is immutable': immutable(
    'spec.database',
    'database.encoding is immutable',
    (s) => s.database.encoding,
  ),
  'database.locale is immutable': immutable(
    'spec.database',
    'database.locale is immutable',
    (s) => s.database.locale ?? null,
  ),
  'must be at most 63 bytes in UTF-8': (spec) =>
    identifierFields(spec).flatMap(({ path, value }) =>
      errorIf(Buffer.byteLength(value, 'utf8') > 63, path, 'must be at most 63 bytes in UTF-8'),
    ),
  'is a reserved database name': (spec) =>
    errorIf(
      RESERVED_DATABASES.includes(spec.database.name),
      'spec.database.name',
      'is a reserved database name',
    ),
  'is a reserved schema name': (spec) =>
    each(spec.schemas, (s, i) =>
      errorIf(
        s.name.startsWith('pg_') || RESERVED_SCHEMAS.includes(s.name),
        `spec.schemas[${i}].name`,
        'is a reserved schema name',
      ),
    ),
  'a role cannot be a member of itself': (spec) =>
    each(spec.roles, (r, i) =>
      errorIf(
        (r.inRoles ?? []).includes(r.name),
        `spec.roles[${i}].inRoles`,
        'a role cannot be a member of itself',
      ),
    ),
  ...grantMirrors,
  ...ROLE_MIRRORS,
};

/** `x-kubernetes-list-type: map` keys: the API server refuses two items with the same name. */
function uniqueNames(spec: Spec): FieldError[] {
  const lists = { roles: spec.roles, schemas: spec.schemas, extensions: spec.extensions } as const;
  return Object.entries(lists).flatMap(([field, items]) => {
    const seen = new Set<string>();
    return (items ?? []).flatMap((item, i) => {
      const dup = seen.has(item.name);
      seen.add(item.name);
      return errorIf(dup, `spec.${field}[${i}].name`, `duplicate name ${JSON.stringify(item.name)}`);
    });
  });
}

/**
 * Defence in depth beyond the CRD: strings the SQL quoting refuses (NUL, lone surrogates), which a
 * JSON request can carry even though YAML and the API server would not.
 */
function quotable(spec: Spec): FieldError[] {
  return identifierFields(spec).flatMap(({ path, value }) => {
    const problem = sqlTextProblem(value);
    return problem === undefined ? [] : [{ path, message: problem }];
  });
}

/** Every CEL mirror and structural rule, all errors collected. */
export function checkRules(spec: Spec, previous?: Spec): FieldError[] {
  const errors = Object.values(CEL_MIRRORS).flatMap((mirror) => mirror(spec, previous));
  return [...errors, ...uniqueNames(spec), ...quotable(spec)];
}
