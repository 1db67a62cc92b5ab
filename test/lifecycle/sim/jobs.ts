/**
 * The Job controller (batch/v1): a Job runs one pod at a time; once it runs, the Job's effect (what
 * its program does, see ../job-effects.ts) is carried out, possibly over several passes. A pod whose
 * program fails (exit 1, a wait that timed out) is replaced by a fresh attempt, with fresh memory,
 * until `backoffLimit` is exceeded; `activeDeadlineSeconds` ends the Job whatever the attempt, and,
 * as the real controller does, deletes the pod still running. The Job ends Complete or Failed
 * (BackoffLimitExceeded, DeadlineExceeded) with the conditions and counts the real controller writes.
 * Scenarios can make the next matching Job fail for good.
 *
 * A pod that ends shows its container `terminated` with the exit code and the termination message
 * the kubelet would report: what the program wrote to /dev/termination-log, or, for a container with
 * `terminationMessagePolicy: FallbackToLogsOnError` that failed without writing one, the tail of its
 * log (the lines the effect logged with `logLine`).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { JsonObject } from '../lib/json';
import { controllerOwner, hasCondition, specOf, statusOf, type SimContext } from './context';
import { createPod, endPod, JOB_CONTROLLER, SIGTERM_EXIT, written, type Ending } from './job-pods';

export { JOB_CONTROLLER, logLine } from './job-pods';

/**
 * What an attempt did on a pass. `message` and `failed` are for traces and `finished`;
 * `terminationMessage` is what the program wrote to its termination-log file; `exitCode` defaults
 * to 1 for a failure.
 */
export type JobOutcome =
  | { done: true; message?: string; terminationMessage?: string }
  | { failed: string; exitCode?: number; terminationMessage?: string }
  | { running: string };

/**
 * Carries out one attempt's effect on a pass; `memory` persists across passes of the same attempt
 * (pod). An effect that waits records `memory.waitUntil` (seconds), when it will give up.
 */
export type JobRunner = (job: KubeObject, memory: JsonObject) => JobOutcome;

const ended = (p: KubeObject): boolean => ['Succeeded', 'Failed'].includes(String(statusOf(p)['phase']));

export class JobController {
  private readonly memory = new Map<string, JsonObject>();
  /** Name prefixes of Jobs whose next run fails for good (every attempt would). */
  readonly failing = new Map<string, string>();
  /** Every Job that ran to an end, in order, for assertions. */
  readonly finished: { name: string; outcome: 'Complete' | 'Failed'; at: number; message: string }[] = [];
  /** Every failed attempt (pod) of any Job, for assertions and traces. */
  readonly failedAttempts: { job: string; at: number; message: string }[] = [];

  private readonly ctx: SimContext;
  private readonly runner: JobRunner;

  constructor(ctx: SimContext, runner: JobRunner) {
    this.ctx = ctx;
    this.runner = runner;
  }

  tick(): void {
    for (const job of this.active()) this.reconcile(job);
  }

  private active(): KubeObject[] {
    return this.ctx.store
      .list('Job')
      .filter(
        (j) =>
          j.metadata.deletionTimestamp === undefined &&
          !hasCondition(j, 'Complete') &&
          !hasCondition(j, 'Failed'),
      );
  }

  /** The earliest time at which a running Job will act without any other event (a timeout). */
  nextTimer(): number | undefined {
    const times: number[] = [];
    for (const job of this.active()) {
      const deadline = this.deadline(job);
      if (deadline !== undefined) times.push(deadline);
      const pod = this.pods(job).find((p) => !ended(p));
      const until = pod ? this.memory.get(pod.metadata.uid ?? '')?.['waitUntil'] : undefined;
      if (typeof until === 'number') times.push(until);
    }
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  private deadline(job: KubeObject): number | undefined {
    const seconds = specOf(job)['activeDeadlineSeconds'];
    const start = statusOf(job)['startTime'];
    if (typeof seconds !== 'number' || typeof start !== 'string') return undefined;
    return (Date.parse(start) - Date.parse(this.ctx.clock.iso(0))) / 1000 + seconds;
  }

  private pods(job: KubeObject): KubeObject[] {
    return this.ctx.store
      .list('Pod', job.metadata.namespace ?? '')
      .filter((p) => controllerOwner(p)?.uid === job.metadata.uid);
  }

  private reconcile(job: KubeObject): void {
    const deadline = this.deadline(job);
    if (deadline !== undefined && this.ctx.clock.now > deadline) {
      this.finish(job, {
        failed: 'Job was active longer than specified deadline',
        reason: 'DeadlineExceeded',
      });
      return;
    }
    const pods = this.pods(job);
    const pod = pods.find((p) => !ended(p));
    if (!pod) {
      const failures = pods.filter((p) => statusOf(p)['phase'] === 'Failed').length;
      if (failures > Number(specOf(job)['backoffLimit'] ?? 6)) {
        this.finish(job, {
          failed: 'Job has reached the specified backoff limit',
          reason: 'BackoffLimitExceeded',
        });
      } else {
        createPod(this.ctx, job, pods.length);
      }
      return;
    }
    if (statusOf(pod)['phase'] !== 'Running') return;
    const injected = [...this.failing.entries()].find(([prefix]) => job.metadata.name.startsWith(prefix));
    if (injected) {
      this.failing.delete(injected[0]);
      this.endPod(pod, { exitCode: 1, log: [injected[1]] });
      this.finish(job, { failed: injected[1], reason: 'BackoffLimitExceeded' });
      return;
    }
    this.runAttempt(job, pod);
  }

  private runAttempt(job: KubeObject, pod: KubeObject): void {
    const key = pod.metadata.uid ?? '';
    const mem = this.memory.get(key) ?? {};
    this.memory.set(key, mem);
    const outcome = this.runner(job, mem);
    const log = Array.isArray(mem['log']) ? (mem['log'] as string[]) : [];
    if ('done' in outcome) {
      this.endPod(pod, { exitCode: 0, ...written(outcome.terminationMessage), log });
      this.finish(job, { message: outcome.message ?? '' });
    } else if ('failed' in outcome) {
      this.endPod(pod, { exitCode: outcome.exitCode ?? 1, ...written(outcome.terminationMessage), log });
      this.failedAttempts.push({ job: job.metadata.name, at: this.ctx.clock.now, message: outcome.failed });
      const status = statusOf(job);
      this.ctx.store.updateStatus(
        { ...job, status: { ...status, active: 0, failed: Number(status['failed'] ?? 0) + 1 } },
        JOB_CONTROLLER,
      );
      this.ctx.trace(`jobs: ${pod.metadata.name} failed: ${outcome.failed}`);
    }
  }

  /** The attempt's pod ends, and its memory with it. */
  private endPod(pod: KubeObject, ending: Ending): void {
    endPod(this.ctx, pod, ending);
    this.memory.delete(pod.metadata.uid ?? '');
  }

  private finish(job: KubeObject, o: { failed?: string; reason?: string; message?: string }): void {
    const now = this.ctx.clock.iso();
    const ok = o.failed === undefined;
    for (const pod of this.pods(job)) {
      if (ended(pod)) continue;
      if (o.reason !== 'DeadlineExceeded') {
        this.endPod(pod, { exitCode: ok ? 0 : 1 });
        continue;
      }
      // The Job controller deletes the pod still running; its container dies of the SIGTERM.
      const log = this.memory.get(pod.metadata.uid ?? '')?.['log'];
      this.endPod(pod, { exitCode: SIGTERM_EXIT, log: Array.isArray(log) ? (log as string[]) : [] });
      this.ctx.store.delete(
        { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name },
        { actor: JOB_CONTROLLER },
      );
    }
    const cond = (type: string, reason: string, message: string) => ({
      type,
      status: 'True',
      reason,
      message,
      lastProbeTime: now,
      lastTransitionTime: now,
    });
    const base = { ...statusOf(job), active: 0, ready: 0 };
    const done = 'Reached expected number of succeeded pods';
    const status: JsonObject = ok
      ? {
          ...base,
          succeeded: 1,
          completionTime: now,
          conditions: [
            cond('SuccessCriteriaMet', 'CompletionsReached', done),
            cond('Complete', 'CompletionsReached', done),
          ],
        }
      : {
          ...base,
          conditions: [
            cond('FailureTarget', o.reason ?? 'BackoffLimitExceeded', o.failed ?? ''),
            cond('Failed', o.reason ?? 'BackoffLimitExceeded', o.failed ?? ''),
          ],
        };
    this.ctx.store.updateStatus({ ...job, status }, JOB_CONTROLLER);
    this.finished.push({
      name: job.metadata.name,
      outcome: ok ? 'Complete' : 'Failed',
      at: this.ctx.clock.now,
      message: o.failed ?? o.message ?? '',
    });
    this.ctx.trace(`jobs: ${job.metadata.name} ${ok ? 'completed' : `failed: ${o.failed ?? ''}`}`);
  }
}
