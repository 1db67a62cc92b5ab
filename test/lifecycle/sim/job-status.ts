/**
 * What the simulated Job controller (jobs.ts) writes in a Job's status, and when a failed pod is
 * replaced. Kubernetes docs `content/en/docs/concepts/workloads/controllers/job.md`:
 * - "Pod backoff failure policy": failed pods are replaced after an exponential back-off of 10 s,
 *   20 s, 40 s … capped at six minutes; the Job fails once `status.failed` exceeds `backoffLimit`, or,
 *   with `restartPolicy: OnFailure`, once the restarts of its pods' containers reach it;
 * - "Job termination and cleanup", "Termination of Job pods" (Kubernetes ≥ 1.31): the controller
 *   first adds `FailureTarget` (or `SuccessCriteriaMet`) and terminates the pods still running; the
 *   terminal `Failed` (or `Complete`) condition, with the same reason and message, comes only once
 *   every pod is terminal;
 * - "Handling Pod and container failures": without a `podFailurePolicy` a terminating pod counts as
 *   failed at once (the default `podReplacementPolicy: TerminatingOrFailed`).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { JsonObject } from '../lib/json';
import { conditionsOf, specOf, statusOf, type Condition, type SimContext } from './context';
import { JOB_CONTROLLER } from './job-pods';

/** The first replacement waits this long; each further failure doubles it. */
export const JOB_BACKOFF_SECONDS = 10;
/** The back-off's cap (six minutes). */
export const JOB_BACKOFF_MAX_SECONDS = 360;

/** Seconds to wait before replacing a pod after the `failures`-th failure. */
export function jobBackoff(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(JOB_BACKOFF_SECONDS * 2 ** (failures - 1), JOB_BACKOFF_MAX_SECONDS);
}

/**
 * The kubelet's crash-loop back-off before the `restarts`-th restart: 10 s doubling, capped at five
 * minutes (docs `content/en/docs/concepts/workloads/pods/pod-lifecycle.md`, "Container restarts").
 */
export function containerBackoff(restarts: number): number {
  return Math.min(10 * 2 ** Math.max(restarts - 1, 0), 300);
}

export const failedCount = (job: KubeObject): number => Number(statusOf(job)['failed'] ?? 0);
export const backoffLimit = (job: KubeObject): number => Number(specOf(job)['backoffLimit'] ?? 6);

/** The condition that starts a Job's end (`FailureTarget`, `SuccessCriteriaMet`), if it has one. */
export function endingCondition(job: KubeObject): Condition | undefined {
  return conditionsOf(job).find(
    (c) => (c.type === 'FailureTarget' || c.type === 'SuccessCriteriaMet') && c.status === 'True',
  );
}

function condition(type: string, o: { reason: string; message: string; now: string }): Condition {
  return {
    type,
    status: 'True',
    reason: o.reason,
    message: o.message,
    lastProbeTime: o.now,
    lastTransitionTime: o.now,
  };
}

/** Writes `patch` over the Job's status; returns the Job as stored. */
export function writeJobStatus(ctx: SimContext, job: KubeObject, patch: JsonObject): KubeObject {
  return ctx.store.updateStatus({ ...job, status: { ...statusOf(job), ...patch } }, JOB_CONTROLLER);
}

/** Adds an interim condition (`FailureTarget`, `SuccessCriteriaMet`). */
export function addCondition(
  ctx: SimContext,
  job: KubeObject,
  o: { type: string; reason: string; message: string },
): KubeObject {
  const c = condition(o.type, { ...o, now: ctx.clock.iso() });
  return writeJobStatus(ctx, job, { conditions: [...conditionsOf(job), c] });
}

/** The terminal condition that follows the interim one, with its reason and message. */
export function terminalCondition(ctx: SimContext, job: KubeObject, interim: Condition): KubeObject {
  const now = ctx.clock.iso();
  const ok = interim.type === 'SuccessCriteriaMet';
  const c = condition(ok ? 'Complete' : 'Failed', {
    reason: textOf(interim['reason']),
    message: textOf(interim['message']),
    now,
  });
  return writeJobStatus(ctx, job, {
    active: 0,
    ready: 0,
    terminating: 0,
    ...(ok ? { completionTime: now } : {}),
    conditions: [...conditionsOf(job), c],
  });
}

export const textOf = (v: unknown): string => (typeof v === 'string' ? v : '');

/** When a finished Job finished: its completion time, or when `Failed` was added (the TTL's start). */
export function finishTime(job: KubeObject): number | undefined {
  const done = conditionsOf(job).find(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
  if (!done) return undefined;
  const at = statusOf(job)['completionTime'] ?? done['lastTransitionTime'];
  return typeof at === 'string' ? Date.parse(at) : undefined;
}
