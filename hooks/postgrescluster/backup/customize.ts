/**
 * Related objects of a cluster's backup configuration, read-only: the user Secrets it names (so a
 * missing Secret or key is reported, and never rolled out, see guard.ts) and, when backups are
 * configured, the cluster's own PostgresBackups (for the last on-demand backup in status), selected
 * by the label `pgmeta.io/cluster: <cluster>`, and the pods of the catalog Jobs (whose termination
 * messages carry the catalog). Without a selector every sync request of every cluster carried every
 * PostgresBackup of the namespace (growing without bound as backups pile up, toward the body limit)
 * and each backup's status change synced every cluster there (Metacontroller v4.17.2
 * customize/manager.go `GetRelatedObjects`, `findRelatedParents`). Derived from the parent's spec
 * only: Metacontroller caches customize answers per generation.
 */
import type { KubeObject } from '../../lib/k8s.js';
import type { RelatedResourceRule } from '../../metacontroller/types.js';
import { CLUSTER_LABEL, COMPONENTS, LABELS } from '../names.js';
import { referencedSecretNames } from './secrets.js';

export const POSTGRES_BACKUP_TYPE = {
  kind: 'PostgresBackup',
  apiVersion: 'pgmeta.io/v1alpha1',
  resource: 'postgresbackups',
} as const;

/** The related-object rules of backups and restores; none for a cluster without either. */
export function backupRelatedRules(parent: KubeObject): RelatedResourceRule[] {
  const namespace = parent.metadata.namespace ?? 'default';
  const spec = parent['spec'] as { backup?: unknown } | undefined;
  const secrets = referencedSecretNames(spec);
  const hasBackup = typeof spec?.backup === 'object' && spec.backup !== null;
  return [
    ...(secrets.length > 0 ? [{ apiVersion: 'v1', resource: 'secrets', namespace, names: secrets }] : []),
    ...(hasBackup
      ? [
          {
            apiVersion: POSTGRES_BACKUP_TYPE.apiVersion,
            resource: POSTGRES_BACKUP_TYPE.resource,
            namespace,
            labelSelector: { matchLabels: { [CLUSTER_LABEL]: parent.metadata.name } },
          },
          // The catalog Jobs' pods: their termination messages are the catalog (catalog.ts).
          {
            apiVersion: 'v1',
            resource: 'pods',
            namespace,
            labelSelector: {
              matchLabels: {
                [CLUSTER_LABEL]: parent.metadata.name,
                [LABELS.component]: COMPONENTS.backupCatalog,
              },
            },
          },
        ]
      : []),
  ];
}
