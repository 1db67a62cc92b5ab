/** The `ParametersApplied` condition: whether PostgreSQL runs with the spec's DCS-only parameters. */
import type { ConditionInput } from '../../lib/conditions.js';
import { splitParameters } from '../spilo/parameters.js';
import type { Day2Plan } from './index.js';
import { jobFailure, jobState, operationJobs } from './job.js';
import type { Day2Context } from './types.js';

const condition = (status: 'True' | 'False', reason: string, message: string): ConditionInput => ({
  type: 'ParametersApplied',
  status,
  reason,
  message,
});

/** The condition while a parameter Job exists or waits, undefined otherwise. */
function jobCondition(day2: Day2Plan, desired: readonly string[]): ConditionInput | undefined {
  if (day2.deferred.includes('params')) {
    return condition('False', 'Waiting', 'the parameter change waits for another operation to finish');
  }
  const proposal = day2.accepted.find((p) => p.operation === 'params');
  if (!proposal) return undefined;
  const job = proposal.existing;
  const name = proposal.children[0]?.metadata.name ?? '';
  const state = job ? jobState(job) : 'active';
  if (job && state === 'failed')
    return condition('False', 'Failed', `job ${name} failed: ${jobFailure(job)}`);
  if (state === 'succeeded') return undefined;
  const what = desired.length > 0 ? desired.join(', ') : 'the removed parameters';
  return condition('False', 'Applying', `job ${name} applies ${what} through Patroni`);
}

/**
 * Present when the spec sets DCS-only parameters, a parameter Job exists or a member waits for a
 * restart; absent otherwise (nothing to apply).
 */
export function paramsStatus(day2: Day2Plan, ctx: Day2Context): ConditionInput | undefined {
  const desired = Object.keys(splitParameters(ctx.cluster.postgresqlParams).dcs);
  const pending = ctx.facts.members.filter((m) => m.pendingRestart).map((m) => m.name);
  const jobs = operationJobs(ctx.observed.jobs, 'params');
  const busy = jobCondition(day2, desired);
  if (busy) return busy;
  if (pending.length > 0)
    return condition('False', 'PendingRestart', `${pending.join(', ')} wait for a restart`);
  if (desired.length === 0 && jobs.length === 0) return undefined;
  return condition(
    'True',
    'Applied',
    "Patroni holds the spec's DCS parameters and no member waits for a restart",
  );
}
