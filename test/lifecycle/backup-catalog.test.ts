/**
 * Scenarios: the backup catalog in status.backup (hooks/postgrescluster/backup/catalog*.ts), read
 * from the simulated archive by the catalog Jobs: the backups (scheduled and on-demand), the
 * recovery window, archiving health, a failing archive and its recovery, and what `kubectl get pgc`
 * prints. The catalog runs in the background (effects/catalog.ts), so scenarios let time pass.
 */
import { catalogJobName, COMPONENTS, LABELS } from '../../hooks/postgrescluster/names';
import { archivingCluster } from './backup-world';
import { loadCrds, printerRow } from './lib/crd';
import type { Scenario } from './scenario';
import { useLifecycle } from './scenario';
import { baseBackupName, toNextSegment, walgPrefixOf } from './sim/walg';
import { USER } from './scenario-given';

const REFUSED = 'dial tcp 10.96.14.3:9000: connect: connection refused';
const SEGMENT = 16 * 1024 * 1024;

interface CatalogView {
  catalogTime?: string;
  catalogError?: string;
  archiving?: {
    healthy: boolean;
    lastArchivedWal?: string;
    lastError?: string;
    pendingSegments?: number;
    lagSeconds?: number;
  };
  backups?: {
    name: string;
    trigger: string;
    startTime?: string;
    finishTime?: string;
    compressedBytes?: number;
  }[];
  backupCount?: number;
  lastBackupTime?: string;
  firstRecoverableTime?: string;
  lastRecoverableTime?: string;
  recoveryWindowSeconds?: number;
  nextBackupTime?: string;
  backupDueTime?: string;
}

const catalogOf = (s: Scenario) => (s.then.status()['backup'] ?? {}) as CatalogView;

/** Lets `seconds` of simulated time pass, one tick at a time (each parent with an event syncs). */
async function elapse(s: Scenario, seconds: number): Promise<void> {
  const until = s.clock.now + seconds;
  while (s.clock.now < until) await s.step();
}

/** The catalog Jobs that exist now. */
const catalogJobs = (s: Scenario) =>
  s.store
    .list('Job', s.namespace)
    .filter((j) => j.metadata.labels?.[LABELS.component] === COMPONENTS.backupCatalog);

/** Spilo's cron ran `postgres_backup.sh` on the primary: a backup-push without sentinel user data. */
function scheduledBackupRan(s: Scenario): string {
  const pod = s.store.get({
    kind: 'Pod',
    namespace: s.namespace,
    name: String(s.then.status().primary),
  });
  const member = s.sim.patroni.member(s.namespace, { scope: s.name, member: pod?.metadata.name ?? '' });
  const prefix = pod ? walgPrefixOf(pod) : undefined;
  if (!pod || !member || !prefix) return s.fail('scheduledBackupRan: no archiving primary');
  const name = baseBackupName(member.timeline, member.xlog);
  const at = s.clock.iso();
  s.sim.backups.push(prefix, {
    backup_name: name,
    start_time: at,
    finish_time: at,
    hostname: pod.metadata.name,
    start_lsn: member.xlog,
    user_data: null,
    uncompressed_size: member.xlog,
    compressed_size: Math.round(member.xlog / 3),
  });
  s.sim.patroni.write(s.namespace, s.name, toNextSegment(member.xlog));
  s.trace(`when: Spilo's cron pushed the scheduled backup ${name}`);
  return name;
}

/** The application writes `segments` WAL segments' worth (finished segments are what gets archived). */
function writes(s: Scenario, segments: number): void {
  s.sim.patroni.write(s.namespace, s.name, segments * SEGMENT);
}

describe('lifecycle: the backup catalog', () => {
  const world = useLifecycle();

  it('lists scheduled and on-demand backups newest first, the recovery window, the next backup, and kubectl get pgc shows them', async () => {
    const { s, b } = await archivingCluster(world);
    const scheduled = scheduledBackupRan(s);
    await elapse(s, 60);
    b.when.requested('before-cleanup');
    await s.settle();
    expect(b.then.status('before-cleanup').phase).toBe('Succeeded');
    writes(s, 3);
    await elapse(s, 700);

    const c = catalogOf(s);
    expect(c.backupCount).toBe(2);
    expect(c.backups?.map((x) => [x.name, x.trigger])).toEqual([
      [b.then.status('before-cleanup').backupName, 'on-demand'],
      [scheduled, 'scheduled'],
    ]);
    expect(c.archiving).toMatchObject({ healthy: true, pendingSegments: 0 });
    expect(c.archiving?.lastArchivedWal).toMatch(/^[0-9A-F]{24}$/);
    expect(c.firstRecoverableTime).toBe(c.backups?.[1]?.finishTime);
    expect(Date.parse(c.lastRecoverableTime ?? '')).toBeGreaterThan(Date.parse(c.lastBackupTime ?? ''));
    expect(c.recoveryWindowSeconds).toBe(
      (Date.parse(c.lastRecoverableTime ?? '') - Date.parse(c.firstRecoverableTime ?? '')) / 1000,
    );
    // Spilo's default schedule, 01:00 UTC: the next one after the reading, and the one due after the newest.
    expect(c.nextBackupTime).toMatch(/T01:00:00Z$/);
    expect(Date.parse(c.nextBackupTime ?? '')).toBeGreaterThan(Date.parse(c.catalogTime ?? ''));
    expect(c.backupDueTime).toMatch(/T01:00:00Z$/);
    expect(c.catalogError).toBeUndefined();

    const crd = loadCrds().find((x) => x.kind === 'PostgresCluster');
    const row = printerRow(s.parent() as never, crd?.printerColumns['v1alpha1'] ?? []);
    expect(row).toMatchObject({ 'Last Backup': c.lastBackupTime, Archiving: true, Phase: 'Running' });

    // A bounded series: the last good reading and the next run, never more than three Jobs.
    expect(catalogJobs(s).length).toBeLessThanOrEqual(3);
    const created = s.store.log.filter(
      (x) =>
        x.kind === 'Job' && x.verb === 'create' && x.labels[LABELS.component] === COMPONENTS.backupCatalog,
    );
    expect(created.length).toBeGreaterThanOrEqual(3);
    await s.then.steadyState();
    s.then.noDataBearingObjectDeleted();
  }, 120_000);

  it('a failing archive: archiving unhealthy with WAL-G’s error, the lag grows, and all recovers when the store is back', async () => {
    const { s, b } = await archivingCluster(world);
    scheduledBackupRan(s);
    writes(s, 1);
    await elapse(s, 400);
    expect(catalogOf(s).archiving?.healthy).toBe(true);

    b.when.storeUnreachable(REFUSED);
    writes(s, 4);
    await elapse(s, 700);
    const failing = catalogOf(s);
    expect(failing.archiving).toMatchObject({ healthy: false, pendingSegments: 4 });
    expect(failing.archiving?.lastError).toMatch(
      /^ERROR: .*failed to upload .* connect: connection refused$/,
    );
    expect(failing.archiving?.lagSeconds).toBeGreaterThan(0);
    // WAL-G 3.0.5 lists nothing, exit 0, when it cannot reach the store: the status says so.
    expect(failing.backupCount).toBe(0);
    expect(failing.catalogError).toMatch(/WAL-G lists no backups.*cannot reach the store/);
    const crd = loadCrds().find((x) => x.kind === 'PostgresCluster');
    expect(printerRow(s.parent() as never, crd?.printerColumns['v1alpha1'] ?? [])).toMatchObject({
      Archiving: false,
    });

    b.when.storeUnreachable(null);
    await elapse(s, 700);
    const back = catalogOf(s);
    expect(back.archiving).toMatchObject({ healthy: true, pendingSegments: 0 });
    expect(back.archiving?.lastError).toBeUndefined();
    expect(back.backupCount).toBe(1);
    expect(back.catalogError).toBeUndefined();
    s.then.noErrors();
  }, 120_000);

  it('a reading that fails is reported beside the last good one, which status keeps until the next', async () => {
    const { s } = await archivingCluster(world);
    scheduledBackupRan(s);
    // Run 1 read before the backup; run 2 reads five minutes after it.
    await elapse(s, 400);
    const good = catalogOf(s);
    expect(good.backupCount).toBe(1);
    const refused = 'psql: error: connection to server at "orders.shop.svc" (10.96.0.12), port 5432 failed';
    // The waiting run fails (its pod ends with psql's error), and the next run waits its five minutes.
    s.when.jobFails(`${s.name}-catalog-`, refused);
    await elapse(s, 100);
    const failed = catalogOf(s);
    expect(failed.catalogError).toMatch(/^run \d+ failed: psql: error: connection to server/);
    expect(failed.catalogTime).toBe(good.catalogTime);
    expect(failed.backups).toEqual(good.backups);
    await elapse(s, 400);
    expect(catalogOf(s).catalogError).toBeUndefined();
    expect(Date.parse(catalogOf(s).catalogTime ?? '')).toBeGreaterThan(Date.parse(good.catalogTime ?? ''));
  }, 120_000);

  it('the series survives a deleted run, and removing spec.backup removes the catalog', async () => {
    const { s } = await archivingCluster(world);
    await elapse(s, 60);
    const good = catalogOf(s).catalogTime;
    expect(good).toBeDefined();
    // Someone deletes the waiting run: the series goes on with a new one.
    const next =
      catalogJobs(s)
        .map((j) => j.metadata.name)
        .sort()
        .at(-1) ?? '';
    s.store.delete({ kind: 'Job', namespace: s.namespace, name: next }, { actor: USER });
    await elapse(s, 700);
    expect(Date.parse(catalogOf(s).catalogTime ?? '')).toBeGreaterThan(Date.parse(good ?? ''));

    s.when.specEdited({ backup: null });
    await s.settle();
    await elapse(s, 60);
    expect(catalogJobs(s)).toEqual([]);
    expect(catalogOf(s).catalogTime).toBeUndefined();
    expect(
      s.store.get({ kind: 'Job', namespace: s.namespace, name: catalogJobName({ name: s.name }, 1) }),
    ).toBeUndefined();
  }, 120_000);
});
