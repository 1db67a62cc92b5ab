/**
 * Related objects the day-2 operations read: the StorageClass of the volumes, to refuse a growth
 * its class cannot carry out. StorageClasses are cluster-scoped, which hook v2 customize rules
 * allow. With `storage.storageClass` the rule names it; without, the volumes use the cluster's
 * default class, whose name only its annotation tells, so every class is observed (a cluster has few).
 */
import type { KubeObject } from '../../lib/k8s.js';
import type { RelatedResourceRule } from '../../metacontroller/types.js';

/** The StorageClass rule of a cluster (from its spec only: customize answers are cached per generation). */
export function storageClassRules(parent: KubeObject): RelatedResourceRule[] {
  const cls = (parent['spec'] as { storage?: { storageClass?: unknown } } | undefined)?.storage?.storageClass;
  const target = { apiVersion: 'storage.k8s.io/v1', resource: 'storageclasses' };
  return [
    typeof cls === 'string' && cls !== '' ? { ...target, names: [cls] } : { ...target, labelSelector: {} },
  ];
}

/**
 * The Nodes the members run on, by name, as the parent's last status lists them (`status.nodes`), so
 * a drain (`kubectl drain` cordons the node first) wakes this cluster, and only this cluster: a rule
 * that selected every Node would sync every cluster on every status report of every node, so the syncs
 * would grow with the nodes times the clusters. No rule without names (`names: []` would mean every
 * Node). Metacontroller keeps a customize answer per (uid, generation) for up to 20 minutes
 * (v4.17.2 pkg/controller/common/customize/manager.go `newResponseCache`, `getCustomizeHookResponse`):
 * a member that moved to another node is watched there once that answer expires (docs/operations.md).
 */
export function nodeRules(parent: KubeObject): RelatedResourceRule[] {
  const listed = (parent['status'] as { nodes?: unknown } | undefined)?.nodes;
  const names = Array.isArray(listed)
    ? listed.filter((n): n is string => typeof n === 'string' && n !== '')
    : [];
  return names.length === 0
    ? []
    : [{ apiVersion: 'v1', resource: 'nodes', names: [...new Set(names)].sort() }];
}
