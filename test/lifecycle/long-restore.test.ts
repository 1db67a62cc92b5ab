/**
 * Scenario: a restore that takes longer than the psql Jobs' one-hour `activeDeadlineSeconds`
 * (hooks/postgrescluster/children/psql-job.ts). The application bootstrap Job must still create the
 * owner and the database: its deadline may only count from when there is a primary to talk to.
 */
import { Backups, MINIO_BACKUP } from './backups';
import { useLifecycle } from './scenario';

describe('lifecycle: a restore longer than the psql Jobs deadline', () => {
  const world = useLifecycle();

  it('creates the application owner and database once the three-hour restore is over', async () => {
    const s = world.scenario();
    new Backups(s).given.storeCredentials();
    s.sim.patroni.bootstrap.seconds = 3 * 3600;
    await s.given.cluster({
      version: '16',
      replicas: 2,
      storage: { size: '10Gi' },
      restore: {
        source: { ...MINIO_BACKUP.destination, path: 'shop/orders-old/1' },
        target: { latest: true },
      },
    });

    s.then.phase('Running');
    s.then.condition('Restored', { status: 'True', reason: 'Restored' });
    const [bootstrap] = s.then.patroniEvents('bootstrap');
    expect(bootstrap?.at).toBeGreaterThanOrEqual(3 * 3600);
    const jobs = s.sim.jobs.finished.filter((j) => j.name.startsWith('orders-bootstrap-'));
    expect(jobs.map((j) => [j.outcome, j.message])).toEqual([
      ['Complete', expect.stringMatching(/^owner and database created on /)],
    ]);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });
});
