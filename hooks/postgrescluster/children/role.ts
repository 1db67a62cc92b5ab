/**
 * The Role of Patroni's Kubernetes DCS, and nothing more.
 *
 * In Endpoints mode Patroni keeps the leader lock and the cluster state in Endpoints (`<scope>`,
 * `-config`, `-sync`, `-failover`; ConfigMaps in ConfigMap mode, kept so the mode can be switched),
 * labels member pods with their role and status, and creates the `<scope>-config` Service so the
 * endpoints controller does not garbage-collect its Endpoints.
 * @see docs/contract.md (what Spilo does with each variable, with its upstream file and function)
 */
import type { V1Role } from '@kubernetes/client-node';
import type { Child } from '../../lib/k8s.js';
import { clusterNames, COMPONENTS } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { childMetadata } from './metadata.js';

/** Verbs are sorted so the object is byte-stable. */
export const PATRONI_RULES = [
  {
    apiGroups: [''],
    resources: ['configmaps', 'endpoints'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
  { apiGroups: [''], resources: ['services'], verbs: ['create'] },
] as const;

/** Patroni's Role. */
export function buildRole(cluster: ResolvedCluster): Child<V1Role> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: childMetadata(cluster, { name: clusterNames(cluster).role, component: COMPONENTS.rbac }),
    rules: PATRONI_RULES.map((r) => ({
      apiGroups: [...r.apiGroups],
      resources: [...r.resources],
      verbs: [...r.verbs],
    })),
  };
}
