/**
 * The rotation Job (`<cluster>-rotate-<hash of the generations>`): one per set of pending rotations,
 * a day-2 operation that takes no member down, so it runs beside the others.
 *
 * A rotation is pending when `spec.credentialRotation` asks for a generation above the one the
 * credential's Secret records. The Job gets a Secret of its own name, immutable, holding its plan:
 * per credential the role, the SCRAM verifier of the new password and the Secret's new `data`
 * (every key, rendered by the same builders as the Secret itself). Its account may only patch those
 * Secrets, and exists only while the Job runs. A running Job is rendered again from the generations
 * it records, whatever the spec asks meanwhile, so it is never cut off between setting a password
 * and writing its Secret; a newer request gets the next Job. A failed Job stays (its status says
 * why) until someone deletes it, which retries it.
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { Child, KubeObject } from '../../lib/k8s.js';
import { buildSecret, rotatedPassword } from '../children/secrets.js';
import { childMetadata } from '../children/metadata.js';
import { superuserEnv } from '../children/psql-job.js';
import { buildOperationJob, jobState, operationJobName, operationJobs, shortHash } from '../day2/job.js';
import { buildOperationRbac, namedRule } from '../day2/rbac.js';
import type { Day2Context, Proposal } from '../day2/types.js';
import { buildMonitoringSecret } from '../metrics/role.js';
import { COMPONENTS, DB_USERS } from '../names.js';
import { buildPoolerSecret } from '../pooler/objects.js';
import { passwordToSend } from '../scram.js';
import type { ResolvedCluster, RotatedPurpose } from '../spec/resolved.js';
import { envFromSecret, envValue } from '../spilo/env.js';
import {
  appliedGeneration,
  GENERATION_ANNOTATION,
  ROTATED_PURPOSES,
  rotatedRole,
  rotatedSecretName,
} from './generations.js';
import { ROTATE_SCRIPT } from './script.js';

/** On the Job: the generations it applies, `app=2,superuser=1`. */
export const ROTATION_ANNOTATION = 'pgmeta.io/rotation';

/** The key of the Job's Secret that holds its plan. */
export const PLAN_KEY = 'plan.json';

/** Waiting for a primary, then a few statements and patches. */
export const ROTATE_DEADLINE_SECONDS = 1800;

/** Generations to apply, by credential, in {@link ROTATED_PURPOSES} order. */
export type Generations = Partial<Record<RotatedPurpose, number>>;

/** `app=2,superuser=1`. */
export function formatGenerations(g: Generations): string {
  return ROTATED_PURPOSES.filter((p) => g[p] !== undefined)
    .map((p) => `${p}=${String(g[p])}`)
    .join(',');
}

/** The inverse of {@link formatGenerations}; unknown or malformed parts are left out. */
export function parseGenerations(text: string): Generations {
  const out: Generations = {};
  for (const part of text.split(',')) {
    const m = /^([a-z]+)=([1-9][0-9]{0,8})$/.exec(part);
    const purpose = m?.[1] as RotatedPurpose | undefined;
    if (m && purpose && ROTATED_PURPOSES.includes(purpose)) out[purpose] = Number(m[2]);
  }
  return out;
}

/**
 * Credentials whose requested generation is above the one their observed Secret records. A Secret
 * not observed is left out: the hook creates it with the requested generation's password (pooler
 * and monitoring only exist with their feature).
 */
export function pendingGenerations(ctx: Pick<Day2Context, 'cluster' | 'observed'>): Generations {
  const out: Generations = {};
  for (const p of ROTATED_PURPOSES) {
    const secret = ctx.observed.secrets[rotatedSecretName(ctx.cluster, p)];
    const requested = ctx.cluster.credentialRotation[p];
    if (secret && requested > appliedGeneration(secret)) out[p] = requested;
  }
  return out;
}

/** The credential Secret's `data` for a password: every key, as its own builder renders them. */
export function secretData(
  cluster: ResolvedCluster,
  p: RotatedPurpose,
  password: string,
): Record<string, string> {
  const secret: Child<V1Secret> =
    p === 'pooler'
      ? buildPoolerSecret(cluster, password)
      : p === 'monitoring'
        ? buildMonitoringSecret(cluster, password)
        : buildSecret(cluster, {
            purpose: p,
            username: p === 'app' ? cluster.bootstrap.owner : DB_USERS[p],
            password,
            dbname: p === 'app' ? cluster.bootstrap.database : 'postgres',
          });
  return { ...(secret.data ?? {}) };
}

/** The Job's plan: what its program applies, in order. */
export function rotationPlan(cluster: ResolvedCluster, key: Uint8Array, g: Generations): unknown[] {
  return ROTATED_PURPOSES.flatMap((p) => {
    const generation = g[p];
    if (generation === undefined) return [];
    const password = rotatedPassword(key, cluster.uid, { purpose: p, generation });
    return [
      {
        purpose: p,
        role: rotatedRole(cluster, p),
        secret: rotatedSecretName(cluster, p),
        generation,
        // The same salt as the Jobs that create these roles (bootstrap, pooler, monitoring).
        verifier: passwordToSend({ operatorKey: key, purpose: `${cluster.uid}/${p}`, password }),
        data: secretData(cluster, p, password),
      },
    ];
  });
}

function planSecret(cluster: ResolvedCluster, name: string, plan: unknown[]): Child<V1Secret> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: childMetadata(cluster, { name, component: COMPONENTS.operations }),
    type: 'Opaque',
    immutable: true,
    data: { [PLAN_KEY]: Buffer.from(JSON.stringify(plan), 'utf8').toString('base64') },
  };
}

function rotationJob(cluster: ResolvedCluster, g: Generations): KubeObject {
  const hash = shortHash(formatGenerations(g));
  const name = operationJobName(cluster, 'rotate', hash);
  return buildOperationJob(cluster, {
    operation: 'rotate',
    hash,
    script: ROTATE_SCRIPT,
    env: [
      ...superuserEnv(cluster, { appName: 'pgmeta-rotate' }),
      envValue('GENERATION_ANNOTATION', GENERATION_ANNOTATION),
      envValue('NAMESPACE', cluster.namespace),
      envFromSecret('ROTATION_PLAN', name, PLAN_KEY),
    ],
    annotations: { [ROTATION_ANNOTATION]: formatGenerations(g) },
    deadlineSeconds: ROTATE_DEADLINE_SECONDS,
    patroniClient: false,
    kubernetesApi: true,
  });
}

function proposal(
  ctx: Day2Context,
  o: { key: Uint8Array; g: Generations; existing?: KubeObject | undefined },
): Proposal {
  const { cluster } = ctx;
  const { key, g, existing } = o;
  const job = rotationJob(cluster, g);
  const running = !existing || jobState(existing) === 'active';
  const secrets = ROTATED_PURPOSES.filter((p) => g[p] !== undefined).map((p) =>
    rotatedSecretName(cluster, p),
  );
  const rbac = running
    ? buildOperationRbac(cluster, 'rotate', [
        namedRule({ group: '', resource: 'secrets', verbs: ['patch'], names: secrets }),
      ])
    : [];
  return {
    operation: 'rotate',
    children: [job, planSecret(cluster, job.metadata.name, rotationPlan(cluster, key, g)), ...rbac],
    ...(existing ? { existing } : {}),
    disruptive: false,
  };
}

/**
 * The rotation Job: a running one, rendered from the generations it records; otherwise one for the
 * pending rotations (kept, once it ended, while they are still pending: a failure stays visible).
 */
export function planRotation(ctx: Day2Context, key: Uint8Array | undefined): Proposal | undefined {
  if (key === undefined) return undefined;
  const jobs = operationJobs(ctx.observed.jobs, 'rotate');
  const running = jobs.find((j) => jobState(j) === 'active');
  const recorded = running?.metadata.annotations?.[ROTATION_ANNOTATION];
  if (running && recorded !== undefined)
    return proposal(ctx, { key, g: parseGenerations(recorded), existing: running });
  const pending = pendingGenerations(ctx);
  if (Object.keys(pending).length === 0) return undefined;
  const name = operationJobName(ctx.cluster, 'rotate', shortHash(formatGenerations(pending)));
  const existing = jobs.find((j) => j.metadata.name === name);
  return proposal(ctx, { key, g: pending, existing });
}
