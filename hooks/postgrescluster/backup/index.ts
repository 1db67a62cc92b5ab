/**
 * Backups and restores of a PostgresCluster, as the sync hook uses them: the entry points that
 * sync.ts, status/index.ts, customize.ts and the spec modules call, each with one line.
 * @see ./resolve.ts (archive layout), ./env.ts (Spilo variables), ./guard.ts (missing Secrets)
 */
import type { ConditionInput } from '../../lib/conditions.js';
import type { KubeObject } from '../../lib/k8s.js';
import { guardBackupConfig } from './guard.js';
import { restorePending } from './restore-first.js';
import { secretProblems, secretUses, type SecretProblem } from './secrets.js';
import { restoredFrom, type RestoredFrom } from './restore-status.js';
import {
  backupConditions,
  backupStatus,
  type ArchivingMember,
  type BackupStatus,
  type BackupStatusInput,
} from './status.js';
import type { ResolvedStandby } from '../standby/types.js';
import type { ResolvedBackup, ResolvedRestore } from './types.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { catalogJobs, observeCatalog } from './catalog.js';

export { backupRelatedRules } from './customize.js';
export { clusterBackupEnv, backupVolumes, backupVolumeMounts } from './env.js';
export { resolveBackupFields } from './resolve.js';
export { BACKUP_MIRRORS, backupErrors } from './validate.js';
export type { ResolvedBackup, ResolvedRestore } from './types.js';

/** What the backup modules read of the observed cluster (fields of ObservedCluster). */
export interface ObservedForBackup {
  statefulSet?: KubeObject;
  configEndpoints?: KubeObject;
  /** Patroni's leader Endpoints `<scope>`. */
  leaderEndpoints?: KubeObject;
  /** User Secrets named by the backup and restore configuration (related objects), by name. */
  userSecrets?: Readonly<Record<string, KubeObject>>;
  /** PostgresBackups of the namespace (related objects). */
  postgresBackups?: readonly KubeObject[];
  /** The member pods (related objects), with the archive prefix each was started with. */
  members?: readonly ArchivingMember[];
  /** The cluster's Jobs (children): the catalog Jobs among them. */
  jobs?: readonly KubeObject[];
  /** The catalog Jobs' pods (related objects). */
  catalogPods?: readonly KubeObject[];
}

type BackupCluster =
  { backup?: ResolvedBackup; restore?: ResolvedRestore; standby?: ResolvedStandby } | undefined;

/** Missing Secrets and keys of the cluster's configuration. */
export function backupProblems(cluster: BackupCluster, observed: ObservedForBackup): SecretProblem[] {
  if (!cluster) return [];
  return secretProblems(secretUses(cluster), observed.userSecrets ?? {});
}

/** The rendered children, safe against missing Secrets (guard.ts). */
export function guardChildren(
  children: readonly KubeObject[],
  input: { cluster: BackupCluster; observed: ObservedForBackup },
): KubeObject[] {
  const { statefulSet } = input.observed;
  return guardBackupConfig(children, {
    ...(statefulSet ? { observed: statefulSet } : {}),
    problems: backupProblems(input.cluster, input.observed),
    restorePending: restorePending(input.cluster, input.observed),
  });
}

export interface ClusterBackupStatus {
  conditions: ConditionInput[];
  backup?: BackupStatus;
  restoredFrom?: RestoredFrom;
}

interface ClusterBackupInput {
  name: string;
  /** The parent's creationTimestamp: when a cluster without backups should have had its first. */
  created?: string;
  cluster: BackupCluster;
  observed: ObservedForBackup;
}

function statusInputOf(input: ClusterBackupInput): BackupStatusInput {
  const { observed, created } = input;
  return {
    ...observedInput(input),
    ...(created === undefined ? {} : { created }),
    catalog: observeCatalog(observed.jobs ?? [], observed.catalogPods ?? []),
  };
}

function observedInput({ name, cluster, observed }: ClusterBackupInput): BackupStatusInput {
  return {
    name,
    ...(cluster?.backup ? { backup: cluster.backup } : {}),
    ...(cluster?.restore ? { restore: cluster.restore } : {}),
    ...(observed.statefulSet ? { statefulSet: observed.statefulSet } : {}),
    ...(observed.configEndpoints ? { configEndpoints: observed.configEndpoints } : {}),
    ...(observed.leaderEndpoints ? { leaderEndpoints: observed.leaderEndpoints } : {}),
    problems: backupProblems(cluster, observed),
    restoring: restorePending(cluster, observed),
    postgresBackups: observed.postgresBackups ?? [],
    members: observed.members ?? [],
  };
}

/** The backup part of a cluster's status. */
export function clusterBackupStatus(input: ClusterBackupInput): ClusterBackupStatus {
  const statusInput = statusInputOf(input);
  const backup = backupStatus(statusInput);
  const restored = restoredFrom(statusInput);
  return {
    conditions: backupConditions(statusInput),
    ...(backup ? { backup } : {}),
    ...(restored ? { restoredFrom: restored } : {}),
  };
}

/** The part of the cluster status hook's input the backup status reads. */
export interface StatusHookInput {
  parent: KubeObject;
  cluster: BackupCluster;
  observed: ObservedForBackup;
}

function fromHookInput(input: StatusHookInput): ClusterBackupInput {
  const created = input.parent.metadata.creationTimestamp;
  return {
    name: input.parent.metadata.name,
    ...(created === undefined ? {} : { created }),
    cluster: input.cluster,
    observed: input.observed,
  };
}

/**
 * The catalog Jobs to render (catalog.ts): the ones kept, and a new run only while archiving runs
 * on every member (BackupConfigured is True), so a cluster that cannot archive is not read in vain.
 */
export function catalogChildren(
  cluster: (ResolvedCluster & BackupCluster) | undefined,
  observed: ObservedForBackup,
): KubeObject[] {
  if (!cluster?.backup) return [];
  const input = statusInputOf({ name: cluster.name, cluster, observed });
  const configured = backupConditions(input).find((c) => c.type === 'BackupConfigured');
  return catalogJobs(cluster, observed.jobs ?? [], configured?.status === 'True');
}

/**
 * The backup part of the status hook's answer: `conditions` (BackupConfigured always, Restored for
 * restored clusters) and the `backup` and `restoredFrom` fields, each only when there is something
 * to say.
 */
export function backupStatusOf(input: StatusHookInput): ClusterBackupStatus {
  return clusterBackupStatus(fromHookInput(input));
}
