/**
 * The ServiceAccount, Role and RoleBinding of a day-2 Job that calls the Kubernetes API.
 *
 * Least privilege: each operation gets its own account whose Role names the verbs and, wherever the
 * API allows it, the exact objects (`resourceNames`) it touches. The three objects are rendered only
 * while the operation's Job is, so no standing permission is left behind once it is done.
 */
import type { V1PolicyRule, V1Role, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import type { Child, Plain } from '../../lib/k8s.js';
import { childMetadata } from '../children/metadata.js';
import { COMPONENTS, operationName, type Operation } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';

export type PolicyRule = Plain<V1PolicyRule>;

/** A rule on named objects; verbs and names sorted so the Role is byte-stable. */
export function namedRule(o: {
  group: string;
  resource: string;
  verbs: readonly string[];
  names: readonly string[];
}): PolicyRule {
  return {
    apiGroups: [o.group],
    resources: [o.resource],
    resourceNames: [...o.names].sort(),
    verbs: [...o.verbs].sort(),
  };
}

/** ServiceAccount, Role and RoleBinding named `<cluster>-<operation>`. */
export function buildOperationRbac(
  cluster: ResolvedCluster,
  op: Operation,
  rules: readonly PolicyRule[],
): [Child<V1ServiceAccount>, Child<V1Role>, Child<V1RoleBinding>] {
  const name = operationName(cluster, op);
  const metadata = () => childMetadata(cluster, { name, component: COMPONENTS.operations });
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata() },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: metadata(), rules: [...rules] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata(),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: cluster.namespace }],
    },
  ];
}
