/**
 * Scenario: a cluster whose store names an identity instead of a Secret (docs/backup.md "Credentials without
 * static keys"). No Secret exists at all: the cluster archives, a PostgresBackup succeeds, the
 * catalog lists it, and the members' ServiceAccount carries GKE Workload Identity's annotation.
 * The simulated store does not check credentials (sim/walg.ts): what this shows is that nothing in
 * pgmeta waits for, reads or mounts a Secret then.
 */
import { HA } from './backup-world';
import { Backups } from './backups';
import { useLifecycle } from './scenario';

const GSA = 'pg-backup@acme-prod.iam.gserviceaccount.com';

describe('lifecycle: backups with GKE Workload Identity', () => {
  const world = useLifecycle();

  it('archives, backs up and lists its backups without any Secret of the user', async () => {
    const s = world.scenario();
    const b = new Backups(s);
    await s.given.cluster({
      ...HA,
      backup: { destination: { gcs: { bucket: 'acme-pg-backups', identity: { serviceAccount: GSA } } } },
    });
    s.then.phase('Running');
    s.then.condition('BackupConfigured', { status: 'True' });
    const sa = s.store.get({ kind: 'ServiceAccount', namespace: s.namespace, name: `${s.name}-patroni` });
    expect(sa?.metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': GSA });

    b.when.requested('first');
    await s.settle();
    expect(b.then.status('first').phase).toBe('Succeeded');
    const until = s.clock.now + 400;
    while (s.clock.now < until) await s.step();
    const backup = s.then.status()['backup'] as { backups?: { name: string; trigger: string }[] };
    expect(backup.backups).toEqual([
      expect.objectContaining({ name: b.then.status('first').backupName, trigger: 'on-demand' }),
    ]);
    // Only pgmeta's own Secrets exist: none of the user's was ever needed.
    const secrets = s.store
      .list('Secret', s.namespace)
      .map((x) => x.metadata.labels?.['app.kubernetes.io/managed-by']);
    expect(secrets.every((m) => m === 'pgmeta')).toBe(true);
    s.then.noErrors();
  }, 120_000);
});
