/**
 * Roles: created when missing, then converged on every run (attributes, connection limit, expiry,
 * password, memberships). Runs in the maintenance database, before the database is created.
 */
import {
  createdBy,
  description,
  markerOwner,
  marker,
  ownedBy,
  ownedByOther,
  raiseDo,
  tolerantDo,
} from './markers.js';
import { ROLE_ATTRIBUTES, type DatabaseModel, type DbRole } from './model.js';
import { quoteIdent as id, quoteLiteral as lit, textArray } from './quote.js';
import { gexec, sql, sqlWith, type Step } from './script.js';

const ROLE_DESC = description('pg_authid', 'r.oid');
const DB_DESC = description('pg_database', 'd.oid');

/**
 * psql variable holding what the role at `index` gets as its password: the SCRAM verifier the hook
 * computed (secrets.ts, `roleVerifiers`), so neither the script nor the server sees the password.
 */
export function passwordVariable(index: number): string {
  return `pgmeta_password_${index}`;
}

/** Reads every role's verifier from the Job's environment (its own Secret) into psql variables. */
export function passwordSteps(m: DatabaseModel): Step[] {
  return m.roles.map((r, i) => ({ kind: 'getenv', variable: passwordVariable(i), env: r.passwordEnv }));
}

/**
 * Fails the script before it changes anything when a declared role or the database belongs to
 * another PostgresDatabase: two resources converging one object would undo each other forever.
 */
export function conflictCheck(m: DatabaseModel): Step {
  const roles =
    `SELECT format('role %I is managed by PostgresDatabase %s', r.rolname, ${markerOwner(ROLE_DESC)}) AS what ` +
    `FROM pg_roles r JOIN pg_temp.pgmeta_role d ON d.name = r.rolname WHERE ${ownedByOther(ROLE_DESC, m.owner)}`;
  const db =
    `SELECT format('database %I is managed by PostgresDatabase %s', d.datname, ${markerOwner(DB_DESC)}) ` +
    `FROM pg_database d WHERE d.datname = ${lit(m.database.name)} AND ${ownedByOther(DB_DESC, m.owner)}`;
  return gexec(
    `SELECT ${raiseDo(`'pgmeta: ' || string_agg(x.what, '; ' ORDER BY x.what)`)} ` +
      `FROM (${roles} UNION ALL ${db}) x HAVING count(*) > 0`,
  );
}

/** Every step that converges the declared roles. */
export function roleSteps(m: DatabaseModel): Step[] {
  return [...createRoles(m), ...m.roles.flatMap((r, i) => alterRole(r, i)), ...memberships()];
}

/**
 * The declared roles and memberships enter the session once, as rows of temporary tables that the
 * statements below read: the script grows with the spec, not with one statement per pair.
 */
export function declareRoles(m: DatabaseModel): Step[] {
  const roles = m.roles.map((r) => `(${lit(r.name)})`);
  const members = m.roles.flatMap((r) => r.inRoles.map((p) => `(${lit(r.name)}, ${lit(p)})`));
  return [
    sql('CREATE TEMP TABLE pgmeta_role (name text PRIMARY KEY) ON COMMIT DROP'),
    ...(roles.length > 0 ? [sql(`INSERT INTO pg_temp.pgmeta_role VALUES ${roles.join(', ')}`)] : []),
    sql('CREATE TEMP TABLE pgmeta_member (role text NOT NULL, parent text NOT NULL) ON COMMIT DROP'),
    ...(members.length > 0 ? [sql(`INSERT INTO pg_temp.pgmeta_member VALUES ${members.join(', ')}`)] : []),
  ];
}

/** Creates the missing roles (marked created) and marks existing unmarked ones adopted. */
function createRoles(m: DatabaseModel): Step[] {
  return [
    gexec(
      `SELECT format('CREATE ROLE %I', d.name), format('COMMENT ON ROLE %I IS %L', d.name, ${lit(marker(m.owner, true))}) ` +
        'FROM pg_temp.pgmeta_role d WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = d.name) ORDER BY d.name',
    ),
    gexec(
      `SELECT format('COMMENT ON ROLE %I IS %L', r.rolname, ${lit(marker(m.owner, false))}) ` +
        `FROM pg_roles r JOIN pg_temp.pgmeta_role d ON d.name = r.rolname WHERE NOT ${ownedBy(ROLE_DESC, m.owner)} ORDER BY 1`,
    ),
  ];
}

/** Every attribute is stated, on or off, so the role ends up exactly as declared. */
export function roleOptions(r: DbRole): string {
  const flags = ROLE_ATTRIBUTES.map((a) => (r.attributes.includes(a) ? a : `NO${a}`));
  return [
    ...flags,
    r.inherit ? 'INHERIT' : 'NOINHERIT',
    r.login ? 'LOGIN' : 'NOLOGIN',
    `CONNECTION LIMIT ${String(Math.trunc(r.connectionLimit))}`,
    `VALID UNTIL ${lit(r.validUntil ?? 'infinity')}`,
  ].join(' ');
}

function alterRole(r: DbRole, index: number): Step[] {
  return [
    sql(`ALTER ROLE ${id(r.name)} WITH ${roleOptions(r)}`),
    sqlWith(`ALTER ROLE ${id(r.name)} WITH PASSWORD `, { psqlVariable: passwordVariable(index) }),
  ];
}

/**
 * Grants the declared memberships and revokes every other one the role has. From PostgreSQL 16 on a
 * membership belongs to its grantor, so the revoke names it (GRANTED BY).
 */
function memberships(): Step[] {
  const revoke =
    `SELECT format('REVOKE %I FROM %I', g.rolname, m.rolname) || CASE WHEN current_setting('server_version_num')::int >= 160000 ` +
    `AND gr.rolname IS NOT NULL THEN format(' GRANTED BY %I', gr.rolname) ELSE '' END ` +
    'FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member ' +
    'LEFT JOIN pg_roles gr ON gr.oid = a.grantor WHERE m.rolname IN (SELECT name FROM pg_temp.pgmeta_role) ' +
    'AND NOT EXISTS (SELECT FROM pg_temp.pgmeta_member x WHERE x.role = m.rolname AND x.parent = g.rolname) ' +
    'ORDER BY m.rolname, g.rolname, gr.rolname';
  return [
    gexec(
      "SELECT format('GRANT %I TO %I', x.parent, x.role) FROM pg_temp.pgmeta_member x ORDER BY x.role, x.parent",
    ),
    gexec(revoke),
  ];
}

/**
 * Before the roles `owner` created and no longer declares are dropped: in the current database, what
 * they own goes to `reassignTo` (an SQL expression naming a role, which is itself left alone) and
 * their privileges are revoked. Nothing they own is dropped: REASSIGN OWNED runs first. REASSIGN OWNED
 * also hands over the databases and tablespaces a role owns, so a role owning one besides the current
 * database is left alone (and then kept by {@link dropRoles}) rather than giving it away.
 */
export function disownRoles(opts: { owner: string; keep: readonly string[]; reassignTo: string }): Step {
  const { owner, keep, reassignTo } = opts;
  return gexec(
    `SELECT format('REASSIGN OWNED BY %I TO %I', r.rolname, ${reassignTo}), format('DROP OWNED BY %I', r.rolname) ` +
      `FROM pg_roles r WHERE r.rolname <> ALL (${textArray(keep)}) AND r.rolname <> ${reassignTo} ` +
      `AND ${createdBy(ROLE_DESC, owner)} ` +
      'AND NOT EXISTS (SELECT FROM pg_database WHERE datdba = r.oid AND datname <> current_database()) ' +
      'AND NOT EXISTS (SELECT FROM pg_tablespace WHERE spcowner = r.oid) ORDER BY r.rolname',
  );
}

/**
 * Drops the roles `owner` created and no longer declares; a role that still has objects or privileges
 * in some database is kept without LOGIN and a WARNING says so. Adopted roles are only released.
 */
export function dropRoles(opts: { owner: string; keep: readonly string[] }): Step[] {
  const { owner, keep } = opts;
  const drop = tolerantDo({
    statements: [`format('DROP ROLE %I', r.rolname)`],
    warning: `format('pgmeta: kept role %I without LOGIN: it still owns objects or holds privileges', r.rolname)`,
    fallback: `format('ALTER ROLE %I NOLOGIN', r.rolname)`,
  });
  const notKept = `FROM pg_roles r WHERE r.rolname <> ALL (${textArray(keep)})`;
  return [
    gexec(`SELECT ${drop} ${notKept} AND ${createdBy(ROLE_DESC, owner)} ORDER BY r.rolname`),
    gexec(
      `SELECT format('COMMENT ON ROLE %I IS NULL', r.rolname) ${notKept} AND ${ownedBy(ROLE_DESC, owner)} ` +
        `AND NOT ${createdBy(ROLE_DESC, owner)} ORDER BY r.rolname`,
    ),
  ];
}
