/**
 * The benchmark's arithmetic over measured loads, with canned inputs: means and CPU per request, the
 * targets and their verdicts, the printed report and the environment knobs (benchConfig).
 */
import { cpuMsPerRequest, meanLoad, type LoadSummary } from '../../scripts/bench/load';
import {
  evaluateTargets,
  formatReport,
  rssNoiseBytes,
  table,
  type BenchResults,
  type PayloadResult,
} from '../../scripts/bench/report';
import { benchConfig } from '../../scripts/bench/run';

const MIB = 1024 * 1024;
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
    varied: { ...load, rps: 1000 * o.ratio },
    variedRatio: o.ratio,
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
    expect(m['hook server throughput vs floor on the varied stream, 3-member']).toBe(expected);
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
