/**
 * Processes of the Patroni rig.
 *
 * Every server (etcd, Patroni and, through Patroni, PostgreSQL) runs as the Debian `postgres` user:
 * CI runs as root and PostgreSQL refuses to. Each process we spawn leads its own process group so one
 * signal reaches it and its helpers. PostgreSQL escapes that group (Patroni starts the postmaster
 * through a `setsid` helper, like `pg_ctl`), so postmasters are found through the `postmaster.pid` of
 * the data directories we registered. `killAll()` ends all of it, by process id, whatever state a
 * failed test left behind.
 */
import { spawn, execFileSync } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './wait.js';

export interface Identity {
  uid: number;
  gid: number;
}

let cachedIdentity: Identity | null | undefined;

/** Debian's `postgres` user when we are root (CI), otherwise undefined: run as ourselves. */
export function serverIdentity(): Identity | undefined {
  if (cachedIdentity === undefined) {
    cachedIdentity =
      process.getuid?.() === 0
        ? {
            uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
            gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
          }
        : null;
  }
  return cachedIdentity ?? undefined;
}

function chownToServer(path: string): void {
  const id = serverIdentity();
  if (id) chownSync(path, id.uid, id.gid);
}

/** A fresh temporary directory the server user owns. */
export function makeServerTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pgmeta-${prefix}-`));
  chownToServer(dir);
  return dir;
}

/** A directory (created if needed) the server user owns. */
export function makeServerDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chownToServer(path);
  return path;
}

export interface Proc {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited (or could not be started). */
  exited: Promise<void>;
  running(): boolean;
}

const live = new Set<Proc>();
const dataDirs = new Set<string>();

/**
 * Last resort when the test process exits without reaching `killAll()` (an interrupted run): the
 * same kills, synchronously, since nothing asynchronous runs in an 'exit' handler.
 */
function killAllNow(): void {
  for (const p of live) signalGroup(p, 'SIGKILL');
  for (const dir of dataDirs) sigkillPostmaster(dir);
}
process.once('exit', killAllNow);

/** Starts a server process as the server user, stdout and stderr appended to `logFile`. */
export function startProcess(o: {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  logFile: string;
  env: Readonly<Record<string, string>>;
}): Proc {
  const fd = openSync(o.logFile, 'a');
  const id = serverIdentity();
  const child = spawn(o.command, o.args, {
    cwd: o.cwd,
    env: o.env,
    detached: true, // its own process group, so killGroup reaches its helpers too
    stdio: ['ignore', fd, fd],
    ...(id ? { uid: id.uid, gid: id.gid } : {}),
  });
  closeSync(fd);
  let done = false;
  const exited = new Promise<void>((resolve) => {
    const finish = (): void => {
      done = true;
      live.delete(proc);
      resolve();
    };
    child.once('exit', finish);
    child.once('error', finish);
  });
  const proc: Proc = { name: o.name, pid: child.pid ?? -1, logFile: o.logFile, exited, running: () => !done };
  if (proc.pid > 0) live.add(proc);
  return proc;
}

/** Sends a signal to the process group of `proc` (ignored when it is already gone). */
export function signalGroup(proc: Proc, signal: NodeJS.Signals): void {
  if (proc.pid <= 0 || !proc.running()) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // already exited: nothing to signal
  }
}

/** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopProcess(proc: Proc, graceMs: number): Promise<void> {
  signalGroup(proc, 'SIGTERM');
  const timer = setTimeout(() => {
    signalGroup(proc, 'SIGKILL');
  }, graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/** Remembers a data directory so that `killAll()` kills the postmaster running on it. */
export function trackDataDir(dataDir: string): void {
  dataDirs.add(dataDir);
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the state letter follows the parenthesised command name; Z = zombie, already dead
    return !/\)\s+Z\s/.test(stat);
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return kids;
}

/** The pid of the postmaster running on `dataDir`, if one is. */
export function postmasterPid(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  // postmaster.pid survives a crash and the pid may have been reused: check it is our postgres
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  return cmdline.includes(dataDir) ? pid : undefined;
}

/**
 * SIGKILLs the postmaster of `dataDir` and its backends (which would exit on their own once they
 * notice the postmaster is gone; we do not wait for them to notice). Returns the pids signalled.
 */
function sigkillPostmaster(dataDir: string): number[] {
  const pid = postmasterPid(dataDir);
  if (pid === undefined) return [];
  const pids = [pid, ...childrenOf(pid)];
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids;
}

/** {@link sigkillPostmaster}, resolving once those processes are gone (or after `timeoutMs`). */
export async function killPostmaster(dataDir: string, timeoutMs = 10_000): Promise<void> {
  const pids = sigkillPostmaster(dataDir);
  const deadline = performance.now() + timeoutMs;
  while (pids.some(alive) && performance.now() < deadline) await sleep(50);
}

/** Kills every process the rig started (groups first, so Patroni cannot restart a postmaster). */
export async function killAll(): Promise<void> {
  const procs = [...live];
  for (const p of procs) signalGroup(p, 'SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 10_000)));
  await Promise.race([Promise.all(procs.map((p) => p.exited)), timeout]);
  clearTimeout(timer);
  for (const dir of dataDirs) await killPostmaster(dir);
}
