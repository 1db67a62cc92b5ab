/**
 * The customize hook: the PostgresCluster named in `clusterRef` (by name) and the pods of the backup
 * Job (by the label job.ts puts on them), read-only. Derived from the object alone, because
 * Metacontroller caches the answer per generation.
 */
import type { CustomizeRequest, CustomizeResponse } from '../metacontroller/types.js';
import { CLUSTER_TYPE } from './cluster.js';
import { BACKUP_LABEL } from './names.js';
import { checkBackupObject } from './spec.js';

export function customizeBackup(req: CustomizeRequest): CustomizeResponse {
  const checked = checkBackupObject(req.parent);
  const namespace = req.parent.metadata.namespace;
  if (!checked.ok || namespace === undefined) return { relatedResources: [] };
  return {
    relatedResources: [
      {
        apiVersion: CLUSTER_TYPE.apiVersion,
        resource: CLUSTER_TYPE.resource,
        namespace,
        names: [checked.clusterName],
      },
      {
        apiVersion: 'v1',
        resource: 'pods',
        namespace,
        labelSelector: { matchLabels: { [BACKUP_LABEL]: req.parent.metadata.name } },
      },
    ],
  };
}
