/**
 * The shapes of `spec.backup` and `spec.restore`: as written in the CRD (raw, CRD defaults applied)
 * and after resolution (every default filled, the archive location computed).
 *
 * The raw interfaces repeat the CRD's structure (crds/postgresclusters.yaml is the source; the
 * generated spec type is structurally the same) so this feature's modules do not depend on the
 * generated file of the whole spec.
 * @see docs/contract.md (what Spilo does with each variable, with its upstream file and function)
 */

/** A key of a Secret in the cluster's namespace. */
export interface SecretKeyRef {
  name: string;
  key: string;
}

export interface S3Spec {
  bucket: string;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Exactly one of credentialsSecret and identity (a CEL rule says so). */
  credentialsSecret?: { name: string; accessKeyIdKey?: string; secretAccessKeyKey?: string };
  identity?: { source: 'InstanceProfile' };
}

export interface GcsSpec {
  bucket: string;
  credentialsSecret?: { name: string; key?: string };
  identity?: { serviceAccount: string };
}

export interface AzureSpec {
  container: string;
  storageAccount: string;
  credentialsSecret?: { name: string; key?: string };
  identity?: { source: 'ManagedIdentity' };
}

/** Exactly one store (a CEL rule says so). */
export interface DestinationSpec {
  s3?: S3Spec;
  gcs?: GcsSpec;
  azure?: AzureSpec;
}

export interface EncryptionSpec {
  method: EncryptionMethod;
  keySecret: { name: string; key?: string; passphraseKey?: string };
}

export interface BackupSpec {
  destination: DestinationSpec;
  path?: string;
  schedule?: string;
  retention?: { count?: number };
  compression?: Compression;
  backupFromReplica?: boolean;
  encryption?: EncryptionSpec;
  uploadConcurrency?: number;
  downloadConcurrency?: number;
}

export interface RestoreSpec {
  source: DestinationSpec & {
    path?: string;
    /** The source's major, when older than the cluster's: Spilo's clone then runs pg_upgrade. */
    version?: string;
    cluster?: { name: string; uid: string; namespace?: string };
  };
  target: { time?: string; latest?: boolean };
  encryption?: EncryptionSpec;
}

/** WAL-G's compression methods (`WALG_COMPRESSION_METHOD`). */
export const COMPRESSIONS = ['lz4', 'lzma', 'zstd', 'brotli'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export const ENCRYPTION_METHODS = ['libsodium', 'pgp'] as const;
export type EncryptionMethod = (typeof ENCRYPTION_METHODS)[number];

/** Default Secret keys, documented in the CRD and docs/backup.md. */
export const DEFAULT_KEYS = {
  s3AccessKeyId: 'AWS_ACCESS_KEY_ID',
  s3SecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  gcsCredentials: 'credentials.json',
  azureAccessKey: 'AZURE_STORAGE_ACCESS_KEY',
  encryptionKey: 'key',
} as const;

export interface ResolvedS3 {
  kind: 's3';
  bucket: string;
  region?: string;
  /** `scheme://host[:port]`, no path (Spilo derives `WALE_S3_ENDPOINT` from exactly that form). */
  endpoint?: string;
  /** @default true with an endpoint (MinIO, Ceph), false without (AWS) */
  forcePathStyle: boolean;
  /** Static keys; absent with `identity` (the node's instance profile). */
  accessKeyId?: SecretKeyRef;
  secretAccessKey?: SecretKeyRef;
  identity?: 'InstanceProfile';
}

export interface ResolvedGcs {
  kind: 'gcs';
  bucket: string;
  /** A service account key file (JSON), mounted as a file for `GOOGLE_APPLICATION_CREDENTIALS`. */
  credentials?: SecretKeyRef;
  /** GKE Workload Identity: the Google service account the members' ServiceAccount is bound to. */
  serviceAccount?: string;
}

export interface ResolvedAzure {
  kind: 'azure';
  container: string;
  storageAccount: string;
  accessKey?: SecretKeyRef;
  identity?: 'ManagedIdentity';
}

export type ResolvedDestination = ResolvedS3 | ResolvedGcs | ResolvedAzure;

export interface ResolvedEncryption {
  method: EncryptionMethod;
  key: SecretKeyRef;
  /** PGP only: the key's passphrase, when it has one. */
  passphrase?: SecretKeyRef;
}

/** Where an archive lives: the store, the path inside it, and the WAL-G prefix of one major. */
export interface ArchiveLocation {
  destination: ResolvedDestination;
  /** Path inside the bucket or container, without slashes at either end, e.g. `shop/orders/<uid>`. */
  path: string;
  /** WAL-G prefix: `<scheme>://<bucket>/<path>/wal/<major>`. */
  prefix: string;
}

export interface ResolvedBackup extends ArchiveLocation {
  /** @default '0 1 * * *' (Spilo's) */
  schedule: string;
  /** @default 5 */
  retention: number;
  /** @default 'lz4' */
  compression: Compression;
  /** @default false */
  fromReplica: boolean;
  encryption?: ResolvedEncryption;
  uploadConcurrency?: number;
  downloadConcurrency?: number;
}

/**
 * `time` is the RFC 3339 target as rendered for PostgreSQL's `recovery_target_time`: a trailing `Z`
 * becomes `+00:00` (resolve.ts `recoveryTargetTime` says why).
 */
export type RestoreTarget = { time: string } | { latest: true };

export interface ResolvedRestore extends ArchiveLocation {
  /** `CLONE_SCOPE`: names Spilo's clone envdir; the source cluster's name when known. */
  scope: string;
  target: RestoreTarget;
  encryption?: ResolvedEncryption;
}
