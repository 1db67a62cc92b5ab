/**
 * Node maintenance: a switchover before a drain takes the primary's node.
 *
 * `kubectl drain` cordons the node (`spec.unschedulable`), then evicts its pods through the eviction
 * API, retrying while a PodDisruptionBudget refuses (429). The primary's own budget always refuses
 * (children/pdb.ts), so the drain waits; this sync sees the primary's node cordoned (the customize hook
 * relates the members' Nodes, customize.ts `nodeRules`) and makes a switchover Job to a healthy replica
 * on a node that is not cordoned: the synchronous standby in synchronous mode, since Patroni refuses any
 * other candidate then (patroni/api.py `is_failover_possible`, v4.0.4). Once Patroni moved the lock,
 * the old primary is a replica and the drain's next retry evicts it through the replicas' budget, which
 * lets one member at most be down. No member is stopped by pgmeta and no failover happens.
 *
 * The Job is kept while it runs and, whatever its outcome, while the primary it was made against is
 * still the primary (so a stale observation never makes it twice; a failed one stays for its status
 * until someone deletes it to retry).
 */
import type { MemberFacts } from './facts.js';
import { jobFailure, jobState, operationJobs } from './job.js';
import { recordedSwitchover, switchoverJob } from './switchover.js';
import type { Operation } from '../names.js';
import type { Day2Context, Proposal } from './types.js';

export interface DrainStatus {
  /** The cordoned node the primary runs on. */
  node: string;
  phase: 'Pending' | 'Running' | 'Failed';
  message: string;
}

const isUp = (m: MemberFacts) => m.ready && (m.state === 'running' || m.state === 'streaming');

/** The drain Job to keep: one that runs, or one made against the current primary. */
function keptDrainSwitchover(ctx: Day2Context): Proposal | undefined {
  for (const job of operationJobs(ctx.observed.jobs, 'switchover')) {
    const input = recordedSwitchover(job, 'drain');
    if (input && (jobState(job) === 'active' || input.from === ctx.facts.primary?.name)) {
      return {
        operation: 'switchover',
        children: [switchoverJob(ctx, input)],
        existing: job,
        disruptive: true,
      };
    }
  }
  return undefined;
}

/**
 * The replica that takes over, or why none can: ready, running, on a node that is not cordoned; in
 * synchronous mode only a synchronous standby; then the least lag, then the lowest ordinal.
 */
export function drainCandidate(ctx: Day2Context): { member: MemberFacts } | { blocked: string } {
  const sync = ctx.facts.synchronousStandbys;
  const synchronous = ctx.cluster.synchronous.mode !== 'async';
  const replicas = ctx.facts.members.filter((m) => m.role === 'replica');
  if (replicas.length === 0) return { blocked: 'the cluster has no replica to hand the primary over to' };
  // The switchover restarts the old primary as a replica: with another member down, two would be.
  const up = ctx.facts.members.filter((m) => m.ready).length;
  if (up < Math.max(ctx.cluster.replicas, ctx.facts.members.length))
    return {
      blocked: 'waiting for every member to be ready (the switchover restarts the primary as a replica)',
    };
  const eligible = replicas
    .filter((m) => isUp(m) && !m.cordoned && (!synchronous || sync.length === 0 || sync.includes(m.name)))
    .sort((a, b) => (b.walPosition ?? -1) - (a.walPosition ?? -1) || a.ordinal - b.ordinal);
  const member = eligible[0];
  if (member) return { member };
  if (synchronous && sync.length > 0)
    return {
      blocked: `waiting for the synchronous standby (${sync.join(', ')}) to be ready on a node that is not cordoned: in synchronous mode Patroni switches over only to it`,
    };
  return { blocked: 'waiting for a ready replica on a node that is not cordoned' };
}

/** The drain's switchover Job, when the ready primary's node is cordoned (or one is kept). */
export function planDrain(ctx: Day2Context): Proposal | undefined {
  const kept = keptDrainSwitchover(ctx);
  const primary = ctx.facts.primary;
  if (kept || !primary?.cordoned) return kept;
  const candidate = drainCandidate(ctx);
  if (!('member' in candidate)) return undefined;
  const job = switchoverJob(ctx, { target: candidate.member.name, from: primary.name, reason: 'drain' });
  return { operation: 'switchover', children: [job], disruptive: true };
}

/** The drain's switchover Job that runs, or that was made against the current primary. */
function drainJob(ctx: Day2Context) {
  return operationJobs(ctx.observed.jobs, 'switchover').find((j) => {
    const input = recordedSwitchover(j, 'drain');
    return input !== undefined && (jobState(j) === 'active' || input.from === ctx.facts.primary?.name);
  });
}

/** Where the drain's switchover stands while the primary is on the cordoned `node`. */
function pendingDrain(ctx: Day2Context, o: { node: string; deferred: readonly Operation[] }): DrainStatus {
  const at = (phase: DrainStatus['phase'], message: string): DrainStatus => ({
    node: o.node,
    phase,
    message,
  });
  const job = drainJob(ctx);
  if (job && jobState(job) === 'failed')
    return at('Failed', `job ${job.metadata.name} failed: ${jobFailure(job)}`);
  if (job) return at('Running', `job ${job.metadata.name} finished; waiting to see the new primary`);
  if (o.deferred.includes('switchover'))
    return at('Pending', 'the switchover waits for another operation to finish');
  const candidate = drainCandidate(ctx);
  const primary = ctx.facts.primary?.name ?? '';
  if ('blocked' in candidate) return at('Pending', `${primary} stays primary: ${candidate.blocked}`);
  return at('Pending', `a switchover job to ${candidate.member.name} is being created`);
}

/** `status.drain`: while the primary's node is cordoned, or a drain's switchover runs. */
export function drainStatus(ctx: Day2Context, deferred: readonly Operation[]): DrainStatus | undefined {
  const primary = ctx.facts.primary;
  const node = primary?.cordoned ? primary.node : undefined;
  const job = drainJob(ctx);
  if (job && jobState(job) === 'active') {
    const target = recordedSwitchover(job, 'drain')?.target ?? '';
    const message = `job ${job.metadata.name} switches over to ${target}`;
    return { node: node ?? '', phase: 'Running', message };
  }
  return node === undefined ? undefined : pendingDrain(ctx, { node, deferred });
}
