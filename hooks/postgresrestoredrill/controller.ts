/**
 * The `postgresrestoredrill` CompositeController: one restore drill per PostgresRestoreDrill
 * (docs/drills.md). Its children are the temporary PostgresCluster (which the `postgrescluster`
 * controller runs like any other) and the check Job; deleting the drill deletes both, the temporary
 * cluster's volumes with it. No finalize hook: garbage collection is all the cleanup there is.
 */
import type { ChildType, CompositeControllerDef } from '../metacontroller/controller.js';
import { customizeDrill } from './customize.js';
import { syncDrill } from './sync.js';

/**
 * OnDelete for both: a running drill is never changed by a later change of its source, and a Job's
 * pod template is immutable anyway. Leaving the cluster out of the answer still deletes it.
 */
export const CHILD_TYPES: readonly ChildType[] = [
  { kind: 'Job', apiVersion: 'batch/v1', resource: 'jobs', updateStrategy: 'OnDelete' },
  {
    kind: 'PostgresCluster',
    apiVersion: 'pgmeta.io/v1alpha1',
    resource: 'postgresclusters',
    updateStrategy: 'OnDelete',
  },
];

export const postgresRestoreDrillController: CompositeControllerDef = {
  kind: 'composite',
  name: 'postgresrestoredrill',
  parent: { apiVersion: 'pgmeta.io/v1alpha1', kind: 'PostgresRestoreDrill' },
  childTypes: CHILD_TYPES,
  sync: syncDrill,
  customize: customizeDrill,
};
