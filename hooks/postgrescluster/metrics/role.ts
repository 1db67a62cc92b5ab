/**
 * The least-privilege monitoring role and the Job that creates it: LOGIN, a member of `pg_monitor`
 * only, a small connection limit (the exporter opens one connection per scrape), and its password
 * from its own Secret, derived like the other credentials when the Secret does not exist yet.
 */
import { createHmac } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import type { Child, KubeObject } from '../../lib/k8s.js';
import { childMetadata } from '../children/metadata.js';
import { buildPsqlJob } from '../children/psql-job.js';
import { observedPassword } from '../children/secrets.js';
import { COMPONENTS } from '../names.js';
import type { ClusterIdentity, ResolvedCluster } from '../spec/resolved.js';
import { envFromSecret, envValue } from '../spilo/env.js';
import { MONITOR_USER, monitoringJobPrefix, monitoringSecretName } from './names.js';

/** Creates or updates the role; the password comes from the environment, never a command line. */
export const MONITOR_ROLE_SQL = [
  '\\set pw `printenv MONITOR_PASSWORD`',
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

/** HMAC-SHA256(operator key, `<uid>/monitoring`): a stale cache renders the same password. */
export function deriveMonitorPassword(operatorKey: Uint8Array, uid: string): string {
  return createHmac('sha256', operatorKey).update(`${uid}/monitoring`).digest('base64url');
}

export interface MonitorInputs {
  operatorKey: Uint8Array;
  observedSecrets: Readonly<Record<string, KubeObject>>;
}

/** The monitoring role's password: the observed Secret's, or the derived one. */
export function monitorPassword(cluster: ClusterIdentity, inputs: MonitorInputs): string {
  return (
    observedPassword(inputs.observedSecrets[monitoringSecretName(cluster)]) ??
    deriveMonitorPassword(inputs.operatorKey, cluster.uid)
  );
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

/** The Job that creates the role; renamed (and so rerun) when the password changes. */
export function buildMonitoringJob(cluster: ResolvedCluster, inputs: MonitorInputs): KubeObject {
  return buildPsqlJob(
    cluster,
    {
      prefix: monitoringJobPrefix(cluster),
      component: COMPONENTS.bootstrap,
      script: MONITOR_ROLE_SCRIPT,
      env: [
        envValue('MONITOR_USER', MONITOR_USER),
        envFromSecret('MONITOR_PASSWORD', monitoringSecretName(cluster), 'password'),
      ],
      applied: { script: MONITOR_ROLE_SCRIPT, password: monitorPassword(cluster, inputs) },
    },
    inputs.operatorKey,
  );
}
