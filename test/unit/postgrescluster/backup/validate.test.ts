/**
 * spec.backup and spec.restore through the whole spec check: what is accepted (every store, every
 * option), the cron patterns, and the archive-overlap check the API server cannot make.
 */
import { describe, expect, it } from '@jest/globals';
import { CRON_PATTERN } from '../../../../hooks/postgrescluster/backup/validate.js';
import { checkSpec, type FieldError } from '../../../../hooks/postgrescluster/spec/index.js';

const BASE = { version: '16', storage: { size: '10Gi' } };
const S3 = { bucket: 'pg-backups', endpoint: 'http://minio:9000', credentialsSecret: { name: 'minio' } };
const UID = '6d0c9a0e-1b7a-4c55-9d1e-3f0e2a1b9c8d';

function errorsOf(spec: unknown, previous?: unknown): FieldError[] {
  const parent = {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'orders', namespace: 'shop', uid: UID },
    spec,
  };
  const r = checkSpec(parent, previous);
  return r.ok ? [] : r.errors;
}

describe('accepted backup and restore specs', () => {
  it.each([
    ['S3 with a MinIO endpoint and defaults', { backup: { destination: { s3: S3 } } }],
    [
      'AWS S3 with a region, own key names, every option',
      {
        replicas: 2,
        backup: {
          destination: {
            s3: {
              bucket: 'acme.pg-backups',
              region: 'eu-central-1',
              forcePathStyle: true,
              credentialsSecret: { name: 'aws', accessKeyIdKey: 'id', secretAccessKeyKey: 'secret' },
            },
          },
          path: 'prod/eu',
          schedule: '15 */6 * * mon-fri',
          retention: { count: 14 },
          compression: 'brotli',
          backupFromReplica: true,
          encryption: {
            method: 'pgp',
            keySecret: { name: 'pgp', key: 'private.asc', passphraseKey: 'pass' },
          },
          uploadConcurrency: 8,
          downloadConcurrency: 16,
        },
      },
    ],
    [
      'GCS',
      { backup: { destination: { gcs: { bucket: 'pg_backups', credentialsSecret: { name: 'gcs' } } } } },
    ],
    [
      'Azure with a macro schedule',
      {
        backup: {
          destination: {
            azure: { container: 'pg-wal', storageAccount: 'acme1', credentialsSecret: { name: 'az' } },
          },
          schedule: '@daily',
        },
      },
    ],
    [
      'a restore of the latest backup by cluster name and UID',
      {
        restore: {
          source: { s3: S3, cluster: { name: 'orders-old', uid: UID, namespace: 'legacy' } },
          target: { latest: true },
        },
      },
    ],
    [
      'a restore to a time with an offset, encrypted, plus backups to the same bucket',
      {
        backup: { destination: { s3: S3 } },
        restore: {
          source: { s3: S3, path: 'shop/orders/00000000-0000-4000-8000-000000000001' },
          target: { time: '2026-11-21T10:30:00.25+01:00' },
          encryption: { method: 'libsodium', keySecret: { name: 'key' } },
        },
      },
    ],
  ])('%s', (_what, extra) => {
    expect(errorsOf({ ...BASE, ...extra })).toEqual([]);
  });

  it('keeps an unchanged restore after creation', () => {
    const restore = { source: { s3: S3, path: 'a/b' }, target: { latest: true } };
    expect(errorsOf({ ...BASE, restore }, { ...BASE, restore })).toEqual([]);
  });

  it('refuses removing the restore after creation as well as adding one', () => {
    const restore = { source: { s3: S3, path: 'a/b' }, target: { latest: true } };
    expect(errorsOf(BASE, { ...BASE, restore }).map((e) => e.path)).toEqual(['spec.restore']);
  });

  it.each([
    ['a leading slash', '/shop'],
    ['a trailing slash', 'shop/'],
    ['an empty segment', 'shop//orders'],
    ['a parent segment', 'shop/../other'],
    ['a blank', 'my backups'],
  ])('refuses a backup path with %s', (_what, path) => {
    expect(errorsOf({ ...BASE, backup: { destination: { s3: S3 }, path } }).map((e) => e.path)).toEqual([
      'spec.backup.path',
    ]);
  });

  it('refuses an endpoint with a path (Spilo derives WALE_S3_ENDPOINT from scheme://host only)', () => {
    const s3 = { ...S3, endpoint: 'http://minio:9000/backups' };
    expect(errorsOf({ ...BASE, backup: { destination: { s3 } } }).map((e) => e.path)).toEqual([
      'spec.backup.destination.s3.endpoint',
    ]);
  });

  // Spilo writes AWS_ENDPOINT and WALE_S3_ENDPOINT into WAL-G's envdir, which keeps only the first
  // line of a value (runit src/chpst.c `edir()`): an endpoint must be one line.
  it.each(['http://minio:9000\n', 'http://minio\n.evil:9000', 'http://minio\t:9000'])(
    'refuses an endpoint with a line break or other blank (%j)',
    (endpoint) => {
      const s3 = { ...S3, endpoint };
      expect(errorsOf({ ...BASE, backup: { destination: { s3 } } }).map((e) => e.path)).toEqual([
        'spec.backup.destination.s3.endpoint',
      ]);
      expect(
        errorsOf({ ...BASE, restore: { source: { s3, path: 'old' }, target: { latest: true } } }).map(
          (e) => e.path,
        ),
      ).toEqual(['spec.restore.source.s3.endpoint']);
    },
  );

  // The endpoint reaches environment variables, Spilo's envdir and its shell scripts (Spilo 4.0-p3
  // postgres-appliance/scripts/wal-e-wal-fetch.sh takes the host out of WALE_S3_ENDPOINT): only a
  // host name or address and a port, nothing a shell could read as a command.
  it.each([
    'http://$(id).minio:9000',
    'http://minio`id`:9000',
    'http://minio;id:9000',
    "http://'minio':9000",
    'http://user:secret@minio:9000',
    'http://minio:port',
    'http://minio-:9000',
    'http://[fd00::1;id]:9000',
  ])('refuses an endpoint that is not scheme://host[:port] (%j)', (endpoint) => {
    const s3 = { ...S3, endpoint };
    expect(errorsOf({ ...BASE, backup: { destination: { s3 } } }).map((e) => e.path)).toEqual([
      'spec.backup.destination.s3.endpoint',
    ]);
    const restore = { source: { s3, path: 'old' }, target: { latest: true } };
    expect(errorsOf({ ...BASE, restore }).map((e) => e.path)).toEqual(['spec.restore.source.s3.endpoint']);
  });

  it.each([
    'http://minio.minio.svc:9000',
    'https://s3.eu-central-1.amazonaws.com',
    'http://10.0.0.5:9000',
    'http://[fd00::1]:9000',
  ])('accepts the endpoint %s', (endpoint) => {
    expect(errorsOf({ ...BASE, backup: { destination: { s3: { ...S3, endpoint } } } })).toEqual([]);
  });

  it('refuses a retention of one backup (Spilo keeps at least 2)', () => {
    expect(
      errorsOf({ ...BASE, backup: { destination: { s3: S3 }, retention: { count: 1 } } }).map((e) => e.path),
    ).toEqual(['spec.backup.retention.count']);
  });
});

describe('backup schedules', () => {
  const CRON = new RegExp(CRON_PATTERN);
  it.each([
    '0 1 * * *',
    '*/15 * * * *',
    '0 0-23/2 * * *',
    '30 2 1,15 * *',
    '0 3 * jan-mar,oct sun',
    '0 4 * * 1-5',
    '59 23 31 12 7',
    '0  1  *  *  *',
    '@hourly',
    '@midnight',
  ])('accepts %s', (s) => {
    expect(CRON.test(s)).toBe(true);
  });

  it.each([
    '0 1 * *',
    '0 1 * * * *',
    '60 * * * *',
    '0 24 * * *',
    '0 0 0 * *',
    '0 0 32 * *',
    '0 0 * 13 *',
    '0 0 * * 8',
    '*/0 * * * *',
    '0 1 * * *\n* * * * * rm -rf /',
    '@reboot',
    'daily',
    '0 1 * * MON',
  ])('refuses %j', (s) => {
    expect(CRON.test(s)).toBe(false);
  });
});

describe('a restored cluster never archives into its source', () => {
  it('refuses a backup path that makes the live archive the source archive', () => {
    const spec = {
      ...BASE,
      backup: { destination: { s3: S3 }, path: 'shop' },
      restore: { source: { s3: S3, path: `shop/${UID}` }, target: { latest: true } },
    };
    expect(errorsOf(spec)).toEqual([
      {
        path: 'spec.backup.path',
        message: expect.stringContaining('would overlap the restore source') as unknown as string,
      },
    ]);
  });

  it('refuses a source archive inside the live one', () => {
    const spec = {
      ...BASE,
      backup: { destination: { s3: S3 } },
      restore: { source: { s3: S3, path: `shop/orders/${UID}/wal/16/old` }, target: { latest: true } },
    };
    expect(errorsOf(spec).map((e) => e.path)).toEqual(['spec.backup.path']);
  });

  it('accepts the same path in another bucket', () => {
    const spec = {
      ...BASE,
      backup: { destination: { s3: S3 }, path: 'shop' },
      restore: {
        source: { s3: { ...S3, bucket: 'old-backups' }, path: `shop/${UID}` },
        target: { latest: true },
      },
    };
    expect(errorsOf(spec)).toEqual([]);
  });
});
