/**
 * The PostgresCluster a backup is for, as observed (a read-only related object): whether a backup
 * can start now, and if not, why.
 */
import type { KubeObject } from '../lib/k8s.js';
import { getObject } from '../metacontroller/children.js';
import type { ObjectMap } from '../metacontroller/types.js';
import { ARCHIVING_PENDING_REASONS } from '../postgrescluster/backup/status.js';
import { checkParsedSpec } from '../postgrescluster/spec/index.js';
import type { ResolvedCluster } from '../postgrescluster/spec/resolved.js';

export const CLUSTER_TYPE = {
  kind: 'PostgresCluster',
  apiVersion: 'pgmeta.io/v1alpha1',
  resource: 'postgresclusters',
} as const;

export type WaitReason = 'ClusterNotFound' | 'ClusterSpecInvalid' | 'BackupNotConfigured' | 'ClusterNotReady';

export type ClusterView =
  { ready: true; cluster: ResolvedCluster } | { ready: false; reason: WaitReason; message: string };

interface ClusterStatus {
  primary?: unknown;
  conditions?: unknown;
}

interface ObservedCondition {
  status?: unknown;
  reason?: unknown;
  message?: unknown;
}

const ARCHIVING_SOON: readonly unknown[] = Object.values(ARCHIVING_PENDING_REASONS);

function condition(status: ClusterStatus, type: string): ObservedCondition | undefined {
  const list = Array.isArray(status.conditions) ? (status.conditions as { type?: unknown }[]) : [];
  return list.find((c) => c.type === type) as ObservedCondition | undefined;
}

/** Why the cluster's archiving does not work yet, from its BackupConfigured condition, if it does not. */
function notArchiving(name: string, configured: ObservedCondition | undefined): ClusterView | undefined {
  if (configured?.status === 'True') return undefined;
  const why = typeof configured?.message === 'string' ? `: ${configured.message}` : '';
  // Configured but not archiving yet (members still start or roll out, or the cluster is being
  // restored): a wait, not a user error.
  if (ARCHIVING_SOON.includes(configured?.reason)) {
    return {
      ready: false,
      reason: 'ClusterNotReady',
      message: `PostgresCluster ${name} is not archiving yet${why}`,
    };
  }
  return {
    ready: false,
    reason: 'BackupNotConfigured',
    message: `PostgresCluster ${name} has no working backup configuration${why}`,
  };
}

/** Why the cluster cannot take a backup now, from its own status; undefined when it can. */
function notReady(name: string, status: ClusterStatus): ClusterView | undefined {
  const archiving = notArchiving(name, condition(status, 'BackupConfigured'));
  if (archiving) return archiving;
  if (typeof status.primary !== 'string' || status.primary === '') {
    return { ready: false, reason: 'ClusterNotReady', message: `PostgresCluster ${name} has no primary` };
  }
  return undefined;
}

/** The cluster of a PostgresBackup, ready for a backup or with the reason to wait. */
export function observeCluster(related: ObjectMap, id: { name: string; namespace: string }): ClusterView {
  const obj: KubeObject | undefined = getObject(related, CLUSTER_TYPE, id);
  if (!obj) {
    return { ready: false, reason: 'ClusterNotFound', message: `PostgresCluster ${id.name} not found` };
  }
  // Without the sync hook's logging default (spec/logging.ts): with no last valid spec at hand, a
  // cluster older than spec.logging that sets log_destination would look invalid and stop its backups.
  const checked = checkParsedSpec(obj);
  if (!checked.ok) {
    return {
      ready: false,
      reason: 'ClusterSpecInvalid',
      message: `PostgresCluster ${id.name} has an invalid spec`,
    };
  }
  if (!checked.resolved.backup) {
    return {
      ready: false,
      reason: 'BackupNotConfigured',
      message: `PostgresCluster ${id.name} has no spec.backup`,
    };
  }
  return notReady(id.name, obj['status'] ?? {}) ?? { ready: true, cluster: checked.resolved };
}
