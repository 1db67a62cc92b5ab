/**
 * Runs the bootstrap Job's own shell script against real PostgreSQL servers (oldest and newest
 * supported majors), with the host's psql and pg_isready standing in for the Spilo image's.
 * Proves the SQL is valid, idempotent, quotes identifiers and literals, and follows a password change.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { BOOTSTRAP_SCRIPT } from '../../../../hooks/postgrescluster/children/bootstrap-job.js';
import { passwordToSend } from '../../../../hooks/postgrescluster/scram.js';
import { type Major, startServer, withTempCluster, type RealServer } from '../../../support/pgbin.js';

const CLIENTS = ['/usr/bin/psql', '/usr/bin/pg_isready'];
const haveClients = CLIENTS.every((p) => existsSync(p));
if (!haveClients) console.log(`skipped: ${CLIENTS.join(' and ')} not installed`);
const maybe = haveClients ? describe : describe.skip;

const KEY = new Uint8Array(32).fill(5);
const OWNER = 'Shop "Owner"';
const DATABASE = 'orders-db';

/** Superuser over trust (as in the Job, where it has its own password), everyone else SCRAM only. */
function scramHba(dataDir: string): void {
  writeFileSync(
    join(dataDir, 'pg_hba.conf'),
    'host all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n',
  );
}

function runJob(server: RealServer, password: string): { status: number | null; output: string } {
  const res = spawnSync('/bin/sh', ['-c', BOOTSTRAP_SCRIPT], {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      PGHOST: server.host,
      PGPORT: String(server.port),
      PGUSER: 'postgres',
      PGDATABASE: 'postgres',
      PGCONNECT_TIMEOUT: '10',
      APP_OWNER: OWNER,
      APP_DATABASE: DATABASE,
      // What the Job's own Secret holds: the verifier the hook computes (issue 15), not the password.
      APP_VERIFIER: passwordToSend({ operatorKey: KEY, purpose: 'uid/app', password }),
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

async function canLogIn(server: RealServer, password: string): Promise<boolean> {
  try {
    const c = await server.connect({ user: OWNER, database: DATABASE, password });
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function databaseOwner(server: RealServer): Promise<unknown> {
  const c = await server.connect();
  try {
    const r = await c.query('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [
      DATABASE,
    ]);
    return r.rows[0]?.owner;
  } finally {
    await c.end();
  }
}

maybe('bootstrap Job script on real PostgreSQL', () => {
  it.each(['13', '18'] as Major[])(
    'PostgreSQL %s: creates owner and database, reruns harmlessly, follows a new password',
    async (major) => {
      await withTempCluster(major, async (dataDir) => {
        scramHba(dataDir);
        const server = await startServer(major, {
          dataDir,
          settings: { password_encryption: 'scram-sha-256' },
        });
        try {
          const first = runJob(server, "it's a 'secret' \\ :pw");
          expect(first).toMatchObject({ status: 0 });
          expect(await canLogIn(server, "it's a 'secret' \\ :pw")).toBe(true);
          expect(await databaseOwner(server)).toBe(OWNER);

          expect(runJob(server, "it's a 'secret' \\ :pw").status).toBe(0);

          expect(runJob(server, 'rotated').status).toBe(0);
          expect(await canLogIn(server, 'rotated')).toBe(true);
          expect(await canLogIn(server, "it's a 'secret' \\ :pw")).toBe(false);
        } finally {
          await server.stop();
        }
      });
    },
    120_000,
  );
});
