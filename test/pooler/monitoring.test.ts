/**
 * The monitoring role as the rendered Job creates it, on a real PostgreSQL with the rendered pg_hba:
 * the exporter's login sees every session and the WAL directory (what its default collectors query)
 * and nothing of the users' data.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'pg';
import { makeTempDir, type RealServer } from '../support/pgbin';
import { missingBinary, PG_ISREADY_BIN, PSQL_BIN } from './binaries';
import { startMember } from './member';
import { renderCluster, runJob, secretValue } from './rendered';

const missing = missingBinary(PSQL_BIN, PG_ISREADY_BIN);
if (missing) console.log(`skipped: ${missing} not installed (run bash test/patroni/install.sh)`);
const maybe = missing ? describe.skip : describe;

maybe('the monitoring role on real PostgreSQL', () => {
  const children = renderCluster({
    version: '16',
    replicas: 1,
    storage: { size: '1Gi' },
    tls: { enabled: false },
    metrics: { enabled: true },
  });
  let base = '';
  let pg: RealServer;
  const as = (user: string, password: string) =>
    new Client({ host: pg.host, port: pg.port, user, password, database: 'postgres' });

  beforeAll(async () => {
    base = makeTempDir('monitoring');
    pg = await startMember(children, { major: '16', base, settings: {} });
    runJob(children, /^orders-monitoring-/, pg);
    runJob(children, /^orders-monitoring-/, pg); // idempotent
  }, 120_000);

  afterAll(async () => {
    await pg.stop();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('sees every session, the WAL directory and database sizes, and no user data', async () => {
    const admin = as('postgres', secretValue(children, 'orders-superuser', 'password'));
    await admin.connect();
    await admin.query('CREATE TABLE private_orders (id int)');
    const monitor = as('pgmeta_monitor', secretValue(children, 'orders-monitoring', 'password'));
    await monitor.connect();
    try {
      const roles = await monitor.query(
        "SELECT rolsuper, pg_has_role('pgmeta_monitor', 'pg_monitor', 'MEMBER') AS monitor FROM pg_roles WHERE rolname = current_user",
      );
      expect(roles.rows).toEqual([{ rolsuper: false, monitor: true }]);
      await admin.query("SET application_name = 'visible'");
      const sessions = await monitor.query(
        "SELECT query FROM pg_stat_activity WHERE application_name = 'visible'",
      );
      expect(sessions.rows[0]?.query).not.toBe('<insufficient privilege>');
      // The exporter's wal and database collectors.
      const wal = await monitor.query(
        "SELECT count(*)::int AS segments FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$'",
      );
      expect((wal.rows[0] as { segments: number }).segments).toBeGreaterThan(0);
      await monitor.query('SELECT pg_database_size(datname) FROM pg_database WHERE datallowconn');
      await expect(monitor.query('SELECT * FROM private_orders')).rejects.toThrow(/permission denied/);
      await expect(monitor.query('CREATE TABLE t (id int)')).rejects.toThrow(/permission denied/);
    } finally {
      await monitor.end();
      await admin.end();
    }
  }, 60_000);
});
