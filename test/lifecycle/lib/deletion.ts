/**
 * What the API server does with a delete request's propagation policy: it puts the garbage
 * collector's finalizer on the object before anything else (k8s.io/apiserver
 * pkg/registry/generic/registry/store.go, deletionFinalizersForGarbageCollection). The collector's
 * side is ../metacontroller/gc.ts.
 */

/** metav1.FinalizerOrphanDependents */
export const ORPHAN_FINALIZER = 'orphan';
/** metav1.FinalizerDeleteDependents */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export type PropagationPolicy = 'Orphan' | 'Foreground' | 'Background';

/**
 * The finalizers a delete request leaves on the object: the collector's two are replaced by the one
 * the policy asks for; without a policy the object's own GC finalizer stands.
 */
export function deletionFinalizers(finalizers: readonly string[], policy?: PropagationPolicy): string[] {
  if (policy === undefined) return [...finalizers];
  const kept = finalizers.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (policy === 'Orphan') return [...kept, ORPHAN_FINALIZER];
  if (policy === 'Foreground') return [...kept, FOREGROUND_FINALIZER];
  return kept;
}
