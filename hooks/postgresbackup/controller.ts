/**
 * The `postgresbackup` CompositeController: one base backup of a PostgresCluster, taken by one Job.
 *
 * The Job is the only child. It needs no ServiceAccount, Role or RoleBinding: it never calls the
 * Kubernetes API (see job.ts for how the backup reaches the database pod without `pods/exec`), and it
 * runs with `automountServiceAccountToken: false`. No finalize hook: deleting a PostgresBackup deletes
 * its Job (garbage collection) but never the backup in the bucket, which the cluster's retention
 * removes in its time.
 */
import type { ChildType, CompositeControllerDef } from '../metacontroller/controller.js';
import { customizeBackup } from './customize.js';
import { syncBackup } from './sync.js';

/** OnDelete: a Job's pod template is immutable, and a running backup must never be replaced. */
export const CHILD_TYPES: readonly ChildType[] = [
  { kind: 'Job', apiVersion: 'batch/v1', resource: 'jobs', updateStrategy: 'OnDelete' },
];

export const postgresBackupController: CompositeControllerDef = {
  kind: 'composite',
  name: 'postgresbackup',
  parent: { apiVersion: 'pgmeta.io/v1alpha1', kind: 'PostgresBackup' },
  childTypes: CHILD_TYPES,
  sync: syncBackup,
  customize: customizeBackup,
};
