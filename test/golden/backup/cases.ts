/**
 * Golden scenarios of backups and restores on the PostgresCluster hook: each store (S3 with a MinIO
 * endpoint, GCS, Azure), encryption, restores to a time and to the latest backup, a restore into a
 * newer major (the upgrade path), and missing credentials. Built from the real hook's own output, like the core goldens.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { fakeUid } from '../../support/apiserver';
import { appliedWith, postgresBackup, userSecret } from '../../support/backup-world';
import { appliedChildren, parentFrom, relatedFor, type World } from '../../support/cluster-world';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };
const healthy = [
  { ordinal: 0, role: 'master' as const },
  { ordinal: 1, role: 'replica' as const },
  { ordinal: 2, role: 'replica' as const },
];

export const MINIO = {
  s3: {
    bucket: 'pg-backups',
    endpoint: 'http://minio.minio.svc:9000',
    credentialsSecret: { name: 'minio-backup' },
  },
};
export const minioSecret = userSecret('minio-backup', {
  AWS_ACCESS_KEY_ID: 'pgmeta',
  AWS_SECRET_ACCESS_KEY: 'minio-secret-key',
});
const gcsSecret = userSecret('gcs-backup', { 'credentials.json': '{"type":"service_account"}' });
const azureSecret = userSecret('azure-backup', { AZURE_STORAGE_ACCESS_KEY: 'YXp1cmUta2V5' });
const encryptionSecret = userSecret('backup-encryption', {
  key: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
});
const pgpSecret = userSecret('orders-pgp', {
  key: '-----BEGIN PGP PRIVATE KEY BLOCK-----',
  passphrase: 'pw',
});

/** The UID the source cluster `orders` has in these worlds (storedParent derives it from its name). */
export const ORDERS_UID = fakeUid('PostgresCluster/shop/orders');

/** The MinIO-backed HA cluster of the README example, converged, with one on-demand backup done. */
export function minioCluster(): World {
  const parent = parentFrom({
    ...HA,
    backup: { destination: MINIO, schedule: '30 2 * * *', retention: { count: 7 } },
  });
  const done = postgresBackup('before-upgrade', 'orders', {
    status: {
      phase: 'Succeeded',
      backupName: 'base_000000010000000000000005',
      completedAt: '2026-11-21T09:52:31Z',
    },
  });
  const children = appliedWith(parent, [minioSecret]);
  return {
    parent,
    children,
    related: [minioSecret, done, ...relatedFor(parent, healthy, [], { podsFrom: children })],
  };
}

const RESTORE_TO_TIME = {
  ...HA,
  backup: { destination: MINIO },
  restore: {
    source: { ...MINIO, path: `shop/orders/${ORDERS_UID}` },
    target: { time: '2026-11-21T10:30:00+01:00' },
  },
};

/**
 * `restore-to-time` after Patroni finished: the target lay past the end of the archive, so Spilo
 * promoted at its end, and Patroni's timeline history on `<scope>-config` says so (a line it
 * inherited from the source, then the restore's own switch with Patroni's time and member). The
 * StatefulSet ran without the archive so far (restore-first.ts): now it gets it.
 */
function restoredPastArchiveEnd(): World {
  const parent = parentFrom(RESTORE_TO_TIME, { name: 'orders-pitr' });
  const children = appliedWith(parent, [minioSecret]);
  const history = JSON.stringify([
    [1, 50331808, 'no recovery target specified'],
    [2, 83886296, 'no recovery target specified', '2026-11-21T10:01:02+00:00', 'orders-pitr-0'],
  ]);
  const related = relatedFor(parent, healthy, [], { podsFrom: children }).map((o) =>
    o.kind === 'Endpoints' && o.metadata.name.endsWith('-config')
      ? { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, history } } }
      : o,
  );
  return { parent, children, related: [minioSecret, ...related] };
}

function fresh(spec: Record<string, unknown>, secrets: KubeObject[], name?: string): World {
  return { parent: parentFrom(spec, name === undefined ? {} : { name }), children: [], related: secrets };
}

/** A converged HA cluster with this backup configuration (members archiving, no Secret needed). */
function converged(spec: Record<string, unknown>): World {
  const parent = parentFrom({ ...HA, ...spec });
  const children = appliedWith(parent, []);
  return { parent, children, related: relatedFor(parent, healthy, [], { podsFrom: children }) };
}

export const CASES: Record<string, () => World> = {
  's3-minio': minioCluster,

  // Credentials without static keys, one store each (docs/backup.md "Credentials without static keys").
  's3-instance-profile': () =>
    converged({
      backup: {
        destination: {
          s3: { bucket: 'acme-pg-backups', region: 'eu-central-1', identity: { source: 'InstanceProfile' } },
        },
      },
    }),

  'gcs-workload-identity': () =>
    converged({
      backup: {
        destination: {
          gcs: {
            bucket: 'acme-pg-backups',
            identity: { serviceAccount: 'pg-backup@acme-prod.iam.gserviceaccount.com' },
          },
        },
      },
    }),

  'azure-managed-identity': () =>
    converged({
      backup: {
        destination: {
          azure: {
            container: 'pg-backups',
            storageAccount: 'acmebackups',
            identity: { source: 'ManagedIdentity' },
          },
        },
      },
    }),

  'restore-gcs-workload-identity': () =>
    fresh(
      {
        ...HA,
        backup: {
          destination: {
            gcs: {
              bucket: 'acme-pg-dr',
              identity: { serviceAccount: 'pg-backup@acme-prod.iam.gserviceaccount.com' },
            },
          },
        },
        restore: {
          source: {
            gcs: {
              bucket: 'acme-pg-backups',
              identity: { serviceAccount: 'pg-backup@acme-prod.iam.gserviceaccount.com' },
            },
            path: `prod/${ORDERS_UID}`,
          },
          target: { latest: true },
        },
      },
      [],
    ),

  gcs: () =>
    fresh(
      {
        ...HA,
        backup: {
          destination: { gcs: { bucket: 'acme-pg-backups', credentialsSecret: { name: 'gcs-backup' } } },
          path: 'prod',
          compression: 'zstd',
        },
      },
      [gcsSecret],
    ),

  azure: () =>
    fresh(
      {
        ...HA,
        backup: {
          destination: {
            azure: {
              container: 'pg-backups',
              storageAccount: 'acmebackups',
              credentialsSecret: { name: 'azure-backup' },
            },
          },
          backupFromReplica: true,
          uploadConcurrency: 4,
        },
      },
      [azureSecret],
    ),

  encrypted: () =>
    fresh(
      {
        ...HA,
        backup: {
          destination: {
            s3: {
              bucket: 'acme-pg-eu',
              region: 'eu-central-1',
              credentialsSecret: { name: 'aws-backup', accessKeyIdKey: 'id', secretAccessKeyKey: 'secret' },
            },
          },
          encryption: { method: 'libsodium', keySecret: { name: 'backup-encryption' } },
        },
      },
      [userSecret('aws-backup', { id: 'AKIA', secret: 's3cr3t' }), encryptionSecret],
    ),

  'restore-to-time': () => fresh(RESTORE_TO_TIME, [minioSecret], 'orders-pitr'),

  'restore-past-archive-end': restoredPastArchiveEnd,

  // A major upgrade: a PostgreSQL 17 cluster restored from the 16 cluster's archive (wal/16);
  // Spilo's clone runs pg_upgrade before the cluster starts. It archives into its own wal/17.
  'restore-upgrade': () =>
    fresh(
      {
        ...HA,
        version: '17',
        backup: { destination: MINIO },
        restore: {
          source: { ...MINIO, cluster: { name: 'orders', uid: ORDERS_UID }, version: '16' },
          target: { latest: true },
        },
      },
      [minioSecret],
      'orders-17',
    ),

  'restore-latest': () =>
    fresh(
      {
        version: '16',
        storage: { size: '10Gi' },
        restore: {
          source: {
            gcs: { bucket: 'acme-pg-backups', credentialsSecret: { name: 'gcs-backup' } },
            cluster: { name: 'orders', uid: ORDERS_UID },
          },
          target: { latest: true },
          encryption: { method: 'pgp', keySecret: { name: 'orders-pgp', passphraseKey: 'passphrase' } },
        },
      },
      [gcsSecret, pgpSecret],
      'orders-copy',
    ),

  // A new standby of `orders` (spec.standby): streaming from its primary and replaying its archive,
  // its own archive elsewhere, credentials seeded from copies of the source's Secrets.
  'standby-create': () =>
    fresh(
      {
        ...HA,
        standby: {
          host: 'orders.shop.svc',
          archive: { ...MINIO, cluster: { name: 'orders', uid: ORDERS_UID } },
          credentials: {
            superuserSecret: { name: 'orders-copy-superuser' },
            replicationSecret: { name: 'orders-copy-replication' },
            appSecret: { name: 'orders-copy-app' },
          },
        },
        backup: { destination: MINIO },
      },
      [
        minioSecret,
        userSecret('orders-copy-superuser', { password: 'source-superuser-password' }),
        userSecret('orders-copy-replication', { password: 'source-replication-password' }),
        userSecret('orders-copy-app', { password: 'source-app-password' }),
      ],
      'orders-dr',
    ),

  'missing-secret': () => {
    const before = parentFrom(HA);
    const parent = parentFrom({ ...HA, backup: { destination: MINIO } }, { generation: 2 });
    return { parent, children: appliedChildren(before), related: relatedFor(parent, healthy) };
  },

  'restore-missing-secret': () =>
    fresh(
      {
        version: '16',
        storage: { size: '10Gi' },
        restore: { source: { ...MINIO, path: `shop/orders/${ORDERS_UID}` }, target: { latest: true } },
      },
      [],
      'orders-copy',
    ),
};
