/**
 * Grants converge in two moves: first every privilege pgmeta recorded and the spec no longer declares
 * is revoked (the statements are formatted server-side from `pgmeta.managed`), then every declared
 * privilege is granted and recorded. Revoking first makes overlaps come out right: dropping a grant
 * of ALL while another grant still declares SELECT revokes ALL, then grants SELECT again.
 *
 * The declared grants enter the session once, as rows of a temporary table; the keys recorded per
 * privilege are derived from it by the server, so the script grows with the spec, not with its square.
 */
import {
  ALL_PRIVILEGE_KEYWORDS,
  GRANT_TARGETS,
  PRIVILEGES,
  type DatabaseModel,
  type DbGrant,
} from './model.js';
import { quoteIdent as id, quoteLiteral as lit, textArray, UnsafeSqlText } from './quote.js';
import { gexec, sql, type Step } from './script.js';

/** The declared grants of this run, one row per grant (for_role only with default privileges). */
const DECLARED_TABLE =
  'CREATE TEMP TABLE pgmeta_grant (grantee text NOT NULL, target text NOT NULL, schema text NOT NULL, ' +
  'privileges text[] NOT NULL, for_role text) ON COMMIT DROP';

/**
 * The keys the declared grants record: `grant` rows per privilege, and `default` rows (default
 * privileges for `forRole`'s future objects) per privilege of the grants that ask for them.
 */
const DECLARED_KEYS =
  "SELECT 'grant' AS kind, jsonb_build_object('grantee', g.grantee, 'on', g.target, 'schema', g.schema, 'privilege', p) AS key " +
  'FROM pg_temp.pgmeta_grant g, unnest(g.privileges) p UNION ' +
  "SELECT 'default', jsonb_build_object('grantee', g.grantee, 'on', g.target, 'schema', g.schema, 'privilege', p, 'forRole', g.for_role) " +
  'FROM pg_temp.pgmeta_grant g, unnest(g.privileges) p WHERE g.for_role IS NOT NULL';

/** The temporary table of declared grants (empty for the delete script). */
export function declareGrants(grants: readonly DbGrant[]): Step[] {
  if (grants.length === 0) return [sql(DECLARED_TABLE)];
  const rows = grants.map((g) => {
    const forRole = g.defaultPrivileges ? lit(g.forRole) : 'NULL';
    return `(${lit(g.role)}, ${lit(g.target)}, ${lit(g.schema ?? '')}, ${textArray(checkedPrivileges(g))}, ${forRole})`;
  });
  return [sql(DECLARED_TABLE), sql(`INSERT INTO pg_temp.pgmeta_grant VALUES ${rows.join(', ')}`)];
}

/** Privilege keywords are SQL syntax, not quotable: only the known ones ever reach the text. */
function checkedPrivileges(g: DbGrant): readonly string[] {
  const allowed: readonly string[] = PRIVILEGES[g.target];
  const unknown = g.privileges.find((p) => !allowed.includes(p));
  if (unknown !== undefined)
    throw new UnsafeSqlText(`privilege ${JSON.stringify(unknown)} is not valid on ${g.target}`);
  return g.privileges;
}

/** The ON clause of GRANT for a declared grant. */
function onClause(g: DbGrant, database: string): string {
  switch (g.target) {
    case 'database':
      return `DATABASE ${id(database)}`;
    case 'schema':
      return `SCHEMA ${id(g.schema ?? '')}`;
    case 'tables':
    case 'sequences':
    case 'functions':
      return `ALL ${g.target.toUpperCase()} IN SCHEMA ${id(g.schema ?? '')}`;
  }
}

/** GRANT statements for one declared grant. */
function grantStatements(g: DbGrant, database: string): Step[] {
  const privileges = checkedPrivileges(g).join(', ');
  const steps = [sql(`GRANT ${privileges} ON ${onClause(g, database)} TO ${id(g.role)}`)];
  if (g.defaultPrivileges) {
    steps.push(
      sql(
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${id(g.forRole)} IN SCHEMA ${id(g.schema ?? '')} ` +
          `GRANT ${privileges} ON ${g.target.toUpperCase()} TO ${id(g.role)}`,
      ),
    );
  }
  return steps;
}

/**
 * The REVOKE for one recorded row, as an SQL expression over `m` (a `pgmeta.managed` row); NULL, so
 * skipped by `\gexec`, when its grantee, schema or creator no longer exists or the row holds a
 * keyword pgmeta would never have written (the keywords are formatted with %s, hence the allow-lists).
 */
const REVOKE_ONE = [
  "CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = m.key->>'grantee')",
  "AND (m.key->>'on' = 'database' OR EXISTS (SELECT FROM pg_namespace WHERE nspname = m.key->>'schema'))",
  "AND (m.kind = 'grant' OR EXISTS (SELECT FROM pg_roles WHERE rolname = m.key->>'forRole'))",
  `AND m.key->>'privilege' = ANY (${textArray(ALL_PRIVILEGE_KEYWORDS)}) AND m.key->>'on' = ANY (${textArray(GRANT_TARGETS)})`,
  "THEN CASE WHEN m.kind = 'default' THEN format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I REVOKE %s ON %s FROM %I',",
  "m.key->>'forRole', m.key->>'schema', m.key->>'privilege', upper(m.key->>'on'), m.key->>'grantee')",
  "WHEN m.key->>'on' = 'database' THEN format('REVOKE %s ON DATABASE %I FROM %I', m.key->>'privilege', current_database(), m.key->>'grantee')",
  "WHEN m.key->>'on' = 'schema' THEN format('REVOKE %s ON SCHEMA %I FROM %I', m.key->>'privilege', m.key->>'schema', m.key->>'grantee')",
  "ELSE format('REVOKE %s ON ALL %s IN SCHEMA %I FROM %I', m.key->>'privilege', upper(m.key->>'on'), m.key->>'schema', m.key->>'grantee')",
  'END END',
].join(' ');

/** Revokes and forgets every privilege `owner` recorded that the declared grants do not hold. */
export function revokeUndeclared(owner: string): Step {
  return gexec(
    `SELECT ${REVOKE_ONE}, format('DELETE FROM pgmeta.managed WHERE owner = %L AND kind = %L AND key = %L', m.owner, m.kind, m.key) ` +
      `FROM pgmeta.managed m WHERE m.owner = ${lit(owner)} AND m.kind IN ('grant', 'default') ` +
      `AND NOT EXISTS (SELECT FROM (${DECLARED_KEYS}) d WHERE d.kind = m.kind AND d.key = m.key) ORDER BY m.kind, m.key::text`,
  );
}

/** Revoke what is no longer declared, then grant what is and record it. */
export function grantConvergeSteps(m: DatabaseModel): Step[] {
  return [
    ...declareGrants(m.grants),
    revokeUndeclared(m.owner),
    ...m.grants.flatMap((g) => grantStatements(g, m.database.name)),
    sql(
      `INSERT INTO pgmeta.managed (owner, kind, key, created) SELECT ${lit(m.owner)}, d.kind, d.key, false ` +
        `FROM (${DECLARED_KEYS}) d ON CONFLICT DO NOTHING`,
    ),
  ];
}
