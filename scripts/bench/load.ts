/** One load run with autocannon against a server on loopback, and the figures the report uses. */
import autocannon from 'autocannon';
import { procCpuMs } from './procs';

export interface LoadSummary {
  /** Completed responses per second over the run. */
  rps: number;
  /** Latency percentiles in ms (autocannon's HDR histogram has 1 ms resolution). */
  p50Ms: number;
  p99Ms: number;
  requests: number;
  durationS: number;
  /** Responses by HTTP status code. */
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Response bytes per second (bodies and headers). */
  bytesPerSecond: number;
  /**
   * CPU time the server process used during the run, in ms: unlike req/s, barely moved by a busy
   * neighbour or by the load generator's own share of the cores.
   */
  serverCpuMs?: number;
}

export function summarizeLoad(r: autocannon.Result): LoadSummary {
  const statusCodes = Object.fromEntries(
    Object.entries(r.statusCodeStats)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, s]) => [code, s.count]),
  );
  const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  return {
    rps: r.duration > 0 ? requests / r.duration : 0,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests,
    durationS: r.duration,
    statusCodes,
    errors: r.errors,
    timeouts: r.timeouts,
    bytesPerSecond: r.duration > 0 ? r.throughput.total / r.duration : 0,
  };
}

/** Whether every response of a run had the expected status and nothing failed. */
export function onlyStatus(s: LoadSummary, code: number): boolean {
  return s.errors === 0 && s.timeouts === 0 && s.requests > 0 && s.statusCodes[String(code)] === s.requests;
}

export interface LoadOptions {
  port: number;
  /** The server's pid, to measure its CPU time over the run. */
  pid?: number;
  path: string;
  body: string;
  /** Bodies each connection sends in turn instead of `body` (the varied stream, varied.ts). */
  bodies?: readonly string[];
  headers?: Record<string, string>;
  connections: number;
  /** Seconds; or `amount` requests. */
  duration?: number;
  amount?: number;
}

/**
 * The bodies in turn, across all connections. One request entry whose body is set just before it
 * goes: autocannon keeps a built copy of every entry per connection, which for hundreds of 40 KiB
 * bodies and 32 connections costs the load generator more than the server.
 */
function nextBody(bodies: readonly string[]): (req: autocannon.RequestParams) => autocannon.RequestParams {
  let k = 0;
  return (req) => ({ ...req, body: bodies[k++ % bodies.length] ?? '' });
}

export async function runLoad(o: LoadOptions): Promise<LoadSummary> {
  const cpuBefore = o.pid === undefined ? 0 : procCpuMs(o.pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${o.port}${o.path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...o.headers },
    body: o.body,
    ...(o.bodies === undefined ? {} : { requests: [{ setupRequest: nextBody(o.bodies) }] }),
    connections: o.connections,
    pipelining: 1,
    timeout: 10,
    ...(o.amount === undefined ? { duration: o.duration ?? 5 } : { amount: o.amount }),
  });
  const summary = summarizeLoad(result);
  return o.pid === undefined ? summary : { ...summary, serverCpuMs: procCpuMs(o.pid) - cpuBefore };
}

/** Server CPU ms per response, when measured. */
export function cpuMsPerRequest(s: LoadSummary): number | undefined {
  return s.serverCpuMs === undefined || s.requests === 0 ? undefined : s.serverCpuMs / s.requests;
}

/** The mean of several runs' figures (interleaved runs even out a shared machine's noise). */
export function meanLoad(runs: readonly LoadSummary[]): LoadSummary {
  const avg = (f: (s: LoadSummary) => number): number => runs.reduce((a, s) => a + f(s), 0) / runs.length;
  const statusCodes: Record<string, number> = {};
  for (const r of runs)
    for (const [k, v] of Object.entries(r.statusCodes)) statusCodes[k] = (statusCodes[k] ?? 0) + v;
  return {
    rps: avg((s) => s.rps),
    p50Ms: avg((s) => s.p50Ms),
    p99Ms: avg((s) => s.p99Ms),
    requests: runs.reduce((a, s) => a + s.requests, 0),
    durationS: runs.reduce((a, s) => a + s.durationS, 0),
    statusCodes,
    errors: runs.reduce((a, s) => a + s.errors, 0),
    timeouts: runs.reduce((a, s) => a + s.timeouts, 0),
    bytesPerSecond: avg((s) => s.bytesPerSecond),
    ...(runs.every((r) => r.serverCpuMs !== undefined)
      ? { serverCpuMs: runs.reduce((a, s) => a + (s.serverCpuMs ?? 0), 0) }
      : {}),
  };
}
