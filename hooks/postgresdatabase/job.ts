/**
 * The Job that applies a script to the cluster's primary as the superuser, with psql from the
 * cluster's own Spilo image. It is named after a hash of what it applies, so it runs once per change;
 * `ttlSecondsAfterFinished` removes it some time after it finished, the next sync creates it again
 * under the same name, and so the (idempotent) script runs again and repairs any drift.
 *
 * The script travels in a ConfigMap of the same name, mounted as a file: an environment variable
 * would cap it at 128 KiB (the kernel's limit on one execve string), which a large spec exceeds. The
 * roles' passwords travel as SCRAM verifiers in a Secret of the same name (secrets.ts), so the
 * server never sees them in clear text (docs/security.md).
 */
import { createHash, createHmac } from 'node:crypto';
import type { KubeObject } from '../lib/k8s.js';
import { jobSpec } from '../postgrescluster/children/job-template.js';
import type { EnvVar } from '../postgrescluster/spilo/env.js';
import type { ClusterEndpoint } from './cluster.js';
import { ANNOTATIONS, childLabels, COMPONENTS, jobName, type JobAction } from './names.js';
import { PSQL_ARGS, PSQL_ENV } from './sql/index.js';

/** Seconds a finished Job is kept: its result is visible that long, then the script runs again. */
export const JOB_TTL_SECONDS = 900;

/** Where the script's ConfigMap is mounted, and its key. */
const SCRIPT_DIR = '/pgmeta';
export const SCRIPT_KEY = 'script.sql';

/**
 * The revision of a script: its hash, mixed with a keyed hash of the passwords it sets (not the
 * passwords: the Job's name is public), so editing a password in a role Secret re-runs the Job.
 */
export function revision(
  script: string,
  opts: { operatorKey: Uint8Array; passwords: readonly string[] },
): string {
  const secrets = createHmac('sha256', opts.operatorKey).update(JSON.stringify(opts.passwords)).digest('hex');
  return createHash('sha256').update(script).update('\n').update(secrets).digest('hex');
}

function secretEnv(name: string, secret: string, key: string): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** What the SQL Job is given. */
export interface SqlJobInput {
  parent: string;
  action: JobAction;
  script: string;
  revision: string;
  image: string;
  /** The install's pull Secrets (images file), none by default. */
  pullSecrets: readonly string[];
  /** The cluster's `spec.platform`: who picks the Job pod's user. @default 'kubernetes' */
  platform?: 'kubernetes' | 'openshift';
  endpoint: ClusterEndpoint;
  /**
   * Environment variables the script reads the roles' passwords from: each is a key of the Job's own
   * Secret ({@link verifierSecret}), holding a SCRAM verifier rather than the password.
   */
  passwordEnv: readonly string[];
}

function jobEnv(opts: SqlJobInput): EnvVar[] {
  const { endpoint } = opts;
  return [
    ...Object.entries(PSQL_ENV).map(([name, value]) => ({ name, value })),
    { name: 'PGHOST', value: endpoint.host },
    { name: 'PGPORT', value: String(endpoint.port) },
    // Spilo's pg_hba requires TLS unless the cluster allows plain connections; prefer covers both.
    { name: 'PGSSLMODE', value: 'prefer' },
    secretEnv('PGUSER', endpoint.superuserSecret, 'username'),
    secretEnv('PGPASSWORD', endpoint.superuserSecret, 'password'),
    ...opts.passwordEnv.map((env) => secretEnv(env, jobName(opts.parent, opts.action, opts.revision), env)),
  ];
}

/** The script of a Job, under the Job's name; immutable, as its name is the hash of its content. */
export function sqlConfigMap(opts: SqlJobInput): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: jobName(opts.parent, opts.action, opts.revision),
      labels: childLabels(COMPONENTS.sql),
      annotations: { [ANNOTATIONS.action]: opts.action, [ANNOTATIONS.revision]: opts.revision },
    },
    immutable: true,
    data: { [SCRIPT_KEY]: opts.script },
  };
}

/** The SQL Job of one action and revision. */
export function sqlJob(opts: SqlJobInput): KubeObject {
  const labels = childLabels(COMPONENTS.sql);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(opts.parent, opts.action, opts.revision),
      labels,
      annotations: { [ANNOTATIONS.action]: opts.action, [ANNOTATIONS.revision]: opts.revision },
    },
    spec: jobSpec({
      ...(opts.platform === undefined ? {} : { platform: opts.platform }),
      labels,
      limits: { backoffLimit: 3, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: JOB_TTL_SECONDS },
      pod: {
        restartPolicy: 'Never',
        ...(opts.pullSecrets.length > 0
          ? { imagePullSecrets: opts.pullSecrets.map((name) => ({ name })) }
          : {}),
        volumes: [{ name: 'sql', configMap: { name: jobName(opts.parent, opts.action, opts.revision) } }],
      },
      container: {
        name: 'psql',
        image: opts.image,
        command: ['psql', ...PSQL_ARGS, `--file=${SCRIPT_DIR}/${SCRIPT_KEY}`],
        env: jobEnv(opts),
        volumeMounts: [{ name: 'sql', mountPath: SCRIPT_DIR, readOnly: true }],
        memoryRequest: '32Mi',
        readOnlyRootFilesystem: true,
      },
    }),
  };
}

export type JobPhase = 'active' | 'succeeded' | 'failed';

/** Where an observed Job stands, and the message of its failure. */
export function jobPhase(job: KubeObject): { phase: JobPhase; message: string } {
  const status = (job['status'] ?? {}) as { conditions?: unknown; succeeded?: unknown };
  const conditions = Array.isArray(status.conditions)
    ? (status.conditions as { type?: unknown; status?: unknown; message?: unknown; reason?: unknown }[])
    : [];
  const holds = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  if (holds('Complete') || (typeof status.succeeded === 'number' && status.succeeded > 0)) {
    return { phase: 'succeeded', message: '' };
  }
  const failed = holds('Failed');
  if (failed) {
    const detail = [failed.reason, failed.message]
      .filter((x) => typeof x === 'string' && x !== '')
      .join(': ');
    return { phase: 'failed', message: detail === '' ? 'the Job failed' : detail };
  }
  return { phase: 'active', message: '' };
}
