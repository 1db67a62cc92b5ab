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

export class BackupStore {
  private readonly archives = new Map<string, WalgBackup[]>();
  /** While set, every request to the store fails with this (the network error WAL-G prints). */
  outage: string | undefined;

  push(prefix: string, backup: WalgBackup): void {
    this.archives.set(prefix, [...(this.archives.get(prefix) ?? []), backup]);
  }

  /** `wal-g backup-list --detail --json` under `prefix`, oldest first. */
  list(prefix: string): WalgBackup[] {
    return [...(this.archives.get(prefix) ?? [])];
  }

  /** Every backup of every archive, for assertions. */
  all(): { prefix: string; backup: WalgBackup }[] {
    return [...this.archives].flatMap(([prefix, list]) => list.map((backup) => ({ prefix, backup })));
  }
}
