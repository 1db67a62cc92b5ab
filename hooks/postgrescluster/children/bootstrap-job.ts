/**
 * The Job that creates the application owner and its database on the primary.
 *
 * Side effects are children too (docs/architecture.md "Hook semantics"): the Job's name ends with a keyed hash of
 * everything it applies (owner, database, script and the owner's password), so it runs once per
 * change and its result stays observable. The SQL is idempotent, so a rerun (a retry, a deleted Job
 * recreated by Metacontroller) is harmless.
 *
 * No `ttlSecondsAfterFinished`: the TTL controller would delete the finished Job, the next sync would
 * find it missing from the observed children and Metacontroller would create it again, forever. A
 * Job that failed for good (deadline, backoff) is re-run by deleting it.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { clusterNames, COMPONENTS } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { passwordToSend } from '../scram.js';
import { envValue } from '../spilo/env.js';
import { appliedHash, buildPsqlJobChildren } from './psql-job.js';

/**
 * The psql script. Identifiers and literals reach SQL only through psql variables (`:"owner"`,
 * `:'pw'`), which psql quotes. `pw` is the SCRAM verifier of the owner's password (../scram.ts), not
 * the password: the server stores it as it is, and no statistics view or log can show the password.
 * psql reads it from the environment (a backquoted `printenv`), never from a command line, and
 * statement logging is off for the session all the same.
 */
export const BOOTSTRAP_SQL = [
  '\\set pw `printenv APP_VERIFIER`',
  "SET log_statement = 'none';",
  'SET log_min_duration_statement = -1;',
  "SET password_encryption = 'scram-sha-256';",
  "SELECT format('CREATE ROLE %I', :'owner')",
  "  WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = :'owner') \\gexec",
  'ALTER ROLE :"owner" WITH LOGIN PASSWORD :\'pw\';',
  "SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')",
  "  WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = :'db') \\gexec",
  'ALTER DATABASE :"db" OWNER TO :"owner";',
].join('\n');

/**
 * The container's shell script: wait for the primary (bounded by the Job's activeDeadlineSeconds),
 * then run {@link BOOTSTRAP_SQL}. The heredoc is quoted, so the shell expands nothing inside it.
 */
export const BOOTSTRAP_SCRIPT = [
  'set -eu',
  'until pg_isready --quiet; do',
  '  echo "waiting for the primary at $PGHOST:$PGPORT"',
  '  sleep 2',
  'done',
  'psql --no-psqlrc --set=ON_ERROR_STOP=1 --set=owner="$APP_OWNER" --set=db="$APP_DATABASE" <<\'SQL\'',
  BOOTSTRAP_SQL,
  'SQL',
].join('\n');

export interface BootstrapJobInputs {
  operatorKey: Uint8Array;
  /** The application owner's password, as rendered into the `-app` Secret. */
  appPassword: string;
}

/** Everything the Job applies: a change to any of it renames the Job, so it runs again. */
function bootstrapApplied(cluster: ResolvedCluster, inputs: BootstrapJobInputs): Record<string, string> {
  return {
    database: cluster.bootstrap.database,
    owner: cluster.bootstrap.owner,
    password: inputs.appPassword,
    script: BOOTSTRAP_SCRIPT,
  };
}

/**
 * 8 hex characters of HMAC-SHA256(operator key, what the Job applies). Keyed so the name reveals
 * nothing about the password it includes.
 */
export function bootstrapHash(cluster: ResolvedCluster, inputs: BootstrapJobInputs): string {
  return appliedHash(inputs.operatorKey, bootstrapApplied(cluster, inputs));
}

/** The bootstrap Job, a psql Job with the application's owner, database and password; and its Secret. */
export function buildBootstrapJob(cluster: ResolvedCluster, inputs: BootstrapJobInputs): KubeObject[] {
  const verifier = passwordToSend({
    operatorKey: inputs.operatorKey,
    purpose: `${cluster.uid}/app`,
    password: inputs.appPassword,
  });
  return buildPsqlJobChildren(
    cluster,
    {
      prefix: clusterNames(cluster).bootstrapJobPrefix,
      component: COMPONENTS.bootstrap,
      container: 'bootstrap',
      script: BOOTSTRAP_SCRIPT,
      env: [
        envValue('APP_DATABASE', cluster.bootstrap.database),
        envValue('APP_OWNER', cluster.bootstrap.owner),
      ],
      applied: bootstrapApplied(cluster, inputs),
      verifier: { env: 'APP_VERIFIER', value: verifier },
    },
    inputs.operatorKey,
  );
}
