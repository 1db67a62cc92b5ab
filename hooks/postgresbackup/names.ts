/**
 * Names and labels of a PostgresBackup's children and of the files its backup leaves on the server.
 */
import { createHash } from 'node:crypto';

/** Label on the backup Job's pods, with the PostgresBackup's name: the customize hook selects them by it. */
export const BACKUP_LABEL = 'pgmeta.io/postgresbackup';

/** `app.kubernetes.io/component` of everything a PostgresBackup creates. */
export const BACKUP_COMPONENT = 'backup';

/**
 * The CRD limits PostgresBackup names to 52 characters, so `<name>-<8 hex>` fits the 63 characters of
 * the `job-name` label the Job controller puts on its pods.
 */
export const MAX_NAME_LENGTH = 52;

const hash = (uid: string): string => createHash('sha256').update(uid).digest('hex');

/**
 * The Job's name: the PostgresBackup's name and a hash of its UID, so a PostgresBackup deleted and
 * created again under the same name never meets the previous one's Job while the garbage collector
 * is still removing it.
 */
export function backupJobName(name: string, uid: string): string {
  return `${name}-${hash(uid).slice(0, 8)}`;
}

/**
 * The identifier of one backup: written into WAL-G's backup sentinel (user data), so the backup
 * this object took is found by it in `wal-g backup-list`, and used in the server's temporary file
 * names. Hex only, so it is safe inside SQL, shell and JSON without quoting.
 */
export function backupId(uid: string): string {
  return hash(`pgmeta.io/postgresbackup/${uid}`).slice(0, 16);
}
