/**
 * Scenarios: deleting a PostgresBackup while its Job runs, and deleting the cluster after a backup
 * (see backup.test.ts for the setting).
 */
import { archivingCluster } from './backup-world';
import { useLifecycle } from './scenario';

describe('lifecycle: PostgresBackup deletion', () => {
  const world = useLifecycle();

  it('deleting the PostgresBackup while its Job runs removes the Job and its pod and nothing of the cluster', async () => {
    const { s, b } = await archivingCluster(world);
    b.when.requested('cancelled');
    await b.stepUntil('the backup to run', () => b.then.status('cancelled').phase === 'Running');
    const cluster = s.then.snapshot({ childrenOnly: true });

    b.when.deleted('cancelled');
    await s.settle();

    expect(b.then.object('cancelled')).toBeUndefined();
    expect(b.then.jobs('cancelled')).toEqual([]);
    expect(b.then.pods('cancelled')).toEqual([]);
    const removed = s.store.log.filter(
      (c) => c.at >= s.markAt && (c.verb === 'delete' || c.verb === 'terminate'),
    );
    expect(removed.every((c) => c.name.startsWith('cancelled'))).toBe(true);
    expect(removed.map((c) => `${c.kind} ${c.verb} by ${c.actor}`)).toEqual([
      'PostgresBackup delete by user',
      'Job delete by garbage-collector',
      'Pod terminate by garbage-collector',
      'Pod delete by kubelet',
    ]);
    s.then.unchangedSince(cluster);
    s.then.phase('Running');
    expect(b.then.jobsCreated('cancelled')).toBe(1);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('deleting the cluster after a backup Succeeded keeps the backup, its status and its Job, with no error loop', async () => {
    const { s, b } = await archivingCluster(world);
    b.when.requested('kept');
    await s.settle();
    const done = b.then.status('kept');
    expect(done.phase).toBe('Succeeded');
    const job = b.then.jobs('kept')[0]!;

    s.when.clusterDeleted();
    await s.settle();

    expect(s.parent()).toBeUndefined();
    expect(s.then.pvcNames()).toEqual(['pgdata-orders-0', 'pgdata-orders-1', 'pgdata-orders-2']);
    expect(b.then.status('kept')).toEqual(done);
    expect(b.then.printed('kept')).toMatchObject({ Phase: 'Succeeded', Backup: done.backupName });
    expect(b.then.jobs('kept').map((j) => j.metadata.uid)).toEqual([job.metadata.uid]);
    expect(b.then.jobsCreated('kept')).toBe(1);
    expect(s.sim.backups.all().map((e) => e.backup.backup_name)).toEqual([done.backupName]);
    s.then.noDataBearingObjectDeleted({ afterClusterDeletion: true });
    await s.then.steadyState();
  });
});
