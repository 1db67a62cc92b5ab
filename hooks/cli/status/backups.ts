/**
 * Backups: whether archiving is configured and working (conditions BackupConfigured and
 * ContinuousArchiving), where to (status.backup), the last on-demand backup, and the cluster's
 * PostgresBackups, newest first. The recovery window is what the archive holds: from the oldest
 * succeeded base backup known here to now, while archiving works.
 */
import type { KubeObject } from '../../lib/k8s.js';

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

export function backupsOf(cluster: KubeObject, backups: readonly KubeObject[]): BackupsView {
  const status = (cluster['status'] ?? {}) as { conditions?: Cond[]; backup?: { path?: string; schedule?: string; retention?: number; lastOnDemand?: unknown } };
  const cond = (t: string) => status.conditions?.find((c) => c.type === t);
  const configured = cond('BackupConfigured');
  const archiving = cond('ContinuousArchiving');
  const mine = backups
    .filter((b) => (b['spec'] as { clusterRef?: { name?: string } } | undefined)?.clusterRef?.name === cluster.metadata.name)
    .map((b) => {
      const s = (b['status'] ?? {}) as { phase?: string; backupName?: string; completedAt?: string; message?: string };
      return { name: b.metadata.name, phase: s.phase ?? 'Pending', ...(s.backupName ? { backupName: s.backupName } : {}), ...(s.completedAt ? { completedAt: s.completedAt } : {}), ...(s.phase === 'Failed' && s.message ? { message: s.message } : {}) };
    })
    .sort((a, b) => (b.completedAt ?? '~').localeCompare(a.completedAt ?? '~'));
  const oldest = mine.filter((b) => b.phase === 'Succeeded' && b.completedAt).map((b) => b.completedAt ?? '').sort()[0];
  const b = status.backup;
  return {
    configured: configured?.status === 'True',
    ...(configured?.message ? { configuredMessage: configured.message } : {}),
    ...(archiving ? { archiving: { status: archiving.status, ...(archiving.reason ? { reason: archiving.reason } : {}), ...(archiving.message ? { message: archiving.message } : {}) } } : {}),
    ...(b?.path ? { path: b.path } : {}),
    ...(b?.schedule ? { schedule: b.schedule } : {}),
    ...(b?.retention !== undefined ? { retention: b.retention } : {}),
    ...(b?.lastOnDemand ? { lastOnDemand: b.lastOnDemand } : {}),
    ...(oldest && archiving?.status === 'True' ? { recoveryWindowFrom: oldest } : {}),
    recent: mine.slice(0, 5),
  };
}
