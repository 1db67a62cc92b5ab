/**
 * The PostgresCluster finalize hook: stop every member cleanly, remove what Patroni left behind
 * (day2/cleanup.ts), then let Metacontroller remove the finalizer. The garbage collector then deletes
 * the children; the PVCs follow `storage.retentionPolicy.whenDeleted` through the StatefulSet's own
 * retention policy.
 */
import type { HookContext } from '../lib/context.js';
import type { KubeObject } from '../lib/k8s.js';
import type { DesiredState, SyncRequest } from '../metacontroller/types.js';
import { cleanupChildren, remainingEndpoints } from './day2/cleanup.js';
import { planCluster, renderPlan } from './sync.js';
import { computeStatus } from './status/index.js';

/** Poll while pods stop: their deletion is observed anyway, this only bounds a missed event. */
const WAIT_SECONDS = 10;

export function finalizeCluster(req: SyncRequest, ctx: HookContext): DesiredState {
  const plan = planCluster(req);
  const children = renderPlan(plan, ctx).map((c) => (c.kind === 'StatefulSet' ? stopped(c) : c));
  const podsGone = plan.observed.members.length === 0 && stsAtZero(plan.observed.statefulSet);
  // Patroni's Endpoints are deleted only once no member can write them again.
  const leftovers = plan.cluster ? remainingEndpoints(req) : [];
  const cleanup = podsGone && plan.cluster && leftovers.length > 0 ? cleanupChildren(plan.cluster) : [];
  const finalized = podsGone && leftovers.length === 0;
  const status = computeStatus({
    parent: req.parent,
    observed: plan.observed,
    cluster: plan.cluster,
    specErrors: plan.specErrors,
    finalizing: true,
    now: ctx.now,
  });
  return {
    status: { ...status },
    children: [...children, ...cleanup],
    finalized,
    ...(finalized ? {} : { resyncAfterSeconds: WAIT_SECONDS }),
  };
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
