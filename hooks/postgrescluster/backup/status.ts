/**
 * What status says about backups and restores, from observed state only:
 *
 * - `BackupConfigured`: whether archiving is configured, and if not why (not set, a Secret or key
 *   missing);
 * - `Restored` (restored clusters only): restoring, restored, or waiting for the source's Secrets;
 * - `backup`: the archive, schedule and retention in force, read from the observed StatefulSet's
 *   environment (not from the spec: while a Secret is missing the StatefulSet keeps what it had), and
 *   the newest successful on-demand PostgresBackup of the cluster;
 * - `restoredFrom`: the archive and target the cluster was bootstrapped from, once Patroni has
 *   initialised it.
 */
import type { ConditionInput } from '../../lib/conditions.js';
import type { KubeObject } from '../../lib/k8s.js';
import { bootstrapped } from '../observe.js';
import { ARCHIVE_PREFIX_VARS, backupPart } from './guard.js';
import type { SecretProblem } from './secrets.js';
import type { ResolvedBackup, ResolvedRestore } from './types.js';

export interface LastBackup {
  /** The PostgresBackup object. */
  name: string;
  /** WAL-G's backup name, e.g. `base_000000010000000000000004`. */
  backupName?: string;
  completedAt?: string;
}

export interface BackupStatus {
  /** Archive path inside the bucket: what `spec.restore.source.path` of another cluster takes. */
  path?: string;
  /** WAL-G prefix, e.g. `s3://bucket/shop/orders/<uid>/wal/16`. */
  prefix?: string;
  schedule?: string;
  retention?: number;
  lastOnDemand?: LastBackup;
}

export interface RestoredFrom {
  prefix: string;
  targetTime?: string;
  latest?: boolean;
}

export interface BackupStatusInput {
  /** Cluster name, to pick its PostgresBackups. */
  name: string;
  backup?: ResolvedBackup;
  restore?: ResolvedRestore;
  statefulSet?: KubeObject;
  /** Patroni's `<scope>-config` Endpoints. */
  configEndpoints?: KubeObject;
  problems: readonly SecretProblem[];
  /** PostgresBackups in the namespace (any cluster). */
  postgresBackups: readonly KubeObject[];
  /** The member pods, with the archive prefix each was started with. */
  members: readonly ArchivingMember[];
}

/** What the backup status reads of an observed member (a field subset of ObservedMember). */
export interface ArchivingMember {
  name: string;
  archivePrefix?: string;
  terminating: boolean;
}

function envValues(sts: KubeObject | undefined): Record<string, string> {
  return Object.fromEntries(
    backupPart(sts)
      .env.filter((e) => typeof e.value === 'string')
      .map((e) => [e.name, e.value ?? '']),
  );
}

function firstOf(env: Record<string, string>, names: readonly string[]): string | undefined {
  for (const n of names) if (env[n] !== undefined) return env[n];
  return undefined;
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

/** `status.backup`, or undefined when there is nothing to say. */
export function backupStatus(input: BackupStatusInput): BackupStatus | undefined {
  const env = envValues(input.statefulSet);
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
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A restore is over only once bootstrap wrote the system identifier (observe.ts `bootstrapped`). */
const initialized = bootstrapped;

/** `status.restoredFrom`: set once the cluster was bootstrapped from the archive it names. */
export function restoredFrom(input: BackupStatusInput): RestoredFrom | undefined {
  if (!initialized(input.configEndpoints)) return undefined;
  const env = envValues(input.statefulSet);
  if (env['CLONE_METHOD'] !== 'CLONE_WITH_WALE') return undefined;
  const prefix = firstOf(
    env,
    ARCHIVE_PREFIX_VARS.map((n) => `CLONE_${n}`),
  );
  if (prefix === undefined) return undefined;
  const time = env['CLONE_TARGET_TIME'];
  return { prefix, ...(time === undefined ? { latest: true } : { targetTime: time }) };
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
 * out. A PostgresBackup waits on these instead of reporting a configuration error.
 */
export const ARCHIVING_PENDING_REASONS = { waiting: 'WaitingForMembers', rolling: 'RollingOut' } as const;

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

function restored(input: BackupStatusInput, restore: ResolvedRestore): ConditionInput {
  const target = 'time' in restore.target ? `to ${restore.target.time}` : 'to the latest backup';
  const problems = problemsOf(input, 'restore');
  const first = problems[0];
  if (initialized(input.configEndpoints)) {
    return {
      type: 'Restored',
      status: 'True',
      reason: 'Restored',
      message: `restored from ${restore.prefix} ${target}`,
    };
  }
  if (first && !input.statefulSet) {
    return {
      type: 'Restored',
      status: 'False',
      reason: first.reason,
      message: `${problems.map((p) => p.message).join('; ')}: the cluster is created once it exists`,
    };
  }
  return {
    type: 'Restored',
    status: 'False',
    reason: 'Restoring',
    message: `restoring from ${restore.prefix} ${target}`,
  };
}

/** The backup conditions: BackupConfigured always, Restored for a restored cluster. */
export function backupConditions(input: BackupStatusInput): ConditionInput[] {
  return [backupConfigured(input), ...(input.restore ? [restored(input, input.restore)] : [])];
}
