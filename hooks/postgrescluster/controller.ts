/** The `postgrescluster` CompositeController: its child types and hooks. */
import type { KubeObject } from '../lib/k8s.js';
import { hasProtectedAnnotation, type CompositeControllerDef } from '../metacontroller/controller.js';
import { customizeCluster } from './customize.js';
import { clusterSyncFacts } from './facts.js';
import { finalizeCluster } from './finalize.js';
import { CLUSTER_LABEL, clusterNames } from './names.js';
import { CHILD_TYPES } from './render.js';
import { syncCluster } from './sync.js';

export const postgresClusterController: CompositeControllerDef = {
  kind: 'composite',
  name: 'postgrescluster',
  parent: { apiVersion: 'pgmeta.io/v1alpha1', kind: 'PostgresCluster' },
  childTypes: CHILD_TYPES,
  sync: syncCluster,
  finalize: finalizeCluster,
  customize: customizeCluster,
  syncFacts: clusterSyncFacts,
  isProtected: isDataBearing,
};

/**
 * Data-bearing children (docs/architecture.md rule 3): the annotation, and independently of it the StatefulSet,
 * the credential Secrets and the primary Service by name, so a stripped annotation protects nothing less.
 */
export function isDataBearing(child: KubeObject): boolean {
  if (hasProtectedAnnotation(child)) return true;
  const cluster = child.metadata.labels?.[CLUSTER_LABEL];
  if (cluster === undefined) return child.kind === 'StatefulSet';
  const names = clusterNames({ name: cluster });
  switch (child.kind) {
    case 'StatefulSet':
      return true;
    case 'Secret':
      return Object.values(names.secrets).includes(child.metadata.name);
    case 'Service':
      return child.metadata.name === names.primaryService;
    default:
      return false;
  }
}
