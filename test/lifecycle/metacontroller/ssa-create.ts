/**
 * Server-side apply's create path, as the install runs Metacontroller (`--apply-strategy=server-side-apply`):
 * a desired child that is not observed is written with a forced apply patch
 * (pkg/controller/common/manage_children.go, ServerSideApply.Apply with no observed object, and
 * baseApply.claimOwnership). No "create" is involved, so an object that already has that name is
 * not refused as it would be with dynamic apply (DynamicApply.Apply swallows AlreadyExists): the
 * patch is merged into it, forced over other field managers, and the parent's controller reference
 * is added to its ownerReferences (a list keyed by uid). Fields the same field manager applied
 * before and this patch no longer sets are removed (one field manager, `metacontroller`, for every
 * parent: pkg/cmd/metacontroller/main.go, apply-strategy-ssa-field-manager).
 *
 * The API server's own check still applies: an object can have only one controller reference, so
 * an object another controller owns is refused (422) rather than taken over.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { clone } from '../lib/json';
import { threeWayMerge } from '../lib/merge';
import { ApiError, type ApiStore } from '../lib/store';
import { METACONTROLLER } from './model';
import { ownerRef } from './objects';

/**
 * The object after a forced apply of `desired` (for `parent`) over `existing`, an object of the same
 * name this parent did not observe; `lastApplied` is what this field manager applied to it before.
 */
export function forcedApplyOver(
  store: ApiStore,
  o: { existing: KubeObject; desired: KubeObject; parent: KubeObject; lastApplied: KubeObject | undefined },
): KubeObject {
  const owner = ownerRef(o.parent);
  const refs = o.existing.metadata.ownerReferences ?? [];
  const otherController = refs.find((r) => r.controller === true && r.uid !== owner.uid);
  if (otherController) {
    throw new ApiError(
      422,
      `${o.existing.kind} ${o.existing.metadata.namespace ?? ''}/${o.existing.metadata.name}: ` +
        `only one reference can have controller set (owned by ${otherController.kind} ${otherController.name})`,
    );
  }
  const merged = threeWayMerge(o.existing, o.lastApplied, o.desired) as KubeObject;
  merged.metadata = {
    ...merged.metadata,
    ownerReferences: refs.some((r) => r.uid === owner.uid) ? refs : [...refs, owner],
  };
  return store.update(clone(merged), METACONTROLLER);
}
