import { describe, expect, it } from '@jest/globals';
import { clusterBackupEnv, backupVolumes } from '../../../../hooks/postgrescluster/backup/env.js';
import { secretUses } from '../../../../hooks/postgrescluster/backup/secrets.js';
import { buildServiceAccount } from '../../../../hooks/postgrescluster/children/serviceaccount.js';
import { checkSpec } from '../../../../hooks/postgrescluster/spec/index.js';
import { resolvedCluster } from '../../../support/cluster-world.js';

const BASE = { version: '16', storage: { size: '10Gi' } };
const GSA = 'pg-backup@acme-prod.iam.gserviceaccount.com';
const STORES = {
  s3: { s3: { bucket: 'acme-pg', region: 'eu-central-1', identity: { source: 'InstanceProfile' } } },
  gcs: { gcs: { bucket: 'acme-pg', identity: { serviceAccount: GSA } } },
  azure: {
    azure: { container: 'pg-backups', storageAccount: 'acmepg', identity: { source: 'ManagedIdentity' } },
  },
};

describe('credentials without static keys', () => {
  it.each(Object.entries(STORES))('%s: no Secret is read, mounted or referenced', (_store, destination) => {
    const cluster = resolvedCluster({ ...BASE, backup: { destination } });
    expect(secretUses(cluster)).toEqual([]);
    expect(backupVolumes(cluster)).toEqual([]);
    const env = clusterBackupEnv(cluster);
    expect(env.filter((e) => e.valueFrom !== undefined)).toEqual([]);
    expect(env.map((e) => e.name)).not.toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|GOOGLE_APPLICATION_CREDENTIALS|AZURE_STORAGE_ACCESS_KEY)$/,
        ),
      ]),
    );
  });

  it('GKE Workload Identity annotates the members’ ServiceAccount; the node identities need nothing', () => {
    const sa = (destination: object) =>
      buildServiceAccount(resolvedCluster({ ...BASE, backup: { destination } })).metadata.annotations;
    expect(sa(STORES.gcs)).toEqual({ 'iam.gke.io/gcp-service-account': GSA });
    expect(sa(STORES.s3)).toBeUndefined();
    expect(sa(STORES.azure)).toBeUndefined();
    // A restore that reads with an identity needs it at bootstrap too.
    const restoring = resolvedCluster({
      ...BASE,
      restore: { source: { ...STORES.gcs, path: 'prod/u0' }, target: { latest: true } },
    });
    expect(buildServiceAccount(restoring).metadata.annotations).toEqual({
      'iam.gke.io/gcp-service-account': GSA,
    });
  });

  const check = (spec: object) =>
    checkSpec({
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresCluster',
      metadata: { name: 'orders', namespace: 'shop', uid: 'u1' },
      spec,
    });

  it('refuses an archive and a restore source bound to two Google service accounts, naming the field', () => {
    const other = 'pg-restore@acme-dr.iam.gserviceaccount.com';
    const result = check({
      ...BASE,
      backup: { destination: STORES.gcs },
      restore: {
        source: { gcs: { bucket: 'acme-old', identity: { serviceAccount: other } }, path: 'prod/u0' },
        target: { latest: true },
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      {
        path: 'spec.restore.source.gcs.identity.serviceAccount',
        message: expect.stringContaining(
          `${other} differs from spec.backup.destination.gcs.identity.serviceAccount ${GSA}`,
        ),
      },
    ]);
  });

  it.each<[string, object, string]>([
    [
      'an identity without its service account',
      { gcs: { bucket: 'acme-pg', identity: {} } },
      'spec.backup.destination.gcs.identity.serviceAccount',
    ],
    [
      'a service account that is not an email of one',
      { gcs: { bucket: 'acme-pg', identity: { serviceAccount: 'pg-backup' } } },
      'spec.backup.destination.gcs.identity.serviceAccount',
    ],
    [
      'an unknown identity source',
      { s3: { bucket: 'acme-pg', region: 'eu-central-1', identity: { source: 'WebIdentity' } } },
      'spec.backup.destination.s3.identity.source',
    ],
    [
      'neither keys nor identity',
      { azure: { container: 'pg-backups', storageAccount: 'acmepg' } },
      'spec.backup.destination.azure.credentialsSecret',
    ],
  ])('refuses %s with the field path', (_what, destination, path) => {
    const result = check({ ...BASE, backup: { destination } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toContain(path);
  });
});
