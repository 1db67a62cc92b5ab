/**
 * Replication lag as the status reports it: rounded down to a power of two of at least 1 MiB, and 0
 * below 1 MiB (issue 13). Every status change is a write and a watch event (another sync of the
 * cluster and of each DecoratorController on it), and under steady write load the exact lag moves on
 * every Patroni loop; rounded, it changes only when it crosses a boundary a human would care about.
 */

/** Below this a replica counts as caught up (also Patroni's default `maximum_lag_on_failover`). */
export const LAG_FLOOR_BYTES = 1_048_576;

/** `bytes` rounded down to a power of two, or 0 below {@link LAG_FLOOR_BYTES}. */
export function reportedLag(bytes: number): number {
  if (!(bytes >= LAG_FLOOR_BYTES)) return 0;
  let bucket = LAG_FLOOR_BYTES;
  while (bucket * 2 <= bytes) bucket *= 2;
  return bucket;
}

/** Whether a reported lag reaches a limit; a lag under 1 MiB (reported 0) never does. */
export function lagReaches(reported: number, limit: number): boolean {
  return reported > 0 && reported >= limit;
}
