/**
 * How a server remembers what pgmeta manages, so that removing something from a spec revokes or
 * drops exactly what pgmeta did and nothing else.
 *
 * - Roles and the database are shared objects: their marker is their COMMENT (stored in the
 *   cluster-wide `pg_shdescription`), visible from every database. That matters because the roles
 *   and the database are created from the maintenance database, before the target database exists.
 *   The marker names the owning resource and whether pgmeta created the object (`created=true`) or
 *   adopted one that already existed (`created=false`, never dropped).
 * - Grants cannot carry comments, and schemas and extensions live inside the target database, so a
 *   small table `pgmeta.managed` in that database records them: it lives and dies with what it
 *   describes, and only superusers can change it.
 *
 * The owner is `<namespace>/<name>` rather than the UID so that a resource deleted with
 * `reclaimPolicy: retain` and created again takes its objects back.
 */
import { quoteLiteral as lit } from './quote.js';
import { sql, type Step } from './script.js';

export const MARKER_PREFIX = 'pgmeta.io/postgresdatabase=';

/** The COMMENT of a role or database pgmeta manages for `owner`. */
export function marker(owner: string, created: boolean): string {
  return `${MARKER_PREFIX}${owner}; created=${String(created)}`;
}

export type SharedCatalog = 'pg_authid' | 'pg_database';

/** The comment of a shared object, as an SQL expression. */
export function description(catalog: SharedCatalog, oid: string): string {
  return `shobj_description(${oid}, '${catalog}')`;
}

/** SQL: the object carries `owner`'s marker (created or adopted). */
export function ownedBy(desc: string, owner: string): string {
  return `starts_with(coalesce(${desc}, ''), ${lit(`${MARKER_PREFIX}${owner};`)})`;
}

/** SQL: `owner` created the object. */
export function createdBy(desc: string, owner: string): string {
  return `coalesce(${desc} = ${lit(marker(owner, true))}, false)`;
}

/** SQL: another PostgresDatabase's marker. */
export function ownedByOther(desc: string, owner: string): string {
  return `(starts_with(coalesce(${desc}, ''), ${lit(MARKER_PREFIX)}) AND NOT ${ownedBy(desc, owner)})`;
}

/** SQL: the owner named in a marker. */
export function markerOwner(desc: string): string {
  return `substring(${desc} from '^pgmeta\\.io/postgresdatabase=([^;]*);')`;
}

/** The bookkeeping table inside the target database (see the module comment). */
export function catalogSteps(): Step[] {
  return [
    sql('CREATE SCHEMA IF NOT EXISTS pgmeta'),
    sql('REVOKE ALL ON SCHEMA pgmeta FROM PUBLIC'),
    sql(
      "COMMENT ON SCHEMA pgmeta IS 'What pgmeta.io PostgresDatabase resources created or granted in this database'",
    ),
    sql(
      'CREATE TABLE IF NOT EXISTS pgmeta.managed (owner text NOT NULL, kind text NOT NULL, key jsonb NOT NULL, ' +
        'created boolean NOT NULL, PRIMARY KEY (owner, kind, key))',
    ),
    sql('REVOKE ALL ON pgmeta.managed FROM PUBLIC'),
  ];
}

export type ManagedKind = 'schema' | 'extension' | 'grant' | 'default';

/** JSON with sorted keys, so the same key is always the same text (and the same jsonb). */
export function keyJson(key: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : 1))));
}

/** An `INSERT` recording managed rows (existing rows are kept as they are). */
export function recordManaged(
  owner: string,
  kind: ManagedKind,
  rows: readonly { key: Readonly<Record<string, string>>; created: boolean }[],
): string {
  const values = rows.map(
    (r) => `(${lit(owner)}, '${kind}', ${lit(keyJson(r.key))}::jsonb, ${String(r.created)})`,
  );
  return `INSERT INTO pgmeta.managed (owner, kind, key, created) VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`;
}

/** `ARRAY[...]::jsonb[]` of keys. */
export function jsonbArray(keys: readonly Readonly<Record<string, string>>[]): string {
  return `ARRAY[${keys.map((k) => `${lit(keyJson(k))}::jsonb`).join(', ')}]::jsonb[]`;
}

/**
 * SQL expression producing a `DO` statement that runs `statements` (SQL text expressions) and, when
 * something still depends on the object, turns the error into a WARNING and runs `fallback`.
 * Used for drops that must never fail the whole script (a role that still owns objects in another
 * database is kept and loses LOGIN instead). All quoting happens server-side with format's `%L`.
 */
export function tolerantDo(opts: {
  statements: readonly string[];
  warning: string;
  fallback?: string;
}): string {
  const exec = opts.statements.map(() => 'EXECUTE %L; ').join('');
  const fallback = opts.fallback === undefined ? '' : ' EXECUTE %L;';
  const body = `'BEGIN ${exec}EXCEPTION WHEN dependent_objects_still_exist THEN RAISE WARNING USING MESSAGE = %L;${fallback} END'`;
  const args = [...opts.statements, opts.warning, ...(opts.fallback === undefined ? [] : [opts.fallback])];
  return `format('DO %L', format(${body}, ${args.join(', ')}))`;
}

/** SQL expression producing a `DO` statement that fails the script with `message` (an SQL text expression). */
export function raiseDo(message: string): string {
  return `format('DO %L', format('BEGIN RAISE EXCEPTION USING MESSAGE = %L; END', ${message}))`;
}
