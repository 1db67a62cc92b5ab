/**
 * Backups: whether archiving is configured and working (conditions BackupConfigured and
 * ContinuousArchiving), where to (status.backup), the last on-demand backup, and the cluster's
 * PostgresBackups, newest first. The recovery window is what the archive holds: from the oldest
 * succeeded base backup known here to now, while archiving works.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { compact } from './compact.js';

export interface BackupsView {
  configured: boolean;
  configuredMessage?: string;
  archiving?: { status: string; reason?: string; message?: string };
  path?: string;
  schedule?: string;
  retention?: number;
  lastOnDemand?: unknown;
  /** Oldest restorable point known from the PostgresBackups here, when archiving works. */
  recoveryWindowFrom?: string;
  recent: { name: string; phase: string; backupName?: string; completedAt?: string; message?: string }[];
}

interface Cond {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface BackupObjectStatus {
  phase?: string;
  backupName?: string;
  completedAt?: string;
  message?: string;
}

function recentOf(cluster: KubeObject, backups: readonly KubeObject[]): BackupsView['recent'] {
  return backups
    .filter(
      (b) =>
        (b['spec'] as { clusterRef?: { name?: string } } | undefined)?.clusterRef?.name ===
        cluster.metadata.name,
    )
    .map((b) => {
      const s = (b['status'] ?? {}) as BackupObjectStatus;
      const failed = s.phase === 'Failed' ? s.message : undefined;
      return {
        name: b.metadata.name,
        phase: s.phase ?? 'Pending',
        ...compact({ backupName: s.backupName, completedAt: s.completedAt, message: failed }),
      };
    })
    .sort((a, b) => (b.completedAt ?? '~').localeCompare(a.completedAt ?? '~'));
}

export function backupsOf(cluster: KubeObject, backups: readonly KubeObject[]): BackupsView {
  const status = (cluster['status'] ?? {}) as {
    conditions?: Cond[];
    backup?: { path?: string; schedule?: string; retention?: number; lastOnDemand?: unknown };
  };
  const cond = (t: string) => status.conditions?.find((c) => c.type === t);
  const configured = cond('BackupConfigured');
  const archiving = cond('ContinuousArchiving');
  const recent = recentOf(cluster, backups);
  const oldest = recent
    .filter((b) => b.phase === 'Succeeded')
    .map((b) => b.completedAt ?? '')
    .filter(Boolean)
    .sort()[0];
  const b = status.backup ?? {};
  return {
    configured: configured?.status === 'True',
    ...compact({
      configuredMessage: configured?.message,
      archiving: archiving && {
        status: archiving.status,
        ...compact({ reason: archiving.reason, message: archiving.message }),
      },
      path: b.path,
      schedule: b.schedule,
      retention: b.retention,
      lastOnDemand: b.lastOnDemand,
      recoveryWindowFrom: archiving?.status === 'True' ? oldest : undefined,
    }),
    recent: recent.slice(0, 5),
  };
}
