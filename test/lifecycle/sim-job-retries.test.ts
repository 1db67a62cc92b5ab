/**
 * The simulated Job controller's retries and ends, on their own (no hook involved): the back-off
 * between pods (`restartPolicy: Never`), container restarts in the same pod (`OnFailure`), failures
 * counted in `status.failed`, `FailureTarget`/`SuccessCriteriaMet` before `Failed`/`Complete`, and the
 * TTL-after-finished controller. Sources: sim/job-status.ts, sim/ttl.ts, sim/UPSTREAM.md.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { collectGarbage } from './emulator';
import { KUBERNETES_RULES } from './lib/apiserver-rules';
import { SimClock } from './lib/clock';
import { ApiStore } from './lib/store';
import { conditionsOf, hasCondition } from './sim/context';
import { JobController, type JobRunner } from './sim/jobs';
import { Kubelets, SHUTDOWN_SECONDS } from './sim/kubelet';
import { TTL_CONTROLLER, ttlTick } from './sim/ttl';

const NS = 'ns';
const JOB = { kind: 'Job', namespace: NS, name: 'j' };

function jobWorld(runner: JobRunner) {
  const clock = new SimClock();
  const store = new ApiStore(clock, KUBERNETES_RULES);
  const ctx = { store, clock, lostNodes: new Set<string>(), trace: () => undefined };
  const kubelets = new Kubelets(ctx, () => undefined);
  const jobs = new JobController(ctx, runner, kubelets);
  const ticks = (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.advance(5);
      kubelets.tick();
      jobs.tick();
      ttlTick(ctx);
      collectGarbage(store);
    }
  };
  const theJob = () => store.get(JOB);
  const until = (done: () => boolean, max = 2000) => {
    while (!done() && clock.now < max) ticks(1);
  };
  return { clock, store, jobs, ticks, theJob, until };
}

function job(o: { backoffLimit: number; restartPolicy?: string; ttl?: number }): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j', namespace: NS },
    spec: {
      backoffLimit: o.backoffLimit,
      ...(o.ttl === undefined ? {} : { ttlSecondsAfterFinished: o.ttl }),
      template: {
        spec: { restartPolicy: o.restartPolicy ?? 'Never', containers: [{ name: 'main', image: 'busybox' }] },
      },
    },
  };
}

const failing: JobRunner = () => ({ failed: 'exit 1' });
const types = (j: KubeObject | undefined) => (j ? conditionsOf(j).map((c) => c.type) : []);

describe('the simulated Job controller: retries and ends', () => {
  it('Never: a failed pod is replaced after 10 s, 20 s, 40 s; Failed once status.failed exceeds backoffLimit', () => {
    const w = jobWorld(failing);
    w.store.create(job({ backoffLimit: 3 }), 'test');
    w.until(() => hasCondition(w.theJob()!, 'Failed'));
    const at = (verb: string, paths?: string) =>
      w.store.log
        .filter((c) => c.kind === 'Pod' && c.verb === verb && (paths === undefined || c.actor === paths))
        .map((c) => c.at);
    const created = at('create');
    const failedAt = w.jobs.failedAttempts.map((f) => f.at);
    expect(created).toHaveLength(4);
    expect(created.slice(1).map((t, i) => t - failedAt[i]!)).toEqual([10, 20, 40]);
    expect(w.theJob()?.['status']).toMatchObject({ failed: 4, active: 0 });
    expect(conditionsOf(w.theJob()!).map((c) => [c.type, c['reason']])).toEqual([
      ['FailureTarget', 'BackoffLimitExceeded'],
      ['Failed', 'BackoffLimitExceeded'],
    ]);
  });

  it('Never: failures count from status.failed, so removing the failed pods does not reset them', () => {
    const w = jobWorld(failing);
    w.store.create(job({ backoffLimit: 1 }), 'test');
    w.until(() => w.jobs.failedAttempts.length === 1);
    // A forced deletion (`kubectl delete --force --grace-period=0`): the pods are gone at once.
    w.ticks(1);
    for (const p of w.store.list('Pod', NS))
      w.store.remove({ kind: 'Pod', namespace: NS, name: p.metadata.name }, 'test');
    w.until(() => hasCondition(w.theJob()!, 'Failed'));
    expect(w.jobs.failedAttempts).toHaveLength(2);
    expect(w.theJob()?.['status']).toMatchObject({ failed: 2 });
  });

  it('OnFailure: the container restarts in the same pod after 10 s, 20 s; the Job then fails and its pod is terminated', () => {
    const w = jobWorld(failing);
    w.store.create(job({ backoffLimit: 2, restartPolicy: 'OnFailure' }), 'test');
    w.until(() => hasCondition(w.theJob()!, 'FailureTarget'));
    const pods = w.store.list('Pod', NS);
    expect(pods).toHaveLength(1);
    const failedAt = w.jobs.failedAttempts.map((f) => f.at);
    expect(failedAt).toHaveLength(2);
    // The container runs again once its back-off is over; the second restart (20 s later) reaches the limit.
    expect(failedAt[1]! - failedAt[0]!).toBe(10);
    expect(w.clock.now - failedAt[1]!).toBe(20);
    expect(pods[0]?.metadata.deletionTimestamp).toBeDefined();
    expect(types(w.theJob())).toEqual(['FailureTarget']);
    expect(w.theJob()?.['status']).toMatchObject({ failed: 1, terminating: 1 });
    w.ticks(SHUTDOWN_SECONDS / 5);
    expect(types(w.theJob())).toEqual(['FailureTarget', 'Failed']);
    expect(w.theJob()?.['status']).toMatchObject({ failed: 1 });
  });

  it('a success writes SuccessCriteriaMet, then Complete', () => {
    const w = jobWorld(() => ({ done: true }));
    w.store.create(job({ backoffLimit: 0 }), 'test');
    w.until(() => hasCondition(w.theJob()!, 'Complete'));
    expect(types(w.theJob())).toEqual(['SuccessCriteriaMet', 'Complete']);
    expect(w.theJob()?.['status']).toMatchObject({ succeeded: 1, active: 0 });
  });

  it.each([
    ['Complete', () => ({ done: true as const })],
    ['Failed', failing],
  ])('a %s Job with ttlSecondsAfterFinished is deleted that long after it finished', (end, runner) => {
    const w = jobWorld(runner);
    w.store.create(job({ backoffLimit: 0, ttl: 60 }), 'test');
    w.until(() => hasCondition(w.theJob()!, end));
    const finished = w.clock.now;
    w.until(() => w.theJob() === undefined);
    const deletion = w.store.log.find((c) => c.kind === 'Job' && c.verb === 'terminate');
    expect(deletion).toMatchObject({ actor: TTL_CONTROLLER, at: finished + 60 });
    expect(w.store.list('Pod', NS)).toEqual([]);
  });
});
