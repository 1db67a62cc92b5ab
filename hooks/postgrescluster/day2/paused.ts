/**
 * `spec.paused`: the hook keeps every child as it is. The children are rendered from the last valid
 * spec stored on the StatefulSet (what they were last rendered from), the StatefulSet keeps its
 * observed size, and the day-2 Jobs and their accounts are returned as observed, so nothing is
 * created, changed or deleted. Status still follows the observed state.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { HookError } from '../../metacontroller/errors.js';
import type { SyncRequest } from '../../metacontroller/types.js';
import { ANNOTATIONS, COMPONENTS, LABELS } from '../names.js';
import { lastValidSpec } from '../observe.js';
import { planFromLastValid, type Plan } from '../plan.js';

/** Whether the parent asks to be paused, whatever else its spec says. */
export function pauseRequested(parent: KubeObject): boolean {
  const spec = parent['spec'] as { paused?: unknown } | undefined;
  return spec?.paused === true;
}

/** The plan the children of a paused cluster are rendered from. */
export function pausedPlan(req: SyncRequest, plan: Plan): Plan {
  const previous = lastValidSpec(plan.observed);
  if (previous === undefined) {
    if (plan.observed.childCount === 0) return { observed: plan.observed, specErrors: plan.specErrors };
    throw new HookError(
      'Internal',
      'paused, and the StatefulSet has no last valid spec: keeping every child',
    );
  }
  return planFromLastValid(req.parent, previous, {
    observed: plan.observed,
    specErrors: plan.specErrors,
    invalidMessage: 'paused, and the last valid spec on the StatefulSet is invalid',
  });
}

const SERVER_ANNOTATIONS = ['metacontroller.k8s.io/last-applied-configuration'];

/** An observed object as we would return it: our fields only, without server metadata and status. */
export function asDesired(obj: KubeObject): KubeObject {
  const { status: _status, metadata, ...rest } = obj;
  const annotations = Object.fromEntries(
    Object.entries(metadata.annotations ?? {}).filter(([k]) => !SERVER_ANNOTATIONS.includes(k)),
  );
  return {
    ...rest,
    metadata: {
      name: metadata.name,
      ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }),
      ...(metadata.labels === undefined ? {} : { labels: metadata.labels }),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
  };
}

/** Observed day-2 children (operation Jobs, their accounts): kept verbatim while paused. */
export function observedOperationChildren(req: SyncRequest): KubeObject[] {
  return Object.values(req.children)
    .flatMap((inner) => Object.values(inner))
    .filter(
      (o) =>
        o.metadata.annotations?.[ANNOTATIONS.operation] !== undefined ||
        o.metadata.labels?.[LABELS.component] === COMPONENTS.operations,
    )
    .map(asDesired);
}

/**
 * The desired StatefulSet with the observed one's size and volume retention (a held scale-down or a
 * stop), so a paused cluster neither scales nor changes what a scale would do to its volumes.
 */
export function withObservedSize(sts: KubeObject, observed: KubeObject | undefined): KubeObject {
  const seen = (observed?.['spec'] ?? {}) as {
    replicas?: unknown;
    persistentVolumeClaimRetentionPolicy?: unknown;
  };
  const spec = { ...(sts['spec'] as Record<string, unknown>) };
  if (typeof seen.replicas === 'number') spec['replicas'] = seen.replicas;
  if (
    typeof seen.persistentVolumeClaimRetentionPolicy === 'object' &&
    seen.persistentVolumeClaimRetentionPolicy !== null
  )
    spec['persistentVolumeClaimRetentionPolicy'] = seen.persistentVolumeClaimRetentionPolicy;
  return { ...sts, spec };
}
