/**
 * The object store behind the clusters' WAL-G archives, as `wal-g backup-push` and `wal-g
 * backup-list --detail --json` see it: base backups under each archive prefix, with the sentinel
 * fields the list prints. It lives outside the cluster: nothing in Kubernetes deletes from it (only
 * WAL-G's retention would, which the simulation does not run), so a backup taken stays listed
 * whatever happens to the objects that asked for it.
 *
 * Also how a member pod's Spilo configured WAL-G (the envdir written at container start from the
 * pod's environment), and WAL-G's naming of a base backup.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { containerEnv, specOf } from './context';

/** One entry of `wal-g backup-list --detail --json` (the fields pgmeta's program reads, and a few more). */
export interface WalgBackup {
  backup_name: string;
  start_time: string;
  finish_time: string;
  hostname: string;
  start_lsn: number;
  user_data: Record<string, unknown> | null;
  /** ExtendedMetadataDto's sizes (internal/databases/postgres/backup_sentinel_dto.go). */
  compressed_size?: number;
  uncompressed_size?: number;
}

/** PostgreSQL's default WAL segment size, which the backup name counts in. */
const WAL_SEGMENT_BYTES = 16 * 1024 * 1024;
/** Segments per "log id" (the middle 8 hex digits of a WAL file name) with 16 MiB segments. */
const SEGMENTS_PER_ID = 0x1_0000_0000 / WAL_SEGMENT_BYTES;

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');

/** The WAL file holding `lsn` on `timeline`, e.g. `000000010000000000000003`. */
export function walFileName(timeline: number, lsn: number): string {
  const segment = Math.floor(lsn / WAL_SEGMENT_BYTES);
  return `${hex8(timeline)}${hex8(Math.floor(segment / SEGMENTS_PER_ID))}${hex8(segment % SEGMENTS_PER_ID)}`;
}

/** WAL-G's name of a base backup: `base_` and the WAL file of the backup's start LSN. */
export function baseBackupName(timeline: number, startLsn: number): string {
  return `base_${walFileName(timeline, startLsn)}`;
}

/** Bytes from `lsn` to the start of the next WAL segment (what pg_backup_stop's WAL switch skips). */
export function toNextSegment(lsn: number): number {
  return WAL_SEGMENT_BYTES - (lsn % WAL_SEGMENT_BYTES);
}

/** The archive prefix variables Spilo's configure_spilo.py looks for, in its order. */
const PREFIXES = ['WALG_S3_PREFIX', 'WALE_S3_PREFIX', 'WALG_GS_PREFIX', 'WALE_GS_PREFIX', 'WALG_AZ_PREFIX'];

/**
 * The archive prefix WAL-G runs with in this member pod, or undefined when Spilo configured no
 * storage: then configure_spilo.py returns before it creates the envdir at all.
 */
export function walgPrefixOf(pod: KubeObject): string | undefined {
  const env = containerEnv(specOf(pod));
  return PREFIXES.map((n) => env[n]).find((v) => v !== undefined && v !== '');
}

/**
 * PostgreSQL's archiver of one server, as `pg_stat_archiver` shows it (PostgreSQL
 * src/backend/postmaster/pgarch.c: a finished WAL segment is handed to `archive_command`, oldest
 * first; success sets `last_archived_wal`/`_time`, failure `last_failed_wal`/`_time` and counts; a
 * segment waits as `archive_status/<wal>.ready` until archived). Spilo's archive_command is `envdir
 * <envdir> wal-g wal-push "%p"` (configure_spilo.py `get_placeholders`), so it fails while the store
 * does, with WAL-G's error line on stderr, which the logging collector writes to the `.log` file.
 */
export interface Archiver {
  /** Index of the next segment to archive (LSN / segment size). */
  next: number;
  timeline: number;
  lastArchivedWal?: string;
  lastArchivedTime?: string;
  lastFailedWal?: string;
  lastFailedTime?: string;
  failedCount: number;
  /** Finished segments not archived yet. */
  ready: number;
  /** The newest `ERROR: ` line WAL-G wrote into PostgreSQL's log. */
  lastLogError?: string;
}

export class BackupStore {
  private readonly archives = new Map<string, WalgBackup[]>();
  private readonly archivers = new Map<string, Archiver>();
  /** While set, every request to the store fails with this (the network error WAL-G prints). */
  outage: string | undefined;

  push(prefix: string, backup: WalgBackup): void {
    this.archives.set(prefix, [...(this.archives.get(prefix) ?? []), backup]);
  }

  /** `wal-g backup-list --detail --json` under `prefix`, oldest first. */
  list(prefix: string): WalgBackup[] {
    return [...(this.archives.get(prefix) ?? [])];
  }

  /**
   * The archiver of the server `server` (one PostgreSQL instance) brought up to `lsn` at `now`:
   * the simulation evaluates it when something reads it, not continuously, so its times are those of
   * the reading. Segments finished before the server was first seen count as archived.
   */
  archive(
    server: string,
    o: { prefix: string; timeline: number; lsn: number; now: string; logTime: string },
  ): Archiver {
    const finished = Math.floor(o.lsn / WAL_SEGMENT_BYTES);
    const a = this.archivers.get(server) ?? {
      next: finished,
      timeline: o.timeline,
      failedCount: 0,
      ready: 0,
    };
    if (a.next < finished) {
      const first = walFileName(o.timeline, a.next * WAL_SEGMENT_BYTES);
      if (this.outage === undefined) {
        a.lastArchivedWal = walFileName(o.timeline, (finished - 1) * WAL_SEGMENT_BYTES);
        a.lastArchivedTime = o.now;
        a.next = finished;
      } else {
        a.lastFailedWal = first;
        a.lastFailedTime = o.now;
        a.failedCount += 1;
        a.lastLogError = `ERROR: ${o.logTime} failed to upload 'wal_005/${first}.lz4' to ${o.prefix}: ${this.outage}`;
      }
    }
    a.timeline = o.timeline;
    a.ready = finished - a.next;
    this.archivers.set(server, a);
    return { ...a };
  }

  /** Every backup of every archive, for assertions. */
  all(): { prefix: string; backup: WalgBackup }[] {
    return [...this.archives].flatMap(([prefix, list]) => list.map((backup) => ({ prefix, backup })));
  }
}
