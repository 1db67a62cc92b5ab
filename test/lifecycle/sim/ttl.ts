/**
 * The TTL-after-finished controller: a Job that finished (`Complete` or `Failed`) and sets
 * `ttlSecondsAfterFinished` is deleted that many seconds after it finished, in foreground, with a
 * uid precondition; its pods go with it. Kubernetes docs
 * `content/en/docs/concepts/workloads/controllers/ttlafterfinished.md` and `job.md` ("Clean up
 * finished jobs automatically"); the finish time is the Job's completion time or, for a failed Job,
 * when its `Failed` condition was added.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { refOf } from '../emulator';
import { specOf, type SimContext } from './context';
import { finishTime } from './job-status';

export const TTL_CONTROLLER = 'ttl-after-finished-controller';

/** Simulated seconds at which the Job is due for deletion, if it is finished and has a TTL. */
function expiry(ctx: SimContext, job: KubeObject): number | undefined {
  const ttl = specOf(job)['ttlSecondsAfterFinished'];
  const finished = finishTime(job);
  if (typeof ttl !== 'number' || finished === undefined || job.metadata.deletionTimestamp !== undefined) {
    return undefined;
  }
  return (finished - Date.parse(ctx.clock.iso(0))) / 1000 + ttl;
}

export function ttlTick(ctx: SimContext): void {
  for (const job of ctx.store.list('Job')) {
    const due = expiry(ctx, job);
    if (due === undefined || ctx.clock.now < due) continue;
    ctx.store.delete(refOf(job), {
      actor: TTL_CONTROLLER,
      uid: job.metadata.uid ?? '',
      propagationPolicy: 'Foreground',
    });
    ctx.trace(`ttl: deleted finished Job ${job.metadata.name}`);
  }
}

/** When the next finished Job expires, if any. */
export function ttlNextTimer(ctx: SimContext): number | undefined {
  const times = ctx.store
    .list('Job')
    .map((j) => expiry(ctx, j))
    .filter((t) => t !== undefined);
  return times.length > 0 ? Math.min(...times) : undefined;
}
