/**
 * The drill's check program (hooks/postgresrestoredrill/script.ts) run with bash and psql against a
 * real PostgreSQL: it prints one JSON line the hook parses, runs amcheck on a sample of btree
 * indexes, compares the user's query with the expected text, and exits 1 when a check fails. (A
 * server that never recovered reports no `lastReplayAt`: the verdict unit tests cover that case.)
 * The user's query runs as a read-only non-superuser login role: it cannot run programs (`COPY ...
 * TO PROGRAM`) nor write. On 13 (no `pg_read_all_data`) and on a newer major.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DRILL_SCRIPT } from '../../../hooks/postgresrestoredrill/script';
import { parseResult } from '../../../hooks/postgresrestoredrill/verdict';
import { childResult, makeTempDir, type Major, type RealServer } from '../../support/pgbin';
import { findPsql, startTempServer } from '../../support/realpg';

jest.setTimeout(120_000);

const MAJORS: Major[] = ['13', '15'];

describe.each(MAJORS)('the drill check program on a real server (PostgreSQL %s)', (major) => {
  const psql = findPsql();
  if (!psql) {
    it('skipped: no psql 15+ installed', () => {
      console.log('skipped: no psql 15+ installed');
    });
    return;
  }
  let server: RealServer;
  let close: () => Promise<void>;
  const dir = makeTempDir(`drill${major}`);

  beforeAll(async () => {
    ({ server, close } = await startTempServer(major));
    // Like pgmeta's pg_hba: every other role needs its SCRAM password (the superuser keeps trust
    // here, the test has no Secret), so the check role's generated password must really work.
    writeFileSync(
      join(server.dataDir, 'pg_hba.conf'),
      'host all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n',
    );
    const c = await server.connect();
    await c.query('SELECT pg_reload_conf()');
    await c.query(
      'CREATE TABLE orders (id int PRIMARY KEY, total numeric); INSERT INTO orders SELECT g, g FROM generate_series(1, 1000) g',
    );
    await c.end();
  });
  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (env: Record<string, string>) => {
    const log = join(
      dir,
      `termination-${Object.keys(env).join('-') || 'none'}-${Math.random().toString(16).slice(2)}`,
    );
    const child = spawn('bash', ['-c', DRILL_SCRIPT], {
      env: {
        PATH: `/usr/bin:/bin`,
        PGHOST: server.host,
        PGPORT: String(server.port),
        PGUSER: 'postgres',
        DRILL_DATABASE: 'postgres',
        AMCHECK_SAMPLE: '10',
        TERMINATION_LOG: log,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result = await childResult(child, 60_000);
    return { ...result, message: readFileSync(log, 'utf8') };
  };

  it('passes: amcheck on the indexes, the query returns what it should', async () => {
    const r = await run({ QUERY: 'SELECT count(*) FROM orders', EXPECT: '1000' });
    expect(r.code).toBe(0);
    const result = parseResult(r.message);
    expect(result).toMatchObject({ amcheck: { ok: true }, query: { ok: true }, lastReplayAt: '' });
    expect(result?.amcheck.indexes).toBeGreaterThanOrEqual(1);
    expect(result?.systemIdentifier).toMatch(/^\d+$/);
    expect(Date.parse(result?.readyAt ?? '')).not.toBeNaN();
  });

  it('fails (exit 1) when the query returns something else, and says which check', async () => {
    const r = await run({ QUERY: 'SELECT count(*) FROM orders', EXPECT: '999' });
    expect(r.code).toBe(1);
    expect(parseResult(r.message)).toMatchObject({ amcheck: { ok: true }, query: { ok: false } });
  });

  it('fails when the query itself fails', async () => {
    const r = await run({ QUERY: 'SELECT count(*) FROM no_such_table', EXPECT: '0' });
    expect(r.code).toBe(1);
    expect(parseResult(r.message)?.query.ok).toBe(false);
  });

  it('runs the query as the read-only check role, not as the superuser', async () => {
    const r = await run({
      QUERY:
        "SELECT current_user, usesuper, current_setting('transaction_read_only') FROM pg_user WHERE usename = current_user",
      EXPECT: 'pgmeta_drill_check|f|on',
    });
    expect(r.code).toBe(0);
    expect(parseResult(r.message)?.query.ok).toBe(true);
    // The generated password is never printed.
    expect(r.stdout + r.stderr).not.toMatch(/PASSWORD/i);
  });

  it('a query cannot run a program in the pod (COPY TO PROGRAM fails, creates nothing)', async () => {
    const marker = join(dir, 'program-ran');
    const r = await run({ QUERY: `COPY (SELECT 1) TO PROGRAM 'touch ${marker}'`, EXPECT: '' });
    expect(r.code).toBe(1);
    expect(parseResult(r.message)?.query.ok).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });

  it('a query cannot write', async () => {
    const r = await run({ QUERY: 'CREATE TABLE drill_wrote (id int)', EXPECT: '' });
    expect(r.code).toBe(1);
    expect(parseResult(r.message)?.query.ok).toBe(false);
    const c = await server.connect();
    const res = await c.query("SELECT to_regclass('drill_wrote') IS NULL AS absent");
    await c.end();
    expect(res.rows[0]).toEqual({ absent: true });
  });
});
