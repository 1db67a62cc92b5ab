/**
 * `spec.backup` and `spec.restore` → what the environment builders render from: defaults filled,
 * Secret keys named, and the archive locations computed.
 *
 * Archive layout inside a bucket (or Azure container):
 *
 *     <path>/<cluster uid>/wal/<major>/{basebackups_005,wal_005}/...
 *
 * `path` defaults to `<namespace>/<cluster name>`. The cluster UID is always appended, so a cluster
 * deleted and created again under the same name (a new UID) starts a new archive instead of writing
 * over the old one, which may be the only copy of the data. The major version ends the prefix as in
 * Spilo's own layout: after a major upgrade, backups of the new system never mix with the old one's.
 * @see docs/contract.md (what Spilo does with each variable, with its upstream file and function)
 */
import type { ClusterIdentity } from '../spec/resolved.js';
import {
  DEFAULT_KEYS,
  type ArchiveLocation,
  type BackupSpec,
  type DestinationSpec,
  type EncryptionSpec,
  type ResolvedBackup,
  type ResolvedDestination,
  type ResolvedEncryption,
  type ResolvedRestore,
  type RestoreSpec,
  type S3Spec,
} from './types.js';

/** Spilo's default schedule: every day at 01:00 (the pod's clock, UTC in the Spilo image). */
export const DEFAULT_SCHEDULE = '0 1 * * *';
/** Spilo's default: keep 5 base backups (and, Spilo adds, at least 5 days). */
export const DEFAULT_RETENTION = 5;

/** Stand-in for the UID of an object that has none yet (offline `pgmeta render` of a new file). */
export const NO_UID = 'no-uid';

function resolveS3(spec: S3Spec): ResolvedDestination {
  const { bucket, region, endpoint, forcePathStyle, credentialsSecret: c } = spec;
  return {
    kind: 's3',
    bucket,
    ...(region === undefined ? {} : { region }),
    ...(endpoint === undefined ? {} : { endpoint }),
    forcePathStyle: forcePathStyle ?? endpoint !== undefined,
    ...(c
      ? {
          accessKeyId: { name: c.name, key: c.accessKeyIdKey ?? DEFAULT_KEYS.s3AccessKeyId },
          secretAccessKey: { name: c.name, key: c.secretAccessKeyKey ?? DEFAULT_KEYS.s3SecretAccessKey },
        }
      : { identity: 'InstanceProfile' as const }),
  };
}

/** The store of a destination; the CRD guarantees exactly one is set. */
export function resolveDestination(spec: DestinationSpec): ResolvedDestination {
  if (spec.s3) return resolveS3(spec.s3);
  if (spec.gcs) {
    const { bucket, credentialsSecret: c, identity } = spec.gcs;
    return {
      kind: 'gcs',
      bucket,
      ...(c ? { credentials: { name: c.name, key: c.key ?? DEFAULT_KEYS.gcsCredentials } } : {}),
      ...(identity ? { serviceAccount: identity.serviceAccount } : {}),
    };
  }
  if (spec.azure) {
    const { container, storageAccount, credentialsSecret: c } = spec.azure;
    return {
      kind: 'azure',
      container,
      storageAccount,
      ...(c
        ? { accessKey: { name: c.name, key: c.key ?? DEFAULT_KEYS.azureAccessKey } }
        : { identity: 'ManagedIdentity' as const }),
    };
  }
  throw new Error('a destination needs one of s3, gcs or azure');
}

/**
 * The target time as PostgreSQL's `recovery_target_time` accepts it: `Z` becomes `+00:00`. PostgreSQL
 * checks that setting while it reads its configuration, before it has loaded the time zone
 * abbreviations, so `...T09:30:00Z` is refused there ("invalid value for parameter") and the restore
 * would never start; a numeric offset means the same instant and is accepted by every major.
 */
export function recoveryTargetTime(time: string): string {
  return time.endsWith('Z') ? `${time.slice(0, -1)}+00:00` : time;
}

/** `s3://bucket`, `gs://bucket` or `azure://container`: the WAL-G prefix without a path. */
export function storeUrl(dest: ResolvedDestination): string {
  switch (dest.kind) {
    case 's3':
      return `s3://${dest.bucket}`;
    case 'gcs':
      return `gs://${dest.bucket}`;
    case 'azure':
      return `azure://${dest.container}`;
  }
}

/** The WAL-G prefix of an archive path for one major version. */
export function walgPrefix(dest: ResolvedDestination, path: string, major: string): string {
  return `${storeUrl(dest)}/${path}/wal/${major}`;
}

/** The archive path of a live cluster: `<path or namespace/name>/<uid>`. */
export function liveArchivePath(id: ClusterIdentity, path: string | undefined): string {
  return `${path ?? `${id.namespace}/${id.name}`}/${id.uid === '' ? NO_UID : id.uid}`;
}

/** The archive path a restore reads: the given path, or the default path of the named cluster. */
export function sourceArchivePath(id: ClusterIdentity, source: RestoreSpec['source']): string {
  if (source.path !== undefined) return source.path;
  const c = source.cluster;
  if (!c) throw new Error('a restore source needs path or cluster');
  return liveArchivePath({ name: c.name, namespace: c.namespace ?? id.namespace, uid: c.uid }, undefined);
}

export function resolveEncryption(spec: EncryptionSpec | undefined): { encryption?: ResolvedEncryption } {
  if (!spec) return {};
  const { name, key, passphraseKey } = spec.keySecret;
  return {
    encryption: {
      method: spec.method,
      key: { name, key: key ?? DEFAULT_KEYS.encryptionKey },
      ...(spec.method === 'pgp' && passphraseKey !== undefined
        ? { passphrase: { name, key: passphraseKey } }
        : {}),
    },
  };
}

export function location(dest: ResolvedDestination, path: string, major: string): ArchiveLocation {
  return { destination: dest, path, prefix: walgPrefix(dest, path, major) };
}

/** `spec.backup` resolved for a cluster of `major`. */
export function resolveBackup(id: ClusterIdentity, spec: BackupSpec, major: string): ResolvedBackup {
  return {
    ...location(resolveDestination(spec.destination), liveArchivePath(id, spec.path), major),
    schedule: spec.schedule ?? DEFAULT_SCHEDULE,
    retention: spec.retention?.count ?? DEFAULT_RETENTION,
    compression: spec.compression ?? 'lz4',
    fromReplica: spec.backupFromReplica ?? false,
    ...resolveEncryption(spec.encryption),
    ...(spec.uploadConcurrency === undefined ? {} : { uploadConcurrency: spec.uploadConcurrency }),
    ...(spec.downloadConcurrency === undefined ? {} : { downloadConcurrency: spec.downloadConcurrency }),
  };
}

/**
 * `spec.restore` resolved for a cluster of `major`. The archive read is the source's major's
 * (`source.version`, default `major`): Spilo's clone takes the prefix as given and tries other majors
 * only under its own `/spilo/.../wal` layout (bootstrap/clone_with_wale.py `get_wale_environments`,
 * 4.0-p3); a backup of an older major is then recovered with that major's binaries and upgraded with
 * pg_upgrade to the cluster's (bootstrap/maybe_pg_upgrade.py `main`).
 */
export function resolveRestore(id: ClusterIdentity, spec: RestoreSpec, major: string): ResolvedRestore {
  const { time } = spec.target;
  const source = spec.source.version ?? major;
  return {
    ...location(resolveDestination(spec.source), sourceArchivePath(id, spec.source), source),
    scope: spec.source.cluster?.name ?? 'source',
    target: time !== undefined ? { time: recoveryTargetTime(time) } : { latest: true },
    ...resolveEncryption(spec.encryption),
  };
}

/** `backup` and `restore` of a resolved cluster, each present only when the spec has it. */
export function resolveBackupFields(
  id: ClusterIdentity,
  spec: { version: string; backup?: BackupSpec; restore?: RestoreSpec },
): { backup?: ResolvedBackup; restore?: ResolvedRestore } {
  return {
    ...(spec.backup ? { backup: resolveBackup(id, spec.backup, spec.version) } : {}),
    ...(spec.restore ? { restore: resolveRestore(id, spec.restore, spec.version) } : {}),
  };
}

/**
 * Whether two archives could share objects: the same bucket (or container) and one prefix equal to,
 * or a folder inside, the other. A restored cluster whose own archive overlapped its source would
 * archive its new timeline into the backups it was restored from. Endpoints and storage accounts are
 * deliberately not compared: two spellings of one MinIO host are the same store, and refusing a
 * look-alike costs a different `path`, while missing a real overlap costs the source's backups.
 */
export function archivesOverlap(a: ArchiveLocation, b: ArchiveLocation): boolean {
  if (storeUrl(a.destination) !== storeUrl(b.destination)) return false;
  const pa = `${a.prefix}/`;
  const pb = `${b.prefix}/`;
  return pa.startsWith(pb) || pb.startsWith(pa);
}
