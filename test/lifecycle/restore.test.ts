/**
 * Scenario: a cluster restored from one archive that backs up to another. Its members must not
 * archive while Spilo restores (the restoring server runs with the source's WAL-G settings:
 * hooks/postgrescluster/backup/restore-first.ts); once Patroni has finished the bootstrap, the archive
 * is added and the rollout restarts every member, so each runs with its own archive only.
 */
import { Backups, MINIO_BACKUP } from './backups';
import { HA, clusterBackupStatus } from './backup-world';
import { useLifecycle } from './scenario';
import { walgPrefixOf } from './sim/walg';

const RESTORED = {
  ...HA,
  backup: MINIO_BACKUP,
  restore: { source: { ...MINIO_BACKUP.destination, path: 'shop/orders-old/u0' }, target: { latest: true } },
};

interface Condition {
  type: string;
  reason?: string;
}

describe('lifecycle: a restored cluster with spec.backup', () => {
  const world = useLifecycle();

  it('archives nowhere until the restore has finished, then rolls the archive out to every member', async () => {
    const s = world.scenario();
    new Backups(s).given.storeCredentials();
    await s.given.cluster(RESTORED);

    s.then.phase('Running');
    s.then.condition('Restored', { status: 'True', reason: 'Restored' });
    s.then.condition('BackupConfigured', { status: 'True', reason: 'Configured' });
    const prefix = clusterBackupStatus(s)?.prefix;
    expect(prefix).toMatch(/^s3:\/\/pg-backups\/shop\/orders\//);

    // Until Patroni bootstrapped the cluster, status said the archive waits for the restore (the
    // StatefulSet had none); then the rollout; then every member archived.
    const [bootstrap] = s.then.patroniEvents('bootstrap');
    expect(bootstrap).toBeDefined();
    const reasons = s.mc.history
      .filter((r) => r.controller === 'postgrescluster' && r.status)
      .map((r) => ({
        at: r.at,
        reason: (r.status?.['conditions'] as Condition[] | undefined)?.find(
          (c) => c.type === 'BackupConfigured',
        )?.reason,
      }));
    const before = reasons.filter((r) => r.at < (bootstrap?.at ?? 0)).map((r) => r.reason);
    expect(before.length).toBeGreaterThan(0);
    expect(new Set(before)).toEqual(new Set(['WaitingForRestore']));
    const order = [...new Set(reasons.map((r) => r.reason))];
    expect(order).toEqual(['WaitingForRestore', 'RollingOut', 'Configured']);

    // The member that ran the restore was replaced, and every member now runs with the archive.
    expect(s.then.podDeletions().map((d) => d.name)).toContain(bootstrap?.member);
    const pods = s.store
      .list('Pod', s.namespace)
      .filter(
        (p) =>
          p.metadata.labels?.['pgmeta.io/cluster'] === s.name &&
          p.metadata.labels['app.kubernetes.io/component'] === 'database',
      );
    expect(pods.map((p) => walgPrefixOf(p))).toEqual(pods.map(() => prefix));
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });
});
