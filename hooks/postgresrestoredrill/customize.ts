/**
 * The customize hook: the source PostgresCluster (its spec is the plan of the temporary cluster), its
 * Patroni `<source>-config` Endpoints (the system identifier the restored data must carry) and the
 * check Job's pods (their termination message is the result), all read-only. Derived from the object
 * alone, because Metacontroller caches the answer per generation.
 */
import type { CustomizeRequest, CustomizeResponse } from '../metacontroller/types.js';
import { CLUSTER_TYPE } from '../postgresbackup/cluster.js';
import { clusterNames } from '../postgrescluster/names.js';
import { DRILL_LABEL } from './names.js';
import { checkDrillObject } from './spec.js';

export function customizeDrill(req: CustomizeRequest): CustomizeResponse {
  const checked = checkDrillObject(req.parent);
  const namespace = req.parent.metadata.namespace;
  if (!checked.ok || namespace === undefined) return { relatedResources: [] };
  const source = checked.spec.clusterName;
  return {
    relatedResources: [
      { apiVersion: CLUSTER_TYPE.apiVersion, resource: CLUSTER_TYPE.resource, namespace, names: [source] },
      {
        apiVersion: 'v1',
        resource: 'endpoints',
        namespace,
        names: [clusterNames({ name: source }).patroni.config],
      },
      {
        apiVersion: 'v1',
        resource: 'pods',
        namespace,
        labelSelector: { matchLabels: { [DRILL_LABEL]: req.parent.metadata.name } },
      },
    ],
  };
}
