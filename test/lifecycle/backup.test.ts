/**
 * Scenarios: the PostgresBackup lifecycle. The postgresbackup controller runs next to the
 * postgrescluster controller on the same simulated cluster; its Job's program is carried out by
 * job-effects.ts (psql through the cluster's Service, `wal-g backup-push` on the member it reaches,
 * the result in the pod's termination message), WAL-G's archive is sim/walg.ts.
 *
 * Here: backups that are taken (on the primary or a replica) or wait for the cluster or its archive.
 * Failures are in backup-failures.test.ts, deletions in backup-deletion.test.ts.
 */
import { Backups, MINIO_BACKUP, STORE_SECRET } from './backups';
import { archivingCluster, ARCHIVED, clusterBackupStatus, HA, secondsAt } from './backup-world';
import { useLifecycle } from './scenario';

describe('lifecycle: PostgresBackup', () => {
  const world = useLifecycle();

  it('a backup of a running cluster: Pending, Running while its Job runs, Succeeded with what the Job reported', async () => {
    const { s, b } = await archivingCluster(world);

    b.when.requested('nightly');
    await s.settle();

    expect(b.then.reasonsSinceEvent('nightly')).toEqual([
      ['Pending', 'JobCreated'],
      ['Pending', 'JobPending'],
      ['Running', 'BackingUp'],
      ['Succeeded', 'BackupTaken'],
    ]);
    const syncs = s.syncsSinceMark({ controller: 'postgresbackup', name: 'nightly' });
    expect(syncs[0]?.status?.['conditions']).toMatchObject([
      { type: 'Completed', status: 'Unknown', reason: 'JobCreated' },
    ]);
    // Running exactly while the Job's one pod ran.
    const pods = b.then.pods('nightly');
    expect(pods).toHaveLength(1);
    const pod = pods[0];
    const ended = b.then.terminated(pod);
    const runningAt = syncs.filter((r) => r.status?.['phase'] === 'Running').map((r) => r.at);
    expect(runningAt.length).toBeGreaterThan(1);
    const podStart = secondsAt(s, (pod?.['status'] as { startTime?: string }).startTime);
    const podEnd = secondsAt(s, ended?.finishedAt);
    expect(runningAt.every((t) => t >= podStart && t < podEnd)).toBe(true);

    // Status says what the Job's program reported in its termination message...
    expect(ended?.exitCode).toBe(0);
    const reported = JSON.parse(ended?.message ?? '{}') as Record<string, string>;
    const job = b.then.jobs('nightly')[0];
    const st = b.then.status('nightly');
    expect(st).toMatchObject({
      phase: 'Succeeded',
      reason: 'BackupTaken',
      cluster: 'orders',
      jobName: job?.metadata.name,
      backupName: reported['backupName'],
      startedAt: reported['startTime'],
      completedAt: reported['finishTime'],
    });
    expect(st.conditions).toMatchObject([{ type: 'Completed', status: 'True', reason: 'BackupTaken' }]);
    // ...WAL-G's own start, not the Job's...
    expect(st.startedAt).not.toBe((job?.['status'] as { startTime?: string }).startTime);
    // ...which is the one backup in the cluster's archive, taken on the primary.
    expect(s.sim.backups.all().map((e) => [e.prefix, e.backup.backup_name, e.backup.hostname])).toEqual([
      [clusterBackupStatus(s)?.prefix, reported['backupName'], 'orders-0'],
    ]);
    expect(b.then.printed('nightly')).toEqual({
      Cluster: 'orders',
      Phase: 'Succeeded',
      Backup: reported['backupName'],
      Started: reported['startTime'],
      Completed: reported['finishTime'],
      Age: b.then.object('nightly')?.metadata.creationTimestamp,
    });
    expect(clusterBackupStatus(s)?.lastOnDemand).toEqual({
      name: 'nightly',
      backupName: reported['backupName'],
      completedAt: reported['finishTime'],
    });
    expect(b.then.jobsCreated('nightly')).toBe(1);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('a backup of a cluster that does not exist yet waits, and runs once the cluster has a primary', async () => {
    const s = world.scenario();
    const b = new Backups(s);
    b.given.storeCredentials();
    b.when.requested('early');
    await s.settle();
    expect(b.then.status('early')).toMatchObject({
      phase: 'Pending',
      reason: 'ClusterNotFound',
      message: 'PostgresCluster orders not found',
    });
    expect(b.then.printed('early')).toMatchObject({ Cluster: 'orders', Phase: 'Pending', Backup: undefined });
    await s.then.steadyState();
    expect(b.then.jobsCreated('early')).toBe(0);

    s.markNow();
    await s.given.cluster(ARCHIVED);

    const reasons = b.then.reasonsSinceEvent('early');
    expect(reasons[0]).toEqual(['Pending', 'ClusterNotReady']);
    expect(reasons.at(-1)).toEqual(['Succeeded', 'BackupTaken']);
    // The Job was asked for only after the cluster's own status named a primary.
    const history = s.mc.history.filter((r) => r.seq > s.mark);
    const primaryAt = history.find(
      (r) => r.controller === 'postgrescluster' && typeof r.status?.['primary'] === 'string',
    )?.seq;
    const jobAt = history.find(
      (r) => r.controller === 'postgresbackup' && r.desiredChildren?.some((c) => c.startsWith('Job/')),
    )?.seq;
    expect(primaryAt).toBeDefined();
    expect(jobAt).toBeGreaterThan(primaryAt ?? Infinity);
    expect(b.then.jobsCreated('early')).toBe(1);
    expect(s.sim.backups.all()).toHaveLength(1);
    await s.then.steadyState();
  });

  it('backupFromReplica: the Job reaches a replica through the replicas Service and the backup is taken there', async () => {
    const { s, b } = await archivingCluster(world, {
      ...HA,
      backup: { ...MINIO_BACKUP, backupFromReplica: true },
    });
    b.when.requested('offload');
    await s.settle();

    expect(b.then.status('offload').phase).toBe('Succeeded');
    const [taken] = s.sim.backups.all();
    expect(['orders-1', 'orders-2']).toContain(taken?.backup.hostname);
    expect(taken?.backup.backup_name).toBe(b.then.status('offload').backupName);
    await s.then.steadyState();
  });

  it.each([
    ['without spec.backup', HA, [], /^PostgresCluster orders has no spec\.backup$/],
    [
      'whose store credentials Secret is missing',
      ARCHIVED,
      [STORE_SECRET],
      /Secret minio-backup not found \(spec\.backup\.destination\.s3\.credentialsSecret\)/,
    ],
  ])(
    'a backup of a cluster %s waits, saying which field, and creates no Job',
    async (_what, spec, missing, why) => {
      const s = world.scenario();
      const b = new Backups(s);
      if (missing.length === 0) b.given.storeCredentials();
      await s.given.cluster({ ...spec });
      s.then.phase('Running');

      b.when.requested('waiting');
      await s.settle();

      const st = b.then.status('waiting');
      expect(st).toMatchObject({ phase: 'Pending', reason: 'BackupNotConfigured', cluster: 'orders' });
      expect(st.message).toMatch(why);
      expect(st.conditions).toMatchObject([
        { type: 'Completed', status: 'Unknown', reason: 'BackupNotConfigured' },
      ]);
      await s.then.steadyState();
      expect(b.then.jobsCreated('waiting')).toBe(0);
      s.then.noDataBearingObjectDeleted();
    },
  );

  // Found by these scenarios: a backup started as soon as BackupConfigured followed the spec and the
  // Secrets, while the members still ran the template without WAL-G; the Job's `envdir` failed on
  // every attempt and the backup ended Failed for good. BackupConfigured now waits for every member
  // to run with the archive (hooks/postgrescluster/backup/status.ts), and the backup waits for it.
  it.each([
    ['spec.backup is added to a running cluster', false],
    ['the missing store credentials Secret is created', true],
  ])(
    'a backup requested as %s waits for the members to archive, then succeeds',
    async (_what, secretLater) => {
      const s = world.scenario();
      const b = new Backups(s);
      if (!secretLater) b.given.storeCredentials();
      await s.given.cluster(secretLater ? ARCHIVED : HA);
      s.then.phase('Running');

      if (secretLater) b.given.storeCredentials();
      else s.when.specEdited({ backup: MINIO_BACKUP });
      b.when.requested('right-away');
      await s.settle();

      expect(clusterBackupStatus(s)?.prefix).toBeDefined();
      expect(b.then.status('right-away')).toMatchObject({ phase: 'Succeeded', reason: 'BackupTaken' });
    },
  );
});
