/**
 * The Kubernetes garbage collector and the API server's deletion propagation, as far as scenarios
 * need them (test/lifecycle/metacontroller/UPSTREAM.md, section "Deletion and garbage collection").
 *
 * - A delete request with a propagation policy sets the GC's finalizers on the object first
 *   (../lib/deletion.ts).
 * - `orphan`: the collector removes the owner's reference from every dependent, then drops the
 *   finalizer (kubernetes pkg/controller/garbagecollector/garbagecollector.go, orphanDependents and
 *   attemptToOrphanWorker).
 * - `foregroundDeletion`: every dependent without another live owner is deleted (in foreground
 *   itself when it has dependents of its own), a dependent that has one only loses the reference;
 *   the finalizer goes once no dependent whose reference says `blockOwnerDeletion: true` is left,
 *   terminating ones included (attemptToDeleteItem, processDeletingDependentsItem).
 * - Background: an object all of whose owners are gone is deleted; an object being deleted is left
 *   alone unless it waits for its dependents (attemptToDeleteItem, classifyReferences).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, type PropagationPolicy } from '../lib/deletion';
import type { ApiStore } from '../lib/store';
import { refOf } from './objects';

export const GC_ACTOR = 'garbage-collector';
export { FOREGROUND_FINALIZER, ORPHAN_FINALIZER };

/** Whether the GC is orphaning or deleting the object's dependents (finalizer.go, hasGCFinalizer). */
export function hasGcFinalizer(obj: KubeObject): boolean {
  return (obj.metadata.finalizers ?? []).some((f) => f === ORPHAN_FINALIZER || f === FOREGROUND_FINALIZER);
}

/**
 * Metacontroller's hands-off rule (pkg/controller/common/finalizer/finalizer.go, ShouldFinalize, used
 * by composite/controller.go syncParentObject): the children of a parent being deleted are managed
 * only while its own finalizer is on and no GC finalizer is, so as not to fight the collector. The
 * finalize hook is still called, and `finalized: true` still removes the finalizer.
 */
export function shouldFinalize(parent: KubeObject, finalizer: string): boolean {
  return !hasGcFinalizer(parent) && (parent.metadata.finalizers ?? []).includes(finalizer);
}

type OwnerRef = NonNullable<KubeObject['metadata']['ownerReferences']>[number];

function dependentsOf(store: ApiStore, owner: KubeObject): KubeObject[] {
  const uid = owner.metadata.uid ?? '';
  return store.all().filter((o) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === uid));
}

function byUid(store: ApiStore): Map<string, KubeObject> {
  return new Map(store.all().map((o) => [o.metadata.uid ?? '', o]));
}

function waitsForDependents(o: KubeObject | undefined): boolean {
  return (
    o?.metadata.deletionTimestamp !== undefined &&
    (o.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER)
  );
}

/** classifyReferences: owners that are live, gone, or waiting for their dependents' deletion. */
function classify(refs: readonly OwnerRef[], objects: Map<string, KubeObject>) {
  const solid = refs.filter((r) => objects.has(r.uid) && !waitsForDependents(objects.get(r.uid)));
  const dangling = refs.filter((r) => !objects.has(r.uid));
  const waiting = refs.filter((r) => waitsForDependents(objects.get(r.uid)));
  return { solid, dangling, waiting };
}

function dropOwnerRefs(store: ApiStore, obj: KubeObject, uids: ReadonlySet<string>): void {
  const live = store.get(refOf(obj));
  if (!live) return;
  const next = (live.metadata.ownerReferences ?? []).filter((r) => !uids.has(r.uid));
  if (next.length > 0) live.metadata.ownerReferences = next;
  else delete live.metadata.ownerReferences;
  store.update(live, GC_ACTOR);
}

function dropFinalizer(store: ApiStore, obj: KubeObject, finalizer: string): void {
  const live = store.get(refOf(obj));
  if (!live) return;
  live.metadata.finalizers = (live.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  store.update(live, GC_ACTOR);
}

/** attemptToOrphanWorker: every dependent loses its reference, then `orphan` goes. */
function orphanPass(store: ApiStore): number {
  let n = 0;
  for (const owner of store.all()) {
    if (owner.metadata.deletionTimestamp === undefined) continue;
    if (!(owner.metadata.finalizers ?? []).includes(ORPHAN_FINALIZER)) continue;
    for (const dep of dependentsOf(store, owner))
      dropOwnerRefs(store, dep, new Set([owner.metadata.uid ?? '']));
    dropFinalizer(store, owner, ORPHAN_FINALIZER);
    n++;
  }
  return n;
}

/** attemptToDeleteItem for one dependent of an owner (or owners) that is gone or waiting. */
function deleteDependent(store: ApiStore, obj: KubeObject, objects: Map<string, KubeObject>): boolean {
  if (obj.metadata.deletionTimestamp !== undefined) return false;
  const refs = obj.metadata.ownerReferences ?? [];
  if (refs.length === 0) return false;
  const { solid, dangling, waiting } = classify(refs, objects);
  if (solid.length > 0) {
    if (dangling.length + waiting.length === 0) return false;
    dropOwnerRefs(store, obj, new Set([...dangling, ...waiting].map((r) => r.uid)));
    return true;
  }
  const hasDependents = dependentsOf(store, obj).length > 0;
  // Without an owner waiting on it, the object's own GC finalizer (if any) decides: no policy.
  const policy: { propagationPolicy?: PropagationPolicy } =
    waiting.length > 0 && hasDependents ? { propagationPolicy: 'Foreground' } : {};
  store.delete(refOf(obj), { actor: GC_ACTOR, uid: obj.metadata.uid ?? '', ...policy });
  return true;
}

/** processDeletingDependentsItem: delete the dependents; drop the finalizer once no blocking one is left. */
function foregroundPass(store: ApiStore): number {
  let n = 0;
  for (const owner of store.all()) {
    if (!waitsForDependents(owner)) continue;
    const deps = dependentsOf(store, owner);
    const objects = byUid(store);
    for (const dep of deps) if (deleteDependent(store, dep, objects)) n++;
    const uid = owner.metadata.uid ?? '';
    const blocking = dependentsOf(store, owner).filter((d) =>
      (d.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion === true),
    );
    if (blocking.length === 0) {
      dropFinalizer(store, owner, FOREGROUND_FINALIZER);
      n++;
    }
  }
  return n;
}

/**
 * One pass of the garbage collector: orphaning, foreground deletion, then every object whose owners
 * are all gone is deleted (background propagation, so its own dependents follow on a later pass).
 * Returns how many objects it changed.
 */
export function collectGarbage(store: ApiStore): number {
  let n = orphanPass(store) + foregroundPass(store);
  const objects = byUid(store);
  for (const obj of store.all()) {
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0 || obj.metadata.deletionTimestamp !== undefined) continue;
    // Only objects with no live owner at all; waiting owners are the foreground pass's business.
    if (refs.some((r) => objects.has(r.uid))) continue;
    store.delete(refOf(obj), { actor: GC_ACTOR });
    n++;
  }
  return n;
}
