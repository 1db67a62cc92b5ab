/**
 * The rules that keep a PostgresDatabase from reaching beyond its own database (issue 15, finding 3):
 * the CRD's CEL rules about role names and privileged roles, mirrored, and the check only the hook can
 * make (the cluster's bootstrap owner and database, which live in the PostgresCluster's spec).
 *
 * A role the spec names is claimed (roles[].name: created or adopted, its password reset), joined
 * (inRoles: its privileges inherited, SET ROLE to it allowed), made an owner (database.owner,
 * schemas[].owner: REASSIGN OWNED hands it what a dropped role owned, SECURITY DEFINER functions
 * included) or given privileges (grants). None of that may touch a role the cluster or pgmeta uses.
 */
import { isClusterRole, PREDEFINED_ROLE_PREFIX, SPILO_ROLES } from '../../lib/reserved-names.js';
import type { PostgresDatabaseSpec } from '../generated/spec.types.js';
import type { FieldError } from './schema.js';

type Spec = PostgresDatabaseSpec;
type Mirror = (spec: Spec) => FieldError[];

/**
 * Names roles[].name may not take: the cluster's roles, the role names PostgreSQL refuses, and the
 * role specifications SQL reads as keywords; the `pg_` and `pgmeta_` prefixes as well.
 */
export const RESERVED_ROLES: readonly string[] = [
  ...SPILO_ROLES,
  'current_user',
  'current_role',
  'session_user',
];

/** Role attributes that reach beyond one database and need `allowPrivilegedRoles`. */
export const PRIVILEGED_ATTRIBUTES: readonly string[] = ['CREATEROLE', 'REPLICATION', 'BYPASSRLS'];

interface Named {
  path: string;
  value: string;
}

/** Every field that names an existing role besides roles[].name, with its path. */
export function roleReferences(spec: Spec): { memberships: Named[]; others: Named[] } {
  const memberships = (spec.roles ?? []).flatMap((r, i) =>
    (r.inRoles ?? []).map((value, j) => ({ path: `spec.roles[${i}].inRoles[${j}]`, value })),
  );
  const others: Named[] = [{ path: 'spec.database.owner', value: spec.database.owner }];
  const add = (path: string, value: string | undefined): void => {
    if (value !== undefined) others.push({ path, value });
  };
  (spec.schemas ?? []).forEach((s, i) => {
    add(`spec.schemas[${i}].owner`, s.owner);
  });
  (spec.grants ?? []).forEach((g, i) => {
    add(`spec.grants[${i}].role`, g.role);
    add(`spec.grants[${i}].forRole`, g.forRole);
  });
  return { memberships, others };
}

function where(fields: readonly Named[], bad: (v: string) => boolean, message: string): FieldError[] {
  return fields.filter((f) => bad(f.value)).map((f) => ({ path: f.path, message }));
}

const privileged = (spec: Spec): boolean => spec.allowPrivilegedRoles === true;

/** One mirror per CEL rule message about role names and privileged roles. */
export const ROLE_MIRRORS: Readonly<Record<string, Mirror>> = {
  'is a reserved role name': (spec) =>
    where(
      (spec.roles ?? []).map((r, i) => ({ path: `spec.roles[${i}].name`, value: r.name })),
      (v) => v.startsWith(PREDEFINED_ROLE_PREFIX) || isClusterRole(v) || RESERVED_ROLES.includes(v),
      'is a reserved role name',
    ),
  'names a role the cluster reserves': (spec) => {
    const { memberships, others } = roleReferences(spec);
    return where([...memberships, ...others], isClusterRole, 'names a role the cluster reserves');
  },
  'names a predefined pg_ role': (spec) =>
    where(
      roleReferences(spec).others,
      (v) => v.startsWith(PREDEFINED_ROLE_PREFIX),
      'names a predefined pg_ role',
    ),
  'CREATEROLE, REPLICATION and BYPASSRLS require allowPrivilegedRoles to be true': (spec) =>
    privileged(spec)
      ? []
      : (spec.roles ?? []).flatMap((r, i) =>
          (r.privileges ?? []).some((p) => PRIVILEGED_ATTRIBUTES.includes(p))
            ? [
                {
                  path: `spec.roles[${i}].privileges`,
                  message: 'CREATEROLE, REPLICATION and BYPASSRLS require allowPrivilegedRoles to be true',
                },
              ]
            : [],
        ),
  'membership in a predefined pg_ role requires allowPrivilegedRoles to be true': (spec) =>
    privileged(spec)
      ? []
      : where(
          roleReferences(spec).memberships,
          (v) => v.startsWith(PREDEFINED_ROLE_PREFIX),
          'membership in a predefined pg_ role requires allowPrivilegedRoles to be true',
        ),
};

/** What the PostgresCluster's spec reserves besides the fixed names: its application database. */
export interface ClusterReserved {
  bootstrapOwner: string;
  bootstrapDatabase: string;
}

/**
 * The cluster's bootstrap owner in any role field, or its bootstrap database as the database: the
 * CRD cannot see them (they are in another resource), so the hook refuses them. Claiming the owner
 * would reset the password of the `-app` Secret's role; claiming the database would hand it over.
 */
export function clusterReservedErrors(spec: Spec, reserved: ClusterReserved): FieldError[] {
  const { memberships, others } = roleReferences(spec);
  const names = (spec.roles ?? []).map((r, i) => ({ path: `spec.roles[${i}].name`, value: r.name }));
  const owner = where(
    [...names, ...memberships, ...others],
    (v) => v === reserved.bootstrapOwner,
    `is the cluster's bootstrap owner (spec.bootstrap.owner of the PostgresCluster), which the cluster reserves`,
  );
  const database = where(
    [{ path: 'spec.database.name', value: spec.database.name }],
    (v) => v === reserved.bootstrapDatabase,
    `is the cluster's bootstrap database (spec.bootstrap.database of the PostgresCluster), which the cluster reserves`,
  );
  return [...owner, ...database];
}
