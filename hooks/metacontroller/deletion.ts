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
import { listObjects } from './children.js';
import type { RelatedResourceRule, SyncRequest } from './types.js';

/** metav1.FinalizerOrphanDependents and metav1.FinalizerDeleteDependents. */
export const GC_FINALIZERS = { orphan: 'orphan', foreground: 'foregroundDeletion' } as const;

/** How the garbage collector is handling the parent's children right now, if it is. */
export function gcDeletion(parent: KubeObject): 'orphan' | 'foreground' | undefined {
  // Stryker disable next-line ArrayDeclaration: the fallback only matters if it named a GC finalizer
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

/** The label Metacontroller's generated selector puts on every child (`generateSelector: true`). */
const CONTROLLER_UID = 'controller-uid';

/**
 * A related-object rule for the parent's own children of one resource, whoever owns them now: the
 * garbage collector removes ownerReferences when it orphans, never labels, so an orphan still carries
 * `controller-uid=<parent uid>`. Only for controllers with `generateSelector: true`.
 */
export function ownChildrenRule(
  parent: KubeObject,
  type: { apiVersion: string; resource: string },
): RelatedResourceRule[] {
  const { uid, namespace } = parent.metadata;
  if (uid === undefined || namespace === undefined) return [];
  return [{ ...type, namespace, labelSelector: { matchLabels: { [CONTROLLER_UID]: uid } } }];
}

/** Related objects (see ownChildrenRule) that carry the parent's label but no reference to it: orphans. */
export function orphanedChildren(req: SyncRequest, type: { kind: string; apiVersion: string }): KubeObject[] {
  const uid = req.parent.metadata.uid;
  if (uid === undefined) return [];
  return listObjects(req.related, type.kind, type.apiVersion).filter(
    (o) =>
      o.metadata.labels?.[CONTROLLER_UID] === uid &&
      // Stryker disable next-line ArrayDeclaration: no fallback item can carry the parent's uid
      !(o.metadata.ownerReferences ?? []).some((r) => r.uid === uid),
  );
}
