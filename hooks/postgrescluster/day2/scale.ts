/**
 * The StatefulSet's replica count: the spec's, except that a scale-down never removes the primary.
 *
 * The StatefulSet removes the highest ordinals first. When the primary sits on an ordinal that would
 * go, the StatefulSet keeps its current size and a switchover Job first moves the primary to the
 * healthiest replica that stays; the next syncs see the primary below the new size and shrink.
 * Without a ready primary nothing tells which member is safe to remove, so the size is kept too.
 *
 * A switchover Job that runs is returned on every path, whatever this sync observes: a switchover
 * always passes through a moment without a ready primary (Patroni's old leader stops PostgreSQL and
 * releases the lock before the candidate takes it, patroni/ha.py `Ha.demote`), and a Job left out of
 * the answer is deleted by Metacontroller in the middle of its run.
 */
import type { MemberFacts } from './facts.js';
import { keptScaleDownSwitchover, switchoverJob } from './switchover.js';
import type { Day2Context, Proposal } from './types.js';

export interface ScaleDecision {
  /** The StatefulSet's `spec.replicas` this sync. */
  replicas: number;
  /** Why a scale-down waits, when it does. */
  held?: string;
  proposal?: Proposal;
}

const isUp = (m: MemberFacts) => m.ready && (m.state === 'running' || m.state === 'streaming');

/**
 * The replica that takes over: below the new size, ready and running; a synchronous standby first
 * (Patroni refuses any other candidate in synchronous mode), then the least lag, then the lowest ordinal.
 */
export function scaleDownCandidate(ctx: Day2Context, replicas: number): MemberFacts | undefined {
  const sync = new Set(ctx.facts.synchronousStandbys);
  const rank = (m: MemberFacts) => (sync.has(m.name) ? 0 : 1);
  return ctx.facts.members
    .filter((m) => m.ordinal >= 0 && m.ordinal < replicas && m.role === 'replica' && isUp(m))
    .sort(
      (a, b) => rank(a) - rank(b) || (b.walPosition ?? -1) - (a.walPosition ?? -1) || a.ordinal - b.ordinal,
    )[0];
}

function hold(current: number, held: string, proposal?: Proposal): ScaleDecision {
  return { replicas: current, held, ...(proposal ? { proposal } : {}) };
}

/**
 * Why a scale-down's candidate cannot take over in synchronous mode: Patroni refuses any candidate
 * but the synchronous standby (patroni/api.py `is_failover_possible`, 412), and keeps that standby
 * while it is healthy. Undefined when Patroni would accept it (or names no standby yet: the Job waits).
 */
function synchronousHold(ctx: Day2Context, candidate: MemberFacts): string | undefined {
  const standbys = ctx.facts.synchronousStandbys;
  if (ctx.cluster.synchronous.mode === 'async' || standbys.length === 0 || standbys.includes(candidate.name))
    return;
  return (
    `, and in synchronous mode Patroni hands over only to the synchronous standby ` +
    `(${standbys.join(', ')}), which is beyond it too: set synchronous.mode off until the scale-down is done`
  );
}

/** The replica count and the switchover that a scale-down needs first, if any. */
export function planScale(ctx: Day2Context): ScaleDecision {
  const desired = ctx.cluster.replicas;
  const current = ctx.facts.statefulSet?.replicas;
  // No scale-down (any more): a switchover Job still running is kept by runningJobsKept (index.ts).
  if (current === undefined || desired >= current) return { replicas: desired };
  const existing = keptScaleDownSwitchover(ctx);
  const primary = ctx.facts.primary;
  if (!primary) return hold(current, 'scaling down waits for a ready primary', existing);
  if (primary.ordinal < desired) return { replicas: desired, ...(existing ? { proposal: existing } : {}) };
  const message = `scaling down waits for a switchover: the primary ${primary.name} is beyond the new size`;
  if (existing) return hold(current, message, existing);
  return switchoverFirst(ctx, { current, message, primary });
}

/** Holds the size while a new switchover Job moves the primary below it, or says why none can. */
function switchoverFirst(
  ctx: Day2Context,
  o: { current: number; message: string; primary: MemberFacts },
): ScaleDecision {
  const { current, message, primary } = o;
  const candidate = scaleDownCandidate(ctx, ctx.cluster.replicas);
  if (!candidate) return hold(current, `${message}, and no ready replica below it can take over`);
  const synchronous = synchronousHold(ctx, candidate);
  if (synchronous !== undefined) return hold(current, message + synchronous);
  const job = switchoverJob(ctx, { target: candidate.name, from: primary.name, reason: 'scale-down' });
  return hold(current, message, { operation: 'switchover', children: [job], disruptive: true });
}
