/**
 * Golden scenarios of a PostgresBackup's life, from the observed Job and its pods: waiting for the
 * cluster, the Job created, running, succeeded (the name WAL-G gave the backup, its start and end),
 * failed with the reason, and succeeded after the pod is gone.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import {
  backupPod,
  clusterWithStatus,
  jobAt,
  postgresBackup,
  syncBackupWorld,
  type BackupWorld,
} from '../../support/backup-world';
import { CASES as CLUSTER_CASES, minioCluster } from '../backup/cases';

const RESULT =
  '{"backupName" : "base_000000010000000000000007", "startTime" : "2026-11-21T09:40:05.338106Z", "finishTime" : "2026-11-21T09:52:30.917531Z"}';
const FAILURE =
  'wal-g backup-push exited with 1: ERROR: 2026/11/21 09:41:02.120154 failed to upload: RequestError: send request failed caused by: dial tcp 10.96.14.3:9000: connect: connection refused';

const parent = (status?: Record<string, unknown>) =>
  postgresBackup('nightly-check', 'orders', status === undefined ? {} : { status });

/** The ready MinIO cluster as the backup sees it. */
const readyCluster = (): KubeObject => clusterWithStatus(minioCluster());

/** The Job the hook creates for a fresh PostgresBackup. */
function createdJob(): KubeObject {
  const job = syncBackupWorld({ parent: parent(), cluster: readyCluster(), pods: [] }).children[0];
  if (!job) throw new Error('the hook created no Job');
  return job;
}

function at(
  stage: Parameters<typeof jobAt>[2],
  status?: Record<string, unknown>,
): BackupWorld & { job: KubeObject } {
  const p = parent(status);
  return { parent: p, cluster: readyCluster(), job: jobAt(createdJob(), p, stage), pods: [] };
}

export const CASES: Record<string, () => BackupWorld> = {
  'waiting-for-credentials': () => ({
    parent: parent(),
    cluster: clusterWithStatus(CLUSTER_CASES['missing-secret']!()),
    pods: [],
  }),

  'job-created': () => ({ parent: parent(), cluster: readyCluster(), pods: [] }),

  running: () => {
    const w = at('running');
    return { ...w, pods: [backupPod(w.job, { running: true })] };
  },

  succeeded: () => {
    const w = at('succeeded');
    return { ...w, pods: [backupPod(w.job, { exitCode: 0, message: RESULT })] };
  },

  failed: () => {
    const w = at('failed');
    return {
      ...w,
      pods: [
        backupPod(
          w.job,
          { exitCode: 1, message: 'wal-g backup-push exited with 1: an older attempt' },
          { suffix: 'a1b2c', minute: 0 },
        ),
        backupPod(w.job, { exitCode: 1, message: FAILURE }, { suffix: 'd3e4f', minute: 2 }),
      ],
    };
  },

  'succeeded-pod-gone': () =>
    at('succeeded', {
      phase: 'Succeeded',
      reason: 'BackupTaken',
      message: 'backup base_000000010000000000000007 taken',
      backupName: 'base_000000010000000000000007',
      startedAt: '2026-11-21T09:40:05.338106Z',
      completedAt: '2026-11-21T09:52:30.917531Z',
      conditions: [
        {
          type: 'Completed',
          status: 'True',
          reason: 'BackupTaken',
          message: 'backup base_000000010000000000000007 taken',
          lastTransitionTime: '2026-11-21T09:53:00Z',
          observedGeneration: 1,
        },
      ],
    }),
};
