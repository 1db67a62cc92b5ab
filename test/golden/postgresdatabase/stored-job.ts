/**
 * What the API server adds to a Job the PostgresDatabase hook asked for, for the golden requests of
 * requests.ts: the defaulted spec and pod template fields, and the status of an active, succeeded or
 * failed run as the Job controller writes it.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';

type Obj = Record<string, unknown>;

export type JobOutcome = 'active' | 'succeeded' | 'failed';

/** The status of a Job run with this outcome. */
export function jobStatus(outcome: JobOutcome): Obj {
  const start = { startTime: '2026-03-01T11:50:00Z' };
  switch (outcome) {
    case 'active':
      return { ...start, active: 1, ready: 1, terminating: 0, uncountedTerminatedPods: {} };
    case 'succeeded':
      return {
        ...start,
        completionTime: '2026-03-01T11:50:07Z',
        succeeded: 1,
        ready: 0,
        terminating: 0,
        uncountedTerminatedPods: {},
        conditions: [
          {
            type: 'SuccessCriteriaMet',
            status: 'True',
            reason: 'CompletionsReached',
            message: 'Reached expected number of succeeded pods',
            lastProbeTime: '2026-03-01T11:50:07Z',
            lastTransitionTime: '2026-03-01T11:50:07Z',
          },
          {
            type: 'Complete',
            status: 'True',
            reason: 'CompletionsReached',
            message: 'Reached expected number of succeeded pods',
            lastProbeTime: '2026-03-01T11:50:07Z',
            lastTransitionTime: '2026-03-01T11:50:07Z',
          },
        ],
      };
    case 'failed':
      return {
        ...start,
        failed: 4,
        ready: 0,
        terminating: 0,
        uncountedTerminatedPods: {},
        conditions: [
          {
            type: 'FailureTarget',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
            lastProbeTime: '2026-03-01T11:55:00Z',
            lastTransitionTime: '2026-03-01T11:55:00Z',
          },
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
            lastProbeTime: '2026-03-01T11:55:00Z',
            lastTransitionTime: '2026-03-01T11:55:00Z',
          },
        ],
      };
  }
}

/** What the API server adds to a Job and its pod template. */
export function defaultJob(job: KubeObject, uid: string): Obj {
  const spec = job['spec'] as {
    template: { metadata: { labels: Record<string, string> }; spec: { containers: Obj[] } & Obj };
  } & Obj;
  const selectorLabels = { 'batch.kubernetes.io/controller-uid': uid };
  const podLabels = {
    ...spec.template.metadata.labels,
    ...selectorLabels,
    'batch.kubernetes.io/job-name': job.metadata.name,
    'controller-uid': uid,
    'job-name': job.metadata.name,
  };
  return {
    ...spec,
    completionMode: 'NonIndexed',
    completions: 1,
    manualSelector: false,
    parallelism: 1,
    podReplacementPolicy: 'TerminatingOrFailed',
    selector: { matchLabels: selectorLabels },
    suspend: false,
    template: {
      metadata: { labels: podLabels },
      spec: {
        ...spec.template.spec,
        containers: spec.template.spec.containers.map((c) => ({
          ...c,
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        })),
        dnsPolicy: 'ClusterFirst',
        schedulerName: 'default-scheduler',
        terminationGracePeriodSeconds: 30,
      },
    },
  };
}
