/**
 * The Job controller (batch/v1): a Job runs one pod at a time; once it runs, the Job's effect (what
 * its program does, see ../job-effects.ts) is carried out, possibly over several passes. What the
 * controller writes and when it retries follows the Kubernetes docs, see job-status.ts:
 * - `restartPolicy: Never`: a pod whose program fails (exit 1, a wait that timed out) ends Failed and
 *   is counted in `status.failed`; a fresh pod follows after the back-off (10 s, 20 s, … 6 min); the
 *   Job fails once `status.failed` exceeds `backoffLimit`;
 * - `restartPolicy: OnFailure`: the kubelet restarts the container in the same pod after its
 *   crash-loop back-off (a fresh process, fresh memory); the Job fails once the restarts reach
 *   `backoffLimit`, and its pod is then terminated;
 * - `activeDeadlineSeconds` ends the Job whatever the attempt (DeadlineExceeded) and terminates the
 *   pod still running;
 * - the end comes in two steps: `FailureTarget` (or `SuccessCriteriaMet`), then, once every pod is
 *   terminal, `Failed` (or `Complete`) with the same reason and message. A pod carries the tracking
 *   finalizer until its end is counted.
 * Scenarios can make the next matching Job fail for good.
 *
 * A pod that ends shows its container `terminated` with the exit code and the termination message
 * the kubelet would report: what the program wrote to /dev/termination-log, or, for a container with
 * `terminationMessagePolicy: FallbackToLogsOnError` that failed without writing one, the tail of its
 * log (the lines the effect logged with `logLine`).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { JsonObject } from '../lib/json';
import { controllerOwner, hasCondition, specOf, statusOf, type Condition, type SimContext } from './context';
import { createPod, endPod, JOB_CONTROLLER, JOB_TRACKING_FINALIZER, written, type Ending } from './job-pods';
import {
  addCondition,
  backoffLimit,
  containerBackoff,
  endingCondition,
  failedCount,
  jobBackoff,
  terminalCondition,
  textOf,
  writeJobStatus,
} from './job-status';
import type { Kubelets } from './kubelet';

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
 * (container process). An effect that waits records `memory.waitUntil` (seconds), when it will give up.
 */
export type JobRunner = (job: KubeObject, memory: JsonObject) => JobOutcome;

const TERMINAL = ['Succeeded', 'Failed'];
const ended = (p: KubeObject): boolean => TERMINAL.includes(String(statusOf(p)['phase']));
const live = (p: KubeObject): boolean => !ended(p) && p.metadata.deletionTimestamp === undefined;
const onFailure = (job: KubeObject): boolean =>
  (specOf(job)['template'] as { spec?: { restartPolicy?: string } } | undefined)?.spec?.restartPolicy ===
  'OnFailure';

export class JobController {
  /** Each container process's memory, by the kubelet's process id. */
  private readonly memory = new Map<string, JsonObject>();
  /** Pods whose end is counted in their Job's status (the real controller drops its finalizer then). */
  private readonly counted = new Set<string>();
  /** When each Job's last pod failed, for the back-off. */
  private readonly lastFailure = new Map<string, number>();
  /** Name prefixes of Jobs whose next run fails for good (every attempt would). */
  readonly failing = new Map<string, string>();
  /** Every Job that ran to an end, in order, for assertions. */
  readonly finished: { name: string; outcome: 'Complete' | 'Failed'; at: number; message: string }[] = [];
  /** Every failed attempt (pod or container run) of any Job, for assertions and traces. */
  readonly failedAttempts: { job: string; at: number; message: string }[] = [];

  /**
   * Jobs that run in the background (a periodic reader): their waits and deadlines set no timer,
   * so a quiet simulation does not jump ahead to them; they advance as time passes for other reasons.
   */
  background: (job: KubeObject) => boolean = () => false;

  private readonly ctx: SimContext;
  private readonly runner: JobRunner;
  private readonly kubelets: Kubelets;

  constructor(ctx: SimContext, runner: JobRunner, kubelets: Kubelets) {
    this.ctx = ctx;
    this.runner = runner;
    this.kubelets = kubelets;
  }

  tick(): void {
    for (const job of this.active()) this.reconcile(job);
    this.releaseFinalizers();
  }

  /** What the attempt's program printed so far (the kubelet's log tail of a killed container). */
  logOf(pod: KubeObject): readonly string[] {
    const log = this.memory.get(this.kubelets.processId(pod))?.['log'];
    return Array.isArray(log) ? (log as string[]) : [];
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

  /** The earliest time at which a running Job will act without any other event (a timeout, a retry). */
  nextTimer(): number | undefined {
    const times: number[] = [];
    for (const job of this.active().filter((j) => !this.background(j))) {
      const deadline = this.deadline(job);
      if (deadline !== undefined) times.push(deadline);
      const pod = this.pods(job).find(live);
      const until = pod ? this.memory.get(this.kubelets.processId(pod))?.['waitUntil'] : undefined;
      if (typeof until === 'number') times.push(until);
      if (!pod && endingCondition(job) === undefined && this.lastFailure.has(job.metadata.uid ?? '')) {
        times.push(this.retryAt(job));
      }
    }
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  private deadline(job: KubeObject): number | undefined {
    const seconds = specOf(job)['activeDeadlineSeconds'];
    const start = statusOf(job)['startTime'];
    if (typeof seconds !== 'number' || typeof start !== 'string') return undefined;
    return (Date.parse(start) - Date.parse(this.ctx.clock.iso(0))) / 1000 + seconds;
  }

  private retryAt(job: KubeObject): number {
    const last = this.lastFailure.get(job.metadata.uid ?? '');
    return last === undefined ? this.ctx.clock.now : last + jobBackoff(failedCount(job));
  }

  private pods(job: KubeObject): KubeObject[] {
    return this.ctx.store
      .list('Pod', job.metadata.namespace ?? '')
      .filter((p) => controllerOwner(p)?.uid === job.metadata.uid);
  }

  private reconcile(input: KubeObject): void {
    const job = this.track(input);
    const ending = endingCondition(job);
    if (ending) {
      this.conclude(job, ending);
      return;
    }
    const deadline = this.deadline(job);
    if (deadline !== undefined && this.ctx.clock.now > deadline) {
      this.fail(job, {
        reason: 'DeadlineExceeded',
        message: 'Job was active longer than specified deadline',
      });
      return;
    }
    const pod = this.pods(job).find(live);
    if (!pod) {
      if (failedCount(job) > backoffLimit(job)) {
        this.fail(job, {
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        });
      } else if (this.ctx.clock.now >= this.retryAt(job)) {
        createPod(this.ctx, job, failedCount(job) + Number(statusOf(job)['succeeded'] ?? 0));
      }
      return;
    }
    if (onFailure(job) && this.restarts(pod) >= Math.max(backoffLimit(job), 1)) {
      this.fail(job, {
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      });
      return;
    }
    if (!this.kubelets.running(pod)) return;
    const injected = [...this.failing.entries()].find(([prefix]) => job.metadata.name.startsWith(prefix));
    if (injected) {
      this.failing.delete(injected[0]);
      this.endPod(pod, { exitCode: 1, log: [injected[1]] });
      this.fail(this.track(job), { reason: 'BackoffLimitExceeded', message: injected[1] });
      return;
    }
    this.runAttempt(job, pod);
  }

  /** Container restarts of a pod (what `pastBackoffLimitOnFailure` sums). */
  private restarts(pod: KubeObject): number {
    const statuses = (statusOf(pod)['containerStatuses'] ?? []) as { restartCount?: number }[];
    return statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
  }

  /**
   * Counts the pods that ended (or began terminating) since the last pass into `status.failed` and
   * `status.succeeded`, and `status.active`; returns the Job as stored.
   */
  private track(job: KubeObject): KubeObject {
    let failed = failedCount(job);
    let succeeded = Number(statusOf(job)['succeeded'] ?? 0);
    const pods = this.pods(job);
    for (const p of pods) {
      const uid = p.metadata.uid ?? '';
      if (this.counted.has(uid) || (!ended(p) && p.metadata.deletionTimestamp === undefined)) continue;
      this.counted.add(uid);
      if (statusOf(p)['phase'] === 'Succeeded') succeeded++;
      else {
        failed++;
        this.lastFailure.set(job.metadata.uid ?? '', this.ctx.clock.now);
      }
    }
    const patch: JsonObject = {
      active: pods.filter(live).length,
      terminating: pods.filter((p) => !ended(p) && p.metadata.deletionTimestamp !== undefined).length,
      ...(failed > 0 ? { failed } : {}),
      ...(succeeded > 0 ? { succeeded } : {}),
    };
    const s = statusOf(job);
    if (Object.entries(patch).every(([k, v]) => s[k] === v)) return job;
    return writeJobStatus(this.ctx, job, patch);
  }

  /** The Job met its failure criteria: `FailureTarget` now, its pods terminated, `Failed` once they are. */
  private fail(job: KubeObject, o: { reason: string; message: string }): void {
    const marked = addCondition(this.ctx, job, { type: 'FailureTarget', ...o });
    for (const pod of this.pods(marked).filter(live)) {
      this.ctx.store.delete(
        { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name },
        { actor: JOB_CONTROLLER },
      );
    }
    this.ctx.trace(`jobs: ${job.metadata.name} failure target: ${o.reason}`);
    this.conclude(this.track(marked), endingCondition(marked)!);
  }

  /** The terminal condition, once no pod of the Job is still running or terminating. */
  private conclude(job: KubeObject, ending: Condition): void {
    if (this.pods(job).some((p) => !ended(p))) return;
    const ok = ending.type === 'SuccessCriteriaMet';
    terminalCondition(this.ctx, job, ending);
    const message = textOf(ending['message']);
    this.finished.push({
      name: job.metadata.name,
      outcome: ok ? 'Complete' : 'Failed',
      at: this.ctx.clock.now,
      message: ok ? (this.doneMessages.get(job.metadata.uid ?? '') ?? '') : message,
    });
    this.ctx.trace(`jobs: ${job.metadata.name} ${ok ? 'completed' : `failed: ${message}`}`);
  }

  private readonly doneMessages = new Map<string, string>();

  private runAttempt(job: KubeObject, pod: KubeObject): void {
    const key = this.kubelets.processId(pod);
    const mem = this.memory.get(key) ?? {};
    this.memory.set(key, mem);
    const outcome = this.runner(job, mem);
    const log = Array.isArray(mem['log']) ? (mem['log'] as string[]) : [];
    if ('done' in outcome) {
      this.endPod(pod, { exitCode: 0, ...written(outcome.terminationMessage), log });
      this.doneMessages.set(job.metadata.uid ?? '', outcome.message ?? '');
      const done = 'Reached expected number of succeeded pods';
      const marked = addCondition(this.ctx, this.track(job), {
        type: 'SuccessCriteriaMet',
        reason: 'CompletionsReached',
        message: done,
      });
      this.conclude(marked, endingCondition(marked)!);
    } else if ('failed' in outcome) {
      this.failedAttempts.push({ job: job.metadata.name, at: this.ctx.clock.now, message: outcome.failed });
      this.ctx.trace(`jobs: ${pod.metadata.name} failed: ${outcome.failed}`);
      if (onFailure(job)) {
        // The kubelet restarts the container after its crash-loop back-off; the pod stays.
        this.memory.delete(key);
        this.kubelets.crash(pod, this.ctx.clock.now + containerBackoff(this.restarts(pod) + 1));
        return;
      }
      this.endPod(pod, { exitCode: outcome.exitCode ?? 1, ...written(outcome.terminationMessage), log });
      this.track(job);
    }
  }

  /** The attempt's pod ends, and its memory with it. */
  private endPod(pod: KubeObject, ending: Ending): void {
    endPod(this.ctx, pod, ending);
    this.memory.delete(this.kubelets.processId(pod));
  }

  /** Drops the tracking finalizer of every pod whose end is counted, or whose Job is gone or finished. */
  private releaseFinalizers(): void {
    for (const pod of this.ctx.store.list('Pod')) {
      if (!(pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)) continue;
      const owner = controllerOwner(pod);
      const job = this.ctx.store
        .list('Job', pod.metadata.namespace ?? '')
        .find((j) => j.metadata.uid === owner?.uid);
      const settled =
        job === undefined ||
        job.metadata.deletionTimestamp !== undefined ||
        (this.counted.has(pod.metadata.uid ?? '') && ended(pod));
      if (!settled) continue;
      const finalizers = (pod.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
      this.ctx.store.update({ ...pod, metadata: { ...pod.metadata, finalizers } }, JOB_CONTROLLER);
    }
  }
}
