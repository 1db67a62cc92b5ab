/**
 * One failing case per CEL rule of spec.backup and spec.restore, with the field path and message the
 * API server would report. spec/validate-cases.ts joins them to the rest of the spec's cases, and
 * validate.test.ts runs them all and checks that every mirrored rule has one.
 */
import type { FieldError } from '../../../../hooks/postgrescluster/spec/index.js';
import { BACKUP_RULES } from '../../../../hooks/postgrescluster/backup/validate.js';

const BASE = { version: '16', storage: { size: '10Gi' } };
const S3 = { bucket: 'pg-backups', endpoint: 'http://minio:9000', credentialsSecret: { name: 'minio' } };
const GCS = { bucket: 'pg-backups', credentialsSecret: { name: 'gcs' } };
const RESTORE = { source: { s3: S3, path: 'shop/orders/u0' }, target: { latest: true } };

export interface CelCase {
  rule: string;
  what: string;
  spec: Record<string, unknown>;
  name?: string;
  previous?: Record<string, unknown>;
  error: FieldError;
}

export const BACKUP_FAILING: CelCase[] = [
  {
    rule: BACKUP_RULES.oneStore,
    what: 'a backup destination with two stores',
    spec: { ...BASE, backup: { destination: { s3: S3, gcs: GCS } } },
    error: { path: 'spec.backup.destination', message: 'exactly one of s3, gcs or azure must be set' },
  },
  {
    rule: BACKUP_RULES.s3Region,
    what: 'AWS S3 without a region',
    spec: {
      ...BASE,
      backup: { destination: { s3: { bucket: 'pg-backups', credentialsSecret: { name: 'aws' } } } },
    },
    error: {
      path: 'spec.backup.destination.s3.region',
      message:
        'region is required unless endpoint is set (AWS needs it; an S3-compatible endpoint may omit it)',
    },
  },
  {
    rule: BACKUP_RULES.cron,
    what: 'a schedule with an hour of 24',
    spec: { ...BASE, backup: { destination: { s3: S3 }, schedule: '0 24 * * *' } },
    error: {
      path: 'spec.backup.schedule',
      message: expect.stringContaining('must be a cron schedule'),
    },
  },
  {
    rule: BACKUP_RULES.credentialsOrIdentity,
    what: 'a GCS destination with neither a key Secret nor an identity',
    spec: { ...BASE, backup: { destination: { gcs: { bucket: 'pg-backups' } } } },
    error: {
      path: 'spec.backup.destination.gcs.credentialsSecret',
      message: 'exactly one of credentialsSecret or identity must be set',
    },
  },
  {
    rule: BACKUP_RULES.credentialsOrIdentity,
    what: 'an S3 destination with both keys and the instance profile',
    spec: { ...BASE, backup: { destination: { s3: { ...S3, identity: { source: 'InstanceProfile' } } } } },
    error: {
      path: 'spec.backup.destination.s3.credentialsSecret',
      message: 'exactly one of credentialsSecret or identity must be set',
    },
  },
  {
    rule: BACKUP_RULES.credentialsOrIdentity,
    what: 'an Azure restore source with neither',
    spec: {
      ...BASE,
      restore: {
        source: { azure: { container: 'pg-backups', storageAccount: 'acmepg' }, path: 'shop/orders/u0' },
        target: { latest: true },
      },
    },
    error: {
      path: 'spec.restore.source.azure.credentialsSecret',
      message: 'exactly one of credentialsSecret or identity must be set',
    },
  },
  {
    rule: BACKUP_RULES.pathOrCluster,
    what: 'a restore source with neither path nor cluster',
    spec: { ...BASE, restore: { source: { s3: S3 }, target: { latest: true } } },
    error: { path: 'spec.restore.source', message: 'exactly one of path or cluster must be set' },
  },
  {
    rule: BACKUP_RULES.target,
    what: 'a restore target with latest false and no time',
    spec: { ...BASE, restore: { ...RESTORE, target: { latest: false } } },
    error: { path: 'spec.restore.target', message: 'set exactly one of time or latest true' },
  },
  {
    rule: BACKUP_RULES.time,
    // Without any zone the schema's date-time format objects too; an offset without its colon is
    // left to this rule alone (test/unit/postgrescluster/backup/target-time.realpg.test.ts has more).
    what: 'a restore target time whose offset lacks the colon',
    spec: { ...BASE, restore: { ...RESTORE, target: { time: '2026-11-21T10:30:00+0100' } } },
    error: {
      path: 'spec.restore.target.time',
      message: expect.stringContaining('must be an RFC 3339 time with a time zone'),
    },
  },
  {
    rule: BACKUP_RULES.passphrase,
    what: 'a passphrase for a libsodium key',
    spec: {
      ...BASE,
      backup: {
        destination: { s3: S3 },
        encryption: { method: 'libsodium', keySecret: { name: 'k', passphraseKey: 'p' } },
      },
    },
    error: {
      path: 'spec.backup.encryption.keySecret.passphraseKey',
      message: 'keySecret.passphraseKey is only for method pgp',
    },
  },
  {
    rule: BACKUP_RULES.restoreImmutable,
    what: 'a restore added to a running cluster',
    spec: { ...BASE, restore: RESTORE },
    previous: BASE,
    error: {
      path: 'spec.restore',
      message:
        'restore is used only to create the cluster; it cannot be added, changed or removed afterwards',
    },
  },
  {
    rule: BACKUP_RULES.fromReplica,
    what: 'backups from a replica of a single-member cluster',
    spec: { ...BASE, backup: { destination: { s3: S3 }, backupFromReplica: true } },
    error: {
      path: 'spec.backup.backupFromReplica',
      message:
        'backupFromReplica needs at least 2 replicas (Spilo skips scheduled backups on the primary then)',
    },
  },
];
