/**
 * Where a restore's recovery ended, as Patroni recorded it, and whether that was the target.
 *
 * Spilo does not always stop at the target: when the archive ends before it, PostgreSQL 13 and later
 * refuse to promote ("recovery ended before configured recovery target was reached"), and Spilo then
 * clears every recovery target and runs the recovery again, which promotes at the end of the archive
 * (Spilo 4.0-p3 bootstrap/maybe_pg_upgrade.py `perform_pitr`). Nothing in the pod says so afterwards.
 *
 * PostgreSQL does: on promotion it writes the new timeline's history file, whose last line gives the
 * parent timeline, the switch LSN and the reason recovery stopped: `before <time>` / `after <time>`
 * when it stopped at a time target, `no recovery target specified` when it ran to the end of the WAL
 * (xlogrecovery.c `getRecoveryStopReason`; seen with PostgreSQL 15 for both cases). Patroni copies
 * the history into the `history` annotation of `<scope>-config` as `[timeline, lsn, reason, time,
 * member]` lines, and adds the time and member only to the switch it saw this cluster's primary make
 * (Patroni 4.0.4 ha.py `Ha.update_cluster_history`, postgresql/__init__.py `Postgresql.get_history`);
 * lines inherited from the source's history keep three fields. So the first line with a time is the
 * end of the restore: later switches (failovers) come after it, inherited ones carry no time.
 */
import type { KubeObject } from '../../lib/k8s.js';

export interface RecoveryEnd {
  /** The timeline the restored cluster began. */
  timeline: number;
  /** Where it began: the end of recovery, as `X/X`. */
  lsn: string;
  /** PostgreSQL's reason for ending recovery, e.g. `before 2026-11-21 09:30:00.12+00`. */
  stop: string;
  /** When Patroni saw the promotion (the history file's time). */
  promotedAt?: string;
}

/** PostgreSQL's `X/X` form of an LSN (Patroni stores it as a number). */
function formatLsn(lsn: number): string {
  const high = Math.floor(lsn / 0x1_0000_0000);
  return `${high.toString(16).toUpperCase()}/${(lsn % 0x1_0000_0000).toString(16).toUpperCase()}`;
}

function historyLines(config: KubeObject | undefined): unknown[][] {
  try {
    const parsed: unknown = JSON.parse(config?.metadata.annotations?.['history'] ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((l): l is unknown[] => Array.isArray(l)) : [];
  } catch {
    return [];
  }
}

/** The end of the restore's recovery, when Patroni has recorded it in `<scope>-config`. */
export function recoveryEnd(config: KubeObject | undefined): RecoveryEnd | undefined {
  const line = historyLines(config).find((l) => l.length >= 4);
  const [parent, lsn, stop, at] = line ?? [];
  if (typeof parent !== 'number' || typeof lsn !== 'number' || typeof stop !== 'string') return undefined;
  return {
    timeline: parent + 1,
    lsn: formatLsn(lsn),
    stop,
    ...(typeof at === 'string' ? { promotedAt: at } : {}),
  };
}

/**
 * Whether recovery stopped at a time target: PostgreSQL's `before`/`after <time>` reasons (a failover
 * or a recovery without a target says `no recovery target specified`). Undefined: cannot tell.
 */
export function stoppedAtTime(end: RecoveryEnd | undefined): boolean | undefined {
  if (!end) return undefined;
  if (/^(before|after) [0-9]{4}-/.test(end.stop)) return true;
  if (end.stop === 'no recovery target specified') return false;
  return undefined;
}
