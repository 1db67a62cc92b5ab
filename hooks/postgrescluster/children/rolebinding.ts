/** Binds Patroni's Role to the ServiceAccount of the database pods. */
import type { V1RoleBinding } from '@kubernetes/client-node';
import type { Child } from '../../lib/k8s.js';
import { clusterNames, COMPONENTS } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { childMetadata } from './metadata.js';

/** Patroni's RoleBinding. `roleRef` is immutable in the API, so it never depends on the spec. */
export function buildRoleBinding(cluster: ResolvedCluster): Child<V1RoleBinding> {
  const names = clusterNames(cluster);
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: childMetadata(cluster, { name: names.roleBinding, component: COMPONENTS.rbac }),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.role },
    subjects: [{ kind: 'ServiceAccount', name: names.serviceAccount, namespace: cluster.namespace }],
  };
}
