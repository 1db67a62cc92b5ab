/**
 * The `postgresdatabase` CompositeController: a database, its roles, schemas, grants and extensions
 * inside a PostgresCluster. Children: one Secret per role (protected, never rewritten), and the SQL
 * Job with its script in a ConfigMap.
 */
import type { ChildType, CompositeControllerDef } from '../metacontroller/controller.js';
import { customizeDatabase } from './customize.js';
import { finalizeDatabase } from './finalize.js';
import { syncDatabase } from './sync.js';

/**
 * All OnDelete: a credential Secret is never rewritten (docs/architecture.md rule 6); a Job's pod template is
 * immutable, so a changed Job gets a new name instead of an update, and its script ConfigMap with it.
 */
export const CHILD_TYPES: readonly ChildType[] = [
  { kind: 'ConfigMap', apiVersion: 'v1', resource: 'configmaps', updateStrategy: 'OnDelete' },
  { kind: 'Secret', apiVersion: 'v1', resource: 'secrets', updateStrategy: 'OnDelete' },
  { kind: 'Job', apiVersion: 'batch/v1', resource: 'jobs', updateStrategy: 'OnDelete' },
];

export const postgresDatabaseController: CompositeControllerDef = {
  kind: 'composite',
  name: 'postgresdatabase',
  parent: { apiVersion: 'pgmeta.io/v1alpha1', kind: 'PostgresDatabase' },
  childTypes: CHILD_TYPES,
  sync: syncDatabase,
  finalize: finalizeDatabase,
  customize: customizeDatabase,
};
