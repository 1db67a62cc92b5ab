/**
 * How the emulated Metacontroller writes one desired child with `--apply-strategy=server-side-apply`,
 * the strategy the install runs (manifests/metacontroller/kustomization.yaml). Mirrors, in Metacontroller v4.17.2,
 * pkg/controller/common/manage_children.go `ServerSideApply.Apply`, `isCacheInvalid`,
 * `baseApply.claimOwnership` and `sanitizeForSSACompare` (table: ./UPSTREAM.md):
 *
 * - the controller reference of the parent is added to the desired object's ownerReferences, system
 *   metadata and status are dropped, and the result is hashed;
 * - an observed child is skipped while a per-child cache entry (keyed group/kind/namespace/name) still
 *   holds the same hash, uid and generation (resourceVersion when the object has no generation): so
 *   drift that bumps neither (a label edited on a StatefulSet) is NOT reverted until the desired
 *   object or the generation changes;
 * - OnDelete stores the observed state and writes nothing; Recreate dry-runs the apply and deletes
 *   only when it would change something; InPlace (and a child that is not observed) is a forced
 *   apply patch with field manager `metacontroller`;
 * - the forced apply of a child that is not observed is a create when the name is free and, when an
 *   object of that name already exists, an update of THAT object: the desired fields are forced over
 *   its own (other managers keep only the fields we do not set), our controller reference is added
 *   and it becomes this parent's child, deleted with it. The API server refuses the write only when
 *   the object already has another controller reference (one controller per object).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { sortedJson } from '../../../hooks/lib/canonical-json';
import { clone } from '../lib/json';
import { threeWayMerge } from '../lib/merge';
import { ApiError, type ApiStore } from '../lib/store';
import { METACONTROLLER } from './model';
import { ownerRef, refOf } from './objects';

/** `objectMetaSystemFields` of manage_children.go: never part of what is applied or hashed. */
const SYSTEM_FIELDS = [
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
];

interface CacheEntry {
  hash: string;
  generation: number;
  resourceVersion: string;
  uid: string;
}

export interface ApplyOperation {
  parent: KubeObject;
  desired: KubeObject;
  observed: KubeObject | undefined;
  method: string;
}

/** One apply, as a trace line and the problems it shows (see `ServerSideApplier.apply`). */
export interface ApplyEffects {
  trace(line: string): void;
  problem(line: string): void;
}

/** The server-side-apply strategy of one Metacontroller: its cache and the fields it manages. */
export class ServerSideApplier {
  private readonly cache = new Map<string, CacheEntry>();
  /** What field manager `metacontroller` last applied, per object uid: the fields it owns. */
  private readonly managed = new Map<string, KubeObject>();
  private readonly store: ApiStore;

  constructor(store: ApiStore) {
    this.store = store;
  }

  /** `deleteChildren` drops the cache entry of a child it deleted. */
  forget(child: KubeObject): void {
    this.cache.delete(cacheKey(child));
  }

  /** `ServerSideApply.Apply`. Throws ApiError for the caller to collect as a SyncError. */
  apply(op: ApplyOperation, fx: ApplyEffects): void {
    if (op.observed?.metadata.deletionTimestamp !== undefined) return;
    const desired = sanitized(claimOwnership(op.desired, op.parent));
    const hash = sortedJson(desired);
    const key = cacheKey(desired);
    if (op.observed) {
      if (!this.cacheInvalid(key, op.observed, hash)) return;
      switch (op.method) {
        case 'OnDelete':
          this.remember(key, hash, op.observed);
          return;
        case 'Recreate':
          this.recreate(key, hash, op, desired);
          return;
        case 'InPlace':
          break;
        default:
          fx.problem(
            `update strategy ${op.method} is not emulated (rolling strategies are not for databases)`,
          );
          return;
      }
    }
    const written = this.forcedApply(op.parent, desired, fx);
    this.remember(key, hash, written);
  }

  private cacheInvalid(key: string, observed: KubeObject, hash: string): boolean {
    const last = this.cache.get(key);
    if (!last || last.uid !== observed.metadata.uid || last.hash !== hash) return true;
    const generation = observed.metadata.generation ?? 0;
    if (generation === 0) return last.resourceVersion !== observed.metadata.resourceVersion;
    return last.generation !== generation;
  }

  private remember(key: string, hash: string, obj: KubeObject): void {
    this.cache.set(key, {
      hash,
      generation: obj.metadata.generation ?? 0,
      resourceVersion: obj.metadata.resourceVersion ?? '',
      uid: obj.metadata.uid ?? '',
    });
  }

  /** A server-side dry run first: the object is deleted (and created next sync) only if it would change. */
  private recreate(key: string, hash: string, op: ApplyOperation, desired: KubeObject): void {
    const observed = op.observed!;
    if (!this.store.wouldChange(this.merged(observed, desired))) {
      this.remember(key, hash, observed);
      return;
    }
    this.store.delete(refOf(observed), { actor: METACONTROLLER, uid: observed.metadata.uid ?? '' });
    this.cache.delete(key);
  }

  /** The apply patch (force: true): creates the object, or forces our fields over whatever has the name. */
  private forcedApply(parent: KubeObject, desired: KubeObject, fx: ApplyEffects): KubeObject {
    const live = this.store.get(refOf(desired));
    if (!live) {
      const created = this.store.create(desired, METACONTROLLER);
      this.managed.set(created.metadata.uid ?? '', clone(desired));
      return created;
    }
    const merged = this.merged(live, desired);
    const controllers = (merged.metadata.ownerReferences ?? []).filter((r) => r.controller === true);
    if (controllers.length > 1) {
      throw new ApiError(
        422,
        `${live.kind} ${live.metadata.namespace ?? ''}/${live.metadata.name}: only one ownerReference can be a controller`,
      );
    }
    const owned = (live.metadata.ownerReferences ?? []).some((r) => r.uid === parent.metadata.uid);
    if (!owned) {
      fx.trace(
        `server-side apply forced over existing ${live.kind}/${live.metadata.name} that this parent did not own: overwritten and adopted`,
      );
    }
    const written = this.store.wouldChange(merged) ? this.store.update(merged, METACONTROLLER) : live;
    this.managed.set(live.metadata.uid ?? '', clone(desired));
    return written;
  }

  /** Our fields forced over the live object; fields we applied before and no longer set are dropped. */
  private merged(live: KubeObject, desired: KubeObject): KubeObject {
    const merged = threeWayMerge(live, this.managed.get(live.metadata.uid ?? ''), desired) as KubeObject;
    const refs = [...(live.metadata.ownerReferences ?? [])];
    for (const r of desired.metadata.ownerReferences ?? []) {
      if (!refs.some((l) => l.uid === r.uid)) refs.push(r);
    }
    merged.metadata = { ...merged.metadata, ownerReferences: refs };
    return merged;
  }
}

/** `lastUpdateCacheKey`: group/kind/namespace/name. */
function cacheKey(obj: KubeObject): string {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  return `${group ?? ''}/${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/** `claimOwnership`: the parent's controller reference, unless one to the parent is there already. */
function claimOwnership(desired: KubeObject, parent: KubeObject): KubeObject {
  const refs = desired.metadata.ownerReferences ?? [];
  if (refs.some((r) => r.uid === parent.metadata.uid)) return desired;
  return { ...desired, metadata: { ...desired.metadata, ownerReferences: [...refs, ownerRef(parent)] } };
}

/** `sanitizeForSSACompare`: no system metadata, no status, no last-applied annotation. */
function sanitized(obj: KubeObject): KubeObject {
  const c = clone(obj);
  c.metadata = Object.fromEntries(
    Object.entries(c.metadata).filter(([k]) => !SYSTEM_FIELDS.includes(k)),
  ) as KubeObject['metadata'];
  delete c['status'];
  const annotations = c.metadata.annotations;
  if (annotations) delete annotations['metacontroller.k8s.io/last-applied-configuration'];
  return c;
}
