/**
 * `status.credentialRotation`: per credential the spec rotated at least once, the generation asked
 * for, the one its Secret holds, and where the rotation stands. From observed state only (the
 * Secrets' annotations, the rotation Job, the members' revisions), so it is the same every sync
 * until something changes.
 */
import type { KubeObject } from '../../lib/k8s.js';
import type { Day2Plan } from '../day2/index.js';
import { jobFailure, jobState } from '../day2/job.js';
import { staleMembers } from '../day2/rollout.js';
import type { Day2Context } from '../day2/types.js';
import type { RotatedPurpose } from '../spec/resolved.js';
import { appliedGeneration, MEMBER_PURPOSES, ROTATED_PURPOSES, rotatedSecretName } from './generations.js';
import { parseGenerations, ROTATION_ANNOTATION } from './job.js';

export interface RotationStatus {
  requested: number;
  applied: number;
  phase: 'Rotating' | 'Restarting' | 'Succeeded' | 'Failed' | 'Pending';
  message: string;
}

const generationsOf = (job: KubeObject) =>
  parseGenerations(job.metadata.annotations?.[ROTATION_ANNOTATION] ?? '');

function pendingPhase(
  day2: Day2Plan,
  p: RotatedPurpose,
  requested: number,
): Omit<RotationStatus, 'requested' | 'applied'> {
  const proposal = day2.accepted.find((x) => x.operation === 'rotate');
  const job = proposal?.children[0];
  if (!proposal || !job || generationsOf(job)[p] !== requested) {
    return {
      phase: 'Pending',
      message: day2.paused
        ? 'paused'
        : day2.stopped
          ? 'the cluster is stopped'
          : 'waits for the running rotation Job to finish',
    };
  }
  const existing = proposal.existing;
  if (existing && jobState(existing) === 'failed') {
    return {
      phase: 'Failed',
      message: `job ${job.metadata.name} failed: ${jobFailure(existing)} (delete the Job to retry)`,
    };
  }
  return { phase: 'Rotating', message: `job ${job.metadata.name} sets the password, then the Secret` };
}

function appliedPhase(ctx: Day2Context, p: RotatedPurpose): Omit<RotationStatus, 'requested' | 'applied'> {
  const stale = MEMBER_PURPOSES.includes(p) ? staleMembers(ctx) : [];
  if (stale.length > 0) {
    return { phase: 'Restarting', message: `members still to restart one at a time: ${stale.join(', ')}` };
  }
  const who = MEMBER_PURPOSES.includes(p) ? 'every member runs with it' : 'the Secret holds it';
  return { phase: 'Succeeded', message: who };
}

/** One entry per credential with a requested generation above 0 and a Secret. */
export function rotationStatus(
  day2: Day2Plan,
  ctx: Day2Context,
): Partial<Record<RotatedPurpose, RotationStatus>> | undefined {
  const out: Partial<Record<RotatedPurpose, RotationStatus>> = {};
  for (const p of ROTATED_PURPOSES) {
    const requested = ctx.cluster.credentialRotation[p];
    const secret = ctx.observed.secrets[rotatedSecretName(ctx.cluster, p)];
    if (requested === 0 || !secret) continue;
    const applied = appliedGeneration(secret);
    const phase = applied >= requested ? appliedPhase(ctx, p) : pendingPhase(day2, p, requested);
    out[p] = { requested, applied, ...phase };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
