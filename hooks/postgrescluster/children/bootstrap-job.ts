/**
 * The Job that creates the application owner and its database on the primary.
 *
 * Side effects are children too (DESIGN "Hook semantics"): the Job's name ends with a keyed hash of
 * everything it applies (owner, database, script and the owner's password), so it runs once per
 * change and its result stays observable. The SQL is idempotent, so a rerun (a retry, a deleted Job
 * recreated by Metacontroller) is harmless.
 *
 * No `ttlSecondsAfterFinished`: the TTL controller would delete the finished Job, the next sync would
 * find it missing from the observed children and Metacontroller would create it again, forever. A
 * Job that failed for good (deadline, backoff) is re-run by deleting it.
 */
import { createHmac } from 'node:crypto';
import type { V1Job, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { Child, Plain } from '../../lib/k8s.js';
import { clusterNames, COMPONENTS, commonLabels, PORTS, serviceHost } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { sortedJson } from '../spilo/configuration.js';
import { type EnvVar, envFromSecret, envValue, sortEnv } from '../spilo/env.js';
import { childMetadata } from './metadata.js';
import { jobContainerSecurity, jobPodSecurity } from './pod-template.js';

/**
 * The psql script. Identifiers and literals reach SQL only through psql variables (`:"owner"`,
 * `:'pw'`), which psql quotes; the password is read from the environment inside psql (a backquoted
 * `printenv`) so it never appears on a command line. Statement logging is switched off for this
 * session so the password is not written to the server log either.
 */
export const BOOTSTRAP_SQL = [
  '\\set pw `printenv APP_PASSWORD`',
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

/** An hour: long enough for a first primary to be scheduled, provisioned and initialised. */
export const BOOTSTRAP_DEADLINE_SECONDS = 3600;

export interface BootstrapJobInputs {
  operatorKey: Uint8Array;
  /** The application owner's password, as rendered into the `-app` Secret. */
  appPassword: string;
}

/**
 * 8 hex characters of HMAC-SHA256(operator key, what the Job applies). Keyed so the name reveals
 * nothing about the password it includes.
 */
export function bootstrapHash(cluster: ResolvedCluster, inputs: BootstrapJobInputs): string {
  const applied = sortedJson({
    database: cluster.bootstrap.database,
    owner: cluster.bootstrap.owner,
    password: inputs.appPassword,
    script: BOOTSTRAP_SCRIPT,
  });
  return createHmac('sha256', inputs.operatorKey).update(applied).digest('hex').slice(0, 8);
}

function bootstrapEnv(cluster: ResolvedCluster): EnvVar[] {
  const names = clusterNames(cluster);
  return sortEnv([
    envValue('APP_DATABASE', cluster.bootstrap.database),
    envValue('APP_OWNER', cluster.bootstrap.owner),
    envFromSecret('APP_PASSWORD', names.secrets.app, 'password'),
    envValue('PGAPPNAME', 'pgmeta-bootstrap'),
    envValue('PGCONNECT_TIMEOUT', '10'),
    envValue('PGDATABASE', 'postgres'),
    envValue('PGHOST', serviceHost(cluster, names.primaryService)),
    envFromSecret('PGPASSWORD', names.secrets.superuser, 'password'),
    envValue('PGPORT', String(PORTS.postgresql.port)),
    // With TLS on, pg_hba has only hostssl rules; say so rather than rely on libpq's `prefer`.
    ...(cluster.tls.enabled ? [envValue('PGSSLMODE', 'require')] : []),
    envFromSecret('PGUSER', names.secrets.superuser, 'username'),
  ]);
}

function bootstrapPodTemplate(cluster: ResolvedCluster): { template: Plain<V1PodTemplateSpec> } {
  const { tolerations, nodeSelector } = cluster.scheduling;
  return {
    template: {
      metadata: { labels: commonLabels(cluster, COMPONENTS.bootstrap) },
      spec: {
        restartPolicy: 'OnFailure',
        // psql needs no Kubernetes API access.
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: jobPodSecurity(),
        containers: [
          {
            name: 'bootstrap',
            // The cluster's own image: it has psql and pg_isready of a matching major.
            image: cluster.image,
            command: ['/bin/sh', '-c', BOOTSTRAP_SCRIPT],
            env: bootstrapEnv(cluster),
            resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } },
            securityContext: jobContainerSecurity(),
          },
        ],
        // Tainted or dedicated database nodes may be the only ones that can run it.
        ...(tolerations.length > 0 ? { tolerations } : {}),
        ...(Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
      },
    },
  };
}

/** The bootstrap Job. */
export function buildBootstrapJob(cluster: ResolvedCluster, inputs: BootstrapJobInputs): Child<V1Job> {
  const name = `${clusterNames(cluster).bootstrapJobPrefix}-${bootstrapHash(cluster, inputs)}`;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: childMetadata(cluster, { name, component: COMPONENTS.bootstrap }),
    spec: {
      backoffLimit: 6,
      activeDeadlineSeconds: BOOTSTRAP_DEADLINE_SECONDS,
      ...bootstrapPodTemplate(cluster),
    },
  };
}
