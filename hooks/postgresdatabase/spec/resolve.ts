/**
 * A valid spec (defaults applied) turned into what the children and the SQL are built from: every
 * list sorted and deduplicated, every default resolved (STYLE rule 3).
 */
import type { PostgresDatabaseSpec } from '../generated/spec.types.js';
import { defaultSecretName, type DatabaseIdentity } from '../names.js';
import {
  ROLE_ATTRIBUTES,
  type DatabaseModel,
  type DbExtension,
  type DbGrant,
  type DbRole,
} from '../sql/model.js';

type Spec = PostgresDatabaseSpec;
type SpecRole = NonNullable<Spec['roles']>[number];
type SpecGrant = NonNullable<Spec['grants']>[number];

export type ReclaimPolicy = 'retain' | 'delete';

export interface ResolvedDatabase extends DatabaseIdentity {
  clusterName: string;
  reclaimPolicy: ReclaimPolicy;
  model: DatabaseModel;
  /** In the order of `model.roles`. */
  secrets: readonly { role: string; secretName: string; passwordEnv: string }[];
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function sortedUnique<T extends string>(values: readonly T[] | undefined): T[] {
  return [...new Set(values ?? [])].sort();
}

/** Environment variable of the Job carrying the password of the role at `index`. */
export function passwordEnv(index: number): string {
  return `PGMETA_PASSWORD_${index}`;
}

function resolveRole(r: SpecRole, index: number): DbRole {
  const attributes = ROLE_ATTRIBUTES.filter((a) => r.privileges?.includes(a));
  return {
    name: r.name,
    login: r.login ?? true,
    inherit: r.inherit ?? true,
    attributes,
    connectionLimit: r.connectionLimit ?? -1,
    inRoles: sortedUnique(r.inRoles),
    ...(r.validUntil === undefined ? {} : { validUntil: r.validUntil }),
    passwordEnv: passwordEnv(index),
  };
}

/** ALL stands alone in SQL (`GRANT ALL, SELECT` is a syntax error) and covers the rest anyway. */
function resolveGrant(g: SpecGrant, databaseOwner: string): DbGrant {
  const privileges = g.privileges.includes('ALL') ? ['ALL'] : sortedUnique(g.privileges);
  return {
    role: g.role,
    target: g.target,
    ...(g.schema === undefined ? {} : { schema: g.schema }),
    privileges,
    defaultPrivileges: g.defaultPrivileges ?? false,
    forRole: g.forRole ?? databaseOwner,
  };
}

function uniqueGrants(grants: readonly DbGrant[]): DbGrant[] {
  const byKey = new Map(
    grants.map((g) => [
      JSON.stringify([g.role, g.target, g.schema ?? '', g.defaultPrivileges, g.forRole, g.privileges]),
      g,
    ]),
  );
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}

function resolveExtension(e: NonNullable<Spec['extensions']>[number]): DbExtension {
  return {
    name: e.name,
    ...(e.version === undefined ? {} : { version: e.version }),
    ...(e.schema === undefined ? {} : { schema: e.schema }),
  };
}

/** The resolved resource; `spec` must have passed schema and rule validation. */
export function resolveSpec(id: DatabaseIdentity, spec: Spec): ResolvedDatabase {
  const db = spec.database;
  const roles = [...(spec.roles ?? [])].sort(byName);
  const model: DatabaseModel = {
    owner: `${id.namespace}/${id.name}`,
    database: {
      name: db.name,
      owner: db.owner,
      encoding: db.encoding ?? 'UTF8',
      ...(db.locale === undefined ? {} : { locale: db.locale }),
      connectionLimit: db.connectionLimit ?? -1,
    },
    roles: roles.map(resolveRole),
    schemas: [...(spec.schemas ?? [])]
      .sort(byName)
      .map((s) => ({ name: s.name, owner: s.owner ?? db.owner })),
    extensions: [...(spec.extensions ?? [])].sort(byName).map(resolveExtension),
    grants: uniqueGrants((spec.grants ?? []).map((g) => resolveGrant(g, db.owner))),
  };
  return {
    ...id,
    clusterName: spec.clusterRef.name,
    reclaimPolicy: spec.reclaimPolicy ?? 'retain',
    model,
    secrets: roles.map((r, i) => ({
      role: r.name,
      secretName: r.secretName ?? defaultSecretName(id.name, r.name),
      passwordEnv: passwordEnv(i),
    })),
  };
}
