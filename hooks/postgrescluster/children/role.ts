/**
 * The Role of Patroni's Kubernetes DCS: the calls Patroni v4.0.4 makes in Endpoints mode, and nothing
 * more (patroni/dcs/kubernetes.py; docs/security.md, "RBAC").
 *
 * - Endpoints: listed and watched by label (`Kubernetes.__init__`, the `ObjectCache` of "kinds");
 *   created when missing and patched (`Kubernetes._patch_or_create`) and the leader read back after a
 *   conflict (`_update_leader_with_retry`). Only four names: the leader `<scope>`, `-config`, `-sync`
 *   and `-failover`.
 * - Pods: listed and watched by label (the `ObjectCache` of pods); each member patches its own pod's
 *   role label and `status` annotation (`Kubernetes.touch_member`), so only the member pods' names.
 * - Services: `create`, for the `<scope>-config` Service that keeps the endpoints controller from
 *   deleting `<scope>-config` (`Kubernetes._create_config_service`).
 *
 * `list`, `watch` and `create` cannot be limited by name: the authorizer sees no name in a collection
 * request, nor in a create (the name is in the body). Label selectors cannot be expressed in RBAC.
 * In ConfigMaps mode (`spec.patroni.dcs: configmaps`, `KUBERNETES_USE_CONFIGMAPS`) the same calls go
 * to ConfigMaps (`CoreV1ApiProxy.__getattr__` maps every `*_kind` call to the Endpoints or the ConfigMap
 * one), the leader is `<scope>-leader` (`Kubernetes.leader_path`), and nothing touches Endpoints or
 * Services: `_should_create_config_service` is only set with `use_endpoints`.
 * Not granted: the other DCS kind, `update` (Patroni only
 * patches), `delete`/`deletecollection` (only `patronictl remove` calls `Kubernetes.delete_cluster`;
 * the cleanup Job deletes Patroni's objects by name with its own account), and the `kubernetes`
 * Endpoints of `default` (`KUBERNETES_BYPASS_API_SERVICE=false`, spilo/env.ts). Spilo's
 * `callback_role.py`, which would patch pods and Endpoints itself, is not configured: Spilo sets it up
 * only without `DCS_ENABLE_KUBERNETES_API` (configure_spilo.py), which pgmeta sets.
 */
import type { V1Role } from '@kubernetes/client-node';
import type { Child } from '../../lib/k8s.js';
import { clusterNames, COMPONENTS, patroniObjects, podName } from '../names.js';
import type { ClusterIdentity, ResolvedCluster } from '../spec/resolved.js';
import { childMetadata } from './metadata.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

/**
 * Patroni's rules for a cluster of `members` pods (ordinals 0 to members - 1). Verbs and Endpoints
 * names are sorted, pod names in ordinal order, so the object is byte-stable.
 */
export function patroniRules(
  id: Pick<ClusterIdentity, 'name'>,
  members: number,
  dcs: ResolvedCluster['patroni']['dcs'] = 'endpoints',
): Rule[] {
  const p = patroniObjects(id, dcs);
  const pods = Array.from({ length: members }, (_, i) => podName(id, i));
  return [
    { apiGroups: [''], resources: [p.resource], verbs: ['create', 'list', 'watch'] },
    // Only the leader is ever read back by name.
    { apiGroups: [''], resources: [p.resource], resourceNames: [p.leader], verbs: ['get', 'patch'] },
    {
      apiGroups: [''],
      resources: [p.resource],
      resourceNames: [p.config, p.failover, p.sync].sort(),
      verbs: ['patch'],
    },
    { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
    { apiGroups: [''], resources: ['pods'], resourceNames: pods, verbs: ['patch'] },
    // The `<scope>-config` Service that keeps the endpoints controller off `<scope>-config`.
    ...(dcs === 'endpoints' ? [{ apiGroups: [''], resources: ['services'], verbs: ['create'] }] : []),
  ];
}

/**
 * Patroni's Role. `members` is how many member pods may exist: the spec's replicas by default, more
 * while a scale-down waits or the StatefulSet still shrinks (day2/index.ts `applyDay2`).
 */
export function buildRole(cluster: ResolvedCluster, members = cluster.replicas): Child<V1Role> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: childMetadata(cluster, { name: clusterNames(cluster).role, component: COMPONENTS.rbac }),
    rules: patroniRules(cluster, Math.max(members, cluster.replicas), cluster.patroni.dcs),
  };
}
