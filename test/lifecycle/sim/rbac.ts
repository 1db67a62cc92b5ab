/**
 * The RBAC authorizer for what a Job's pod does through the Kubernetes API: its ServiceAccount, the
 * RoleBindings in its namespace that name it, their Roles' rules (apiGroups, resources, verbs,
 * resourceNames). A pod without a mounted token has no identity at all.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { ApiStore } from '../lib/store';

export interface Access {
  namespace: string;
  group: string;
  resource: string;
  verb: string;
  name: string;
}

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}

const has = (list: string[] | undefined, v: string): boolean =>
  (list ?? []).some((x) => x === '*' || x === v);

/** The ServiceAccount a pod of this Job authenticates as, or undefined when it has no token. */
export function jobIdentity(job: KubeObject): string | undefined {
  const spec =
    (job['spec'] as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec ?? {};
  if (spec['automountServiceAccountToken'] === false) return undefined;
  return typeof spec['serviceAccountName'] === 'string' ? spec['serviceAccountName'] : 'default';
}

export function authorized(store: ApiStore, serviceAccount: string, a: Access): boolean {
  const bindings = store
    .list('RoleBinding', a.namespace)
    .filter((b) =>
      ((b['subjects'] ?? []) as { kind: string; name: string; namespace?: string }[]).some(
        (s) =>
          s.kind === 'ServiceAccount' &&
          s.name === serviceAccount &&
          (s.namespace ?? a.namespace) === a.namespace,
      ),
    );
  for (const b of bindings) {
    const ref = b['roleRef'] as { kind: string; name: string };
    if (ref.kind !== 'Role') continue;
    const role = store.get({ kind: 'Role', namespace: a.namespace, name: ref.name });
    const rules = (role?.['rules'] ?? []) as Rule[];
    const allows = rules.some(
      (r) =>
        has(r.apiGroups, a.group) &&
        has(r.resources, a.resource) &&
        has(r.verbs, a.verb) &&
        (r.resourceNames === undefined || r.resourceNames.length === 0 || r.resourceNames.includes(a.name)),
    );
    if (allows) return true;
  }
  return false;
}
