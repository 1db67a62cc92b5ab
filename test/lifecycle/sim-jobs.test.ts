/**
 * What the kubelet and the Job controller of the simulation show of a Job's pod, on their own (no
 * hook involved): config errors of the container's env, termination messages and log tails, and
 * `activeDeadlineSeconds`. The other Kubernetes parts are in sim.test.ts.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { KUBERNETES_RULES } from './lib/apiserver-rules';
import { SimClock } from './lib/clock';
import { ApiStore } from './lib/store';
import { conditionsOf, hasCondition } from './sim/context';
import { JOB_CONTROLLER, JobController, logLine } from './sim/jobs';
import { Kubelets, SHUTDOWN_SECONDS } from './sim/kubelet';
import { ttlTick } from './sim/ttl';

const NS = 'ns';

describe('pods of Jobs: kubelet and Job controller', () => {
  type Runner = ConstructorParameters<typeof JobController>[1];

  function jobWorld(runner: Runner) {
    const clock = new SimClock();
    const store = new ApiStore(clock, KUBERNETES_RULES);
    const ctx = { store, clock, lostNodes: new Set<string>(), trace: () => undefined };
    // eslint-disable-next-line prefer-const -- the kubelets ask the controller made after them
    let jobs: JobController | undefined;
    const kubelets = new Kubelets(
      ctx,
      () => undefined,
      (pod) => jobs?.logOf(pod) ?? [],
    );
    jobs = new JobController(ctx, runner, kubelets);
    const ticks = (n: number) => {
      for (let i = 0; i < n; i++) {
        clock.advance(5);
        kubelets.tick();
        jobs.tick();
        ttlTick(ctx);
      }
    };
    return { clock, store, jobs, ticks };
  }

  const job = (o: { deadline?: number; env?: unknown[] } = {}): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j', namespace: NS },
    spec: {
      backoffLimit: 0,
      ...(o.deadline === undefined ? {} : { activeDeadlineSeconds: o.deadline }),
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: 'busybox',
              terminationMessagePolicy: 'FallbackToLogsOnError',
              ...(o.env ? { env: o.env } : {}),
            },
          ],
        },
      },
    },
  });
  const podOf = (w: ReturnType<typeof jobWorld>) => w.store.list('Pod', NS)[0];
  const containerState = (pod: KubeObject | undefined) =>
    (pod?.['status'] as { containerStatuses?: { state: Record<string, Record<string, unknown>> }[] })
      .containerStatuses?.[0]?.state;

  it('a container whose env names a missing Secret or key waits in CreateContainerConfigError, then starts', () => {
    const ran: string[] = [];
    const w = jobWorld((j) => {
      ran.push(j.metadata.name);
      return { running: 'working' };
    });
    const ref = { secretKeyRef: { name: 'creds', key: 'password' } };
    w.store.create(job({ env: [{ name: 'PGPASSWORD', valueFrom: ref }] }), 'test');
    w.ticks(3);
    expect(podOf(w)?.['status']).toMatchObject({ phase: 'Pending' });
    expect(containerState(podOf(w))).toEqual({
      waiting: { reason: 'CreateContainerConfigError', message: 'secret "creds" not found' },
    });
    w.store.create(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: NS }, data: {} },
      'test',
    );
    w.ticks(1);
    expect(containerState(podOf(w))?.['waiting']?.['message']).toBe(
      "couldn't find key password in Secret ns/creds",
    );
    expect(ran).toEqual([]);
    const secret = w.store.get({ kind: 'Secret', namespace: NS, name: 'creds' })!;
    w.store.update({ ...secret, data: { password: 'cHc=' } }, 'test');
    w.ticks(1);
    expect(podOf(w)?.['status']).toMatchObject({ phase: 'Running' });
    expect(ran).toEqual(['j']);
  });

  it.each([
    ['a failure without a written message: the log tail', { failed: 'x', exitCode: 2 }, 2, 'line 1\nline 2'],
    ['a failure with a written message: that message', { failed: 'x', terminationMessage: 'why' }, 1, 'why'],
    ['a success: the written message', { done: true, terminationMessage: '{"a":1}' }, 0, '{"a":1}'],
  ] as const)('the ended container shows %s', (_what, outcome, exitCode, message) => {
    const w = jobWorld((_j, mem) => {
      if (mem['started'] !== true) {
        mem['started'] = true;
        logLine(mem, 'line 1');
        logLine(mem, 'line 2');
        return { running: 'working' };
      }
      return outcome;
    });
    w.store.create(job(), 'test');
    w.ticks(4);
    expect(containerState(podOf(w))?.['terminated']).toMatchObject({ exitCode, message });
    expect(podOf(w)?.['status']).toMatchObject({ phase: exitCode === 0 ? 'Succeeded' : 'Failed' });
  });

  it('activeDeadlineSeconds: FailureTarget at once, Failed once the deleted pod is terminal, its log shown', () => {
    const w = jobWorld((_j, mem) => {
      logLine(mem, 'waiting for it');
      return { running: 'waiting' };
    });
    w.store.create(job({ deadline: 30 }), 'test');
    const theJob = () => w.store.get({ kind: 'Job', namespace: NS, name: 'j' })!;
    while (!hasCondition(theJob(), 'FailureTarget') && w.clock.now < 100) w.ticks(1);
    expect(w.clock.now).toBe(40); // started at 5 s (the first pod), due after 35 s
    expect(conditionsOf(theJob()).map((c) => [c.type, c['reason']])).toEqual([
      ['FailureTarget', 'DeadlineExceeded'],
    ]);
    // The pod is Terminating, its container still running: the Job is not Failed yet.
    expect(podOf(w)?.metadata.deletionTimestamp).toBeDefined();
    expect(podOf(w)?.['status']).toMatchObject({ phase: 'Running' });
    w.ticks(SHUTDOWN_SECONDS / 5 - 1);
    expect(hasCondition(theJob(), 'Failed')).toBe(false);
    w.ticks(1);
    const pod = podOf(w);
    expect(pod?.['status']).toMatchObject({ phase: 'Failed' });
    expect(containerState(pod)?.['terminated']).toMatchObject({
      exitCode: 143,
      message: /^waiting for it\n/,
    });
    expect(conditionsOf(theJob()).map((c) => [c.type, c['reason']])).toEqual([
      ['FailureTarget', 'DeadlineExceeded'],
      ['Failed', 'DeadlineExceeded'],
    ]);
    expect(theJob()['status']).toMatchObject({ failed: 1, active: 0 });
    // Counted: the tracking finalizer goes, and the kubelet removes the pod.
    w.ticks(1);
    expect(w.store.list('Pod', NS)).toEqual([]);
    const terminated = w.store.log.filter((c) => c.kind === 'Pod' && c.verb === 'terminate');
    expect(terminated.map((c) => c.actor)).toEqual([JOB_CONTROLLER]);
    expect(w.jobs.finished.map((f) => f.outcome)).toEqual(['Failed']);
  });
});
