/**
 * The day-2 part of the status, from the observed state and the day-2 plan of the same sync:
 * parameters pending a restart, the requested switchover, the rollout's progress, each volume's size,
 * the conditions ParametersApplied, Paused and StorageResized (each only where it applies), and the
 * phase of a stopped cluster. Nothing here counts or times anything: the same observation gives the
 * same status, so a converged cluster's status stays byte-identical (no hot loop).
 */
import type { ConditionInput } from '../../lib/conditions.js';
import type { PhaseVerdict } from '../status/phase.js';
import type { Day2Plan } from './index.js';
import { jobFailure, jobState } from './job.js';
import { drainStatus, type DrainStatus } from './drain.js';
import { paramsStatus } from './params-status.js';
import { restartStatus, type RestartStatus } from './restart.js';
import { rolloutHeld, staleMembers } from './rollout.js';
import { storageCondition, storageStatus, type StorageStatus } from './storage-status.js';
import { switchoverStatus, type SwitchoverStatus } from './switchover-status.js';
import { rotationStatus, type RotationStatus } from '../rotation/status.js';
import type { RotatedPurpose } from '../spec/resolved.js';
import type { Day2Context } from './types.js';

export interface RolloutStatus {
  revision: string;
  updated: number;
  members: number;
  phase: string;
  message: string;
}

/** Where a rollout with stale members stands. */
function rolloutPhase(
  day2: Day2Plan,
  ctx: Day2Context,
  stale: readonly string[],
): Pick<RolloutStatus, 'phase' | 'message'> {
  if (day2.deferred.includes('rollout'))
    return { phase: 'Pending', message: 'waits for another operation to finish' };
  const proposal = day2.accepted.find((p) => p.operation === 'rollout');
  if (!proposal) {
    const why = day2.paused ? 'paused' : (rolloutHeld(ctx) ?? 'waiting');
    return { phase: 'Pending', message: `${why}: ${stale.join(', ')} to update` };
  }
  const job = proposal.existing;
  if (job && jobState(job) === 'failed') {
    return { phase: 'Failed', message: `job ${job.metadata.name} failed: ${jobFailure(job)}` };
  }
  const name = proposal.children[0]?.metadata.name ?? '';
  return { phase: job ? 'Running' : 'Pending', message: `job ${name}: ${stale.join(', ')} to update` };
}

/** Progress of a rollout, while members are stale or its Job exists. */
export function rolloutStatus(day2: Day2Plan, ctx: Day2Context): RolloutStatus | undefined {
  const revision = ctx.facts.statefulSet?.updateRevision;
  const stale = staleMembers(ctx);
  const hasJob = day2.accepted.some((p) => p.operation === 'rollout');
  if (revision === undefined || (stale.length === 0 && !hasJob)) return undefined;
  const members = ctx.facts.members.length;
  const base = { revision, updated: members - stale.length, members };
  if (stale.length === 0) return { ...base, phase: 'Succeeded', message: `every member runs ${revision}` };
  return { ...base, ...rolloutPhase(day2, ctx, stale) };
}

/** Status fields of the day-2 operations. */
export interface Day2StatusFields {
  /** Parameters some member has not applied yet because they need a restart. */
  pendingRestart?: string[];
  switchover?: SwitchoverStatus;
  rollout?: RolloutStatus;
  storage?: StorageStatus;
  credentialRotation?: Partial<Record<RotatedPurpose, RotationStatus>>;
  /** A restart asked for with pgmeta.io/restartedAt or kubectl rollout restart, and how far it is. */
  restart?: RestartStatus;
  /** The primary's node is cordoned: the switchover that lets the drain go on. */
  drain?: DrainStatus;
  /** The nodes the members run on: the Nodes the customize hook relates (customize.ts `nodeRules`). */
  nodes?: string[];
}

/** Node maintenance and restarts: `restart`, `drain` and the members' `nodes`. */
function maintenanceStatus(
  day2: Day2Plan,
  ctx: Day2Context,
  rollout: RolloutStatus | undefined,
): Pick<Day2StatusFields, 'restart' | 'drain' | 'nodes'> {
  const restart = restartStatus(ctx, rollout);
  const drain = drainStatus(ctx, day2.deferred);
  const nodes = [...new Set(ctx.facts.members.flatMap((m) => (m.node === undefined ? [] : [m.node])))].sort();
  return {
    ...(restart ? { restart } : {}),
    ...(drain ? { drain } : {}),
    ...(nodes.length > 0 ? { nodes } : {}),
  };
}

/** Status fields of the day-2 operations (only those that apply are present). */
export function day2StatusFields(day2: Day2Plan | undefined): Day2StatusFields {
  const ctx = day2?.context;
  if (!day2 || !ctx) return {};
  const pending = [...new Set(ctx.facts.members.flatMap((m) => m.pendingParameters))].sort();
  const switchover = switchoverStatus(day2, ctx);
  const rollout = rolloutStatus(day2, ctx);
  const storage = storageStatus(ctx);
  const rotation = rotationStatus(day2, ctx);
  return {
    ...(pending.length > 0 ? { pendingRestart: pending } : {}),
    ...(switchover ? { switchover } : {}),
    ...(rollout ? { rollout } : {}),
    ...(storage ? { storage } : {}),
    ...(rotation ? { credentialRotation: rotation } : {}),
    ...maintenanceStatus(day2, ctx, rollout),
  };
}

/** Day-2 conditions, each present only while its concern applies. */
export function day2Conditions(day2: Day2Plan | undefined): ConditionInput[] {
  if (!day2) return [];
  const ctx = day2.context;
  const paused: ConditionInput[] = day2.paused
    ? [
        {
          type: 'Paused',
          status: 'True',
          reason: 'Paused',
          message: 'spec.paused: children are kept as they are; status still follows the cluster',
        },
      ]
    : [];
  if (!ctx) return paused;
  const params = paramsStatus(day2, ctx);
  const storage = storageCondition(day2, ctx);
  return [...(params ? [params] : []), ...paused, ...(storage ? [storage] : [])];
}

/**
 * The phase, as day-2 state changes it: a stopped cluster is `Stopped` once no member pod is left
 * (`Scaling` while they stop), and a held scale-down says what it waits for.
 */
export function day2Verdict(verdict: PhaseVerdict, day2: Day2Plan | undefined): PhaseVerdict {
  if (!day2 || verdict.phase === 'Deleting') return verdict;
  if (day2.stopped) {
    const running = day2.render.observed.members.length;
    if (running === 0) {
      return {
        phase: 'Stopped',
        reason: 'Stopped',
        message: 'spec.stopped: no member runs; volumes, Secrets and Services are kept',
      };
    }
    return {
      phase: 'Scaling',
      reason: 'Stopping',
      message: `spec.stopped: ${running} member(s) still running`,
    };
  }
  const held = day2.scale?.held;
  if (verdict.phase === 'Scaling' && held !== undefined)
    return { ...verdict, reason: 'ScaleDownHeld', message: held };
  return verdict;
}
