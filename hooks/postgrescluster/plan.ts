/**
 * What the children are rendered from this time (the `Plan`), and the one way to build it from the
 * StatefulSet's last valid spec: used when the spec is invalid (docs/architecture.md rule 2) and while the cluster
 * is paused.
 */
import type { KubeObject } from '../lib/k8s.js';
import type { PendingImageUpdate } from './images/policy.js';
import { HookError } from '../metacontroller/errors.js';
import type { ObservedCluster } from './observe.js';
import { canonicalSpecJson, checkParsedSpec, type FieldError } from './spec/index.js';
import type { ResolvedCluster } from './spec/resolved.js';

/** What the children are rendered from this time, and why. */
export interface Plan {
  observed: ObservedCluster;
  /** The cluster to render; undefined only when the spec is invalid and nothing exists yet. */
  cluster?: ResolvedCluster;
  specJson?: string;
  specErrors: FieldError[];
  /** New default images the cluster's policy holds back for now (images/policy.ts). */
  imageUpdate?: PendingImageUpdate;
}

/**
 * The plan of the last valid spec (`previous`, from the StatefulSet's annotation). That spec was
 * valid when it was stored, so failing now is an internal error, answered with `invalidMessage`.
 */
export function planFromLastValid(
  parent: KubeObject,
  previous: unknown,
  o: { observed: ObservedCluster; specErrors: FieldError[]; invalidMessage: string },
): Plan {
  // Its own previous: a stored spec without patroni.dcs keeps the DCS it ran with (spec/dcs.ts).
  const kept = checkParsedSpec({ ...parent, spec: previous }, previous);
  if (!kept.ok) throw new HookError('Internal', o.invalidMessage);
  return {
    observed: o.observed,
    cluster: kept.resolved,
    specJson: canonicalSpecJson(kept.spec),
    specErrors: o.specErrors,
  };
}
