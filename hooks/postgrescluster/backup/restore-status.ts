/**
 * What status says about a restore: the `Restored` condition and `status.restoredFrom`.
 *
 * Restored only once Patroni has finished the bootstrap (restore-first.ts `bootstrapped`: an empty
 * `initialize` is a bootstrap still running). Then it says what was recovered, not what was asked
 * for: Spilo promotes at the end of the archive when a target time lies beyond it (recovery.ts), so
 * a target time counts as reached only when PostgreSQL's own record says recovery stopped at it.
 *
 * | spec.restore.target | recovery stopped (recovery.ts)  | Restored                   |
 * |---|---|---|
 * | time                | `before`/`after <time>`         | True, TargetReached        |
 * | time                | `no recovery target specified`  | False, TargetNotReached    |
 * | time                | not recorded (yet)              | True, TargetUnverified     |
 * | latest              | anything                        | True, Restored             |
 */
import type { ConditionInput } from '../../lib/conditions.js';
import type { KubeObject } from '../../lib/k8s.js';
import { ARCHIVE_PREFIX_VARS, backupEnvValues, firstOf } from './guard.js';
import { recoveryEnd, stoppedAtTime, type RecoveryEnd } from './recovery.js';
import { bootstrapped } from './restore-first.js';
import type { SecretProblem } from './secrets.js';
import type { ResolvedRestore } from './types.js';

export interface RestoredFrom {
  prefix: string;
  targetTime?: string;
  latest?: boolean;
  /** With a target time: whether recovery stopped at it; absent while that cannot be read. */
  targetReached?: boolean;
  /** Where recovery ended, as Patroni recorded it. */
  recovery?: RecoveryEnd;
}

/** What these read of the cluster's status input (a subset of BackupStatusInput). */
export interface RestoreStatusInput {
  restore?: ResolvedRestore;
  statefulSet?: KubeObject;
  configEndpoints?: KubeObject;
  leaderEndpoints?: KubeObject;
  problems: readonly SecretProblem[];
}

/** `status.restoredFrom`: set once the cluster was bootstrapped from the archive it names. */
export function restoredFrom(input: RestoreStatusInput): RestoredFrom | undefined {
  if (!bootstrapped(input)) return undefined;
  const env = backupEnvValues(input.statefulSet);
  if (env['CLONE_METHOD'] !== 'CLONE_WITH_WALE') return undefined;
  const prefix = firstOf(
    env,
    ARCHIVE_PREFIX_VARS.map((n) => `CLONE_${n}`),
  );
  if (prefix === undefined) return undefined;
  const time = env['CLONE_TARGET_TIME'];
  const end = recoveryEnd(input.configEndpoints);
  const reached = time === undefined ? undefined : stoppedAtTime(end);
  return {
    prefix,
    ...(time === undefined ? { latest: true } : { targetTime: time }),
    ...(reached === undefined ? {} : { targetReached: reached }),
    ...(end ? { recovery: end } : {}),
  };
}

const where = (end: RecoveryEnd): string =>
  `timeline ${end.timeline} from LSN ${end.lsn}${end.promotedAt ? `, promoted at ${end.promotedAt}` : ''}`;

/** Restored for a cluster Patroni has bootstrapped: what was recovered (table above). */
function restoredTo(input: RestoreStatusInput, restore: ResolvedRestore): ConditionInput {
  const end = recoveryEnd(input.configEndpoints);
  const from = `restored from ${restore.prefix}`;
  const ok = (reason: string, message: string): ConditionInput => ({
    type: 'Restored',
    status: 'True',
    reason,
    message,
  });
  if (!('time' in restore.target)) {
    return ok('Restored', `${from} to the end of the archive${end ? `: ${where(end)}` : ''}`);
  }
  const target = restore.target.time;
  const reached = stoppedAtTime(end);
  if (end && reached === true) {
    return ok('TargetReached', `${from} to ${target}: recovery stopped ${end.stop}; ${where(end)}`);
  }
  if (end && reached === false) {
    return {
      type: 'Restored',
      status: 'False',
      reason: 'TargetNotReached',
      message: `${from}, but not to ${target}: the archive ends before it, so Spilo promoted at its end (${where(end)}); later transactions are not in this cluster`,
    };
  }
  return ok(
    'TargetUnverified',
    `${from}; whether recovery reached ${target} is not known: Patroni has recorded no timeline history for the restore`,
  );
}

/** The Restored condition of a cluster with spec.restore. */
export function restoredCondition(input: RestoreStatusInput, restore: ResolvedRestore): ConditionInput {
  if (bootstrapped(input)) return restoredTo(input, restore);
  const target = 'time' in restore.target ? `to ${restore.target.time}` : 'to the latest backup';
  const problems = input.problems.filter((p) => p.purpose === 'restore');
  const first = problems[0];
  if (first && !input.statefulSet) {
    return {
      type: 'Restored',
      status: 'False',
      reason: first.reason,
      message: `${problems.map((p) => p.message).join('; ')}: the cluster is created once it exists`,
    };
  }
  return {
    type: 'Restored',
    status: 'False',
    reason: 'Restoring',
    message: `restoring from ${restore.prefix} ${target}`,
  };
}
