/**
 * A drill's status from observed objects only: its own creation time, the check Job (its state and
 * creation time) and the termination message of the Job's pod. No clock: the timeout is the Job's
 * `activeDeadlineSeconds` (the Job controller fails it with reason `DeadlineExceeded`), and the
 * measured times are what the check program recorded in the cluster.
 *
 * - recovery time: from the check Job's creation (created with the temporary cluster, in one sync)
 *   to `readyAt`, when the restored cluster first ran as a primary;
 * - data loss window: from the drill's creation to `lastReplayAt`, the newest transaction the restore
 *   gave back: what a loss of the source at the drill's start would have cost.
 */
export type DrillPhase = 'Pending' | 'Restoring' | 'Succeeded' | 'Failed';

export interface DrillResult {
  readyAt: string;
  lastReplayAt: string;
  systemIdentifier: string;
  amcheck: { ok: boolean; indexes: number };
  query: { ok: boolean };
}

export interface DrillObserved {
  /** The drill's `metadata.creationTimestamp`. */
  createdAt: string;
  /** The check Job's creation time and state, when observed. */
  job?: { createdAt: string; state: 'active' | 'succeeded' | 'failed'; failureReason?: string };
  /** The Job pod's termination message. */
  message?: string | undefined;
  /** Whether the temporary cluster is still observed. */
  clusterPresent: boolean;
  /** The source's system identifier (Patroni's `initialize` on `<source>-config`), when observed. */
  sourceSystemIdentifier?: string | undefined;
}

export interface DrillStatus {
  phase: DrillPhase;
  reason: string;
  message: string;
  recoveryTimeSeconds?: number;
  dataLossWindowSeconds?: number;
  restoredUntil?: string;
  amcheckIndexes?: number;
  /** The temporary cluster and its volumes are gone. */
  cleanedUp: boolean;
}

const seconds = (from: string, to: string): number =>
  Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** The check program's JSON line, when the message holds a well-formed one. */
export function parseResult(message: string | undefined): DrillResult | undefined {
  try {
    const r = JSON.parse((message ?? '').trim()) as Partial<DrillResult>;
    const ok =
      typeof r.readyAt === 'string' && typeof r.amcheck?.ok === 'boolean' && typeof r.query?.ok === 'boolean';
    return ok ? (r as DrillResult) : undefined;
  } catch {
    return undefined;
  }
}

/** The failed checks of a result, in words; empty when all passed. */
function failedChecks(r: DrillResult, sourceSysid: string | undefined): string[] {
  return [
    ...(sourceSysid !== undefined && r.systemIdentifier !== sourceSysid
      ? [`the restored system identifier ${r.systemIdentifier} is not the source's ${sourceSysid}`]
      : []),
    ...(r.amcheck.ok ? [] : ['amcheck found corruption or could not run']),
    ...(r.query.ok ? [] : ['the check query did not return the expected result']),
    ...(r.lastReplayAt === '' ? ['recovery applied no transaction: the restored point is unknown'] : []),
  ];
}

function measured(o: DrillObserved, r: DrillResult): Partial<DrillStatus> {
  return {
    ...(o.job ? { recoveryTimeSeconds: seconds(o.job.createdAt, r.readyAt) } : {}),
    ...(r.lastReplayAt === ''
      ? {}
      : { restoredUntil: r.lastReplayAt, dataLossWindowSeconds: seconds(r.lastReplayAt, o.createdAt) }),
    amcheckIndexes: r.amcheck.indexes,
  };
}

/** A finished check Job that left no result: it timed out, or failed before it could check. */
function withoutResult(failureReason: string | undefined): Pick<DrillStatus, 'phase' | 'reason' | 'message'> {
  if (failureReason === 'DeadlineExceeded') {
    const message = 'the restored cluster did not run as a primary within the drill timeout';
    return { phase: 'Failed', reason: 'NeverReady', message };
  }
  const message = `the check Job failed without a result (${failureReason ?? 'unknown reason'})`;
  return { phase: 'Failed', reason: 'CheckJobFailed', message };
}

/** The drill's status. */
export function drillStatus(o: DrillObserved): DrillStatus {
  const cleanedUp = !o.clusterPresent && o.job !== undefined && o.job.state !== 'active';
  if (!o.job)
    return { cleanedUp, phase: 'Pending', reason: 'Creating', message: 'creating the temporary cluster' };
  if (o.job.state === 'active')
    return { cleanedUp, phase: 'Restoring', reason: 'Restoring', message: 'restoring the newest backup' };
  const r = parseResult(o.message);
  if (!r) return { cleanedUp, ...withoutResult(o.job.failureReason) };
  const failed = failedChecks(r, o.sourceSystemIdentifier);
  if (failed.length > 0)
    return {
      cleanedUp,
      ...measured(o, r),
      phase: 'Failed',
      reason: 'CheckFailed',
      message: failed.join('; '),
    };
  const message = 'the newest backup restored and passed every check';
  return { cleanedUp, ...measured(o, r), phase: 'Succeeded', reason: 'Passed', message };
}

/** Whether the temporary cluster is still wanted: until the check Job has finished. */
export function keepDrillCluster(o: Pick<DrillObserved, 'job'>): boolean {
  return o.job === undefined || o.job.state === 'active';
}
