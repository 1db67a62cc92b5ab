/**
 * What every finalize hook must respect about how its parent is being deleted.
 *
 * `kubectl delete --cascade=orphan` and `--cascade=foreground` put the garbage collector's finalizer
 * (`orphan`, `foregroundDeletion`) on the parent. While one is there Metacontroller calls finalize
 * but applies nothing it returns (finalizer.go ShouldFinalize: it does not fight the collector), and
 * the collector orphans or deletes the children. Once it is gone, Metacontroller manages children
 * again: orphans are no longer claimed (controller_ref_manager.go ClaimObject refuses orphans of a
 * parent being deleted), so they are missing from `children`, and with server-side apply any child
 * finalize returns is force-applied over the object of that name (manage_children.go
 * ServerSideApply.Apply). Hence the rule for every finalize answer: return only children that are
 * observed; a hook's own exception (a cleanup Job) must be one that is safe to create after the
 * collector deleted everything else.
 */
import type { KubeObject } from '../lib/k8s.js';
import type { SyncRequest } from './types.js';

/** metav1.FinalizerOrphanDependents and metav1.FinalizerDeleteDependents. */
export const GC_FINALIZERS = { orphan: 'orphan', foreground: 'foregroundDeletion' } as const;

/** How the garbage collector is handling the parent's children right now, if it is. */
export function gcDeletion(parent: KubeObject): 'orphan' | 'foreground' | undefined {
  const finalizers = parent.metadata.finalizers ?? [];
  if (finalizers.includes(GC_FINALIZERS.orphan)) return 'orphan';
  if (finalizers.includes(GC_FINALIZERS.foreground)) return 'foreground';
  return undefined;
}

/** The desired children that were observed in the request (same kind, apiVersion and name). */
export function onlyObserved(req: SyncRequest, desired: readonly KubeObject[]): KubeObject[] {
  const seen = new Set(
    Object.values(req.children)
      .flatMap((inner) => Object.values(inner))
      .map((o) => `${o.kind}.${o.apiVersion}/${o.metadata.name}`),
  );
  return desired.filter((c) => seen.has(`${c.kind}.${c.apiVersion}/${c.metadata.name}`));
}
