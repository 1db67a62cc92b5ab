/**
 * The PostgresBackup status: phase, the backup WAL-G took (name, start, end) and why it waits or
 * failed, from the observed Job and its pods. Succeeded and Failed are final: once the status says
 * so, it keeps saying so (and keeps the backup's name) even when the Job or its pods are gone, and
 * sync never starts a second backup for the same object.
 */
import { stampConditions, type ConditionInput } from '../lib/conditions.js';
import type { Condition, KubeObject } from '../lib/k8s.js';
import type { ClusterView } from './cluster.js';
import type { JobState } from './observe.js';

export const BACKUP_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed'] as const;
export type BackupPhase = (typeof BACKUP_PHASES)[number];

export interface PostgresBackupStatus {
  phase: BackupPhase;
  reason: string;
  message: string;
  cluster?: string;
  jobName?: string;
  backupName?: string;
  startedAt?: string;
  completedAt?: string;
  conditions: Condition[];
}

type Previous = Partial<Record<keyof PostgresBackupStatus, unknown>>;

export function previousStatus(parent: KubeObject): Previous {
  const s = parent['status'];
  return typeof s === 'object' && s !== null ? s : {};
}

/** Whether the status already records a finished backup (the object is done for good). */
export function isFinal(previous: Previous): boolean {
  return previous.phase === 'Succeeded' || previous.phase === 'Failed';
}

type Verdict = Omit<PostgresBackupStatus, 'conditions' | 'cluster' | 'jobName'>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function opt<K extends string>(key: K, v: string | undefined): Partial<Record<K, string>> {
  return v === undefined ? {} : ({ [key]: v } as Record<K, string>);
}

/** The first of several candidates that is a non-empty string. */
const first = (...values: unknown[]): string | undefined => values.map(str).find((v) => v !== undefined);

/** The verdict of a finished Job; a result the pods no longer show is taken from the previous status. */
function finished(job: Extract<JobState, { state: 'succeeded' | 'failed' }>, previous: Previous): Verdict {
  if (job.state === 'failed') {
    return {
      phase: 'Failed',
      reason: job.reason,
      message: job.message,
      ...opt('startedAt', first(job.startedAt, previous.startedAt)),
      ...opt('completedAt', first(job.completedAt, previous.completedAt)),
    };
  }
  const result = job.result;
  const name = first(result?.backupName, previous.backupName);
  return {
    phase: 'Succeeded',
    reason: 'BackupTaken',
    message:
      name === undefined
        ? 'the backup Job succeeded; its pod, and the backup name, are gone'
        : `backup ${name} taken`,
    ...opt('backupName', name),
    // WAL-G's own times first; the Job's only when neither the pod nor the previous status has them.
    ...opt('startedAt', first(result?.startTime, previous.startedAt, job.startedAt)),
    ...opt('completedAt', first(result?.finishTime, previous.completedAt, job.completedAt)),
  };
}

function keptFinal(previous: Previous): Verdict {
  return {
    phase: previous.phase === 'Failed' ? 'Failed' : 'Succeeded',
    reason: str(previous.reason) ?? 'Finished',
    message: str(previous.message) ?? 'finished',
    ...opt('backupName', str(previous.backupName)),
    ...opt('startedAt', str(previous.startedAt)),
    ...opt('completedAt', str(previous.completedAt)),
  };
}

function verdict(job: JobState, cluster: ClusterView | undefined, previous: Previous): Verdict {
  switch (job.state) {
    case 'succeeded':
    case 'failed':
      return finished(job, previous);
    case 'running':
      return {
        phase: 'Running',
        reason: 'BackingUp',
        message: job.message,
        ...opt('startedAt', job.startedAt),
      };
    case 'pending':
      return { phase: 'Pending', reason: job.reason, message: job.message };
    case 'absent':
      if (isFinal(previous)) return keptFinal(previous);
      if (cluster && !cluster.ready)
        return { phase: 'Pending', reason: cluster.reason, message: cluster.message };
      return { phase: 'Pending', reason: 'JobCreated', message: 'starting the backup Job' };
  }
}

function completed(v: Verdict): ConditionInput {
  const status = v.phase === 'Succeeded' ? 'True' : v.phase === 'Failed' ? 'False' : 'Unknown';
  return { type: 'Completed', status, reason: v.reason, message: v.message };
}

export interface StatusInput {
  parent: KubeObject;
  job: JobState;
  /** Absent when the spec is invalid (no cluster to look at). */
  cluster?: ClusterView;
  clusterName?: string;
  jobName?: string;
  now: string;
}

/** The status of a PostgresBackup. */
export function backupObjectStatus(input: StatusInput): PostgresBackupStatus {
  const previous = previousStatus(input.parent);
  const v = verdict(input.job, input.cluster, previous);
  const generation = input.parent.metadata.generation;
  const condition = {
    ...completed(v),
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  };
  return {
    ...v,
    ...opt('cluster', input.clusterName),
    ...opt('jobName', input.jobName),
    conditions: stampConditions([condition], previous.conditions, input.now),
  };
}

/** The status of an object whose spec the hook cannot act on. */
export function invalidStatus(parent: KubeObject, message: string, now: string): PostgresBackupStatus {
  const previous = previousStatus(parent);
  if (isFinal(previous)) {
    const v = keptFinal(previous);
    return { ...v, conditions: stampConditions([completed(v)], previous.conditions, now) };
  }
  const v: Verdict = { phase: 'Failed', reason: 'InvalidSpec', message };
  return { ...v, conditions: stampConditions([completed(v)], previous.conditions, now) };
}
