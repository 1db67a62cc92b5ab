/**
 * Running pgmeta's generated SQL scripts against real servers (test/support/pgbin.ts) exactly as the
 * Job's psql does: one session at a time, `\gexec` cells run in row then column order with NULLs
 * skipped, `\getenv` read from an environment, `\connect` opening a new session, `\if` on a boolean,
 * and stop at the first error (ON_ERROR_STOP). `runPsql` runs the psql rendering itself when a psql
 * of major 15 or newer (for `\getenv`) is installed, to prove the two paths agree.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Client } from 'pg';
import { PSQL_ARGS, PSQL_ENV } from '../../hooks/postgresdatabase/sql/index';
import type { Step } from '../../hooks/postgresdatabase/sql/script';
import {
  childResult,
  initdb,
  makeTempDir,
  startServer,
  type Major,
  type RealServer,
  type RunResult,
} from './pgbin';

/** A server for a whole test file; `close` stops it and removes its data. */
export async function startTempServer(major: Major): Promise<{ server: RealServer; close(): Promise<void> }> {
  const base = makeTempDir(`pgdb${major}`);
  const dataDir = join(base, 'data');
  try {
    await initdb(major, dataDir);
    const server = await startServer(major, { dataDir, settings: { password_encryption: 'scram-sha-256' } });
    return {
      server,
      close: async () => {
        await server.stop();
        rmSync(base, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
}

export interface ScriptRun {
  /** WARNING messages the server sent, in order (what the Job's log would show). */
  warnings: string[];
}

interface RunState {
  server: RealServer;
  client: Client;
  env: Readonly<Record<string, string>>;
  vars: Map<string, string>;
  warnings: string[];
}

async function open(state: Omit<RunState, 'client'>, database: string): Promise<Client> {
  const client = await state.server.connect({ database });
  client.on('notice', (n) => {
    if (n.severity === 'WARNING') state.warnings.push(n.message ?? '');
  });
  return client;
}

async function runStep(state: RunState, step: Step): Promise<void> {
  switch (step.kind) {
    case 'sql': {
      const text = step.parts
        .map((p) => {
          if (typeof p === 'string') return p;
          const value = state.vars.get(p.psqlVariable);
          if (value === undefined) throw new Error(`psql variable ${p.psqlVariable} is not set`);
          // What psql's :'name' does: PQescapeLiteral.
          return state.client.escapeLiteral(value);
        })
        .join('');
      await state.client.query(text);
      return;
    }
    case 'gexec': {
      // Every cell our queries produce is text (format() or a literal); psql sends its text as is.
      const res = await state.client.query<(string | null)[]>({ text: step.query, rowMode: 'array' });
      for (const row of res.rows) for (const cell of row) if (cell !== null) await state.client.query(cell);
      return;
    }
    case 'getenv': {
      const value = state.env[step.env];
      if (value !== undefined) state.vars.set(step.variable, value);
      return;
    }
    case 'connect':
      await state.client.end();
      state.client = await open(state, step.database);
      return;
    case 'if': {
      const res = await state.client.query<unknown[]>({
        text: `SELECT (${step.condition})`,
        rowMode: 'array',
      });
      if (res.rows[0]?.[0] === true) for (const s of step.steps) await runStep(state, s);
      return;
    }
  }
}

/** Runs `steps` as the superuser, starting in `postgres` like the Job. Rejects at the first error. */
export async function runSteps(
  server: RealServer,
  steps: readonly Step[],
  opts: { env?: Readonly<Record<string, string>> } = {},
): Promise<ScriptRun> {
  const base = { server, env: opts.env ?? {}, vars: new Map<string, string>(), warnings: [] as string[] };
  const state: RunState = { ...base, client: await open(base, 'postgres') };
  try {
    for (const step of steps) await runStep(state, step);
  } finally {
    await state.client.end().catch(() => undefined);
  }
  return { warnings: state.warnings };
}

let psqlCache: string | null | undefined;

/** A psql that supports `\getenv` (15+), or undefined when none is installed. */
export function findPsql(): string | undefined {
  if (psqlCache !== undefined) return psqlCache ?? undefined;
  psqlCache = null;
  for (const candidate of ['/usr/bin/psql', '/usr/local/bin/psql']) {
    if (!existsSync(candidate)) continue;
    try {
      const out = execFileSync(candidate, ['--version'], { encoding: 'utf8' });
      const major = Number(/(\d+)(\.\d+)?/.exec(out)?.[1] ?? '0');
      if (major >= 15) psqlCache = candidate;
    } catch {
      // not runnable: keep looking
    }
    if (psqlCache) break;
  }
  return psqlCache ?? undefined;
}

/** psql's exit code and output. */
export type PsqlRun = RunResult;

/** Runs a rendered script through psql with the Job's flags and environment (bounded in time). */
export function runPsql(
  server: RealServer,
  script: string,
  env: Readonly<Record<string, string>> = {},
): Promise<PsqlRun> {
  const psql = findPsql();
  if (!psql) return Promise.reject(new Error('no psql installed'));
  const child = spawn(psql, [...PSQL_ARGS, '--file=-'], {
    cwd: dirname(psql),
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      ...PSQL_ENV,
      PGHOST: server.host,
      PGPORT: String(server.port),
      PGUSER: 'postgres',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const result = childResult(child, 60_000);
  child.stdin.end(script);
  return result;
}
