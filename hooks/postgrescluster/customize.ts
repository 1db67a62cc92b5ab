/**
 * What the PostgresCluster hooks observe without owning (docs/architecture.md rule 4): the member Pods, their
 * PVCs, Patroni's Endpoints or ConfigMaps, the Nodes the members run on, and any object that holds
 * the name of one of its children. Related objects are read-only, so Metacontroller can never adopt or
 * delete them. Rules depend on the parent only (Metacontroller caches them per generation).
 */
import type { HookContext } from '../lib/context.js';
import type { CustomizeRequest, CustomizeResponse } from '../metacontroller/types.js';
import { backupRelatedRules } from './backup/customize.js';
import { collisionRules } from './collisions/index.js';
import { nodeRules, storageClassRules } from './day2/customize.js';
import { patroniObjects, podSelector } from './names.js';
import { orphanRules } from './orphans.js';
import { tlsRelatedRules } from './tls/customize.js';

export function customizeCluster(req: CustomizeRequest, ctx: HookContext): CustomizeResponse {
  const id = req.parent.metadata;
  const namespace = id.namespace ?? 'default';
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
      // Patroni's objects in either DCS mode: the parent alone does not say which one a cluster was
      // created with (spec/dcs.ts), the StatefulSet's last valid spec does (observe.ts patroniObject).
      ...(['endpoints', 'configmaps'] as const).map((dcs) => {
        const p = patroniObjects(id, dcs);
        return {
          apiVersion: 'v1',
          resource: p.resource,
          namespace,
          names: [p.leader, p.config, p.sync, p.failover],
        };
      }),
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
