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
