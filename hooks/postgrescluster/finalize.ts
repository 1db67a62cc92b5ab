/**
 * The PostgresCluster finalize hook. How a cluster goes depends on how it was deleted (docs/day2.md,
 * "Deleting a cluster"; the rule every finalize follows is in ../metacontroller/deletion.ts):
 *
 * - default (background): stop every member cleanly (the StatefulSet at zero), remove what Patroni
 *   left behind (day2/cleanup.ts), then let Metacontroller remove the finalizer; the garbage
 *   collector then deletes the children, and the PVCs follow `storage.retentionPolicy.whenDeleted`
 *   through the StatefulSet's own retention policy.
 * - `--cascade=orphan`: hands off. The collector removes the cluster's ownerReferences from every
 *   child; nothing is stopped or deleted, and the finalizer is released at once. After the collector
 *   is done the orphans are no longer observed children, but the ownerless StatefulSet is seen
 *   (related, orphans.ts) and the members still run: that is an orphaned cluster too.
 * - `--cascade=foreground`: hands off while the collector deletes the children (the StatefulSet's
 *   pods first, all at once, each shutting down gracefully); once it is done, the cleanup Job runs
 *   and the finalizer goes.
 *
 * Only observed children are ever returned: anything else would be created again, and with
 * server-side apply forced over an orphan of the same name. The one exception is the cleanup Job
 * and its account, once no member runs.
 */
import type { HookContext } from '../lib/context.js';
import type { KubeObject } from '../lib/k8s.js';
import { gcDeletion, onlyObserved } from '../metacontroller/deletion.js';
import type { DesiredState, SyncRequest } from '../metacontroller/types.js';
import { cleanupChildren, remainingEndpoints } from './day2/cleanup.js';
import type { ObservedCluster } from './observe.js';
import type { Plan } from './plan.js';
import { planCluster, renderPlan } from './sync.js';
import { computeStatus } from './status/index.js';

/** Poll while pods stop: their deletion is observed anyway, this only bounds a missed event. */
const WAIT_SECONDS = 10;

export function finalizeCluster(req: SyncRequest, ctx: HookContext): DesiredState {
  const plan = planCluster(req, ctx);
  const status = computeStatus({
    parent: req.parent,
    observed: plan.observed,
    cluster: plan.cluster,
    specErrors: plan.specErrors,
    finalizing: true,
    now: ctx.now,
  });
  const rendered = renderPlan(plan, ctx);
  const mode = gcDeletion(req.parent);
  const children = onlyObserved(req, rendered).map((c) => (c.kind === 'StatefulSet' ? stopped(c) : c));
  if (mode === 'foreground') {
    return { status: { ...status }, children, finalized: false, resyncAfterSeconds: WAIT_SECONDS };
  }
  if (mode === 'orphan' || orphaned(plan.observed)) {
    // Not applied while `orphan` is on; returned unchanged so that nothing would change if it were.
    return { status: { ...status }, children: onlyObserved(req, rendered), finalized: true };
  }
  const { cleanup, finalized } = cleanupOnceStopped(req, plan);
  return {
    status: { ...status },
    children: [...children, ...cleanup],
    finalized,
    ...(finalized ? {} : { resyncAfterSeconds: WAIT_SECONDS }),
  };
}

/**
 * Once no member runs, the cleanup Job (the one child finalize may create) removes Patroni's
 * Endpoints or ConfigMaps; they are deleted only then, as no member can write them again. Done when none is left.
 */
function cleanupOnceStopped(req: SyncRequest, plan: Plan): { cleanup: KubeObject[]; finalized: boolean } {
  const podsGone = plan.observed.members.length === 0 && stsAtZero(plan.observed.statefulSet);
  const leftovers = plan.cluster ? remainingEndpoints(req, plan.cluster) : [];
  const cleanup = podsGone && plan.cluster && leftovers.length > 0 ? cleanupChildren(plan.cluster) : [];
  return { cleanup, finalized: podsGone && leftovers.length === 0 };
}

/**
 * The StatefulSet is not (any more) this cluster's child but exists ownerless (orphans.ts), or
 * members still run: the garbage collector orphaned it. A cluster being deleted normally keeps its
 * StatefulSet until it is gone, and in a foreground deletion its pods are deleted (terminating)
 * before it.
 */
function orphaned(observed: ObservedCluster): boolean {
  if (observed.statefulSet !== undefined) return false;
  return observed.orphanStatefulSet !== undefined || observed.members.some((m) => !m.terminating);
}

/**
 * The StatefulSet scaled to zero. Scaling to zero must not delete volumes the user keeps on deletion,
 * so `whenScaled` becomes Retain: only `whenDeleted` decides, when the StatefulSet itself goes.
 */
export function stopped(sts: KubeObject): KubeObject {
  const spec = (sts['spec'] ?? {}) as Record<string, unknown>;
  const policy = (spec['persistentVolumeClaimRetentionPolicy'] ?? {}) as Record<string, unknown>;
  return {
    ...sts,
    spec: { ...spec, replicas: 0, persistentVolumeClaimRetentionPolicy: { ...policy, whenScaled: 'Retain' } },
  };
}

/** No StatefulSet left, or one whose controller has seen replicas 0 and runs no pod. */
function stsAtZero(sts: KubeObject | undefined): boolean {
  if (!sts) return true;
  const spec = (sts['spec'] ?? {}) as { replicas?: number };
  const status = (sts['status'] ?? {}) as { replicas?: number };
  return spec.replicas === 0 && (status.replicas ?? 0) === 0;
}
