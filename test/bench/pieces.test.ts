/**
 * The benchmark's measuring pieces, with canned inputs: percentiles, autocannon results, /proc
 * parsing and the in-process sync timer; nothing here depends on timing. Means, targets, the report
 * and the knobs are in pieces-report.test.ts.
 */
import type autocannon from 'autocannon';
import { onlyStatus, summarizeLoad } from '../../scripts/bench/load';
import { timeSync, responseOf } from '../../scripts/bench/inprocess';
import { buildPayloads } from '../../scripts/bench/payloads';
import { freePort, parseProcStatCpuMs, parseProcStatus } from '../../scripts/bench/procs';
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
