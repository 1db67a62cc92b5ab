/**
 * The PostgresCluster sync hook: parse → observe → validate → render → status.
 *
 * An invalid spec never changes or removes a child (docs/architecture.md rule 2): the children are rendered from
 * the last valid spec, which every StatefulSet carries in an annotation, and the errors go to status.
 */
import type { HookContext } from '../lib/context.js';
import type { KubeObject } from '../lib/k8s.js';
import { onlyObserved } from '../metacontroller/deletion.js';
import { HookError } from '../metacontroller/errors.js';
import type { DesiredState, SyncRequest } from '../metacontroller/types.js';
import { catalogChildren, guardChildren } from './backup/index.js';
import { holdPsqlJobs } from './children/psql-wait.js';
import { findConflicts, holdNewChildren } from './collisions/index.js';
import { applyDay2, planDay2, replicaDisruptionAllowed } from './day2/index.js';
import { refuseMajorUpgrade } from './day2/major.js';
import { keepImmutable } from './immutable.js';
import { lastValidSpec, observe } from './observe.js';
import { planFromLastValid, type Plan } from './plan.js';
import { renderChildren } from './render.js';
import { retainedVolumes, retainedVolumesCondition } from './retained.js';
import { canonicalSpecJson, checkParsedSpec } from './spec/index.js';
import { holdUnseededSecrets, standbySeeds } from './standby/credentials.js';
import { withLoggingDefault } from './spec/logging.js';
import { computeStatus } from './status/index.js';
import { certificateCa as certificateCaOf, holdUntilIssued } from './tls/ca.js';
import { chooseImages } from './images/policy.js';

/** The plan of this sync, with the images the cluster's update policy allows (images/policy.ts). */
export function planCluster(req: SyncRequest, ctx?: Pick<HookContext, 'images' | 'now'>): Plan {
  const plan = planSpec(req);
  if (!plan.cluster) return plan;
  const choice = chooseImages(plan.cluster, {
    observed: plan.observed,
    parent: req.parent,
    settings: ctx?.images,
    now: ctx?.now ?? '',
  });
  return { ...plan, cluster: choice.cluster, ...(choice.pending ? { imageUpdate: choice.pending } : {}) };
}

function planSpec(req: SyncRequest): Plan {
  const observed = observe(req);
  const previous = lastValidSpec(observed);
  // A new cluster's logging default, or the one it was created with (spec/logging.ts).
  const parent = withLoggingDefault(req.parent, previous);
  const check = refuseMajorUpgrade(checkParsedSpec(parent, previous), { previous, observed });
  if (check.ok)
    return { observed, cluster: check.resolved, specJson: canonicalSpecJson(check.spec), specErrors: [] };
  if (previous !== undefined) {
    return planFromLastValid(req.parent, previous, {
      observed,
      specErrors: check.errors,
      invalidMessage: 'the spec is invalid and so is the last valid spec on the StatefulSet',
    });
  }
  if (observed.childCount > 0) {
    // Children exist but we cannot tell what they were rendered from: answering with fewer would
    // delete them, so refuse and let Metacontroller retry while status cannot be written.
    throw new HookError(
      'Internal',
      'the spec is invalid and the StatefulSet has no last valid spec: keeping every child',
    );
  }
  return { observed, specErrors: check.errors };
}

/**
 * The children of a plan. `o.disruptionAllowed`: a drain may take one replica now (children/pdb.ts);
 * false (the default) unless the sync's day-2 plan says so.
 */
export function renderPlan(
  plan: Plan,
  ctx: HookContext,
  o: { disruptionAllowed?: boolean } = {},
): KubeObject[] {
  if (!plan.cluster || plan.specJson === undefined) return [];
  // Whether the issued certificate carries a CA; unknown until a new cluster's is issued (tls/ca.ts).
  const certificateCa = certificateCaOf(plan.cluster, plan.observed);
  // A standby's credential Secrets start from its source's passwords (standby/credentials.ts).
  const seeds = standbySeeds(plan.cluster, plan.observed.userSecrets ?? {});
  const rendered = renderChildren(plan.cluster, {
    operatorKey: ctx.operatorKey,
    observedSecrets: plan.observed.secrets,
    specJson: plan.specJson,
    certificateCa: certificateCa ?? false,
    primaryReady: o.disruptionAllowed ?? false,
    seedPasswords: seeds,
  });
  const children = holdUnseededSecrets(rendered, {
    cluster: plan.cluster,
    observedSecrets: plan.observed.secrets,
    seeds,
  });
  // A backup or restore whose Secrets are missing is never rolled out (backup/guard.ts).
  const guarded = guardChildren(
    children.map((c) => keepImmutable(c, plan.observed.statefulSet ?? plan.observed.orphanStatefulSet)),
    { cluster: plan.cluster, observed: plan.observed },
  );
  // The backup catalog's Jobs (backup/catalog.ts) follow what is observed, not only the spec.
  const catalog = catalogChildren(plan.cluster, plan.observed);
  // No psql Job before the cluster is bootstrapped: its deadline would run through a long restore.
  return holdPsqlJobs([...guarded, ...catalog], plan.observed, plan.cluster.standby !== undefined);
}

export function syncCluster(req: SyncRequest, ctx: HookContext): DesiredState {
  const plan = planCluster(req, ctx);
  // Day-2: the StatefulSet's size, operation Jobs, and a paused cluster's last rendered state.
  const day2 = planDay2(req, plan, ctx.operatorKey);
  // No members before a new cluster's certificate shows whether it carries a CA (tls/ca.ts).
  const ca = day2.render.cluster ? certificateCaOf(day2.render.cluster, day2.render.observed) : false;
  const disruptionAllowed = replicaDisruptionAllowed(day2);
  const rendered = holdUntilIssued(applyDay2(renderPlan(day2.render, ctx, { disruptionAllowed }), day2), ca);
  // Data of an earlier cluster without its credentials: nothing new, no member (retained.ts).
  const retained = day2.render.cluster ? retainedVolumes(req.parent, plan.observed) : undefined;
  const children = retained ? onlyObserved(req, rendered) : rendered;
  // Names held by objects that are not ours: nothing new is created (collisions/index.ts).
  const conflicts = findConflicts(req, children);
  const status = computeStatus({
    parent: req.parent,
    observed: plan.observed,
    cluster: day2.render.cluster,
    specErrors: plan.specErrors,
    finalizing: false,
    now: ctx.now,
    day2,
    conflicts,
    ...(plan.imageUpdate ? { imageUpdate: plan.imageUpdate } : {}),
    ...(retained ? { held: retainedVolumesCondition(retained, req.parent.metadata.name) } : {}),
  });
  return { status: { ...status }, children: holdNewChildren(req, children, conflicts) };
}
