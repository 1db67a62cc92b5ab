/**
 * spec.logging on real servers: with Spilo's logging settings (test/support/spilo-logging.ts)
 * overlaid with what pgmeta renders (spilo/logging.ts), a failing statement must show up
 * - stdout/text: on the postmaster's stderr, which Patroni passes on to the container's output
 *   (patroni/postgresql/postmaster.py `pg_ctl_start`: Popen without redirection);
 * - files/json: as a JSON object in the jsonlog file on the volume, not on stderr;
 * - stdout/json: as a JSON line on the follower's stdout (the `postgres-log` container), also after
 *   the collector rotated to a new file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { LOG_FOLLOWER_SCRIPT } from '../../hooks/postgrescluster/spilo/log-follower.js';
import { loggingParameters } from '../../hooks/postgrescluster/spilo/logging.js';
import type { ResolvedLogging } from '../../hooks/postgrescluster/spec/logging.js';
import {
  initdb,
  makeTempDir,
  startServer,
  stopChild,
  unprivilegedSpawnOptions,
  type Major,
  type RealServer,
} from '../support/pgbin.js';
import { SPILO_LOGGING } from '../support/spilo-logging.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Started {
  server: RealServer;
  base: string;
  stderr: () => string;
}

async function start(
  major: Major,
  logging: ResolvedLogging,
  extra: Record<string, string> = {},
): Promise<Started> {
  const base = makeTempDir(`log${major}`);
  cleanups.push(() => {
    rmSync(base, { recursive: true, force: true });
    return Promise.resolve();
  });
  const dataDir = join(base, 'data');
  await initdb(major, dataDir);
  let stderr = '';
  const settings = { ...SPILO_LOGGING, ...loggingParameters(logging), ...extra };
  const server = await startServer(major, { dataDir, settings, onStderr: (t) => (stderr += t) });
  cleanups.push(() => server.stop());
  return { server, base, stderr: () => stderr };
}

async function failingStatement(server: RealServer, sql = 'SELECT 1/0'): Promise<void> {
  const client = await server.connect();
  await expect(client.query(sql)).rejects.toThrow('division by zero');
  await client.end();
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The parsed JSON lines of a text that mention `needle`; every line of it must be JSON. */
function jsonLines(text: string, needle: string): Record<string, unknown>[] {
  const lines = text.split('\n').filter((l) => l !== '');
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return parsed.filter((o) => typeof o['statement'] === 'string' && o['statement'].includes(needle));
}

function expectErrorObject(o: Record<string, unknown> | undefined, statement: string): void {
  expect(o).toMatchObject({
    error_severity: 'ERROR',
    state_code: '22012',
    message: 'division by zero',
    statement,
    user: 'postgres',
    dbname: 'postgres',
  });
  expect(typeof o?.['timestamp']).toBe('string');
  expect(typeof o?.['pid']).toBe('number');
}

describe.each(['13', '17'] as const)('stdout, text (PostgreSQL %s)', (major) => {
  it('writes the error to the postmaster stderr and no log file', async () => {
    const s = await start(major, { destination: 'stdout', format: 'text' });
    await failingStatement(s.server);
    const line = await until('the error on stderr', () =>
      s
        .stderr()
        .split('\n')
        .find((l) => l.includes('ERROR:  division by zero')),
    );
    expect(line).toMatch(/^\d{4}-\d\d-\d\d .* \[\d+\]: \[\d+-1\] /);
    expect(s.stderr()).toContain('STATEMENT:  SELECT 1/0');
    expect(readdirSync(s.base)).not.toContain('pg_log');
  });
});

describe.each(['15', '17'] as const)('files (PostgreSQL %s)', (major) => {
  it('json: writes a JSON object per message into pg_log, nothing on stderr', async () => {
    const s = await start(major, { destination: 'files', format: 'json' });
    await failingStatement(s.server);
    const dir = join(s.base, 'pg_log');
    const found = await until('the error in the jsonlog file', () => {
      const file = readdirSync(dir).find((f) => f.endsWith('.json'));
      return file ? jsonLines(readFileSync(join(dir, file), 'utf8'), 'SELECT 1/0')[0] : undefined;
    });
    expectErrorObject(found, 'SELECT 1/0');
    expect(s.stderr()).not.toContain('division by zero');
  });

  it('csv (Spilo default, nothing rendered): the error lands in the CSV file', async () => {
    const s = await start(major, { destination: 'files', format: 'csv' });
    await failingStatement(s.server);
    const dir = join(s.base, 'pg_log');
    await until('the error in the csvlog file', () => {
      const file = readdirSync(dir).find((f) => f.endsWith('.csv'));
      return file && readFileSync(join(dir, file), 'utf8').includes('division by zero') ? true : undefined;
    });
    expect(s.stderr()).not.toContain('division by zero');
  });
});

function follow(dataDir: string): { child: ChildProcess; out: () => string } {
  const child = spawn('python3', ['-c', LOG_FOLLOWER_SCRIPT, dataDir], {
    ...unprivilegedSpawnOptions(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  cleanups.push(() => stopChild(child, { signal: 'SIGKILL', timeoutMs: 5_000 }));
  return { child, out: () => out };
}

/** Repeats a failing statement until the follower printed it (it starts at the end of the file). */
async function seenByFollower(
  s: Started,
  f: { out: () => string },
  sql: string,
): Promise<Record<string, unknown>> {
  let last = 0;
  return until('the error on the follower stdout', () => {
    if (Date.now() - last > 1000) {
      last = Date.now();
      void failingStatement(s.server, sql);
    }
    return jsonLines(f.out(), sql)[0];
  });
}

describe.each(['15', '17'] as const)('stdout, json (PostgreSQL %s)', (major) => {
  it('the follower prints JSON lines, across a rotation to a new file, and stops on SIGTERM', async () => {
    // A file name per second, so pg_rotate_logfile() moves to a new file (Spilo's changes daily).
    const s = await start(
      major,
      { destination: 'stdout', format: 'json' },
      {
        log_filename: 'postgresql-%Y%m%d-%H%M%S.log',
      },
    );
    const f = follow(s.server.dataDir);
    expectErrorObject(await seenByFollower(s, f, 'SELECT 1/0'), 'SELECT 1/0');
    const client = await s.server.connect();
    await new Promise((r) => setTimeout(r, 1100));
    await client.query('SELECT pg_rotate_logfile()');
    await client.end();
    expectErrorObject(await seenByFollower(s, f, 'SELECT 2/0'), 'SELECT 2/0');
    expect(f.out().endsWith('\n')).toBe(true);
    const files = readdirSync(join(s.base, 'pg_log')).filter((n) => n.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const exited = new Promise<number | null>((r) => {
      f.child.once('exit', (code) => {
        r(code);
      });
    });
    f.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
