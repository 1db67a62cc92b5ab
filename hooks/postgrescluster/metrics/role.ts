/**
 * The least-privilege monitoring role and the Job that creates it: LOGIN, a member of `pg_monitor`
 * only, a small connection limit (the exporter opens one connection per scrape), and its password
 * from its own Secret, derived like the other credentials when the Secret does not exist yet.
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { Child, KubeObject } from '../../lib/k8s.js';
import { childMetadata } from '../children/metadata.js';
import { buildRoleJob } from '../children/psql-job.js';
import { keptPassword, type CredentialInputs } from '../children/secrets.js';
import { COMPONENTS } from '../names.js';
import type { ClusterIdentity, CredentialGenerations, ResolvedCluster } from '../spec/resolved.js';
import { MONITOR_USER, monitoringJobPrefix, monitoringSecretName } from './names.js';

/**
 * Creates or updates the role. Its password arrives as a SCRAM verifier (../scram.ts) read from the
 * environment, never a command line, so neither the statement nor the server log holds the password.
 */
export const MONITOR_ROLE_SQL = [
  '\\set pw `printenv MONITOR_VERIFIER`',
  "SET log_statement = 'none';",
  'SET log_min_duration_statement = -1;',
  "SET password_encryption = 'scram-sha-256';",
  "SELECT format('CREATE ROLE %I', :'monitor')",
  "  WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = :'monitor') \\gexec",
  'ALTER ROLE :"monitor" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
  "  CONNECTION LIMIT 5 PASSWORD :'pw';",
  'GRANT pg_monitor TO :"monitor";',
].join('\n');

/** The Job's script: wait for the primary (bounded by the Job's deadline), then the SQL. */
export const MONITOR_ROLE_SCRIPT = [
  'set -eu',
  'until pg_isready --quiet; do',
  '  echo "waiting for the primary at $PGHOST:$PGPORT"',
  '  sleep 2',
  'done',
  'psql --no-psqlrc --set=ON_ERROR_STOP=1 --set=monitor="$MONITOR_USER" <<\'SQL\'',
  MONITOR_ROLE_SQL,
  'SQL',
].join('\n');

export type MonitorInputs = CredentialInputs;

/** The monitoring role's password: the observed Secret's, or HMAC(operator key, `<uid>/monitoring`). */
export function monitorPassword(
  cluster: ClusterIdentity & { credentialRotation: CredentialGenerations },
  inputs: MonitorInputs,
): string {
  return keptPassword(inputs, {
    uid: cluster.uid,
    secretName: monitoringSecretName(cluster),
    purpose: 'monitoring',
    generation: cluster.credentialRotation.monitoring,
  });
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The monitoring role's Secret (`username`, `password`). */
export function buildMonitoringSecret(cluster: ClusterIdentity, password: string): Child<V1Secret> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: childMetadata(cluster, {
      name: monitoringSecretName(cluster),
      component: COMPONENTS.credentials,
    }),
    type: 'Opaque',
    data: { password: b64(password), username: b64(MONITOR_USER) },
  };
}

/** The Job that creates the role, and its Secret; renamed (and so rerun) when the password changes. */
export function buildMonitoringJob(cluster: ResolvedCluster, inputs: MonitorInputs): KubeObject[] {
  return buildRoleJob(
    cluster,
    {
      prefix: monitoringJobPrefix(cluster),
      component: COMPONENTS.bootstrap,
      script: MONITOR_ROLE_SCRIPT,
      env: 'MONITOR',
      user: MONITOR_USER,
      password: monitorPassword(cluster, inputs),
      purpose: `${cluster.uid}/monitoring`,
    },
    inputs.operatorKey,
  );
}
