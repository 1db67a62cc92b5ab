/**
 * Scenarios: PostgresBackups that fail or are interrupted (see backup.test.ts for the setting): WAL-G
 * failing on every attempt, the cluster stopping, the primary going away, a missing Secret.
 */
import { archivingCluster, clusterBackupStatus } from './backup-world';
import { useLifecycle } from './scenario';

const REFUSED = 'dial tcp 10.96.14.3:9000: connect: connection refused';

describe('lifecycle: PostgresBackup failures', () => {
  const world = useLifecycle();

  it('WAL-G fails on every attempt: Failed with its error, one Job, not retried once the store is back', async () => {
    const { s, b } = await archivingCluster(world);
    b.when.storeUnreachable(REFUSED);
    b.when.requested('doomed');
    await s.settle();

    const st = b.then.status('doomed');
    expect(st).toMatchObject({ phase: 'Failed', reason: 'BackoffLimitExceeded' });
    expect(st.message).toMatch(/^wal-g backup-push exited with 1: ERROR: .* connect: connection refused$/);
    expect(st.conditions).toMatchObject([
      { type: 'Completed', status: 'False', reason: 'BackoffLimitExceeded' },
    ]);
    // backoffLimit 2: three attempts, each its own pod, each ending with the program's message.
    const ends = b.then.pods('doomed').map((p) => b.then.terminated(p));
    expect(ends.map((e) => e?.exitCode)).toEqual([1, 1, 1]);
    expect(ends.at(-1)?.message).toBe(st.message);
    expect(b.then.printed('doomed')).toMatchObject({ Phase: 'Failed', Backup: undefined });

    b.when.storeUnreachable(null);
    await s.settle();
    await s.then.steadyState();
    expect(b.then.status('doomed')).toEqual(st);
    expect(b.then.jobsCreated('doomed')).toBe(1);
    expect(s.sim.backups.all()).toEqual([]);
    expect(clusterBackupStatus(s)?.lastOnDemand).toBeUndefined();
    s.then.noDataBearingObjectDeleted();
  });

  it('the cluster stops during the backup: the retry waits for a server until the deadline, then Failed', async () => {
    const { s, b } = await archivingCluster(world);
    b.when.requested('interrupted');
    await b.stepUntil('the backup to run', () => b.then.status('interrupted').phase === 'Running');

    s.when.specEdited({ stopped: true });
    await s.settle();

    const failed = b.then.status('interrupted');
    expect(failed).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded' });
    expect(failed.conditions).toMatchObject([
      { type: 'Completed', status: 'False', reason: 'DeadlineExceeded' },
    ]);
    expect(s.clock.now).toBeGreaterThan(86_400);
    // The first attempt lost its session when PostgreSQL stopped; the second never reached a server
    // and was deleted at the deadline.
    const [first, ...rest] = b.then.pods('interrupted');
    expect(b.then.terminated(first)?.exitCode).toBe(2);
    expect(b.then.terminated(first)?.message).toMatch(/server closed the connection unexpectedly/);
    expect(rest).toEqual([]);
    expect(b.then.jobsCreated('interrupted')).toBe(1);
    expect(s.sim.backups.all()).toEqual([]);

    s.when.specEdited({ stopped: null });
    await s.settle();
    s.then.phase('Running');
    expect(b.then.status('interrupted').phase).toBe('Failed');
    expect(b.then.jobsCreated('interrupted')).toBe(1);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('the primary goes away during the backup: the retry takes it on the new primary, and status says so', async () => {
    const { s, b } = await archivingCluster(world);
    b.when.requested('failover');
    await b.stepUntil('the backup to run', () => b.then.status('failover').phase === 'Running');

    s.when.podDeleted(0);
    await s.settle();

    const st = b.then.status('failover');
    expect(st.phase).toBe('Succeeded');
    const [first, second] = b.then.pods('failover');
    expect(b.then.terminated(first)?.exitCode).toBe(2);
    expect(JSON.parse(b.then.terminated(second)?.message ?? '{}')).toEqual({
      backupName: st.backupName,
      startTime: st.startedAt,
      finishTime: st.completedAt,
    });
    const primary = String(s.then.status().primary);
    expect(primary).not.toBe('orders-0');
    // One backup in the archive: the retry's, on the new primary's timeline.
    expect(s.sim.backups.all().map((e) => [e.backup.backup_name, e.backup.hostname])).toEqual([
      [st.backupName, primary],
    ]);
    expect(st.backupName).toMatch(/^base_00000002/);
    expect(b.then.jobsCreated('failover')).toBe(1);
    await s.then.steadyState();
  });

  it('the superuser Secret is missing when the pod starts: Pending with the kubelet’s reason, then it runs', async () => {
    const { s, b } = await archivingCluster(world);
    b.when.requested('creds');
    await b.stepUntil('the backup pod to exist', () => b.then.pods('creds').length === 1);

    s.when.deleted('Secret', 'orders-superuser');
    await s.settle();

    expect(b.then.reasonsSinceEvent('creds')).toEqual([
      ['Pending', 'CreateContainerConfigError'],
      ['Running', 'BackingUp'],
      ['Succeeded', 'BackupTaken'],
    ]);
    const waiting = s
      .syncsSinceMark({ controller: 'postgresbackup', name: 'creds' })
      .find((r) => r.status?.['reason'] === 'CreateContainerConfigError');
    expect(waiting?.status?.['message']).toBe('secret "orders-superuser" not found');
    expect(b.then.jobsCreated('creds')).toBe(1);
    expect(b.then.pods('creds')).toHaveLength(1);
    await s.then.steadyState();
  });
});
