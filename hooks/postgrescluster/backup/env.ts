/**
 * The Spilo environment of continuous archiving (`spec.backup`) and of a restore at bootstrap
 * (`spec.restore`); the key files they name are mounted by files.ts.
 *
 * Only variables of Spilo's envdir whitelist reach WAL-G: configure_spilo copies exactly those into
 * `/run/etc/wal-e.d/env` (and their `CLONE_`-prefixed twins into the clone envdir), and WAL-G runs
 * with nothing else. A variable outside the list is silently ignored, so every name below is one of
 * them (test/unit/postgrescluster/backup-contract.test.ts checks it against the reference).
 *
 * Credentials are `secretKeyRef`s, never values: the StatefulSet holds no secret. They are
 * `optional` because the hook only renders a reference to a Secret key it has observed (guard.ts);
 * should that Secret be deleted later, a member that restarts still starts (archiving then fails and
 * status says why) instead of being stuck in CreateContainerConfigError.
 * @see docs/contract.md (what Spilo does with each variable, with its upstream file and function)
 */
import type { EnvVar } from '../spilo/env.js';
import type { ResolvedStandby } from '../standby/types.js';
import { keyFilePath, type ArchiveUsers, type Prefix } from './files.js';
import type {
  ResolvedBackup,
  ResolvedDestination,
  ResolvedEncryption,
  ResolvedRestore,
  SecretKeyRef,
} from './types.js';

/** Name prefixes of every variable this module renders: the rest of the environment never uses them. */
export const BACKUP_ENV_PREFIXES = [
  'WALG_',
  'WALE_',
  'USE_WALG_',
  'AWS_',
  'GOOGLE_',
  'AZURE_',
  'BACKUP_',
  'CLONE_',
  'STANDBY_',
] as const;

/** Whether a container variable belongs to the backup or restore configuration. */
export function isBackupEnvName(name: string): boolean {
  return BACKUP_ENV_PREFIXES.some((p) => name.startsWith(p));
}

const value = (name: string, v: string): EnvVar => ({ name, value: v });

const secret = (name: string, ref: SecretKeyRef): EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: ref.name, key: ref.key, optional: true } },
});

/** The variable from the Secret key, or nothing for credentials without static keys. */
const secretIf = (name: string, ref: SecretKeyRef | undefined): EnvVar[] => (ref ? [secret(name, ref)] : []);

/** `WALE_S3_ENDPOINT`'s `protocol+convention://host` form: Spilo reads the addressing style from it. */
function waleS3Endpoint(endpoint: string, pathStyle: boolean): string {
  return endpoint.replace('://', pathStyle ? '+path://' : '+virtualhost://');
}

/**
 * The store, its prefix and credentials. S3 and GCS get both the WAL-G and the WAL-E prefix with the
 * same value: Spilo derives a `WALE_*_PREFIX` from the (empty) bucket variable when it is missing and
 * its scripts read that one.
 */
function storeEnv(dest: ResolvedDestination, prefix: string, p: Prefix): EnvVar[] {
  switch (dest.kind) {
    case 's3':
      return [
        value(`${p}WALG_S3_PREFIX`, prefix),
        value(`${p}WALE_S3_PREFIX`, prefix),
        // Without keys, Spilo sets AWS_INSTANCE_PROFILE and WAL-G takes the AWS SDK's default
        // credentials: the node's instance profile (docs/backup.md "Credentials without static keys").
        ...secretIf(`${p}AWS_ACCESS_KEY_ID`, dest.accessKeyId),
        ...secretIf(`${p}AWS_SECRET_ACCESS_KEY`, dest.secretAccessKey),
        ...(dest.region === undefined ? [] : [value(`${p}AWS_REGION`, dest.region)]),
        // Spilo overrides AWS_S3_FORCE_PATH_STYLE from WALE_S3_ENDPOINT's convention when an
        // endpoint is set, so both say the same.
        ...(dest.endpoint === undefined
          ? []
          : [
              value(`${p}AWS_ENDPOINT`, dest.endpoint),
              value(`${p}WALE_S3_ENDPOINT`, waleS3Endpoint(dest.endpoint, dest.forcePathStyle)),
            ]),
        value(`${p}AWS_S3_FORCE_PATH_STYLE`, String(dest.forcePathStyle)),
      ];
    case 'gcs':
      return [
        value(`${p}WALG_GS_PREFIX`, prefix),
        value(`${p}WALE_GS_PREFIX`, prefix),
        // Without a key file, Google's application default credentials: with Workload Identity,
        // the GKE metadata server answers for the ServiceAccount's Google service account.
        ...(dest.credentials ? [value(`${p}GOOGLE_APPLICATION_CREDENTIALS`, keyFilePath('gcs', p))] : []),
      ];
    case 'azure':
      // WALG_AZ_PREFIX alone: the whitelist has no WALE_AZ_PREFIX.
      return [
        value(`${p}WALG_AZ_PREFIX`, prefix),
        value(`${p}AZURE_STORAGE_ACCOUNT`, dest.storageAccount),
        // Without a key, WAL-G's default Azure credential chain: the node's managed identity.
        ...secretIf(`${p}AZURE_STORAGE_ACCESS_KEY`, dest.accessKey),
      ];
  }
}

/** Client-side encryption of everything WAL-G uploads (and decryption of what it fetches). */
function encryptionEnv(enc: ResolvedEncryption | undefined, p: Prefix): EnvVar[] {
  if (!enc) return [];
  if (enc.method === 'libsodium') {
    // The Secret holds the 32-byte key base64-encoded (`openssl rand -base64 32`).
    return [secret(`${p}WALG_LIBSODIUM_KEY`, enc.key), value(`${p}WALG_LIBSODIUM_KEY_TRANSFORM`, 'base64')];
  }
  // The armoured key is a file (files.ts says why); the passphrase is one line, so a variable
  // carries it (WAL-G 3.0.5 has no file setting for it: internal/configure.go `configurePgpCrypter`).
  return [
    value(`${p}WALG_PGP_KEY_PATH`, keyFilePath('pgp', p)),
    ...(enc.passphrase ? [secret(`${p}WALG_PGP_KEY_PASSPHRASE`, enc.passphrase)] : []),
  ];
}

/**
 * Continuous archiving and scheduled base backups with WAL-G. `USE_WALG_BACKUP` must be explicit
 * for S3 and GCS (Spilo would push with WAL-E otherwise); `USE_WALG_RESTORE` for GCS.
 */
export function backupEnv(b: ResolvedBackup): EnvVar[] {
  return [
    value('USE_WALG_BACKUP', 'true'),
    value('USE_WALG_RESTORE', 'true'),
    value('BACKUP_SCHEDULE', b.schedule),
    value('BACKUP_NUM_TO_RETAIN', String(b.retention)),
    value('WALG_COMPRESSION_METHOD', b.compression),
    ...(b.fromReplica ? [value('WALG_BACKUP_FROM_REPLICA', 'true')] : []),
    ...(b.uploadConcurrency === undefined
      ? []
      : [value('WALG_UPLOAD_CONCURRENCY', String(b.uploadConcurrency))]),
    ...(b.downloadConcurrency === undefined
      ? []
      : [value('WALG_DOWNLOAD_CONCURRENCY', String(b.downloadConcurrency))]),
    ...storeEnv(b.destination, b.prefix, ''),
    ...encryptionEnv(b.encryption, ''),
  ];
}

/**
 * Bootstrap from another cluster's archive: Spilo's `clone_with_wale` fetches the newest base backup
 * older than `CLONE_TARGET_TIME` (which must carry a time zone; absent means the latest backup) and
 * replays WAL up to that time, then promotes. `CLONE_USE_WALG_BACKUP` keeps `CLONE_AWS_REGION` in
 * the clone envdir when an endpoint is set (Spilo drops the region otherwise).
 */
export function restoreEnv(r: ResolvedRestore): EnvVar[] {
  return [
    value('CLONE_METHOD', 'CLONE_WITH_WALE'),
    value('CLONE_SCOPE', r.scope),
    value('CLONE_USE_WALG_RESTORE', 'true'),
    value('CLONE_USE_WALG_BACKUP', 'true'),
    ...storeEnv(r.destination, r.prefix, 'CLONE_'),
    ...encryptionEnv(r.encryption, 'CLONE_'),
    ...('time' in r.target ? [value('CLONE_TARGET_TIME', r.target.time)] : []),
  ];
}

/**
 * A standby cluster's source (`spec.standby`). Spilo reads the `STANDBY_` variables only when it does
 * not clone (configure_spilo.py `get_placeholders`, the `else` of `CLONE_METHOD`), so a standby never
 * restores (the CRD refuses both). A `STANDBY_*_PREFIX` makes `set_extended_wale_placeholders('STANDBY_')`
 * set `STANDBY_WITH_WALE` and the envdir `/run/etc/wal-e.d/env-standby-<STANDBY_SCOPE>`, which
 * `main()` fills (`update_and_write_wale_configuration`, the `standby-cluster` section); `STANDBY_HOST`
 * and `STANDBY_PORT` go into the template's `bootstrap.dcs.standby_cluster`, as standby/dcs.ts renders
 * it too. `STANDBY_USE_WALG_RESTORE` must be explicit for GCS (`set_walg_placeholders`), as for a clone.
 */
export function standbyEnv(s: ResolvedStandby): EnvVar[] {
  const { streaming, archive } = s;
  return [
    ...(streaming
      ? [value('STANDBY_HOST', streaming.host), value('STANDBY_PORT', String(streaming.port))]
      : []),
    ...(archive
      ? [
          value('STANDBY_SCOPE', archive.scope),
          value('STANDBY_USE_WALG_RESTORE', 'true'),
          value('STANDBY_USE_WALG_BACKUP', 'true'),
          ...storeEnv(archive.destination, archive.prefix, 'STANDBY_'),
          ...encryptionEnv(archive.encryption, 'STANDBY_'),
        ]
      : []),
  ];
}

/** Every archive variable of the Spilo container; empty when the cluster uses no archive. */
export function clusterBackupEnv(
  cluster: ArchiveUsers & { backup?: ResolvedBackup; restore?: ResolvedRestore },
): EnvVar[] {
  return [
    ...(cluster.backup ? backupEnv(cluster.backup) : []),
    ...(cluster.restore ? restoreEnv(cluster.restore) : []),
    ...(cluster.standby ? standbyEnv(cluster.standby) : []),
  ];
}

export { backupVolumes, backupVolumeMounts } from './files.js';
