/** `status.switchover`: the switchover a user requested, and how it went. */
import type { Day2Plan } from './index.js';
import { jobFailure, jobState, operationJobs } from './job.js';
import { ANY_MEMBER, recordedSwitchover, requestBlocker, requestedTarget } from './switchover.js';
import type { Day2Context } from './types.js';

export interface SwitchoverStatus {
  target: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  message: string;
}

type At = (phase: SwitchoverStatus['phase'], message: string) => SwitchoverStatus;

/** Where a request stands that has no Job (yet). */
function withoutJob(day2: Day2Plan, ctx: Day2Context, o: { target: string; at: At }): SwitchoverStatus {
  const { target, at } = o;
  if (target !== ANY_MEMBER && ctx.facts.primary?.name === target)
    return at('Succeeded', `${target} is the primary`);
  const blocker = requestBlocker(ctx, target);
  if (blocker !== undefined) return at(blocker.startsWith('waiting') ? 'Pending' : 'Failed', blocker);
  if (day2.deferred.includes('switchover')) return at('Pending', 'waits for another operation to finish');
  return at('Pending', 'a switchover job is being created');
}

/** Present while a request stands. */
export function switchoverStatus(day2: Day2Plan, ctx: Day2Context): SwitchoverStatus | undefined {
  const target = requestedTarget(ctx);
  if (target === undefined) return undefined;
  const at: At = (phase, message) => ({ target, phase, message });
  const job = operationJobs(ctx.observed.jobs, 'switchover').find(
    (j) => recordedSwitchover(j, 'request')?.target === target,
  );
  if (!job) return withoutJob(day2, ctx, { target, at });
  const state = jobState(job);
  if (state === 'failed') return at('Failed', `job ${job.metadata.name} failed: ${jobFailure(job)}`);
  if (state === 'active') return at('Running', `job ${job.metadata.name} is switching over`);
  return at('Succeeded', `the primary is ${ctx.facts.primary?.name ?? 'being elected'}`);
}
