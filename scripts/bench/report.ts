/**
 * The benchmark's results: their shape (also the JSON file's), the targets, and the table
 * printed on stdout.
 */
import { cpuMsPerRequest, type LoadSummary } from './load';
import type { PayloadName } from './payloads';
import type { SyncTiming } from './inprocess';

export interface PayloadResult {
  payload: PayloadName;
  requestBytes: number;
  responseBytes: number;
  sync: SyncTiming;
  /** The hook service (hooks/main.ts, compiled). */
  server: LoadSummary;
  /** Express + the same body parser, answering precomputed bytes. */
  floor: LoadSummary;
  /** The hook service around a sync that returns the precomputed desired state. */
  zeroCostHook: LoadSummary;
  /** server.rps / floor.rps: the figure. */
  ratio: number;
  /** The same load as `server` with `If-None-Match` matching, so every answer is a 304. */
  etag: LoadSummary;
  /** The hook service on the varied stream (varied.ts): one cluster's requests loop after loop. */
  varied: LoadSummary;
  /** varied.rps / floor.rps: the figure docs/performance.md quotes. */
  variedRatio: number;
  floorPeakRssBytes: number;
}

export interface MemorySample {
  afterRequests: number;
  /** RSS 0.5 s after the forced full GC of `heapBytes`. */
  rssBytes: number;
  /** Heap in use right after a forced full GC: the precise leak signal. */
  heapBytes: number;
}

export interface MemoryResult {
  /** Requests the hook server answered after its warm-up. */
  requests: number;
  /** The leak check's aim (BENCH_LEAK_REQUESTS); `requests` is less only when the time budget ran out. */
  targetRequests: number;
  /** RSS after the warm-up, and after all `requests`. */
  warmRssBytes: number;
  afterRssBytes: number;
  /** Heap after a full GC, after the warm-up and after all `requests`. */
  warmHeapBytes: number;
  afterHeapBytes: number;
  /** Samples along the way. */
  series: MemorySample[];
  /** Peak RSS over the hook server's life (VmHWM). */
  peakRssBytes: number;
}

export interface BenchConfig {
  connections: number;
  durationS: number;
  rounds: number;
  leakRequests: number;
  syncIterations: number;
  budgetS: number;
}

export interface BenchResults {
  date: string;
  machine: { cpus: number; cpuModel: string; node: string; loadAvgAtStart: number[] };
  config: BenchConfig;
  payloads: PayloadResult[];
  memory: MemoryResult;
  elapsedS: number;
}

export interface TargetResult {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

const MIB = 1024 * 1024;

/** RSS moves with GC timing and allocator arenas: up to 10 MiB or 10 % is noise, not a leak. */
export function rssNoiseBytes(warmRssBytes: number): number {
  return Math.max(10 * MIB, 0.1 * warmRssBytes);
}

export function evaluateTargets(r: BenchResults): TargetResult[] {
  const throughput = r.payloads.map((p) => ({
    name: `hook server throughput vs floor, ${p.payload}`,
    target: '>= 80 %',
    measured: pct(p.ratio),
    met: p.ratio >= 0.8,
  }));
  const varied = r.payloads.map((p) => ({
    name: `hook server throughput vs floor on the varied stream, ${p.payload}`,
    target: '>= 80 %',
    measured: pct(p.variedRatio),
    met: p.variedRatio >= 0.8,
  }));
  const three = r.payloads.find((p) => p.payload === '3-member');
  const growth = r.memory.afterRssBytes - r.memory.warmRssBytes;
  return [
    ...throughput,
    ...varied,
    {
      name: 'in-process sync, 3-member, median',
      target: '< 1 ms',
      measured: three ? `${ms(three.sync.median)} ms` : 'not run',
      met: three !== undefined && three.sync.median < 1,
    },
    {
      name: `RSS growth over ${r.memory.requests} requests`,
      target: `<= ${mib(rssNoiseBytes(r.memory.warmRssBytes))} MiB (noise)`,
      measured: `${growth >= 0 ? '+' : ''}${mib(growth)} MiB`,
      met: growth <= rssNoiseBytes(r.memory.warmRssBytes),
    },
  ];
}

/** A plain-text table with right-aligned columns after the first. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function syncTable(r: BenchResults): string {
  return table(
    [
      'in-process sync',
      'request KiB',
      'response KiB',
      'median ms',
      'p99 ms',
      'mean ms',
      'CPU ms/call',
      'calls',
    ],
    r.payloads.map((p) => [
      p.payload,
      kib(p.requestBytes),
      kib(p.responseBytes),
      ms(p.sync.median),
      ms(p.sync.p99),
      ms(p.sync.mean),
      ms(p.sync.cpuMsPerCall),
      String(p.sync.n),
    ]),
  );
}

function httpTable(r: BenchResults): string {
  return table(
    ['HTTP, 32 connections', 'req/s', 'vs floor', 'p50 ms', 'p99 ms', 'server CPU ms/req', 'responses'],
    r.payloads.flatMap((p) => [
      loadRow(`${p.payload} floor`, p.floor, p.floor),
      loadRow(`${p.payload} zero-cost hook`, p.zeroCostHook, p.floor),
      loadRow(`${p.payload} hook server`, p.server, p.floor),
      loadRow(`${p.payload} hook server, 304s`, p.etag, p.floor),
      loadRow(`${p.payload} hook server, varied stream`, p.varied, p.floor),
    ]),
  ).replace('32 connections', `${r.config.connections} connections`);
}

function etagTable(r: BenchResults): string {
  return table(
    ['ETag (If-None-Match)', 'req/s 200 → 304', 'CPU ms/req 200 → 304', 'sent MiB/s 200 → 304'],
    r.payloads.map((p) => [
      p.payload,
      `${p.server.rps.toFixed(0)} → ${p.etag.rps.toFixed(0)} (${signedPct(p.etag.rps / p.server.rps - 1)})`,
      `${cpu(p.server)} → ${cpu(p.etag)}`,
      `${mib(p.server.bytesPerSecond)} → ${mib(p.etag.bytesPerSecond)}`,
    ]),
  );
}

function memoryLines(r: BenchResults): string {
  const m = r.memory;
  const growth = m.afterRssBytes - m.warmRssBytes;
  const short =
    m.requests < m.targetRequests
      ? `\nLeak check cut short by the time budget: ${m.requests} of ${m.targetRequests} requests`
      : '';
  const floorPeak = Math.max(...r.payloads.map((p) => p.floorPeakRssBytes));
  return [
    `Hook server RSS: ${mib(m.warmRssBytes)} MiB after warm-up, ${mib(m.afterRssBytes)} MiB after ` +
      `${m.requests} more requests (${growth >= 0 ? '+' : ''}${mib(growth)} MiB); peak ${mib(m.peakRssBytes)} MiB ` +
      `(floor server peak ${mib(floorPeak)} MiB)`,
    `Heap in use after a full GC: ${mib(m.warmHeapBytes)} MiB after warm-up, ${mib(m.afterHeapBytes)} MiB at the end`,
    `Along the way (requests: RSS / heap after GC, MiB): ` +
      m.series.map((s) => `${s.afterRequests}: ${mib(s.rssBytes)} / ${mib(s.heapBytes)}`).join(', ') +
      short,
  ].join('\n');
}

export function formatReport(r: BenchResults, targets: readonly TargetResult[]): string {
  const m = r.machine;
  const c = r.config;
  const head =
    `pgmeta bench ${r.date} (${r.elapsedS} s): ${m.cpus} cores (${m.cpuModel}), node ${m.node}, ` +
    `load average at start ${m.loadAvgAtStart.map((l) => l.toFixed(2)).join(' ')}\n` +
    `${c.rounds} interleaved rounds of ${c.durationS} s per server and payload; figures are their means`;
  const verdicts = table(
    ['target (issue 9)', 'wanted', 'measured', 'met'],
    targets.map((t) => [t.name, t.target, t.measured, t.met ? 'yes' : 'NO']),
  );
  return [head, syncTable(r), httpTable(r), etagTable(r), memoryLines(r), verdicts].join('\n\n');
}

function loadRow(name: string, s: LoadSummary, floor: LoadSummary): string[] {
  const codes = Object.entries(s.statusCodes)
    .map(([code, n]) => `${n} x ${code}`)
    .join(', ');
  const failures = s.errors + s.timeouts > 0 ? `, ${s.errors} errors, ${s.timeouts} timeouts` : '';
  return [
    name,
    s.rps.toFixed(0),
    pct(s.rps / floor.rps),
    s.p50Ms.toFixed(0),
    s.p99Ms.toFixed(0),
    cpu(s),
    codes + failures,
  ];
}

const cpu = (s: LoadSummary) => {
  const v = cpuMsPerRequest(s);
  return v === undefined ? '-' : v.toFixed(2);
};
const ms = (v: number) => v.toFixed(3);
const kib = (b: number) => (b / 1024).toFixed(1);
const mib = (b: number) => (b / MIB).toFixed(1);
const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
const signedPct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)} %`;
