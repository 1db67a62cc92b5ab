/** `status.storage` (each volume's requested and actual size) and the `StorageResized` condition. */
import type { ConditionInput } from '../../lib/conditions.js';
import type { Day2Plan } from './index.js';
import { jobFailure, jobState, operationJobs } from './job.js';
import { expansionRefusal, smallerThan, volumes } from './storage.js';
import type { Day2Context } from './types.js';

export interface StorageStatus {
  size: string;
  volumes: { name: string; requested?: string; capacity?: string }[];
}

/** Present once volumes exist. */
export function storageStatus(ctx: Day2Context): StorageStatus | undefined {
  const vols = volumes(ctx);
  if (vols.length === 0) return undefined;
  return {
    size: ctx.cluster.storage.size,
    volumes: vols.map(({ storageClassName: _class, ...v }) => v),
  };
}

const condition = (status: 'True' | 'False', reason: string, message: string): ConditionInput => ({
  type: 'StorageResized',
  status,
  reason,
  message,
});

/** Present while a volume is smaller than the spec's size, or a resize Job exists. */
export function storageCondition(day2: Day2Plan, ctx: Day2Context): ConditionInput | undefined {
  const size = ctx.cluster.storage.size;
  const vols = volumes(ctx);
  const requests = vols.filter((v) => smallerThan(v.requested, size)).map((v) => v.name);
  const capacities = vols.filter((v) => smallerThan(v.capacity ?? v.requested, size)).map((v) => v.name);
  if (requests.length > 0) return growing(day2, ctx, requests);
  if (capacities.length > 0) {
    const errors = expansionErrors(ctx, capacities);
    if (errors.length > 0)
      return condition(
        'False',
        'ExpansionFailed',
        `cannot grow ${capacities.join(', ')} to ${size}: ${errors.join('; ')}`,
      );
    return condition(
      'False',
      'Resizing',
      `waiting for the storage driver to grow ${capacities.join(', ')} to ${size}`,
    );
  }
  if (operationJobs(ctx.observed.jobs, 'resize').length === 0) return undefined;
  return condition('True', 'Resized', `every volume has ${size}`);
}

/**
 * What the resizer or the kubelet says of a failing expansion: the claim conditions
 * `ControllerResizeError` and `NodeResizeError` (Kubernetes docs concepts/storage/persistent-volumes.md,
 * "Recovering from Failure when Expanding Volumes"); they retry, so the condition may yet clear.
 */
function expansionErrors(ctx: Day2Context, claims: readonly string[]): string[] {
  return ctx.observed.pvcs
    .filter((p) => claims.includes(p.metadata.name))
    .flatMap((p) => {
      const conditions =
        ((p['status'] ?? {}) as { conditions?: { type?: string; status?: string; message?: string }[] })
          .conditions ?? [];
      return conditions
        .filter(
          (c) => (c.type === 'ControllerResizeError' || c.type === 'NodeResizeError') && c.status === 'True',
        )
        .map((c) => `${p.metadata.name}: ${c.type ?? ''}: ${c.message ?? ''}`);
    });
}

/** Claims still request less than the spec's size. */
function growing(day2: Day2Plan, ctx: Day2Context, claims: readonly string[]): ConditionInput {
  const size = ctx.cluster.storage.size;
  const refusal = expansionRefusal(ctx, volumes(ctx));
  if (refusal !== undefined)
    return condition('False', 'ExpansionNotAllowed', `cannot grow to ${size}: ${refusal}`);
  const job = day2.accepted.find((p) => p.operation === 'resize')?.existing;
  if (job && jobState(job) === 'failed') {
    return condition('False', 'Failed', `job ${job.metadata.name} failed: ${jobFailure(job)}`);
  }
  return condition('False', 'Resizing', `${claims.join(', ')} to request ${size}`);
}
