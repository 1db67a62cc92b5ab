/**
 * The catalog part of `status.backup`: the base backups the archive holds, the recovery window,
 * archiving health, and when the next scheduled backup is due. Every time in it is observed (the
 * server's clock in the reading, WAL-G's and PostgreSQL's times, the parent's creation) or computed
 * from those and the schedule (cron.ts): the hook reads no clock.
 *
 * The recovery window is how far back and how recently a point-in-time restore can go:
 * - from the end of the oldest base backup (a restore needs a whole backup, then replays WAL);
 * - to the last WAL segment archived (`pg_stat_archiver.last_archived_time`): what was committed
 *   after it is still only on the primary's volume.
 */
import type { CatalogBackup, CatalogObservation, CatalogReading } from './catalog.js';
import { nextRun } from './cron.js';

export interface ArchivingStatus {
  /** False while the archiver's last attempt failed (its last failure is newer than its last success). */
  healthy: boolean;
  lastArchivedWal?: string;
  lastArchivedTime?: string;
  lastFailedWal?: string;
  lastFailedTime?: string;
  failedCount?: number;
  /** WAL segments waiting to be archived when the catalog was read. */
  pendingSegments?: number;
  /** Seconds since the last successful archive, when segments were waiting. */
  lagSeconds?: number;
  /** WAL-G's last error line in PostgreSQL's log, while archiving fails. */
  lastError?: string;
}

export interface CatalogStatus {
  /** When the catalog was read (the server's clock). */
  catalogTime?: string;
  /** Why the newest reading failed, or WAL-G could not list the archive. */
  catalogError?: string;
  archiving?: ArchivingStatus;
  /** Base backups, newest first (at most 8). */
  backups?: CatalogBackup[];
  backupCount?: number;
  lastBackupTime?: string;
  firstRecoverableTime?: string;
  lastRecoverableTime?: string;
  recoveryWindowSeconds?: number;
  /** The next time the schedule fires after the reading. */
  nextBackupTime?: string;
  /**
   * When the schedule should have produced a backup newer than the newest one: its next run after
   * that backup started (after the cluster's creation when there is none). Past it, plus the time
   * a backup takes, a backup is missing (the PostgresBaseBackupOverdue alert).
   */
  backupDueTime?: string;
}

const seconds = (from: string, to: string): number =>
  Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** Whether `a` is a time later than `b` (times differ in precision, so compare instants). */
const after = (a: string | undefined, b: string): boolean => a !== undefined && Date.parse(a) > Date.parse(b);

function archivingOf(r: CatalogReading): ArchivingStatus {
  const a = r.archiver;
  const failing = a.lastFailedTime !== undefined && !after(a.lastArchivedTime, a.lastFailedTime);
  const waiting = (a.pendingSegments ?? 0) > 0 && a.lastArchivedTime !== undefined;
  return defined<ArchivingStatus>({
    healthy: !failing,
    ...a,
    lagSeconds: waiting ? seconds(a.lastArchivedTime ?? r.at, r.at) : undefined,
    // An error logged before the last success is history, not the reason archiving fails now.
    lastError: failing ? a.lastError : undefined,
  });
}

function windowOf(r: CatalogReading, newest: CatalogBackup | undefined): Partial<CatalogStatus> {
  const first = r.firstBackupFinish;
  if (first === undefined) return {};
  const archived = r.archiver.lastArchivedTime;
  const last = archived !== undefined && after(archived, first) ? archived : (newest?.finishTime ?? first);
  return {
    firstRecoverableTime: first,
    lastRecoverableTime: last,
    recoveryWindowSeconds: seconds(first, last),
  };
}

/** Drops keys whose value is undefined (so status carries no nulls). */
function defined<T extends object>(o: { [K in keyof T]?: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The catalog fields of `status.backup`. `schedule` is the one the members run (the StatefulSet's
 * `BACKUP_SCHEDULE`), `created` the cluster's creation time.
 */
export function catalogStatus(
  observation: CatalogObservation,
  input: { schedule?: string; created?: string },
): CatalogStatus {
  const r = observation.reading;
  const failure = observation.failure;
  const error = failure ? `run ${failure.run} failed: ${failure.message}` : r?.listError;
  if (!r) return defined<CatalogStatus>({ catalogError: error });
  const newest = r.backups[0];
  const archiving = archivingOf(r);
  return defined<CatalogStatus>({
    catalogTime: r.at,
    catalogError: error ?? blindList(r, archiving),
    archiving,
    backups: r.backups,
    backupCount: r.count,
    lastBackupTime: newest?.finishTime,
    ...windowOf(r, newest),
    ...scheduleOf(input.schedule, { at: r.at, dueFrom: newest?.startTime ?? input.created }),
  });
}

/** WAL-G 3.0.5 lists nothing both for an empty archive and for a store it cannot reach (catalog-job.ts). */
function blindList(r: CatalogReading, archiving: ArchivingStatus): string | undefined {
  return r.count === 0 && !archiving.healthy
    ? 'WAL-G lists no backups, which WAL-G 3.0.5 also says when it cannot reach the store, and archiving fails: see archiving.lastError'
    : undefined;
}

function scheduleOf(
  schedule: string | undefined,
  times: { at: string; dueFrom: string | undefined },
): Pick<CatalogStatus, 'nextBackupTime' | 'backupDueTime'> {
  if (schedule === undefined) return {};
  const next = nextRun(schedule, times.at);
  const due = times.dueFrom === undefined ? undefined : nextRun(schedule, times.dueFrom);
  return defined({ nextBackupTime: next, backupDueTime: due });
}
