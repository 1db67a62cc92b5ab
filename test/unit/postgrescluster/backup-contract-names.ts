/**
 * The variable names of the Spilo backup contract (docs/contract.md, WAL-G, backups and restore) that
 * backup-contract.test.ts checks the rendered environment against: what Spilo passes to WAL-G's envdir,
 * what configure_spilo reads itself, and which of them are credentials.
 */

/** §9.5 "Envdir whitelist": the only variables configure_spilo copies into WAL-G's envdir. */
const S3_NAMES = [
  'WALE_S3_PREFIX',
  'WALG_S3_PREFIX',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'WALE_S3_ENDPOINT',
  'AWS_ENDPOINT',
  'AWS_REGION',
  'AWS_INSTANCE_PROFILE',
  'WALE_DISABLE_S3_SSE',
  'WALG_S3_SSE_KMS_ID',
  'WALG_S3_SSE',
  'WALG_DISABLE_S3_SSE',
  'AWS_S3_FORCE_PATH_STYLE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_STS_REGIONAL_ENDPOINTS',
  'AWS_EC2_METADATA_SERVICE_ENDPOINT',
  'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE',
];
const GCS_NAMES = [
  'WALE_GS_PREFIX',
  'WALG_GS_PREFIX',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'WALE_GCS_PREFIX',
  'WAL_GCS_BUCKET',
];
const AZURE_NAMES = [
  'WALG_AZ_PREFIX',
  'AZURE_STORAGE_ACCOUNT',
  'WALG_AZURE_BUFFER_SIZE',
  'WALG_AZURE_MAX_BUFFERS',
  'AZURE_ENVIRONMENT_NAME',
  'AZURE_STORAGE_ACCESS_KEY',
  'AZURE_STORAGE_SAS_TOKEN',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_TENANT_ID',
];
const WALG_NAMES = [
  'WALG_DELTA_MAX_STEPS',
  'WALG_DELTA_ORIGIN',
  'WALG_DOWNLOAD_CONCURRENCY',
  'WALG_UPLOAD_CONCURRENCY',
  'WALG_UPLOAD_DISK_CONCURRENCY',
  'WALG_DISK_RATE_LIMIT',
  'WALG_NETWORK_RATE_LIMIT',
  'WALG_COMPRESSION_METHOD',
  'WALG_BACKUP_COMPRESSION_METHOD',
  'WALG_BACKUP_FROM_REPLICA',
  'WALG_SENTINEL_USER_DATA',
  'WALG_PREVENT_WAL_OVERWRITE',
  'WALG_S3_CA_CERT_FILE',
  'WALG_LIBSODIUM_KEY',
  'WALG_LIBSODIUM_KEY_PATH',
  'WALG_LIBSODIUM_KEY_TRANSFORM',
  'WALG_PGP_KEY',
  'WALG_PGP_KEY_PATH',
  'WALG_PGP_KEY_PASSPHRASE',
  'USE_WALG_BACKUP',
  'USE_WALG_RESTORE',
];
/** Every name configure_spilo may write into an envdir (for the clone source, with CLONE_). */
export const ENVDIR = [...S3_NAMES, ...GCS_NAMES, ...AZURE_NAMES, ...WALG_NAMES];
/** Read by configure_spilo itself: the crontab schedule, retention (unprefixed only), the clone. */
const SPILO_OWN = [
  'BACKUP_SCHEDULE',
  'BACKUP_NUM_TO_RETAIN',
  'CLONE_METHOD',
  'CLONE_SCOPE',
  'CLONE_TARGET_TIME',
  'CLONE_TARGET_TIMELINE',
  'CLONE_TARGET_INCLUSIVE',
  'CLONE_USE_WALG',
];
/** §9.6: every storage and WAL-G variable may be given for the clone source with a CLONE_ prefix. */
export const ALLOWED = new Set([...ENVDIR, ...ENVDIR.map((n) => `CLONE_${n}`), ...SPILO_OWN]);

export const CONTRACT_PREFIXES = /^(WALG_|WALE_|WAL_|USE_WALG|CLONE_|AWS_|GOOGLE_|AZURE_|BACKUP_)/;
export const CREDENTIALS =
  /(^|_)(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AZURE_STORAGE_ACCESS_KEY|WALG_LIBSODIUM_KEY|WALG_PGP_KEY|WALG_PGP_KEY_PASSPHRASE)$/;
