/**
 * A Job that runs a psql script on the primary as the superuser: the application's owner and
 * database (the bootstrap Job), and the roles and functions that pgmeta's optional features need
 * (the pooler's lookup role, the monitoring role).
 *
 * Side effects are children (docs/architecture.md "Hook semantics"): each caller names the Job with a keyed hash of
 * everything it applies, so it runs once per change and its result stays observable; the scripts
 * are idempotent, so a rerun is harmless. There is no `ttlSecondsAfterFinished`: a deleted Job would
 * be recreated by the next sync and run again forever.
 */
import { createHmac } from 'node:crypto';
import { pullSecretsField } from './pull-secrets.js';
import type { V1Job } from '@kubernetes/client-node';
import type { Child, KubeObject } from '../../lib/k8s.js';
import { clusterNames, commonLabels, type Component, PORTS, serviceHost } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { sortedJson } from '../spilo/configuration.js';
import { type EnvVar, envFromSecret, envValue, sortEnv } from '../spilo/env.js';
import { passwordToSend } from '../scram.js';
import { childMetadata } from './metadata.js';
import { buildVerifierSecret, VERIFIER_KEY } from './secrets.js';
import { jobScheduling, jobSpec } from './job-template.js';

/** An hour: the Jobs exist only once Patroni finished bootstrapping (psql-wait.ts), so a primary is near. */
export const PSQL_JOB_DEADLINE_SECONDS = 3600;

export interface PsqlJobOptions {
  /** Name prefix; the hash of `applied` completes it. */
  prefix: string;
  component: Component;
  /** `/bin/sh -c` script; it waits for the primary itself. */
  script: string;
  /** Variables the script reads besides the connection (never a secret value: use `valueFrom`). */
  env: EnvVar[];
  /** Everything the Job applies (script, passwords...), hashed into its name. */
  applied: Record<string, string>;
  /** The container's name; `psql` unless the Job has a name of its own. */
  container?: string;
  /**
   * A SCRAM verifier the script reads from the environment variable `env`, out of the Job's own
   * Secret ({@link buildVerifierSecret}); the Job needs it to set a role's password.
   */
  verifier?: { env: string; value: string };
}

/** 8 hex characters of HMAC-SHA256(operator key, applied), so the name reveals nothing it hashes. */
export function appliedHash(operatorKey: Uint8Array, applied: Record<string, string>): string {
  return createHmac('sha256', operatorKey).update(sortedJson(applied)).digest('hex').slice(0, 8);
}

/** Where {@link superuserEnv} connects, and the name it shows in pg_stat_activity. */
export interface SuperuserConnection {
  appName: string;
  /** A Service of the cluster; the primary's by default. */
  service?: string;
}

/** The connection to a member as the superuser, in libpq's variables. */
export function superuserEnv(cluster: ResolvedCluster, conn: SuperuserConnection): EnvVar[] {
  const names = clusterNames(cluster);
  return [
    envValue('PGAPPNAME', conn.appName),
    envValue('PGCONNECT_TIMEOUT', '10'),
    envValue('PGDATABASE', 'postgres'),
    envValue('PGHOST', serviceHost(cluster, conn.service ?? names.primaryService)),
    envFromSecret('PGPASSWORD', names.secrets.superuser, 'password'),
    envValue('PGPORT', String(PORTS.postgresql.port)),
    // With TLS on, pg_hba has only hostssl rules; say so rather than rely on libpq's `prefer`.
    ...(cluster.tls.enabled ? [envValue('PGSSLMODE', 'require')] : []),
    envFromSecret('PGUSER', names.secrets.superuser, 'username'),
  ];
}

/** The Job's name: its prefix and a keyed hash of what it applies. */
export function psqlJobName(
  opts: Pick<PsqlJobOptions, 'prefix' | 'applied'>,
  operatorKey: Uint8Array,
): string {
  return `${opts.prefix}-${appliedHash(operatorKey, opts.applied)}`;
}

/** The Job and, when it sets a password, its Secret with the verifier. */
export function buildPsqlJobChildren(
  cluster: ResolvedCluster,
  opts: PsqlJobOptions,
  operatorKey: Uint8Array,
): KubeObject[] {
  const job = buildPsqlJob(cluster, opts, operatorKey);
  if (!opts.verifier) return [job];
  const name = psqlJobName(opts, operatorKey);
  return [
    job,
    buildVerifierSecret(cluster, { name, component: opts.component, verifier: opts.verifier.value }),
  ];
}

/** The Job; `operatorKey` keys the name's hash. */
export function buildPsqlJob(
  cluster: ResolvedCluster,
  opts: PsqlJobOptions,
  operatorKey: Uint8Array,
): Child<V1Job> {
  const name = psqlJobName(opts, operatorKey);
  const verifierEnv = opts.verifier ? [envFromSecret(opts.verifier.env, name, VERIFIER_KEY)] : [];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: childMetadata(cluster, { name, component: opts.component }),
    spec: jobSpec({
      platform: cluster.platform,
      labels: commonLabels(cluster, opts.component),
      limits: { backoffLimit: 6, activeDeadlineSeconds: PSQL_JOB_DEADLINE_SECONDS },
      pod: { restartPolicy: 'OnFailure', ...jobScheduling(cluster), ...pullSecretsField(cluster) },
      container: {
        name: opts.container ?? 'psql',
        // The cluster's own image: it has psql and pg_isready of a matching major.
        image: cluster.image,
        command: ['/bin/sh', '-c', opts.script],
        env: sortEnv([
          ...superuserEnv(cluster, { appName: `pgmeta-${opts.component}` }),
          ...opts.env,
          ...verifierEnv,
        ]),
        memoryRequest: '64Mi',
      },
    }),
  };
}

/** A login role of an optional feature (the pooler's lookup role, the monitoring role). */
export interface RoleJobOptions {
  prefix: string;
  component: Component;
  /** Reads the role's name from `<env>_USER` and the verifier of its password from `<env>_VERIFIER`. */
  script: string;
  env: string;
  user: string;
  /** The role's password (hashed into the Job's name) and the purpose that salts its verifier. */
  password: string;
  purpose: string;
}

/**
 * The psql Job that creates the role or sets its password, with its Secret. The password is part of
 * the name's hash, so a changed Secret reruns the Job with the new verifier.
 */
export function buildRoleJob(
  cluster: ResolvedCluster,
  role: RoleJobOptions,
  operatorKey: Uint8Array,
): KubeObject[] {
  const verifier = passwordToSend({ operatorKey, purpose: role.purpose, password: role.password });
  return buildPsqlJobChildren(
    cluster,
    {
      prefix: role.prefix,
      component: role.component,
      script: role.script,
      env: [envValue(`${role.env}_USER`, role.user)],
      applied: { script: role.script, password: role.password },
      verifier: { env: `${role.env}_VERIFIER`, value: verifier },
    },
    operatorKey,
  );
}
