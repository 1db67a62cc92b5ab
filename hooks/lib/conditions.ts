/**
 * Status conditions after Kubernetes API conventions. `lastTransitionTime` is carried over from the
 * parent's current status while a condition's status is unchanged, so a converged cluster's status is
 * byte-identical sync after sync (a changing timestamp would be a write per sync: a hot loop).
 */
import type { Condition } from './k8s.js';

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/** Conditions in the order given, each stamped with its carried-over or new transition time. */
export function stampConditions(
  next: readonly ConditionInput[],
  previous: unknown,
  now: string,
): Condition[] {
  const prior = Array.isArray(previous) ? (previous as Partial<Condition>[]) : [];
  return next.map((c) => {
    const before = prior.find((p) => p.type === c.type);
    const since = before?.status === c.status ? before.lastTransitionTime : undefined;
    return { ...c, lastTransitionTime: typeof since === 'string' ? since : now };
  });
}
