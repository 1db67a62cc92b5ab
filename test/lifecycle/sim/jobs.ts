/**
 * The Job controller (batch/v1): a new Job gets one pod; once that pod runs, the Job's effect (what
 * its script would do, see ../job-effects.ts) is carried out, possibly over several passes, and the
 * Job ends Complete or Failed (BackoffLimitExceeded, DeadlineExceeded) with the conditions and counts
 * the real controller writes. Scenarios can make the next matching Job fail.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { refOf } from '../emulator';
import { clone, type JsonObject } from '../lib/json';
import { controllerOwner, hasCondition, specOf, statusOf, type SimContext } from './context';

export const JOB_CONTROLLER = 'job-controller';

export type JobOutcome = { done: true; message?: string } | { failed: string } | { running: string };

/** Carries out one Job's effect on a pass; `memory` persists across passes of the same Job. */
export type JobRunner = (job: KubeObject, memory: JsonObject) => JobOutcome;

export class JobController {
  private readonly memory = new Map<string, JsonObject>();
  /** Name prefixes of Jobs whose next run fails (their script would exit non-zero). */
  readonly failing = new Map<string, string>();
  /** Every Job that ran to an end, in order, for assertions. */
  readonly finished: { name: string; outcome: 'Complete' | 'Failed'; at: number; message: string }[] = [];

  private readonly ctx: SimContext;
  private readonly runner: JobRunner;

  constructor(ctx: SimContext, runner: JobRunner) {
    this.ctx = ctx;
    this.runner = runner;
  }

  tick(): void {
    for (const job of this.ctx.store.list('Job')) {
      if (job.metadata.deletionTimestamp !== undefined) continue;
      if (hasCondition(job, 'Complete') || hasCondition(job, 'Failed')) continue;
      this.reconcile(job);
    }
  }

  private podOf(job: KubeObject): KubeObject | undefined {
    return this.ctx.store
      .list('Pod', job.metadata.namespace ?? '')
      .find((p) => controllerOwner(p)?.uid === job.metadata.uid);
  }

  private reconcile(job: KubeObject): void {
    const status = statusOf(job);
    if (status['startTime'] === undefined) {
      this.createPod(job);
      this.ctx.store.updateStatus(
        { ...job, status: { ...status, startTime: this.ctx.clock.iso(), active: 1, ready: 0 } },
        JOB_CONTROLLER,
      );
      return;
    }
    const pod = this.podOf(job);
    if (!pod || statusOf(pod)['phase'] !== 'Running') return;
    const deadline = specOf(job)['activeDeadlineSeconds'];
    const started = Date.parse(typeof status['startTime'] === 'string' ? status['startTime'] : '');
    if (typeof deadline === 'number' && Date.parse(this.ctx.clock.iso()) - started > deadline * 1000) {
      this.finish(job, pod, {
        failed: 'Job was active longer than specified deadline',
        reason: 'DeadlineExceeded',
      });
      return;
    }
    const injected = [...this.failing.entries()].find(([prefix]) => job.metadata.name.startsWith(prefix));
    if (injected) {
      this.failing.delete(injected[0]);
      this.finish(job, pod, { failed: injected[1], reason: 'BackoffLimitExceeded' });
      return;
    }
    const mem = this.memory.get(job.metadata.uid ?? '') ?? {};
    this.memory.set(job.metadata.uid ?? '', mem);
    const outcome = this.runner(job, mem);
    if ('done' in outcome) this.finish(job, pod, { message: outcome.message ?? '' });
    else if ('failed' in outcome)
      this.finish(job, pod, { failed: outcome.failed, reason: 'BackoffLimitExceeded' });
  }

  private createPod(job: KubeObject): void {
    const template = clone(
      (specOf(job)['template'] ?? {}) as {
        metadata?: { labels?: Record<string, string> };
        spec?: JsonObject;
      },
    );
    const suffix = createHash('sha256')
      .update(job.metadata.uid ?? '')
      .digest('hex')
      .slice(0, 5);
    this.ctx.store.create(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${job.metadata.name}-${suffix}`,
          namespace: job.metadata.namespace ?? '',
          labels: template.metadata?.labels ?? {},
          ownerReferences: [
            {
              apiVersion: 'batch/v1',
              kind: 'Job',
              name: job.metadata.name,
              uid: job.metadata.uid ?? '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: { ...template.spec, nodeName: 'node-jobs' },
        status: { phase: 'Pending' },
      },
      JOB_CONTROLLER,
    );
  }

  private finish(
    job: KubeObject,
    pod: KubeObject,
    o: { failed?: string; reason?: string; message?: string },
  ): void {
    const now = this.ctx.clock.iso();
    const ok = o.failed === undefined;
    this.ctx.store.updateStatus(
      { ...pod, status: { ...statusOf(pod), phase: ok ? 'Succeeded' : 'Failed' } },
      'kubelet',
    );
    const cond = (type: string, reason: string, message: string) => ({
      type,
      status: 'True',
      reason,
      message,
      lastProbeTime: now,
      lastTransitionTime: now,
    });
    const status: JsonObject = ok
      ? {
          ...statusOf(job),
          active: 0,
          ready: 0,
          succeeded: 1,
          completionTime: now,
          conditions: [
            cond('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'),
            cond('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'),
          ],
        }
      : {
          ...statusOf(job),
          active: 0,
          ready: 0,
          failed: Number(specOf(job)['backoffLimit'] ?? 6) + 1,
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

/** The endpoints controller's one duty here: a deleted Service takes its same-named Endpoints along. */
export class EndpointsController {
  private services = new Set<string>();

  private readonly ctx: SimContext;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
  }

  tick(): void {
    const now = new Set(
      this.ctx.store.list('Service').map((s) => `${s.metadata.namespace ?? ''}/${s.metadata.name}`),
    );
    for (const key of this.services) {
      if (now.has(key)) continue;
      const [namespace = '', name = ''] = key.split('/');
      if (this.ctx.store.get({ kind: 'Endpoints', namespace, name })) {
        this.ctx.store.delete({ kind: 'Endpoints', namespace, name }, { actor: 'endpoint-controller' });
      }
    }
    this.services = now;
  }
}

export { refOf };
