/**
 * The two scripts a PostgresDatabase needs: apply (idempotent convergence to the spec) and delete
 * (for `reclaimPolicy: delete`: drop exactly what this resource created, release the rest).
 *
 * Apply, in the maintenance database: refuse objects another resource owns, converge roles (one
 * transaction), create the database if missing (no transaction possible), converge its owner and
 * connection limit. Then inside the database, in one transaction: bookkeeping table, schemas,
 * extensions, grants and default privileges, and finally the roles that are no longer declared.
 */
import { conflictCheck, declareRoles, disownRoles, dropRoles, passwordSteps, roleSteps } from './roles.js';
import { declareGrants, grantConvergeSteps, revokeUndeclared } from './grants.js';
import { catalogSteps } from './markers.js';
import type { DatabaseModel } from './model.js';
import {
  SAFE_SEARCH_PATH,
  databaseAdopted,
  databaseSteps,
  dropDatabaseSteps,
  dropExtensions,
  dropSchemas,
  extensionSteps,
  schemaSteps,
} from './objects.js';
import { quoteLiteral as lit } from './quote.js';
import { gexec, sql, type Step } from './script.js';

export { renderPsql, type Step, type SqlPart } from './script.js';
export type { DatabaseModel } from './model.js';

/** Where the superuser connects first; Spilo's clusters always have it. */
export const MAINTENANCE_DATABASE = 'postgres';

/**
 * How the Job runs psql on the rendered script (read from standard input): no ~/.psqlrc, stop at the
 * first error, print the failing statement. Tests run the rendering with exactly these arguments.
 */
export const PSQL_ARGS: readonly string[] = [
  '--no-psqlrc',
  '--set=ON_ERROR_STOP=1',
  '--echo-errors',
  '--file=-',
];

/**
 * libpq settings of the Job besides host, port and credentials. UTF8 explicitly, because psql would
 * otherwise take the client encoding from the container's locale (often C, i.e. SQL_ASCII) and names
 * outside ASCII would reach the server as other bytes.
 */
export const PSQL_ENV: Readonly<Record<string, string>> = {
  PGAPPNAME: 'pgmeta',
  PGCLIENTENCODING: 'UTF8',
  PGCONNECT_TIMEOUT: '10',
  PGDATABASE: MAINTENANCE_DATABASE,
};

/**
 * Settings of every session. Literals are written for `standard_conforming_strings = on`; the
 * search_path keeps user-created functions from shadowing the ones the script calls; the logging
 * settings keep `ALTER ROLE ... PASSWORD` out of the server log (the Job runs as superuser, which may
 * change them for its own session), although what it sends there is a SCRAM verifier, not the
 * password (docs/security.md); warnings reach the Job's log, notices do not.
 */
export function sessionSteps(): Step[] {
  return [
    sql('SET standard_conforming_strings = on'),
    sql('SET client_min_messages = warning'),
    sql(`SET search_path = ${SAFE_SEARCH_PATH}`),
    sql("SET log_statement = 'none'"),
    sql('SET log_min_duration_statement = -1'),
    sql('SET log_min_error_statement = panic'),
    sql("SET lock_timeout = '30s'"),
  ];
}

/** Converges the server to the spec; safe to run any number of times. */
export function applySteps(m: DatabaseModel): Step[] {
  const declaredRoles = m.roles.map((r) => r.name);
  const keep = [...new Set([...declaredRoles, m.database.owner])].sort();
  return [
    ...passwordSteps(m),
    ...sessionSteps(),
    sql('BEGIN'),
    ...declareRoles(m),
    conflictCheck(m),
    ...roleSteps(m),
    sql('COMMIT'),
    ...databaseSteps(m),
    { kind: 'connect', database: m.database.name },
    ...sessionSteps(),
    sql('BEGIN'),
    ...catalogSteps(),
    ...schemaSteps(m),
    ...extensionSteps(m),
    ...grantConvergeSteps(m),
    disownRoles({ owner: m.owner, keep, reassignTo: lit(m.database.owner) }),
    ...dropRoles({ owner: m.owner, keep }),
    sql('COMMIT'),
  ];
}

/** The current owner of the database the session is connected to, as an SQL expression. */
const CURRENT_DATABASE_OWNER =
  '(SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database())';

/**
 * Drops what this resource created. A database it created is dropped whole; in one it adopted, it
 * revokes what it granted, drops the extensions and (empty) schemas it created, and hands what its
 * roles own to the database owner. Then it drops the roles it created and releases adopted ones.
 */
export function deleteSteps(m: DatabaseModel): Step[] {
  const insideAdopted: Step[] = [
    { kind: 'connect', database: m.database.name },
    ...sessionSteps(),
    sql('BEGIN'),
    ...catalogSteps(),
    ...declareGrants([]),
    revokeUndeclared(m.owner),
    ...dropExtensions(m.owner, []),
    dropSchemas(m.owner),
    disownRoles({ owner: m.owner, keep: [], reassignTo: CURRENT_DATABASE_OWNER }),
    sql(`DELETE FROM pgmeta.managed WHERE owner = ${lit(m.owner)}`),
    gexec("SELECT 'DROP SCHEMA pgmeta CASCADE' WHERE NOT EXISTS (SELECT FROM pgmeta.managed)"),
    sql('COMMIT'),
    { kind: 'connect', database: MAINTENANCE_DATABASE },
    ...sessionSteps(),
  ];
  return [
    ...sessionSteps(),
    { kind: 'if', variable: 'pgmeta_database_adopted', condition: databaseAdopted(m), steps: insideAdopted },
    ...dropDatabaseSteps(m),
    ...dropRoles({ owner: m.owner, keep: [] }),
  ];
}
