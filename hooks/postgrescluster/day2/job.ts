/**
 * The Job every day-2 operation runs in, and how its progress is read back.
 *
 * Side effects Patroni or the Kubernetes API must carry out are children (docs/architecture.md "Hook semantics"):
 * one Job per change, named `<cluster>-<operation>-<hash of what it applies>`, so Metacontroller
 * creates it once and the next syncs observe its result. Every script is idempotent (a retry, or a
 * Job recreated after a manual delete, redoes nothing already done). Each Job is bounded by
 * `activeDeadlineSeconds` and `backoffLimit`, runs as a non-root user with seccomp, no privilege
 * escalation and no capabilities, and has no `ttlSecondsAfterFinished`: the TTL controller would
 * delete a finished Job and the hook, no longer seeing it, would create it again.
 *
 * The scripts are Python: the Spilo image (the cluster's own image, already on the nodes that run
 * members) has python3 and its standard library, and nothing else is needed to talk to Patroni's
 * REST API or the Kubernetes API.
 */
import { createHash } from 'node:crypto';
import { pullSecretsField } from '../children/pull-secrets.js';
import type { V1Job } from '@kubernetes/client-node';
import type { Child, KubeObject } from '../../lib/k8s.js';
import { jobScheduling, jobSpec } from '../children/job-template.js';
import { childMetadata } from '../children/metadata.js';
import { ANNOTATIONS, COMPONENTS, commonLabels, operationName, type Operation } from '../names.js';
import { restApiEnv } from '../patroni/rest-api.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { sortedJson } from '../spilo/configuration.js';
import { type EnvVar, sortEnv } from '../spilo/env.js';

/**
 * Pod label of the Jobs that call Patroni's REST API (port 8008 of the members), so that a
 * NetworkPolicy can admit exactly them.
 */
export const PATRONI_CLIENT_LABEL = 'pgmeta.io/patroni-client';

/** What one operation's Job runs. */
export interface OperationJob {
  operation: Operation;
  /** The hash that completes the name: what the Job applies, so it runs once per change. */
  hash: string;
  /** The Python program (see python.ts). */
  script: string;
  env: readonly EnvVar[];
  /** What the Job applies, for people and for tests that carry out its effect (`pgmeta.io/...`). */
  annotations: Readonly<Record<string, string>>;
  /** Seconds before Kubernetes stops it for good. */
  deadlineSeconds: number;
  /** Whether it calls Patroni's REST API: then it also gets the API's credentials (rest-api.ts). */
  patroniClient: boolean;
  /** Whether it calls the Kubernetes API, as the operation's own ServiceAccount. */
  kubernetesApi: boolean;
}

/** Attempts after the first: each script is idempotent, so a retry resumes rather than repeats. */
export const BACKOFF_LIMIT = 3;

/** 8 hex characters of SHA-256 over the sorted JSON of `value` (nothing secret goes into it). */
export function shortHash(value: unknown): string {
  return createHash('sha256').update(sortedJson(value)).digest('hex').slice(0, 8);
}

/** `<cluster>-<operation>-<hash>`. */
export function operationJobName(
  cluster: Pick<ResolvedCluster, 'name'>,
  op: Operation,
  hash: string,
): string {
  return `${operationName(cluster, op)}-${hash}`;
}

/** The Job of one operation. */
export function buildOperationJob(cluster: ResolvedCluster, job: OperationJob): Child<V1Job> {
  const labels = {
    ...commonLabels(cluster, COMPONENTS.operations),
    ...(job.patroniClient ? { [PATRONI_CLIENT_LABEL]: 'true' } : {}),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: childMetadata(cluster, {
      name: operationJobName(cluster, job.operation, job.hash),
      component: COMPONENTS.operations,
      annotations: { ...job.annotations, [ANNOTATIONS.operation]: job.operation },
    }),
    spec: jobSpec({
      platform: cluster.platform,
      labels,
      limits: { backoffLimit: BACKOFF_LIMIT, activeDeadlineSeconds: job.deadlineSeconds },
      pod: {
        // Each attempt in a fresh pod keeps the failed pod's log for `kubectl logs`.
        restartPolicy: 'Never',
        ...(job.kubernetesApi ? { serviceAccountName: operationName(cluster, job.operation) } : {}),
        ...jobScheduling(cluster),
        ...pullSecretsField(cluster),
      },
      container: {
        name: job.operation,
        image: cluster.image,
        command: ['python3', '-c', job.script],
        env: sortEnv([...job.env, ...(job.patroniClient ? restApiEnv(cluster) : [])]),
        memoryRequest: '32Mi',
      },
    }),
  };
}

/** Where a Job stands, from its status conditions. */
export type JobState = 'active' | 'succeeded' | 'failed';

interface JobStatus {
  conditions?: { type?: string; status?: string; message?: string; reason?: string }[];
}

/** `Complete` or `Failed` (deadline, backoff) end a Job; until then it is active. */
export function jobState(job: KubeObject): JobState {
  const conditions = ((job['status'] ?? {}) as JobStatus).conditions ?? [];
  const holds = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  if (holds('Complete')) return 'succeeded';
  if (holds('Failed')) return 'failed';
  return 'active';
}

/** Why a Job failed, as its Failed condition says. */
export function jobFailure(job: KubeObject): string {
  const conditions = ((job['status'] ?? {}) as JobStatus).conditions ?? [];
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  return [failed?.reason, failed?.message].filter((s) => s !== undefined && s !== '').join(': ');
}

/** Observed Jobs of one operation of this cluster, by the annotation the hook put on them. */
export function operationJobs(jobs: readonly KubeObject[], op: Operation): KubeObject[] {
  return jobs.filter((j) => j.metadata.annotations?.[ANNOTATIONS.operation] === op);
}
