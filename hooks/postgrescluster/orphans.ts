/**
 * A cluster created again over the orphans of one of the same name (README "Deleting a cluster").
 *
 * After `kubectl delete --cascade=orphan` every child stays, ownerless and running. A new
 * PostgresCluster of the same name does not adopt them: its generated selector is
 * `controller-uid=<its own uid>` and the orphans carry the old one, so they are never observed
 * children. The hook renders the same names, and server-side apply writes each rendered child over
 * the orphan of that name and owns it (metacontroller manage_children.go ServerSideApply.Apply).
 * That is a clean takeover for everything but credentials: passwords of Secrets that are not observed
 * would be derived from the new cluster's uid and replace the ones the running database uses
 * (DESIGN rule 6). So the cluster's orphaned Secrets are observed read-only (related) and their
 * passwords are kept, exactly as for observed children.
 */
import type { KubeObject } from '../lib/k8s.js';
import { listObjects } from '../metacontroller/children.js';
import type { RelatedResourceRule, SyncRequest } from '../metacontroller/types.js';
import { CLUSTER_LABEL, LABELS } from './names.js';

function selector(name: string): Record<string, string> {
  return { [CLUSTER_LABEL]: name, [LABELS.managedBy]: 'pgmeta' };
}

/** The Secrets pgmeta labelled for a cluster of this name, whoever owns them. */
export function orphanSecretRules(parent: KubeObject): RelatedResourceRule[] {
  const namespace = parent.metadata.namespace ?? 'default';
  return [
    {
      apiVersion: 'v1',
      resource: 'secrets',
      namespace,
      labelSelector: { matchLabels: selector(parent.metadata.name) },
    },
  ];
}

/** Related Secrets of a cluster of this name that no controller owns: the orphans, by name. */
export function orphanedSecrets(req: SyncRequest): Record<string, KubeObject> {
  const wanted = Object.entries(selector(req.parent.metadata.name));
  const orphans = listObjects(req.related, 'Secret', 'v1').filter(
    (s) =>
      wanted.every(([k, v]) => s.metadata.labels?.[k] === v) &&
      !(s.metadata.ownerReferences ?? []).some((r) => r.controller === true),
  );
  return Object.fromEntries(orphans.map((s) => [s.metadata.name, s]));
}
