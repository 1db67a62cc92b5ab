/**
 * What the PostgresCluster hooks observe without owning (DESIGN rule 4): the member Pods, their
 * PVCs, Patroni's Endpoints, the Nodes the members run on, and any object that holds the name of one
 * of its children. Related objects are read-only, so Metacontroller can never adopt or delete them.
 * Rules depend on the parent only (Metacontroller caches them per generation).
 */
import type { HookContext } from '../lib/context.js';
import type { CustomizeRequest, CustomizeResponse } from '../metacontroller/types.js';
import { backupRelatedRules } from './backup/customize.js';
import { collisionRules } from './collisions/index.js';
import { nodeRules, storageClassRules } from './day2/customize.js';
import { clusterNames, podSelector } from './names.js';
import { orphanRules } from './orphans.js';
import { tlsRelatedRules } from './tls/customize.js';

export function customizeCluster(req: CustomizeRequest, ctx: HookContext): CustomizeResponse {
  const id = req.parent.metadata;
  const namespace = id.namespace ?? 'default';
  const names = clusterNames(id);
  return {
    relatedResources: [
      { apiVersion: 'v1', resource: 'pods', namespace, labelSelector: { matchLabels: podSelector(id) } },
      // PVCs made from volumeClaimTemplates carry the StatefulSet's selector labels.
      {
        apiVersion: 'v1',
        resource: 'persistentvolumeclaims',
        namespace,
        labelSelector: { matchLabels: podSelector(id) },
      },
      {
        apiVersion: 'v1',
        resource: 'endpoints',
        namespace,
        names: [names.patroni.leader, names.patroni.config, names.patroni.sync, names.patroni.failover],
      },
      // The volumes' StorageClass: may they grow?
      ...storageClassRules(req.parent),
      // The Nodes the members run on: a cordoned one makes the primary switch over (day2/drain.ts)
      ...nodeRules(req.parent),
      // Secrets named by spec.backup / spec.restore, and PostgresBackups (none without either)
      ...backupRelatedRules(req.parent),
      // The cert-manager Secret, so status can say whether it was issued (only with an issuer)
      ...tlsRelatedRules(req.parent),
      // The Secrets and StatefulSet of a cluster of this name, for one created over its orphans
      ...orphanRules(req.parent),
      // Objects that already hold the names of our children, so none is overwritten (collisions/)
      ...collisionRules(req.parent, ctx),
    ],
  };
}
