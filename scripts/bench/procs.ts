/**
 * The servers under test as child processes (their own heap and RSS, as in production): start on a
 * free loopback port, wait for /healthz, read RSS from /proc, stop with SIGTERM (SIGKILL after 5 s).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface ServerProcess {
  name: string;
  pid: number;
  port: number;
  stop: () => Promise<void>;
  /** Heap in use after a full GC (only for servers started with `heapProbe`). */
  heapAfterGc: () => Promise<number>;
}

/** Node arguments that load heap-probe.cjs: SIGUSR2 then reports the heap after a full GC. */
export const HEAP_PROBE_ARGS = ['--expose-gc', '--require', join(__dirname, 'heap-probe.cjs')];

export interface ProcMemory {
  /** Resident set size now (VmRSS). */
  rssBytes: number;
  /** Peak resident set size over the process's life (VmHWM). */
  peakBytes: number;
}

/** A port the kernel just handed out on 127.0.0.1 (free unless someone takes it in between). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

/** VmRSS and VmHWM of a `/proc/<pid>/status` text, in bytes. */
export function parseProcStatus(text: string): ProcMemory {
  const kib = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(text);
    if (!m) throw new Error(`no ${field} in /proc status`);
    return Number(m[1]) * 1024;
  };
  return { rssBytes: kib('VmRSS'), peakBytes: kib('VmHWM') };
}

export function procMemory(pid: number): ProcMemory {
  return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks on every architecture. */
const CLOCK_TICKS_PER_S = 100;

/**
 * CPU time (user + system, in ms) of a `/proc/<pid>/stat` text. The command name (field 2) may hold
 * spaces and parentheses, so fields are counted after its closing parenthesis: utime and stime are
 * fields 14 and 15.
 */
export function parseProcStatCpuMs(text: string): number {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('unreadable /proc stat');
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_S;
}

export function procCpuMs(pid: number): number {
  return parseProcStatCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

export interface StartOptions {
  name: string;
  /** Arguments to `node`. */
  args: string[];
  env: Record<string, string>;
  timeoutMs?: number;
}

export async function startServer(o: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  // stdout (one JSON log line per request for the hook service) goes to /dev/null: it is written,
  // as in production, but nobody reads it.
  const child = spawn(process.execPath, o.args, {
    // METRICS_PORT 0: the hook service's metrics listener on any free port, so runs never collide.
    env: { ...process.env, ...o.env, HOST: '127.0.0.1', PORT: String(port), METRICS_PORT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const probes: ((bytes: number) => void)[] = [];
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
    for (const m of d.toString().matchAll(/^heap-probe (\d+)$/gm)) probes.shift()?.(Number(m[1]));
  });
  const server: ServerProcess = {
    name: o.name,
    pid: child.pid ?? 0,
    port,
    stop: () => stop(child),
    heapAfterGc: () => heapAfterGc(child, probes),
  };
  try {
    await waitHealthy(child, port, o.timeoutMs ?? 20_000);
  } catch (err) {
    await server.stop();
    throw new Error(`${o.name} did not start: ${(err as Error).message}\n${stderr}`, { cause: err });
  }
  return server;
}

async function waitHealthy(child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no /healthz within ${timeoutMs} ms`);
}

async function heapAfterGc(child: ChildProcess, probes: ((bytes: number) => void)[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('no heap-probe answer within 10 s'));
    }, 10_000);
    probes.push((bytes) => {
      clearTimeout(timer);
      resolve(bytes);
    });
    child.kill('SIGUSR2');
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
