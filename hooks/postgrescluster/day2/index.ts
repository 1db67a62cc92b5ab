/**
 * Day-2 operations on a running cluster, planned from one request: what the StatefulSet's size is
 * this sync, which operation Jobs run (parameters, switchover, rollout, resize), and what a paused or
 * stopped cluster keeps.
 *
 * Disruptive operations (those that take a member down or move the primary) run one at a time, so
 * the cluster never loses more than one member to pgmeta: an operation whose Job runs is kept, and a
 * new one starts only when none runs, the first in this order: a switchover a scale-down needs, a
 * switchover away from a cordoned node (drain.ts), a requested switchover, parameters, a rollout. A Job that exists is always kept until its operation
 * no longer applies, so no Job is ever deleted while it runs because another one became due.
 * Beyond that, an operation Job that still runs is never dropped, whatever this sync observes
 * (`runningJobsKept`): a moment without a ready primary, a StatefulSet not observed, a request
 * withdrawn. Metacontroller deletes every child an answer leaves out, and a Job cut off mid-run
 * (a switchover between demote and promote, a restart half done) is worse than one left to finish.
 */
import type { KubeObject } from '../../lib/k8s.js';
import type { SyncRequest } from '../../metacontroller/types.js';
import { stopped } from '../finalize.js';
import { buildRole } from '../children/role.js';
import { ANNOTATIONS, clusterNames, type Operation } from '../names.js';
import type { Plan } from '../plan.js';
import { lastValidSpec } from '../observe.js';
import { keepBootstrapSection } from './bootstrap-freeze.js';
import { planDrain } from './drain.js';
import { day2Facts } from './facts.js';
import { jobState } from './job.js';
import { planParams } from './params.js';
import {
  asDesired,
  observedOperationChildren,
  pausedPlan,
  pauseRequested,
  withObservedSize,
} from './paused.js';
import { planRotation } from '../rotation/job.js';
import { planRollout } from './rollout.js';
import { planScale, type ScaleDecision } from './scale.js';
import { restartAnnotations, withRestartAnnotations } from './restart.js';
import { planResize } from './storage.js';
import { planRequestedSwitchover } from './switchover.js';
import type { Day2Context, Proposal } from './types.js';

export type { Day2Context, Proposal } from './types.js';

export interface Day2Plan {
  /** What the children are rendered from: the sync's plan, or the last valid spec's while paused. */
  render: Plan;
  /** Undefined when there is no cluster to operate on (an invalid spec and nothing rendered yet). */
  context?: Day2Context;
  paused: boolean;
  stopped: boolean;
  scale?: ScaleDecision;
  /** Operation Jobs (and accounts) returned this sync. */
  accepted: Proposal[];
  /** Operations that wait for a running one to finish. */
  deferred: Operation[];
  /** Observed children returned as they are (a paused cluster's operation Jobs). */
  kept: KubeObject[];
}

function context(req: SyncRequest, plan: Plan): Day2Context | undefined {
  if (!plan.cluster) return undefined;
  return {
    cluster: plan.cluster,
    observed: plan.observed,
    facts: day2Facts(req, plan.observed),
    parent: req.parent,
    previousSpec: lastValidSpec(plan.observed),
  };
}

/** One slot for a new disruptive operation, and only when no disruptive Job runs. */
export function arbitrate(
  candidates: readonly (Proposal | undefined)[],
): Pick<Day2Plan, 'accepted' | 'deferred'> {
  const proposals = candidates.filter((p): p is Proposal => p !== undefined);
  let free = !proposals.some((p) => p.disruptive && p.existing && jobState(p.existing) === 'active');
  const accepted: Proposal[] = [];
  const deferred: Operation[] = [];
  for (const p of proposals) {
    if (!p.disruptive || p.existing) accepted.push(p);
    else if (free) {
      accepted.push(p);
      free = false;
    } else deferred.push(p.operation);
  }
  return { accepted, deferred };
}

/** Operations whose Jobs planners keep; `cleanup` belongs to finalize. */
const DAY2_OPERATIONS: ReadonlySet<string> = new Set<Operation>([
  'params',
  'switchover',
  'rollout',
  'resize',
  'rotate',
]);

/** Operations that take no member down, so they run beside the disruptive ones. */
const NON_DISRUPTIVE: ReadonlySet<string> = new Set<Operation>(['resize', 'rotate']);

/**
 * Observed operation Jobs that still run and no planner returned, kept as observed: disruptive
 * (except a resize or a rotation), so no new disruptive operation starts beside them.
 */
export function runningJobsKept(ctx: Day2Context, proposals: readonly (Proposal | undefined)[]): Proposal[] {
  const returned = new Set(
    proposals.flatMap((p) => p?.children ?? []).map((c) => `${c.kind}/${c.metadata.name}`),
  );
  return ctx.observed.jobs
    .filter((job) => jobState(job) === 'active' && !returned.has(`Job/${job.metadata.name}`))
    .flatMap((job) => {
      const operation = job.metadata.annotations?.[ANNOTATIONS.operation];
      if (operation === undefined || !DAY2_OPERATIONS.has(operation)) return [];
      const op = operation as Operation;
      return [
        { operation: op, children: [asDesired(job)], existing: job, disruptive: !NON_DISRUPTIVE.has(op) },
      ];
    });
}

/** Every proposal, and the running Jobs none of them keeps. */
function withRunningJobs(ctx: Day2Context, proposals: (Proposal | undefined)[]): (Proposal | undefined)[] {
  return [...proposals, ...runningJobsKept(ctx, proposals)];
}

/**
 * The day-2 plan of one sync. `operatorKey` derives the passwords of a credential rotation; without
 * it (callers that only read the plan) no rotation is planned.
 */
export function planDay2(req: SyncRequest, plan: Plan, operatorKey?: Uint8Array): Day2Plan {
  if (pauseRequested(req.parent)) {
    const render = pausedPlan(req, plan);
    const ctx = context(req, render);
    const base = { render, paused: true, stopped: false, accepted: [], deferred: [] };
    return { ...base, ...(ctx ? { context: ctx } : {}), kept: observedOperationChildren(req) };
  }
  const ctx = context(req, plan);
  const none = { render: plan, paused: false, stopped: false, accepted: [], deferred: [], kept: [] };
  if (!ctx) return none;
  // A stopped cluster runs nothing that needs a member; its volumes can still grow.
  if (ctx.cluster.lifecycle.stopped) {
    return { ...none, context: ctx, stopped: true, ...arbitrate(withRunningJobs(ctx, [planResize(ctx)])) };
  }
  const scale = planScale(ctx);
  const chosen = arbitrate(
    withRunningJobs(ctx, [
      scale.proposal,
      planDrain(ctx),
      planRequestedSwitchover(ctx),
      planParams(ctx),
      planRollout(ctx),
      planResize(ctx),
      planRotation(ctx, operatorKey),
    ]),
  );
  return { ...none, context: ctx, scale, ...chosen };
}

/**
 * Whether the PodDisruptionBudget of the replicas may let a drain take one of them this sync: only
 * while the primary is ready (the budget's own count keeps the other replicas up), and no disruptive operation Job (a switchover, a
 * rollout, restarts) is made or runs. A switchover stops the old primary's PostgreSQL and leaves a
 * moment without any member labelled primary, and a rollout takes members down itself: an eviction
 * then would put a second member down.
 */
export function replicaDisruptionAllowed(day2: Day2Plan): boolean {
  const ctx = day2.context;
  if (!ctx?.facts.primary) return false;
  const made = day2.accepted.some((p) => p.disruptive && !p.existing);
  const runs = ctx.observed.jobs.some((job) => {
    const op = job.metadata.annotations?.[ANNOTATIONS.operation];
    return op !== undefined && op !== 'resize' && DAY2_OPERATIONS.has(op) && jobState(job) === 'active';
  });
  return !made && !runs;
}

function adjustStatefulSet(rendered: KubeObject, day2: Day2Plan): KubeObject {
  const { observed } = day2.render;
  const initialized = observed.configEndpoints?.metadata.annotations?.['initialize'] !== undefined;
  const kept = keepBootstrapSection(rendered, { observed: observed.statefulSet, initialized });
  // A restart asked for (the parent's annotation, or kubectl's on the template): day2/restart.ts.
  const parent = day2.context?.parent;
  const sts = parent ? withRestartAnnotations(kept, restartAnnotations(parent, observed.statefulSet)) : kept;
  if (day2.paused) return withObservedSize(sts, observed.statefulSet);
  if (day2.stopped) return stopped(sts);
  const replicas = day2.scale?.replicas;
  if (replicas === undefined) return sts;
  return { ...sts, spec: { ...(sts['spec'] as object), replicas } };
}

const replicasOf = (sts: KubeObject | undefined): number => {
  const n = (sts?.['spec'] as { replicas?: unknown } | undefined)?.replicas;
  return typeof n === 'number' ? n : 0;
};

/** Member pods that still exist, terminating ones included: the highest ordinal plus one. */
function observedPods(day2: Day2Plan, statefulSet: string): number {
  const ordinals = day2.render.observed.members.map((m) =>
    m.name.startsWith(`${statefulSet}-`) ? Number(m.name.slice(statefulSet.length + 1)) : NaN,
  );
  return Math.max(0, ...ordinals.filter((n) => Number.isInteger(n)).map((n) => n + 1));
}

/**
 * Patroni's Role names the member pods it may patch: every pod the StatefulSet has or is about to
 * have, and every one still there, so a primary above the spec's size (a scale-down waiting for a
 * switchover, a paused cluster) keeps updating its own labels, and a removed member still writes its
 * last status while it shuts down (patroni/ha.py `Ha.shutdown` calls `touch_member`).
 */
function adjustRole(role: KubeObject, sts: KubeObject | undefined, day2: Day2Plan): KubeObject {
  const cluster = day2.render.cluster;
  if (!cluster || role.metadata.name !== clusterNames(cluster).role) return role;
  const members = Math.max(
    replicasOf(sts),
    replicasOf(day2.render.observed.statefulSet),
    observedPods(day2, clusterNames(cluster).statefulSet),
  );
  return members > cluster.replicas ? buildRole(cluster, members) : role;
}

/** The rendered children with the day-2 plan applied: the StatefulSet's size and the operation Jobs. */
export function applyDay2(children: readonly KubeObject[], day2: Day2Plan): KubeObject[] {
  const sized = children.map((c) => (c.kind === 'StatefulSet' ? adjustStatefulSet(c, day2) : c));
  const sts = sized.find((c) => c.kind === 'StatefulSet');
  const base = sized.map((c) => (c.kind === 'Role' ? adjustRole(c, sts, day2) : c));
  const out = new Map<string, KubeObject>(base.map((c) => [`${c.kind}/${c.metadata.name}`, c]));
  for (const c of [...day2.accepted.flatMap((p) => p.children), ...day2.kept]) {
    const id = `${c.kind}/${c.metadata.name}`;
    if (!out.has(id)) out.set(id, c);
  }
  return [...out.values()];
}
