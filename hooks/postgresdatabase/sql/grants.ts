/**
 * Grants converge in two moves: first every privilege pgmeta recorded and the spec no longer declares
 * is revoked (the statements are formatted server-side from `pgmeta.managed`), then every declared
 * privilege is granted and recorded. Revoking first makes overlaps come out right: dropping a grant
 * of ALL while another grant still declares SELECT revokes ALL, then grants SELECT again.
 */
import { jsonbArray, recordManaged } from './markers.js';
import {
  ALL_PRIVILEGE_KEYWORDS,
  GRANT_TARGETS,
  PRIVILEGES,
  type DatabaseModel,
  type DbGrant,
} from './model.js';
import { quoteIdent as id, quoteLiteral as lit, textArray, UnsafeSqlText } from './quote.js';
import { gexec, sql, type Step } from './script.js';

/** One recorded privilege. `kind: 'default'` rows are default privileges for `forRole`'s future objects. */
export interface GrantKey {
  kind: 'grant' | 'default';
  key: Record<string, string>;
}

/** The rows a declared grant records: one per privilege, plus default-privilege rows when asked for. */
export function grantKeys(g: DbGrant): GrantKey[] {
  const base = (p: string): Record<string, string> => ({
    grantee: g.role,
    on: g.on,
    schema: g.schema ?? '',
    privilege: p,
  });
  const rows: GrantKey[] = g.privileges.map((p) => ({ kind: 'grant', key: base(p) }));
  if (g.defaultPrivileges)
    rows.push(
      ...g.privileges.map((p): GrantKey => ({ kind: 'default', key: { ...base(p), forRole: g.forRole } })),
    );
  return rows;
}

/** The ON clause of GRANT/REVOKE for a declared grant. */
function onClause(g: DbGrant, database: string): string {
  switch (g.on) {
    case 'database':
      return `DATABASE ${id(database)}`;
    case 'schema':
      return `SCHEMA ${id(g.schema ?? '')}`;
    case 'tables':
    case 'sequences':
    case 'functions':
      return `ALL ${g.on.toUpperCase()} IN SCHEMA ${id(g.schema ?? '')}`;
  }
}

/** GRANT statements for one declared grant, and its records. */
function grantSteps(owner: string, g: DbGrant, database: string): Step[] {
  const allowed: readonly string[] = PRIVILEGES[g.on];
  // Privilege keywords are SQL syntax, not quotable: only the known ones ever reach the text.
  const unknown = g.privileges.find((p) => !allowed.includes(p));
  if (unknown !== undefined)
    throw new UnsafeSqlText(`privilege ${JSON.stringify(unknown)} is not valid on ${g.on}`);
  const privileges = g.privileges.join(', ');
  const steps = [sql(`GRANT ${privileges} ON ${onClause(g, database)} TO ${id(g.role)}`)];
  if (g.defaultPrivileges) {
    steps.push(
      sql(
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${id(g.forRole)} IN SCHEMA ${id(g.schema ?? '')} ` +
          `GRANT ${privileges} ON ${g.on.toUpperCase()} TO ${id(g.role)}`,
      ),
    );
  }
  for (const kind of ['grant', 'default'] as const) {
    const rows = grantKeys(g).filter((k) => k.kind === kind);
    if (rows.length > 0)
      steps.push(
        sql(
          recordManaged(
            owner,
            kind,
            rows.map((r) => ({ key: r.key, created: false })),
          ),
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

/** Revokes and forgets every privilege `owner` recorded that is not in `keep`. */
export function revokeUndeclared(owner: string, keep: readonly GrantKey[]): Step {
  const declared = (kind: GrantKey['kind']): string =>
    jsonbArray(keep.filter((k) => k.kind === kind).map((k) => k.key));
  return gexec(
    `SELECT ${REVOKE_ONE}, format('DELETE FROM pgmeta.managed WHERE owner = %L AND kind = %L AND key = %L', m.owner, m.kind, m.key) ` +
      `FROM pgmeta.managed m WHERE m.owner = ${lit(owner)} AND ((m.kind = 'grant' AND m.key <> ALL (${declared('grant')})) ` +
      `OR (m.kind = 'default' AND m.key <> ALL (${declared('default')}))) ORDER BY m.kind, m.key::text`,
  );
}

/** Revoke what is no longer declared, then grant (and record) what is. */
export function grantConvergeSteps(m: DatabaseModel): Step[] {
  const keys = m.grants.flatMap(grantKeys);
  return [
    revokeUndeclared(m.owner, keys),
    ...m.grants.flatMap((g) => grantSteps(m.owner, g, m.database.name)),
  ];
}
