/**
 * The customize hook: observe the PostgresCluster named in `clusterRef` and its superuser Secret,
 * by name and read-only, and this resource's own role Secrets by their `controller-uid` label. Derived from the spec alone, because Metacontroller caches the answer per
 * parent generation.
 */
import { ownChildrenRule } from '../metacontroller/deletion.js';
import type { CustomizeRequest, CustomizeResponse } from '../metacontroller/types.js';
import { relatedRules } from './cluster.js';

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function customizeDatabase(req: CustomizeRequest): CustomizeResponse {
  const spec = req.parent['spec'] as { clusterRef?: { name?: unknown } } | undefined;
  const name = spec?.clusterRef?.name;
  const namespace = req.parent.metadata.namespace;
  // A spec the CRD should have refused names no cluster: nothing to observe (sync reports the error).
  // Its own role Secrets, even once orphaned: finalize must see a `--cascade=orphan` deletion.
  const own = ownChildrenRule(req.parent, { apiVersion: 'v1', resource: 'secrets' });
  if (typeof name !== 'string' || !DNS_1035.test(name) || name.length > 40 || namespace === undefined) {
    return { relatedResources: own };
  }
  return { relatedResources: [...relatedRules(name, namespace), ...own] };
}
