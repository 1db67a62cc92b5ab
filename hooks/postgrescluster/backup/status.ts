/**
 * What status says about backups and restores, from observed state only:
 *
 * - `BackupConfigured`: whether archiving is configured, and if not why (not set, a Secret or key
 *   missing);
 * - `Restored` (restored clusters only): restoring, restored, or waiting for the source's Secrets;
 * - `backup`: the archive, schedule and retention in force, read from the observed StatefulSet's
 *   environment (not from the spec: while a Secret is missing the StatefulSet keeps what it had), and
 *   the newest successful on-demand PostgresBackup of the cluster;
 * - `restoredFrom` and Restored's details: restore-status.ts.
 */
import type { ConditionInput } from '../../lib/conditions.js';
import type { KubeObject } from '../../lib/k8s.js';
import { ARCHIVE_PREFIX_VARS, backupEnvValues, firstOf } from './guard.js';
import { restoredCondition } from './restore-status.js';
import type { SecretProblem } from './secrets.js';
import type { CatalogObservation } from './catalog.js';
import { catalogStatus, type CatalogStatus } from './catalog-status.js';
import type { ResolvedBackup, ResolvedRestore } from './types.js';

export interface LastBackup {
  /** The PostgresBackup object. */
  name: string;
  /** WAL-G's backup name, e.g. `base_000000010000000000000004`. */
  backupName?: string;
  completedAt?: string;
}

export interface BackupStatus extends CatalogStatus {
  /** Archive path inside the bucket: what `spec.restore.source.path` of another cluster takes. */
  path?: string;
  /** WAL-G prefix, e.g. `s3://bucket/shop/orders/<uid>/wal/16`. */
  prefix?: string;
  schedule?: string;
  retention?: number;
  lastOnDemand?: LastBackup;
}

export interface BackupStatusInput {
  /** Cluster name, to pick its PostgresBackups. */
  name: string;
  backup?: ResolvedBackup;
  restore?: ResolvedRestore;
  statefulSet?: KubeObject;
  /** Patroni's `<scope>-config` Endpoints. */
  configEndpoints?: KubeObject;
  /** Patroni's leader Endpoints `<scope>`. */
  leaderEndpoints?: KubeObject;
  problems: readonly SecretProblem[];
  /** The cluster restores and archives only once that has finished (restore-first.ts). */
  restoring?: boolean;
  /** PostgresBackups in the namespace (any cluster). */
  postgresBackups: readonly KubeObject[];
  /** The member pods, with the archive prefix each was started with. */
  members: readonly ArchivingMember[];
  /** What the catalog Jobs reported (catalog.ts). */
  catalog?: CatalogObservation;
  /** The parent's creationTimestamp. */
  created?: string;
}

/** What the backup status reads of an observed member (a field subset of ObservedMember). */
export interface ArchivingMember {
  name: string;
  archivePrefix?: string;
  terminating: boolean;
}

/** `s3://bucket/a/b/wal/16` → `a/b`. */
export function pathOfPrefix(prefix: string): string | undefined {
  return /^[a-z0-9]+:\/\/[^/]+\/(.+)\/wal\/[0-9]+$/.exec(prefix)?.[1];
}

function lastOnDemand(input: BackupStatusInput): LastBackup | undefined {
  const done = input.postgresBackups
    .filter(
      (b) => (b['spec'] as { clusterRef?: { name?: unknown } } | undefined)?.clusterRef?.name === input.name,
    )
    .map((b) => ({ name: b.metadata.name, status: (b['status'] ?? {}) as Record<string, unknown> }))
    .filter((b) => b.status['phase'] === 'Succeeded')
    .map((b) => ({
      name: b.name,
      ...(typeof b.status['backupName'] === 'string' ? { backupName: b.status['backupName'] } : {}),
      ...(typeof b.status['completedAt'] === 'string' ? { completedAt: b.status['completedAt'] } : {}),
    }))
    .sort((a, b) => ((a.completedAt ?? '') + a.name < (b.completedAt ?? '') + b.name ? 1 : -1));
  return done[0];
}

/** The catalog fields, for a cluster with backups; `schedule` is the one the members run. */
function catalogOf(input: BackupStatusInput, schedule: string | undefined): CatalogStatus {
  if (!input.backup || !input.catalog) return {};
  return catalogStatus(input.catalog, {
    ...(schedule === undefined ? {} : { schedule }),
    ...(input.created === undefined ? {} : { created: input.created }),
  });
}

/** `status.backup`, or undefined when there is nothing to say. */
export function backupStatus(input: BackupStatusInput): BackupStatus | undefined {
  const env = backupEnvValues(input.statefulSet);
  const prefix = firstOf(env, ARCHIVE_PREFIX_VARS);
  const path = prefix === undefined ? undefined : pathOfPrefix(prefix);
  const retention = Number(env['BACKUP_NUM_TO_RETAIN']);
  const last = lastOnDemand(input);
  const out: BackupStatus = {
    ...(path === undefined ? {} : { path }),
    ...(prefix === undefined ? {} : { prefix }),
    ...(prefix === undefined || env['BACKUP_SCHEDULE'] === undefined
      ? {}
      : { schedule: env['BACKUP_SCHEDULE'] }),
    ...(prefix === undefined || !Number.isInteger(retention) ? {} : { retention }),
    ...(last ? { lastOnDemand: last } : {}),
    ...catalogOf(input, env['BACKUP_SCHEDULE']),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

function problemsOf(input: BackupStatusInput, purpose: SecretProblem['purpose']): SecretProblem[] {
  return input.problems.filter((p) => p.purpose === purpose);
}

function backupConfigured(input: BackupStatusInput): ConditionInput {
  const { backup } = input;
  if (!backup) {
    return {
      type: 'BackupConfigured',
      status: 'False',
      reason: 'NotConfigured',
      message: 'spec.backup is not set: no WAL archiving and no base backups',
    };
  }
  const problems = problemsOf(input, 'backup');
  const first = problems[0];
  if (first) {
    const keeps = input.statefulSet
      ? 'the StatefulSet keeps the backup configuration it had'
      : 'the cluster runs without archiving until then';
    return {
      type: 'BackupConfigured',
      status: 'False',
      reason: first.reason,
      message: `${problems.map((p) => p.message).join('; ')}: ${keeps}`,
    };
  }
  if (input.restoring && input.restore) {
    return {
      type: 'BackupConfigured',
      status: 'False',
      reason: ARCHIVING_PENDING_REASONS.restoring,
      message: `archiving to ${backup.prefix} starts once the restore from ${input.restore.prefix} has finished and every member has restarted: until then the restoring server runs with the source's WAL-G settings`,
    };
  }
  return (
    notArchivingYet(input.members, backup.prefix) ?? {
      type: 'BackupConfigured',
      status: 'True',
      reason: 'Configured',
      message: `archiving to ${backup.prefix}; base backups on '${backup.schedule}', keeping ${backup.retention}`,
    }
  );
}

/**
 * BackupConfigured's reasons for "configured, not archiving yet": the members are starting or rolling
 * out, or the cluster is still being restored. A PostgresBackup waits on these instead of reporting a configuration error.
 */
export const ARCHIVING_PENDING_REASONS = {
  waiting: 'WaitingForMembers',
  rolling: 'RollingOut',
  restoring: 'WaitingForRestore',
} as const;

/**
 * Configured is not yet archiving: each member archives where its pod's environment said when it
 * started, so until every member runs with the new prefix (the rollout after spec.backup was added,
 * changed, or its Secret appeared) a base backup would fail on a member without WAL-G settings.
 */
function notArchivingYet(members: readonly ArchivingMember[], prefix: string): ConditionInput | undefined {
  const running = members.filter((m) => !m.terminating);
  const behind = running.filter((m) => m.archivePrefix !== prefix).map((m) => m.name);
  if (running.length > 0 && behind.length === 0) return undefined;
  const none = running.length === 0;
  const why = none
    ? 'no member runs yet'
    : `${behind.sort().join(', ')} still run${behind.length === 1 ? 's' : ''} without it`;
  return {
    type: 'BackupConfigured',
    status: 'False',
    reason: none ? ARCHIVING_PENDING_REASONS.waiting : ARCHIVING_PENDING_REASONS.rolling,
    message: `archiving to ${prefix} starts once every member runs with it: ${why}`,
  };
}

/** The backup conditions: BackupConfigured always, Restored for a restored cluster. */
export function backupConditions(input: BackupStatusInput): ConditionInput[] {
  return [backupConfigured(input), ...(input.restore ? [restoredCondition(input, input.restore)] : [])];
}
