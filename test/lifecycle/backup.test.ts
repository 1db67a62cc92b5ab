/**
 * Scenarios: the PostgresBackup lifecycle. The postgresbackup controller runs next to the
 * postgrescluster controller on the same simulated cluster; its Job's program is carried out by
 * job-effects.ts (psql through the cluster's Service, `wal-g backup-push` on the member it reaches,
 * the result in the pod's termination message), WAL-G's archive is sim/walg.ts.
 */
import { Backups, MINIO_BACKUP, STORE_SECRET } from './backups';
import type { SyncRecord } from './emulator';
import { syncViolations } from './invariants';
import { useLifecycle, type Scenario } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };
const ARCHIVED = { ...HA, backup: MINIO_BACKUP };
const REFUSED = 'dial tcp 10.96.14.3:9000: connect: connection refused';

/** Simulated seconds of an RFC 3339 time. */
const secondsAt = (s: Scenario, iso: unknown): number =>
  (Date.parse(String(iso)) - Date.parse(s.clock.iso(0))) / 1000;

const clusterBackupStatus = (s: Scenario) =>
  s.then.status()['backup'] as { prefix?: string; lastOnDemand?: unknown } | undefined;

/** A scenario with the store's credentials and a running, archiving three-member cluster. */
async function archivingCluster(world: ReturnType<typeof useLifecycle>, spec: object = ARCHIVED) {
  const s = world.scenario();
  const b = new Backups(s);
  b.given.storeCredentials();
  await s.given.cluster({ ...spec });
  s.then.phase('Running');
  s.then.condition('BackupConfigured', { status: 'True' });
  return { s, b };
}

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

describe('lifecycle invariants of PostgresBackup syncs', () => {
  const record = (o: Partial<SyncRecord>): SyncRecord => ({
    seq: 1,
    at: 0,
    controller: 'postgresbackup',
    parent: 'shop/b',
    parentUid: 'uid-b',
    hook: 'sync',
    httpStatus: 200,
    pods: [],
    observedChildren: [],
    desiredChildren: [],
    status: { phase: 'Pending' },
    ...o,
  });
  const check = (records: SyncRecord[]) => {
    const ctx = { splitBrainPossible: false, finalBackups: new Map() };
    return records.flatMap((r) => syncViolations(r, ctx));
  };

  it.each([
    ['an observed Job dropped', [record({ observedChildren: ['Job/b-1'] })], /dropped Job\/b-1/],
    ['two Jobs asked for', [record({ desiredChildren: ['Job/b-1', 'Job/b-2'] })], /asks for 2 Jobs/],
    ['Running without a Job', [record({ status: { phase: 'Running' } })], /Running without an observed Job/],
    [
      'a final status that changes',
      [
        record({ status: { phase: 'Succeeded', backupName: 'base_1' } }),
        record({ seq: 2, status: { phase: 'Pending' } }),
      ],
      /was final \(Succeeded, base_1\) and is now Pending/,
    ],
  ])('%s is a violation', (_what, records, message) => {
    expect(check(records).join('; ')).toMatch(message);
  });

  it('a backup that keeps its Job and its final verdict is none', () => {
    const job = { observedChildren: ['Job/b-1'], desiredChildren: ['Job/b-1'] };
    const done = { phase: 'Succeeded', backupName: 'base_1' };
    expect(
      check([
        record({ ...job, status: { phase: 'Running' } }),
        record({ ...job, seq: 2, status: done }),
        record({ ...job, seq: 3, status: done }),
        record({ seq: 4, parentUid: 'uid-other', status: { phase: 'Pending' } }),
      ]),
    ).toEqual([]);
  });
});
