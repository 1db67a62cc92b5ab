/**
 * How PgBouncer authenticates clients without holding their passwords: a dedicated login role
 * ({@link POOLER_USER}) that may only call a `SECURITY DEFINER` lookup function, which returns the
 * SCRAM verifier of one ordinary login role. The function never answers for superusers, replication
 * roles, roles without a password or with an expired one (`VALID UNTIL`, CVE-2025-2291), so the
 * pooler cannot be used to log in as any of those.
 *
 * The Job that creates them runs {@link POOLER_ROLE_SQL} once and {@link POOLER_FUNCTION_SQL} in
 * every database that accepts connections, `template1` included, so databases created later from
 * the default template carry the function too. Both scripts are idempotent.
 */
import { keptPassword, type CredentialInputs } from '../children/secrets.js';
import type { ClusterIdentity, CredentialGenerations } from '../spec/resolved.js';
import { LOOKUP_FUNCTION, LOOKUP_SCHEMA, poolerSecretName } from './names.js';

/**
 * Creates or updates the lookup role with the SCRAM verifier of its password (../scram.ts) from the
 * environment (psql reads it with a backquoted `printenv`, so it never appears on a command line), so
 * the password itself never reaches the server; statement logging stays off for the session as well.
 * The role gets no privilege but LOGIN.
 */
export const POOLER_ROLE_SQL = [
  '\\set pw `printenv POOLER_VERIFIER`',
  "SET log_statement = 'none';",
  'SET log_min_duration_statement = -1;',
  "SET password_encryption = 'scram-sha-256';",
  "SELECT format('CREATE ROLE %I', :'pooler')",
  "  WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = :'pooler') \\gexec",
  'ALTER ROLE :"pooler" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
  "  NOINHERIT PASSWORD :'pw';",
].join('\n');

/**
 * The lookup function in one database. `SECURITY DEFINER` (owned by the superuser who runs this) lets
 * it read `pg_authid`; the pinned `search_path` keeps a caller's objects from being resolved inside
 * it; `EXECUTE` is revoked from PUBLIC and granted to the lookup role only.
 */
export const POOLER_FUNCTION_SQL = [
  `CREATE SCHEMA IF NOT EXISTS ${LOOKUP_SCHEMA};`,
  `REVOKE ALL ON SCHEMA ${LOOKUP_SCHEMA} FROM PUBLIC;`,
  `CREATE OR REPLACE FUNCTION ${LOOKUP_FUNCTION}(p_usename text)`,
  '  RETURNS TABLE (usename name, passwd text)',
  '  LANGUAGE sql STABLE SECURITY DEFINER',
  '  SET search_path = pg_catalog, pg_temp',
  'AS $lookup$',
  '  SELECT a.rolname, a.rolpassword',
  '    FROM pg_catalog.pg_authid AS a',
  '   WHERE a.rolname = p_usename',
  '     AND a.rolcanlogin AND NOT a.rolsuper AND NOT a.rolreplication',
  '     AND a.rolpassword IS NOT NULL',
  '     AND (a.rolvaliduntil IS NULL OR a.rolvaliduntil > pg_catalog.now())',
  '$lookup$;',
  `REVOKE ALL ON FUNCTION ${LOOKUP_FUNCTION}(text) FROM PUBLIC;`,
  `GRANT USAGE ON SCHEMA ${LOOKUP_SCHEMA} TO :"pooler";`,
  `GRANT EXECUTE ON FUNCTION ${LOOKUP_FUNCTION}(text) TO :"pooler";`,
].join('\n');

/**
 * The Job's shell script: wait for the primary (bounded by the Job's deadline), create the role, list
 * the databases first (so a failed listing fails the Job instead of installing nowhere), then install
 * the function in each. `PGDATABASE` carries the name because libpq never parses it as a connection
 * string, whatever it contains. The heredocs are quoted: the shell expands nothing inside them.
 */
export const POOLER_AUTH_SCRIPT = [
  'set -eu',
  'until pg_isready --quiet; do',
  '  echo "waiting for the primary at $PGHOST:$PGPORT"',
  '  sleep 2',
  'done',
  'psql --no-psqlrc --set=ON_ERROR_STOP=1 --set=pooler="$POOLER_USER" <<\'SQL\'',
  POOLER_ROLE_SQL,
  'SQL',
  'databases=$(psql --no-psqlrc --no-align --tuples-only --set=ON_ERROR_STOP=1 \\',
  '  --command="SELECT datname FROM pg_catalog.pg_database WHERE datallowconn ORDER BY datname")',
  'printf \'%s\\n\' "$databases" | while IFS= read -r db; do',
  '  [ -n "$db" ] || continue',
  '  echo "installing the pooler lookup function in database $db"',
  '  PGDATABASE="$db" psql --no-psqlrc --set=ON_ERROR_STOP=1 --set=pooler="$POOLER_USER" <<\'SQL\'',
  POOLER_FUNCTION_SQL,
  'SQL',
  'done',
].join('\n');

export type PoolerPasswordInputs = CredentialInputs;

/**
 * The lookup role's password: the observed Secret's, or HMAC(operator key, `<uid>/pooler`) as for the
 * other credentials (docs/architecture.md rule 6), so a stale cache renders the very same password.
 */
export function poolerPassword(
  cluster: ClusterIdentity & { credentialRotation: CredentialGenerations },
  inputs: PoolerPasswordInputs,
): string {
  return keptPassword(inputs, {
    uid: cluster.uid,
    secretName: poolerSecretName(cluster),
    purpose: 'pooler',
    generation: cluster.credentialRotation.pooler,
  });
}
