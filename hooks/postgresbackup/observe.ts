/**
 * Where the backup Job stands, from the Job's status and its pods (related objects): the Job says
 * whether it finished, the newest pod's termination message says what WAL-G did (job.ts writes
 * `{"backupName", "startTime", "finishTime"}` on success and the reason on failure).
 */
import type { KubeObject } from '../lib/k8s.js';

/** What WAL-G reported for the backup. */
export interface BackupResult {
  backupName: string;
  startTime?: string;
  finishTime?: string;
}

export type JobState =
  | { state: 'absent' }
  | { state: 'pending'; reason: string; message: string }
  | { state: 'running'; message: string; startedAt?: string }
  | { state: 'succeeded'; result?: BackupResult; startedAt?: string; completedAt?: string }
  | { state: 'failed'; reason: string; message: string; startedAt?: string; completedAt?: string };

interface JobStatus {
  active?: number;
  startTime?: string;
  completionTime?: string;
  conditions?: {
    type?: string;
    status?: string;
    reason?: string;
    message?: string;
    lastTransitionTime?: string;
  }[];
}

interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: object;
  terminated?: { exitCode?: number; reason?: string; message?: string };
}

interface PodStatus {
  phase?: string;
  containerStatuses?: { name?: string; state?: ContainerState }[];
}

const RFC3339 =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/;
const time = (v: unknown): string | undefined => (typeof v === 'string' && RFC3339.test(v) ? v : undefined);

/** The success line of the container, or undefined for anything else. */
export function parseResult(message: string | undefined): BackupResult | undefined {
  if (message === undefined) return undefined;
  try {
    const parsed = JSON.parse(message) as Record<string, unknown>;
    if (typeof parsed['backupName'] !== 'string' || parsed['backupName'] === '') return undefined;
    const start = time(parsed['startTime']);
    const finish = time(parsed['finishTime']);
    return {
      backupName: parsed['backupName'],
      ...(start === undefined ? {} : { startTime: start }),
      ...(finish === undefined ? {} : { finishTime: finish }),
    };
  } catch {
    return undefined;
  }
}

function jobCondition(status: JobStatus, type: string) {
  return status.conditions?.find((c) => c.type === type && c.status === 'True');
}

function containerState(pod: KubeObject): ContainerState | undefined {
  return ((pod['status'] ?? {}) as PodStatus).containerStatuses?.find((c) => c.name === 'backup')?.state;
}

/** The Job's pods, newest first (by creation time, then name). */
function newestFirst(pods: readonly KubeObject[]): KubeObject[] {
  const key = (p: KubeObject) => `${p.metadata.creationTimestamp ?? ''} ${p.metadata.name}`;
  return [...pods].sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}

function terminatedMessage(pods: readonly KubeObject[], exitOk: boolean): string | undefined {
  for (const pod of newestFirst(pods)) {
    const t = containerState(pod)?.terminated;
    if (t && (t.exitCode === 0) === exitOk && typeof t.message === 'string' && t.message.trim() !== '') {
      return t.message.trim();
    }
  }
  return undefined;
}

/** `{key: v}` when v is a time, else nothing (so optional fields stay absent). */
function timeField<K extends string>(key: K, v: unknown): Partial<Record<K, string>> {
  const t = time(v);
  return t === undefined ? {} : ({ [key]: t } as Record<K, string>);
}

function isRunning(pod: KubeObject | undefined): boolean {
  if (!pod) return false;
  return (
    containerState(pod)?.running !== undefined ||
    (pod['status'] as PodStatus | undefined)?.phase === 'Running'
  );
}

function unfinished(status: JobStatus, pods: readonly KubeObject[]): JobState {
  const newest = newestFirst(pods)[0];
  if (newest && isRunning(newest)) {
    return {
      state: 'running',
      message: `${newest.metadata.name} is taking the backup`,
      ...timeField('startedAt', status.startTime),
    };
  }
  const waiting = newest ? containerState(newest)?.waiting : undefined;
  const reason = waiting?.reason ?? 'JobPending';
  return {
    state: 'pending',
    reason,
    message: waiting?.message ?? `waiting for the backup pod to start (${reason})`,
  };
}

type JobCondition = NonNullable<JobStatus['conditions']>[number];

function failedState(failed: JobCondition, status: JobStatus, pods: readonly KubeObject[]): JobState {
  return {
    state: 'failed',
    reason: failed.reason ?? 'JobFailed',
    message: terminatedMessage(pods, false) ?? failed.message ?? 'the backup Job failed',
    ...timeField('startedAt', status.startTime),
    ...timeField('completedAt', failed.lastTransitionTime),
  };
}

/** The state of the backup Job, `absent` when there is none. */
export function observeJob(job: KubeObject | undefined, pods: readonly KubeObject[]): JobState {
  if (!job) return { state: 'absent' };
  const status = (job['status'] ?? {}) as JobStatus;
  if (jobCondition(status, 'Complete')) {
    const result = parseResult(terminatedMessage(pods, true));
    return {
      state: 'succeeded',
      ...(result ? { result } : {}),
      ...timeField('startedAt', status.startTime),
      ...timeField('completedAt', status.completionTime),
    };
  }
  const failed = jobCondition(status, 'Failed');
  return failed ? failedState(failed, status, pods) : unfinished(status, pods);
}
