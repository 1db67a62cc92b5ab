/**
 * Switchovers: on request (`spec.switchover` or the `pgmeta.io/switchover-to` annotation) and
 * before a scale-down would remove the primary's ordinal (scale.ts).
 *
 * A switchover Job is named by a hash of (target, leader when it was made) and records both, plus why
 * it exists, in annotations. A request keeps its Job for as long as the request stands, whatever
 * happened since, so a request runs once: remove it (then set it again) to ask for another.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { ANNOTATIONS, PORTS, clusterNames } from '../names.js';
import { envValue } from '../spilo/env.js';
import type { MemberFacts } from './facts.js';
import { buildOperationJob, jobState, operationJobs, shortHash } from './job.js';
import { SWITCHOVER_SCRIPT } from './switchover-script.js';
import type { Day2Context, Proposal } from './types.js';

/** What a switchover Job records. */
export const SWITCHOVER_ANNOTATIONS = {
  /** The member that becomes primary, or {@link ANY_MEMBER}. */
  target: 'pgmeta.io/switchover-target',
  /** The primary when the Job was made. */
  from: 'pgmeta.io/switchover-from',
  /** `request`, `scale-down` or `drain`. */
  reason: 'pgmeta.io/switchover-reason',
} as const;

/** Target of a request that names no member: Patroni picks the healthiest replica. */
export const ANY_MEMBER = 'any';

export type SwitchoverReason = 'request' | 'scale-down' | 'drain';

/** Minutes enough for a lagging replica to catch up and Patroni to hand the leader lock over. */
export const SWITCHOVER_DEADLINE_SECONDS = 900;

export interface SwitchoverJobInput {
  target: string;
  from: string;
  reason: SwitchoverReason;
}

/** The switchover Job from `from` to `target`. */
export function switchoverJob(ctx: Day2Context, s: SwitchoverJobInput): KubeObject {
  const { cluster } = ctx;
  const host = `${clusterNames(cluster).headlessService}.${cluster.namespace}.svc`;
  return buildOperationJob(cluster, {
    operation: 'switchover',
    // A drain's Job is named apart from a request's of the same members (recordedSwitchover tells them by reason).
    hash: shortHash(
      s.reason === 'drain'
        ? { target: s.target, from: s.from, reason: s.reason }
        : { target: s.target, from: s.from },
    ),
    script: SWITCHOVER_SCRIPT,
    env: [
      envValue('LEADER', s.from),
      ...(s.target === ANY_MEMBER ? [] : [envValue('CANDIDATE', s.target)]),
      // Patroni takes only a synchronous standby then (switchover-script.ts); the script waits for one.
      ...(cluster.synchronous.mode === 'async' ? [] : [envValue('SYNCHRONOUS', 'true')]),
      envValue('PATRONI_URL', `http://${host}:${PORTS.patroni.port}`),
    ],
    annotations: {
      [SWITCHOVER_ANNOTATIONS.target]: s.target,
      [SWITCHOVER_ANNOTATIONS.from]: s.from,
      [SWITCHOVER_ANNOTATIONS.reason]: s.reason,
    },
    deadlineSeconds: SWITCHOVER_DEADLINE_SECONDS,
    patroniClient: true,
    kubernetesApi: false,
  });
}

/** What a switchover Job recorded about itself, if it is one of `reason`. */
export function recordedSwitchover(
  job: KubeObject,
  reason: SwitchoverReason,
): SwitchoverJobInput | undefined {
  const a = job.metadata.annotations ?? {};
  const target = a[SWITCHOVER_ANNOTATIONS.target];
  const from = a[SWITCHOVER_ANNOTATIONS.from];
  if (a[SWITCHOVER_ANNOTATIONS.reason] !== reason || target === undefined || from === undefined) return;
  return { target, from, reason };
}

/** The switchover a user asked for: the spec's, else the annotation's. Undefined: none. */
export function requestedTarget(ctx: Day2Context): string | undefined {
  const spec = ctx.cluster.lifecycle.switchover;
  if (spec) return spec.target ?? ANY_MEMBER;
  const annotation = ctx.parent.metadata.annotations?.[ANNOTATIONS.switchoverTo]?.trim();
  if (annotation === undefined) return undefined;
  return annotation === '' ? ANY_MEMBER : annotation;
}

/** A Job kept as it was made: rendered again from its own record. */
function kept(ctx: Day2Context, job: KubeObject, input: SwitchoverJobInput): Proposal {
  return { operation: 'switchover', children: [switchoverJob(ctx, input)], existing: job, disruptive: true };
}

/**
 * In synchronous mode Patroni refuses (412) a candidate that is not the synchronous standby (patroni/
 * api.py `is_failover_possible`, v4.0.4): the request waits, and says whom Patroni would take, until
 * `<scope>-sync` names the target. Undefined when the target may be asked for now.
 */
function synchronousBlocker(ctx: Day2Context, target: string): string | undefined {
  const standbys = ctx.facts.synchronousStandbys;
  if (ctx.cluster.synchronous.mode === 'async' || target === ANY_MEMBER || standbys.includes(target)) return;
  const why = `waiting for ${target} to become the synchronous standby: in synchronous mode Patroni switches over only to it`;
  const now = standbys[0];
  return now === undefined
    ? `${why} (none is named yet)`
    : `${why} (it is ${now}: ask for ${now} to switch now)`;
}

/** Why a requested switchover cannot start now; undefined when it can. */
export function requestBlocker(ctx: Day2Context, target: string): string | undefined {
  const { primary, members } = ctx.facts;
  if (!primary) return 'waiting for a ready primary';
  if (target === ANY_MEMBER) {
    return members.some((m) => m.name !== primary.name) ? undefined : 'the cluster has no replica';
  }
  if (!members.some((m: MemberFacts) => m.name === target)) return `${target} is not a member of the cluster`;
  return synchronousBlocker(ctx, target);
}

/** The Job of a user's switchover request, if one is due or already made. */
export function planRequestedSwitchover(ctx: Day2Context): Proposal | undefined {
  const target = requestedTarget(ctx);
  if (target === undefined) return undefined;
  for (const job of operationJobs(ctx.observed.jobs, 'switchover')) {
    const input = recordedSwitchover(job, 'request');
    if (input?.target === target) return kept(ctx, job, input);
  }
  const primary = ctx.facts.primary;
  if (!primary || primary.name === target || requestBlocker(ctx, target) !== undefined) return undefined;
  return {
    operation: 'switchover',
    children: [switchoverJob(ctx, { target, from: primary.name, reason: 'request' })],
    disruptive: true,
  };
}

/**
 * The scale-down switchover Job to keep: one still running (a moment without a ready primary is part
 * of every switchover), or one made against the current primary, whatever its outcome, so a finished
 * Job is not made again while the observed state lags behind.
 */
export function keptScaleDownSwitchover(ctx: Day2Context): Proposal | undefined {
  for (const job of operationJobs(ctx.observed.jobs, 'switchover')) {
    const input = recordedSwitchover(job, 'scale-down');
    if (input && (jobState(job) === 'active' || input.from === ctx.facts.primary?.name)) {
      return kept(ctx, job, input);
    }
  }
  return undefined;
}
