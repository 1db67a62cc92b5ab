/**
 * Secret keys that reach WAL-G as files, not as variables: a GCS service account key (JSON) and a
 * PGP key (ASCII armour). Both span several lines, and a variable cannot carry that to WAL-G under
 * Spilo:
 *
 * - Spilo's configure_spilo.py (`write_wale_environment`, 4.0-p3) writes each WAL-G variable of its
 *   list into one file of the envdir `/run/etc/wal-e.d/env` (the clone source's into
 *   `env-clone-<scope>`); every WAL-G call then runs as `envdir <dir> wal-g ...`;
 * - that `envdir` is runit's `chpst` (the image links it so: build_scripts/prepare.sh), whose `edir()`
 *   (runit src/chpst.c) keeps only the first line of each file, without trailing blanks: an armoured
 *   key becomes its `-----BEGIN PGP ...` header and every wal-push and wal-fetch fails.
 *
 * So the key is mounted from its Secret and WAL-G is given its path: `WALG_PGP_KEY_PATH` (and the
 * clone's `CLONE_WALG_PGP_KEY_PATH`), both on Spilo's list; WAL-G 3.0.5 reads the file whole
 * (internal/configure.go `configurePgpCrypter` → internal/crypto/openpgp/key.go `readPGPKey`).
 * `GOOGLE_APPLICATION_CREDENTIALS` is a path by definition.
 */
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { Plain } from '../../lib/k8s.js';
import type { ResolvedStandby } from '../standby/types.js';
import type { ArchiveLocation, ResolvedEncryption, SecretKeyRef } from './types.js';

/** `CLONE_` for the restore source, `STANDBY_` for a standby's source, empty for the own archive. */
export type Prefix = '' | 'CLONE_' | 'STANDBY_';

/** Volumes holding key files; their names start with this. */
export const BACKUP_VOLUME_PREFIX = 'pgmeta-';
/** Names of the restore source's key file volumes start with this. */
export const RESTORE_VOLUME_PREFIX = 'pgmeta-restore-';
/** Names of a standby source's key file volumes start with this. */
export const STANDBY_VOLUME_PREFIX = 'pgmeta-standby-';

type FileKind = 'gcs' | 'pgp';

/** The volume, its mount directory and the file inside, per archive and kind of key. */
export const KEY_FILES = {
  gcs: {
    '': { volume: 'pgmeta-backup-gcs', dir: '/var/run/pgmeta/backup-gcs' },
    CLONE_: { volume: 'pgmeta-restore-gcs', dir: '/var/run/pgmeta/restore-gcs' },
    STANDBY_: { volume: 'pgmeta-standby-gcs', dir: '/var/run/pgmeta/standby-gcs' },
    file: 'credentials.json',
  },
  pgp: {
    '': { volume: 'pgmeta-backup-pgp', dir: '/var/run/pgmeta/backup-pgp' },
    CLONE_: { volume: 'pgmeta-restore-pgp', dir: '/var/run/pgmeta/restore-pgp' },
    STANDBY_: { volume: 'pgmeta-standby-pgp', dir: '/var/run/pgmeta/standby-pgp' },
    file: 'key.asc',
  },
} as const;

/** Owner and group may read (0440): the group is the pod's fsGroup, Spilo's postgres group. */
const KEY_FILE_MODE = 0o440;

/** Where the key file of `kind` is, in the Spilo container. */
export function keyFilePath(kind: FileKind, p: Prefix): string {
  return `${KEY_FILES[kind][p].dir}/${KEY_FILES[kind].file}`;
}

interface KeyFile {
  kind: FileKind;
  prefix: Prefix;
  ref: SecretKeyRef;
}

function filesOf(archive: ArchiveLocation & { encryption?: ResolvedEncryption }, prefix: Prefix): KeyFile[] {
  const { destination: d, encryption: e } = archive;
  return [
    ...(d.kind === 'gcs' && d.credentials ? [{ kind: 'gcs' as const, prefix, ref: d.credentials }] : []),
    ...(e?.method === 'pgp' ? [{ kind: 'pgp' as const, prefix, ref: e.key }] : []),
  ];
}

/** The archives a cluster reads or writes: its own, a restore source, a standby's source. */
export interface ArchiveUsers {
  backup?: ArchiveLocation & { encryption?: ResolvedEncryption };
  restore?: ArchiveLocation & { encryption?: ResolvedEncryption };
  standby?: ResolvedStandby;
}

function keyFiles(cluster: ArchiveUsers): KeyFile[] {
  return [
    ...(cluster.backup ? filesOf(cluster.backup, '') : []),
    ...(cluster.restore ? filesOf(cluster.restore, 'CLONE_') : []),
    ...(cluster.standby?.archive ? filesOf(cluster.standby.archive, 'STANDBY_') : []),
  ];
}

const byName = <T extends { name: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * The Secret volumes with key files, sorted by name. `optional`: the hook only renders a Secret it
 * has observed (guard.ts); should it go later, a restarting member still starts.
 */
export function backupVolumes(cluster: ArchiveUsers): Plain<V1Volume>[] {
  return keyFiles(cluster)
    .map((f) => ({
      name: KEY_FILES[f.kind][f.prefix].volume,
      secret: {
        secretName: f.ref.name,
        items: [{ key: f.ref.key, path: KEY_FILES[f.kind].file }],
        defaultMode: KEY_FILE_MODE,
        optional: true,
      },
    }))
    .sort(byName);
}

/** Read-only mounts of {@link backupVolumes} in the Spilo container, in the same order. */
export function backupVolumeMounts(cluster: ArchiveUsers): Plain<V1VolumeMount>[] {
  return keyFiles(cluster)
    .map((f) => ({ name: KEY_FILES[f.kind][f.prefix].volume, mountPath: KEY_FILES[f.kind][f.prefix].dir }))
    .sort(byName)
    .map((m) => ({ ...m, readOnly: true }));
}
