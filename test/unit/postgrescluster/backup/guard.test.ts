/**
 * Missing Secrets: never rolled out (guard.ts), always explained (status.ts). And what status reads
 * back from the observed StatefulSet and PostgresBackups.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { referencedSecretNames } from '../../../../hooks/postgrescluster/backup/secrets.js';
import { applied } from '../../../support/apiserver.js';
import { postgresBackup, userSecret } from '../../../support/backup-world.js';
import { appliedChildren, parentFrom, relatedFor, sync, type World } from '../../../support/cluster-world.js';

const S3 = { bucket: 'pg-backups', endpoint: 'http://minio:9000', credentialsSecret: { name: 'minio' } };
const GCS = { bucket: 'pg-backups', credentialsSecret: { name: 'gcs' } };
const creds = userSecret('minio', { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' });
const BASE = { version: '16', replicas: 2, storage: { size: '10Gi' } };

const sts = (children: KubeObject[]) => children.find((c) => c.kind === 'StatefulSet');
const podSpec = (o: KubeObject | undefined) =>
  (
    o?.['spec'] as {
      template: { spec: { containers: { env: { name: string }[] }[]; volumes?: { name: string }[] } };
    }
  ).template.spec;
const envNames = (o: KubeObject | undefined) => podSpec(o).containers[0]?.env.map((e) => e.name) ?? [];
const condition = (status: Record<string, unknown>, type: string) =>
  (status['conditions'] as { type: string; status: string; reason: string; message: string }[]).find(
    (c) => c.type === type,
  );

function world(
  spec: Record<string, unknown>,
  o: { before?: Record<string, unknown>; related?: KubeObject[] } = {},
): World {
  const parent = parentFrom(spec, { generation: 2 });
  const children = o.before
    ? sync({ parent: parentFrom(o.before), children: [], related: o.related ?? [] }).children.map((c) =>
        applied(c, parent),
      )
    : [];
  return { parent, children, related: o.related ?? [] };
}

describe('a backup whose Secret is missing', () => {
  it('is not added to an existing StatefulSet, and BackupConfigured says which Secret', () => {
    const res = sync(world({ ...BASE, backup: { destination: { s3: S3 } } }, { before: BASE }));
    expect(envNames(sts(res.children)).filter((n) => n.startsWith('WALG_'))).toEqual([]);
    expect(condition(res.status, 'BackupConfigured')).toMatchObject({
      status: 'False',
      reason: 'SecretNotFound',
      message: expect.stringContaining(
        'Secret minio not found (spec.backup.destination.s3.credentialsSecret)',
      ),
    });
  });

  it('keeps the configuration the StatefulSet had when a changed one names a missing key', () => {
    const before = { ...BASE, backup: { destination: { s3: S3 }, schedule: '0 1 * * *' } };
    const after = {
      ...BASE,
      backup: {
        destination: { s3: { ...S3, credentialsSecret: { name: 'minio', accessKeyIdKey: 'id' } } },
        schedule: '0 5 * * *',
      },
    };
    const w = world(after, { before, related: [creds] });
    const res = sync(w);
    expect(podSpec(sts(res.children))).toEqual(podSpec(sts(w.children)));
    expect(condition(res.status, 'BackupConfigured')).toMatchObject({
      reason: 'SecretKeyNotFound',
      message: expect.stringContaining('Secret minio has no key id'),
    });
    // status shows what is in force: the StatefulSet's schedule, not the spec's
    expect((res.status['backup'] as { schedule?: string }).schedule).toBe('0 1 * * *');
  });

  it('treats an empty value as a missing key', () => {
    const empty = userSecret('minio', { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: '' });
    const res = sync(world({ ...BASE, backup: { destination: { s3: S3 } } }, { related: [empty] }));
    expect(condition(res.status, 'BackupConfigured')?.reason).toBe('SecretKeyNotFound');
  });

  it('leaves a new cluster running without archiving (and a GCS key volume out) until the Secret exists', () => {
    const res = sync(world({ ...BASE, backup: { destination: { gcs: GCS } } }));
    expect(envNames(sts(res.children)).filter((n) => /WALG|GOOGLE/.test(n))).toEqual([]);
    expect(podSpec(sts(res.children)).volumes?.map((v) => v.name)).toEqual(['dshm']);
  });

  it('is rolled out once the Secret is there, and configured once every member runs with it', () => {
    const spec = { ...BASE, backup: { destination: { s3: S3 } } };
    const members = [
      { ordinal: 0, role: 'master' as const },
      { ordinal: 1, role: 'replica' as const },
    ];
    const w = world(spec, { before: BASE, related: [creds] });
    // The members still run the template they were created from: no archiving yet.
    const rolling = sync({
      ...w,
      related: [creds, ...relatedFor(w.parent, members, [], { podsFrom: w.children })],
    });
    expect(envNames(sts(rolling.children))).toEqual(
      expect.arrayContaining(['WALG_S3_PREFIX', 'AWS_SECRET_ACCESS_KEY']),
    );
    expect(condition(rolling.status, 'BackupConfigured')).toMatchObject({
      status: 'False',
      reason: 'RollingOut',
      message: expect.stringContaining('orders-0, orders-1 still run without it'),
    });
    // One member restarted with the new template: still not every member archives.
    const newTemplate = rolling.children.map((c) => applied(c, w.parent));
    const [first, second] = [0, 1].map((i) =>
      relatedFor(w.parent, [members[i]!], [], { podsFrom: i === 0 ? w.children : newTemplate }),
    );
    const half = sync({ ...w, related: [creds, ...(first ?? []).slice(0, 1), ...(second ?? [])] });
    expect(condition(half.status, 'BackupConfigured')?.message).toContain('orders-0 still runs without it');
    const done = sync({
      ...w,
      related: [creds, ...relatedFor(w.parent, members, [], { podsFrom: newTemplate })],
    });
    expect(condition(done.status, 'BackupConfigured')).toMatchObject({
      status: 'True',
      reason: 'Configured',
    });
  });
});

describe('a restore whose Secret is missing', () => {
  const restore = { source: { s3: S3, path: 'shop/orders/u0' }, target: { latest: true } };

  it('holds back the StatefulSet of a new cluster (an empty database must not take its place)', () => {
    const res = sync(world({ ...BASE, restore }));
    expect(sts(res.children)).toBeUndefined();
    expect(res.children.map((c) => c.kind)).toContain('Secret');
    expect(condition(res.status, 'Restored')).toMatchObject({ status: 'False', reason: 'SecretNotFound' });
  });

  // Found by backup-contract-envdir.test.ts: problems were counted once per Secret, so a Secret the
  // backup and the restore share was reported for the backup only and the restore went ahead.
  it('holds back a new cluster whose backup and restore share the missing Secret', () => {
    const res = sync(world({ ...BASE, backup: { destination: { s3: S3 } }, restore }));
    expect(sts(res.children)).toBeUndefined();
    expect(condition(res.status, 'Restored')).toMatchObject({ status: 'False', reason: 'SecretNotFound' });
    expect(condition(res.status, 'BackupConfigured')).toMatchObject({ reason: 'SecretNotFound' });
  });

  it('keeps a new cluster without archiving but with its restore when only the backup Secret is missing', () => {
    const res = sync(
      world({ ...BASE, backup: { destination: { gcs: GCS } }, restore }, { related: [creds] }),
    );
    const names = envNames(sts(res.children));
    expect(names).toContain('CLONE_WALG_S3_PREFIX');
    expect(names.filter((n) => n.startsWith('WALG_') || n.startsWith('GOOGLE_'))).toEqual([]);
  });

  it('changes nothing of an existing, restored cluster once the source Secret is deleted', () => {
    const w = world({ ...BASE, restore }, { before: { ...BASE, restore }, related: [creds] });
    const res = sync({ ...w, related: [] });
    expect(podSpec(sts(res.children))).toEqual(podSpec(sts(w.children)));
  });
});

describe('status', () => {
  const spec = { ...BASE, backup: { destination: { s3: S3 }, path: 'prod', retention: { count: 9 } } };

  it('reads the archive, schedule and retention in force from the StatefulSet, and the newest on-demand backup', () => {
    const parent = parentFrom(spec);
    const children = sync({ parent, children: [], related: [creds] }).children.map((c) => applied(c, parent));
    const done = (n: string, at: string, cluster = 'orders') =>
      postgresBackup(n, cluster, {
        status: { phase: 'Succeeded', backupName: `base_${n}`, completedAt: at },
      });
    const related = [
      creds,
      done('older', '2026-11-20T01:00:00Z'),
      done('newest', '2026-11-21T01:00:00Z'),
      done('other-cluster', '2026-11-21T05:00:00Z', 'billing'),
      postgresBackup('running', 'orders', { status: { phase: 'Running' } }),
    ];
    const res = sync({ parent, children, related });
    const uid = parent.metadata.uid ?? '';
    expect(res.status['backup']).toEqual({
      path: `prod/${uid}`,
      prefix: `s3://pg-backups/prod/${uid}/wal/16`,
      schedule: '0 1 * * *',
      retention: 9,
      lastOnDemand: { name: 'newest', backupName: 'base_newest', completedAt: '2026-11-21T01:00:00Z' },
    });
  });

  it('reports restoredFrom and Restored True once Patroni has initialised a restored cluster', () => {
    const restore = { source: { s3: S3, path: 'shop/orders/u0' }, target: { time: '2026-11-21T09:30:00Z' } };
    const parent = parentFrom({ ...BASE, restore });
    const children = sync({ parent, children: [], related: [creds] }).children.map((c) => applied(c, parent));
    const before = sync({ parent, children, related: [creds] });
    expect(before.status['restoredFrom']).toBeUndefined();
    expect(condition(before.status, 'Restored')?.reason).toBe('Restoring');
    const members = [
      { ordinal: 0, role: 'master' as const },
      { ordinal: 1, role: 'replica' as const },
    ];
    const after = sync({ parent, children, related: [creds, ...relatedFor(parent, members)] });
    expect(after.status['restoredFrom']).toEqual({
      prefix: 's3://pg-backups/shop/orders/u0/wal/16',
      targetTime: '2026-11-21T09:30:00+00:00',
    });
    // No timeline history in these objects: whether the target was reached is not known
    // (restore-status.test.ts has the cases with one).
    expect(condition(after.status, 'Restored')).toMatchObject({ status: 'True', reason: 'TargetUnverified' });
  });

  it('says BackupConfigured False, NotConfigured, for a cluster without spec.backup', () => {
    const res = sync({ parent: parentFrom(BASE), children: appliedChildren(parentFrom(BASE)), related: [] });
    expect(condition(res.status, 'BackupConfigured')).toMatchObject({
      status: 'False',
      reason: 'NotConfigured',
    });
    expect(res.status['backup']).toBeUndefined();
    expect(condition(res.status, 'Restored')).toBeUndefined();
  });
});

describe('referencedSecretNames (the customize hook)', () => {
  it('lists every Secret of backup and restore once, sorted, and skips malformed names', () => {
    expect(
      referencedSecretNames({
        backup: { destination: { s3: S3 }, encryption: { keySecret: { name: 'key' } } },
        restore: {
          source: { gcs: GCS, azure: { credentialsSecret: { name: 'Not/A-Name' } } },
          encryption: { keySecret: { name: 'minio' } },
        },
      }),
    ).toEqual(['gcs', 'key', 'minio']);
    expect(referencedSecretNames(undefined)).toEqual([]);
  });
});
