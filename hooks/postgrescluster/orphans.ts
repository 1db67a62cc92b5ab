/**
 * A cluster created again over the orphans of one of the same name (docs/day2.md "Deleting a cluster").
 *
 * After `kubectl delete --cascade=orphan` every child stays, ownerless and running. A new
 * PostgresCluster of the same name does not adopt them: its generated selector is
 * `controller-uid=<its own uid>` and the orphans carry the old one, so they are never observed
 * children. The hook renders the same names, and server-side apply writes each rendered child over
 * the orphan of that name and owns it (metacontroller manage_children.go ServerSideApply.Apply).
 * That is a clean takeover for everything but credentials: passwords of Secrets that are not observed
 * would be derived from the new cluster's uid and replace the ones the running database uses
 * (docs/architecture.md rule 6). So the cluster's orphaned Secrets are observed read-only (related) and their
 * passwords are kept, exactly as for observed children. Likewise the orphaned StatefulSet: its
 * last-valid-spec annotation is what the data was written with, so the checks of a spec change
 * (no downgrade, no major upgrade, no storage shrink: docs/architecture.md rule 2) apply to the new cluster's spec
 * as to an edit, and its immutable claim templates are kept.
 */
import type { KubeObject } from '../lib/k8s.js';
import { listObjects } from '../metacontroller/children.js';
import type { RelatedResourceRule, SyncRequest } from '../metacontroller/types.js';
import { CLUSTER_LABEL, LABELS, clusterNames } from './names.js';

function selector(name: string): Record<string, string> {
  return { [CLUSTER_LABEL]: name, [LABELS.managedBy]: 'pgmeta' };
}

/** The Secrets and StatefulSets pgmeta labelled for a cluster of this name, whoever owns them. */
export function orphanRules(parent: KubeObject): RelatedResourceRule[] {
  const namespace = parent.metadata.namespace ?? 'default';
  const labelSelector = { matchLabels: selector(parent.metadata.name) };
  return [
    { apiVersion: 'v1', resource: 'secrets', namespace, labelSelector },
    { apiVersion: 'apps/v1', resource: 'statefulsets', namespace, labelSelector },
  ];
}

/**
 * An object pgmeta labelled for a cluster of this name that no controller owns: one this cluster
 * takes over (not a name collision, collisions/index.ts).
 */
export function isOwnOrphan(parent: KubeObject, obj: KubeObject): boolean {
  const wanted = Object.entries(selector(parent.metadata.name));
  return (
    wanted.every(([k, v]) => obj.metadata.labels?.[k] === v) &&
    !(obj.metadata.ownerReferences ?? []).some((r) => r.controller === true)
  );
}

function orphans(req: SyncRequest, kind: string, apiVersion: string): KubeObject[] {
  return listObjects(req.related, kind, apiVersion).filter((s) => isOwnOrphan(req.parent, s));
}

/** The cluster's StatefulSet when no controller owns it: the orphan a new cluster takes over. */
export function orphanedStatefulSet(req: SyncRequest): KubeObject | undefined {
  const name = clusterNames(req.parent.metadata).statefulSet;
  return orphans(req, 'StatefulSet', 'apps/v1').find((s) => s.metadata.name === name);
}

/** Related Secrets of a cluster of this name that no controller owns: the orphans, by name. */
export function orphanedSecrets(req: SyncRequest): Record<string, KubeObject> {
  return Object.fromEntries(orphans(req, 'Secret', 'v1').map((s) => [s.metadata.name, s]));
}
