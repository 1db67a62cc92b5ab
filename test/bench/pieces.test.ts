/**
 * The benchmark's arithmetic and parsing, with canned inputs: nothing here depends on timing.
 */
import type autocannon from 'autocannon';
import {
  cpuMsPerRequest,
  meanLoad,
  onlyStatus,
  summarizeLoad,
  type LoadSummary,
} from '../../scripts/bench/load';
import { timeSync, responseOf } from '../../scripts/bench/inprocess';
import { buildPayloads } from '../../scripts/bench/payloads';
import { freePort, parseProcStatCpuMs, parseProcStatus } from '../../scripts/bench/procs';
import {
  evaluateTargets,
  formatReport,
  rssNoiseBytes,
  table,
  type BenchResults,
  type PayloadResult,
} from '../../scripts/bench/report';
import { benchConfig } from '../../scripts/bench/run';
import { percentile, summarize } from '../../scripts/bench/stats';

const MIB = 1024 * 1024;

describe('percentile (nearest rank)', () => {
  const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it.each([
    [50, 5],
    [99, 10],
    [100, 10],
    [10, 1],
    [0, 1],
    [91, 10],
    [90, 9],
  ])('p%i of 1..10 is %i', (p, v) => {
    expect(percentile(sorted, p)).toBe(v);
  });

  it('is NaN for no samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarize sorts its input and reports median, p99 and mean', () => {
    expect(summarize([3, 1, 2, 100])).toEqual({ n: 4, median: 2, p99: 100, mean: 26.5 });
  });
});

function cannedResult(o: Partial<autocannon.Result> = {}): autocannon.Result {
  const hist = { average: 0, mean: 0, stddev: 0, min: 0, max: 0, total: 0, p50: 0, p90: 0, p99: 0 };
  return {
    duration: 5,
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    '2xx': 1000,
    '3xx': 0,
    '4xx': 0,
    '5xx': 0,
    statusCodeStats: { '200': { count: 1000 } },
    latency: { ...hist, p50: 12, p99: 40 },
    requests: { ...hist, sent: 1032 },
    throughput: { ...hist, total: 5_000_000 },
    ...o,
  };
}

describe('summarizeLoad', () => {
  it('reads req/s from completed responses over the duration, latency percentiles and bytes', () => {
    expect(summarizeLoad(cannedResult())).toEqual({
      rps: 200,
      p50Ms: 12,
      p99Ms: 40,
      requests: 1000,
      durationS: 5,
      statusCodes: { '200': 1000 },
      errors: 0,
      timeouts: 0,
      bytesPerSecond: 1_000_000,
    });
  });

  it('counts 304s as responses (autocannon counts them outside 2xx)', () => {
    const s = summarizeLoad(
      cannedResult({ statusCodeStats: { '304': { count: 500 } }, '2xx': 0, '3xx': 500 }),
    );
    expect(s.requests).toBe(500);
    expect(onlyStatus(s, 304)).toBe(true);
    expect(onlyStatus(s, 200)).toBe(false);
  });

  it.each([
    ['a mix of codes', { statusCodeStats: { '200': { count: 9 }, '500': { count: 1 } } }],
    ['connection errors', { errors: 3 }],
    ['timeouts', { timeouts: 1 }],
    ['no response at all', { statusCodeStats: {} }],
  ])('onlyStatus refuses a run with %s', (_what, o) => {
    expect(onlyStatus(summarizeLoad(cannedResult(o)), 200)).toBe(false);
  });
});

const run = (rps: number, cpu?: number): LoadSummary => ({
  rps,
  p50Ms: rps / 10,
  p99Ms: rps / 5,
  requests: rps * 5,
  durationS: 5,
  statusCodes: { '200': rps * 5 },
  errors: 0,
  timeouts: 0,
  bytesPerSecond: rps * 1000,
  ...(cpu === undefined ? {} : { serverCpuMs: cpu }),
});

describe('meanLoad and CPU per request', () => {
  it('averages rates and percentiles, adds counts and CPU time', () => {
    const m = meanLoad([run(100, 400), run(300, 600)]);
    expect(m).toMatchObject({ rps: 200, p50Ms: 20, requests: 2000, durationS: 10, serverCpuMs: 1000 });
    expect(m.statusCodes).toEqual({ '200': 2000 });
    expect(cpuMsPerRequest(m)).toBe(0.5);
  });

  it('has no CPU figure when a run was not measured', () => {
    expect(meanLoad([run(100, 400), run(300)]).serverCpuMs).toBeUndefined();
    expect(cpuMsPerRequest(run(100))).toBeUndefined();
  });
});

describe('/proc parsing', () => {
  it('reads VmRSS and VmHWM in bytes', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n';
    expect(parseProcStatus(status)).toEqual({ rssBytes: 100 * MIB, peakBytes: 200 * MIB });
  });

  it('fails loudly without the fields', () => {
    expect(() => parseProcStatus('Name:\tnode\n')).toThrow('VmRSS');
  });

  it('reads utime + stime after a command name with spaces and parentheses', () => {
    const fields = [
      'S',
      ...Array.from({ length: 10 }, () => '0'),
      '150',
      '50',
      ...Array.from({ length: 30 }, () => '7'),
    ];
    expect(parseProcStatCpuMs(`4242 (node (x) y) ${fields.join(' ')}`)).toBe(2000);
  });

  it('reads this process', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
  });
});

function results(o: {
  ratio: number;
  median: number;
  warm: number;
  after: number;
  requests?: number;
}): BenchResults {
  const load = run(1000, 500);
  const payload = (name: '1-member' | '3-member'): PayloadResult => ({
    payload: name,
    requestBytes: 35_000,
    responseBytes: 17_000,
    sync: { n: 100, median: o.median, p99: 2, mean: 1, responseBytes: 17_000, cpuMsPerCall: 1.2 },
    server: { ...load, rps: 1000 * o.ratio },
    floor: load,
    zeroCostHook: load,
    ratio: o.ratio,
    etag: load,
    floorPeakRssBytes: 80 * MIB,
  });
  return {
    date: '2026-11-21T12:00:00.000Z',
    machine: { cpus: 2, cpuModel: 'test cpu', node: 'v20.20.2', loadAvgAtStart: [1, 1, 1] },
    config: benchConfig({}),
    payloads: [payload('1-member'), payload('3-member')],
    memory: {
      requests: o.requests ?? 50_000,
      targetRequests: 50_000,
      warmRssBytes: o.warm,
      afterRssBytes: o.after,
      warmHeapBytes: 17 * MIB,
      afterHeapBytes: 17 * MIB,
      series: [{ afterRequests: 0, rssBytes: o.warm, heapBytes: 17 * MIB }],
      peakRssBytes: o.after,
    },
    elapsedS: 200,
  };
}

describe('targets', () => {
  const met = (r: BenchResults) => Object.fromEntries(evaluateTargets(r).map((t) => [t.name, t.met]));

  it.each([
    [0.8, 0.999, 120 * MIB, true],
    [0.79, 0.5, 120 * MIB, false],
  ])('ratio %f', (ratio, median, after, expected) => {
    const m = met(results({ ratio, median, warm: 120 * MIB, after }));
    expect(m['hook server throughput vs floor, 3-member']).toBe(expected);
    expect(m['hook server throughput vs floor, 1-member']).toBe(expected);
  });

  it.each([
    [0.999, true],
    [1, false],
  ])('3-member median %f ms', (median, expected) => {
    expect(
      met(results({ ratio: 1, median, warm: 100 * MIB, after: 100 * MIB }))[
        'in-process sync, 3-member, median'
      ],
    ).toBe(expected);
  });

  it.each([
    [100 * MIB, 110 * MIB, true],
    [100 * MIB, 110 * MIB + 1, false],
    [200 * MIB, 220 * MIB, true],
    [200 * MIB, 221 * MIB, false],
    [100 * MIB, 60 * MIB, true],
  ])('RSS %i → %i', (warm, after, expected) => {
    expect(met(results({ ratio: 1, median: 0.5, warm, after }))['RSS growth over 50000 requests']).toBe(
      expected,
    );
  });

  it('counts up to 10 MiB or 10 % of the warm RSS as noise', () => {
    expect(rssNoiseBytes(50 * MIB)).toBe(10 * MIB);
    expect(rssNoiseBytes(300 * MIB)).toBe(30 * MIB);
  });
});

describe('report', () => {
  it('aligns a table: first column left, the others right', () => {
    expect(
      table(
        ['a', 'bb'],
        [
          ['xyz', '1'],
          ['q', '22'],
        ],
      ).split('\n'),
    ).toEqual(['a    bb', '---  --', 'xyz   1', 'q    22']);
  });

  it('prints the ratio, the ETag figures, the leak check and a verdict per target', () => {
    const text = formatReport(results({ ratio: 0.5, median: 0.7, warm: 100 * MIB, after: 101 * MIB }), [
      { name: 'x', target: 'y', measured: 'z', met: false },
    ]);
    expect(text).toContain('3-member hook server');
    expect(text).toContain('50 %');
    expect(text).toContain('ETag (If-None-Match)');
    expect(text).toContain('100.0 MiB after warm-up, 101.0 MiB after 50000 more requests (+1.0 MiB)');
    expect(text).toMatch(/^x +y +z +NO$/m);
    expect(text).not.toContain('cut short');
  });

  it('says when the time budget cut the leak check short', () => {
    const r = results({ ratio: 1, median: 0.5, warm: 100 * MIB, after: 100 * MIB, requests: 31_000 });
    expect(formatReport(r, evaluateTargets(r))).toContain(
      'cut short by the time budget: 31000 of 50000 requests',
    );
    expect(evaluateTargets(r).map((t) => t.name)).toContain('RSS growth over 31000 requests');
  });
});

describe('benchConfig', () => {
  it('defaults to the issue settings: 32 connections, 50k requests for the leak check', () => {
    expect(benchConfig({})).toEqual({
      connections: 32,
      durationS: 5,
      rounds: 2,
      leakRequests: 50_000,
      syncIterations: 2_000,
      budgetS: 250,
    });
  });

  it('reads overrides and refuses nonsense', () => {
    expect(benchConfig({ BENCH_DURATION: '2', BENCH_ROUNDS: '1' })).toMatchObject({
      durationS: 2,
      rounds: 1,
    });
    expect(() => benchConfig({ BENCH_CONNECTIONS: '0' })).toThrow('BENCH_CONNECTIONS');
    expect(() => benchConfig({ BENCH_DURATION: '1.5' })).toThrow('BENCH_DURATION');
  });
});

describe('timeSync', () => {
  it('times the requested number of calls of the real hook and reports the response size', () => {
    const p = buildPayloads()[1]!;
    const t = timeSync(p, { warmup: 1, iterations: 5 });
    expect(t.n).toBe(5);
    expect(t.median).toBeGreaterThan(0);
    expect(t.p99).toBeGreaterThanOrEqual(t.median);
    expect(t.responseBytes).toBe(Buffer.byteLength(responseOf(p)));
  });
});
