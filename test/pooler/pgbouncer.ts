/**
 * Runs Debian's pgbouncer for a test: as the unprivileged server user (pgbouncer refuses root), on a
 * loopback port, stopped with a bounded wait. Also reads a rendered pgbouncer.ini back into the
 * document model, so a test can adapt a few settings and render it again with the hook's renderer.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import type { PgbouncerIni } from '../../hooks/postgrescluster/pooler/ini';
import { stopChild, unprivileged } from '../support/pgbin';
import { PGBOUNCER_BIN } from './binaries';

export interface RunningPgbouncer {
  port: number;
  /** The last few KiB of its log (stderr). */
  log(): string;
  stop(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

/** Starts pgbouncer with `iniPath`, which must listen on 127.0.0.1:`port`. */
export async function startPgbouncer(
  iniPath: string,
  port: number,
  timeoutMs = 10_000,
): Promise<RunningPgbouncer> {
  const id = unprivileged();
  const child = spawn(PGBOUNCER_BIN, [iniPath], {
    ...(id ? { uid: id.uid, gid: id.gid } : {}),
    cwd: tmpdir(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-16_000)));
  // SIGTERM is pgbouncer's immediate shutdown: no wait for clients.
  const stop = (): Promise<void> => stopChild(child, { signal: 'SIGTERM', timeoutMs: 5_000 });
  const running: RunningPgbouncer = { port, log: () => log, stop };
  const deadline = Date.now() + timeoutMs;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await running.stop();
      throw new Error(`pgbouncer did not start (exit ${String(child.exitCode)}):\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return running;
}

/** Parses pgbouncer.ini text as the hook renders it (sections of `key = value` lines). */
export function parseIni(text: string): PgbouncerIni {
  const ini: PgbouncerIni = { databases: {}, pgbouncer: {} };
  let section: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section =
        header[1] === 'databases' ? ini.databases : header[1] === 'pgbouncer' ? ini.pgbouncer : undefined;
      if (!section) throw new Error(`unknown section ${line}`);
    } else if (line.trim() !== '') {
      const m = /^(\S+) =(?: (.*))?$/.exec(line);
      if (!m?.[1] || !section) throw new Error(`cannot parse ${JSON.stringify(line)}`);
      section[m[1]] = m[2] ?? '';
    }
  }
  return ini;
}
