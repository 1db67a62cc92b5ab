/**
 * The pods of the simulated Job controller (jobs.ts): an attempt's pod made from the Job's template,
 * and its end as the kubelet reports it: the container `terminated` with its exit code and the
 * termination message (what the program wrote, or the tail of its log with
 * `terminationMessagePolicy: FallbackToLogsOnError`).
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { controllerRef } from '../../support/apiserver';
import { clone, type JsonObject } from '../lib/json';
import { conditionsOf, setCondition, specOf, statusOf, type SimContext } from './context';

export const JOB_CONTROLLER = 'job-controller';
/**
 * The Job controller's finalizer on its pods: a pod stays until its end is counted in the Job's
 * status (docs `content/en/docs/concepts/workloads/controllers/job.md`, "Job tracking with finalizers").
 */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

/** The kubelet keeps the last 80 lines, at most 2048 bytes, of a failed container's log. */
const FALLBACK_LINES = 80;
const FALLBACK_BYTES = 2048;
/** `sh` killed by the SIGTERM of a pod deletion. */
export const SIGTERM_EXIT = 143;

/** A line the attempt's program printed (stdout or stderr), kept in its memory for the log tail. */
export function logLine(memory: JsonObject, line: string): void {
  const log = Array.isArray(memory['log']) ? (memory['log'] as string[]) : [];
  memory['log'] = [...log, line].slice(-FALLBACK_LINES);
}

/** How a pod's container ended: exit code, what it wrote, and the log the kubelet falls back to. */
export interface Ending {
  exitCode: number;
  written?: string;
  log?: readonly string[];
}

interface Container {
  name: string;
  image?: string;
  terminationMessagePolicy?: string;
}

export const written = (message: string | undefined): { written?: string } =>
  message === undefined ? {} : { written: message };

/** What the kubelet reports as the container's termination message, if anything. */
function terminationMessage(c: Container, ending: Ending): string | undefined {
  if (ending.written !== undefined && ending.written !== '') return ending.written.slice(0, 4096);
  if (c.terminationMessagePolicy !== 'FallbackToLogsOnError' || ending.exitCode === 0) return undefined;
  const tail = (ending.log ?? []).slice(-FALLBACK_LINES).join('\n');
  return tail === '' ? undefined : tail.slice(-FALLBACK_BYTES);
}

/** Ends the pod's container as the kubelet would report it: Succeeded on exit 0, Failed otherwise. */
export function endPod(ctx: SimContext, pod: KubeObject, ending: Ending): void {
  const status = statusOf(pod);
  const containers = (specOf(pod)['containers'] ?? []) as Container[];
  const now = ctx.clock.iso();
  const previous = Array.isArray(status['containerStatuses'])
    ? (status['containerStatuses'] as JsonObject[])
    : [];
  const containerStatuses = containers.map((c, i) => {
    const message = i === 0 ? terminationMessage(c, ending) : undefined;
    return {
      ...previous.find((p) => p['name'] === c.name),
      name: c.name,
      image: c.image,
      ready: false,
      started: false,
      state: {
        terminated: {
          exitCode: ending.exitCode,
          reason: ending.exitCode === 0 ? 'Completed' : 'Error',
          ...(message === undefined ? {} : { message }),
          startedAt: status['startTime'] ?? now,
          finishedAt: now,
        },
      },
    };
  });
  let conditions = conditionsOf(pod);
  for (const t of ['ContainersReady', 'Ready']) conditions = setCondition(conditions, t, 'False', now);
  const phase = ending.exitCode === 0 ? 'Succeeded' : 'Failed';
  ctx.store.updateStatus({ ...pod, status: { ...status, phase, conditions, containerStatuses } }, 'kubelet');
}

/** A fresh attempt: a pod from the Job's template (named by a hash of the Job and the attempt). */
export function createPod(ctx: SimContext, job: KubeObject, attempt: number): void {
  const template = clone(
    (specOf(job)['template'] ?? {}) as {
      metadata?: { labels?: Record<string, string> };
      spec?: JsonObject;
    },
  );
  const suffix = createHash('sha256')
    .update(`${job.metadata.uid ?? ''}#${attempt}`)
    .digest('hex')
    .slice(0, 5);
  ctx.store.create(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${job.metadata.name}-${suffix}`,
        namespace: job.metadata.namespace ?? '',
        labels: template.metadata?.labels ?? {},
        ownerReferences: [controllerRef(job)],
        finalizers: [JOB_TRACKING_FINALIZER],
      },
      spec: { ...template.spec, nodeName: 'node-jobs' },
      status: { phase: 'Pending' },
    },
    JOB_CONTROLLER,
  );
  const status = statusOf(job);
  ctx.store.updateStatus(
    {
      ...job,
      status: { ...status, startTime: status['startTime'] ?? ctx.clock.iso(), active: 1, ready: 0 },
    },
    JOB_CONTROLLER,
  );
}
