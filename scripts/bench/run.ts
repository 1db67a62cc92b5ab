/**
 * `npm run bench` (issue 9): in one run on this machine, the in-process sync time, the HTTP
 * throughput and latency of the real hook service against a floor server, the ETag saving, and the
 * hook service's RSS over 50k requests. Prints a table; writes the figures to `.tmp/bench.json`
 * (BENCH_OUT to change). Knobs (environment): BENCH_CONNECTIONS (32), BENCH_DURATION seconds per run
 * (5), BENCH_ROUNDS (2), BENCH_LEAK_REQUESTS (50000), BENCH_SYNC_ITERATIONS (2000), BENCH_BUDGET_S
 * (250: after that many seconds the leak check stops topping up, so a run on a busy shared machine
 * still ends within about 5 minutes; the report then says how many requests it covered).
 *
 * The hook service runs as its own process from a fresh `tsc` build of hooks/ (what the image runs),
 * at LOG_LEVEL=info, so the figures include its logging and metrics. The servers get the same load
 * in turn, in interleaved rounds, so a busy neighbour on a shared machine hurts them alike.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { httpPhase } from './http-phase';
import { timeSync } from './inprocess';
import { buildPayloads } from './payloads';
import { evaluateTargets, formatReport, type BenchConfig, type BenchResults } from './report';
import { DIST, ROOT, say, TMP } from './workdir';

export function benchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const num = (name: string, fallback: number): number => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, not ${v}`);
    return n;
  };
  return {
    connections: num('BENCH_CONNECTIONS', 32),
    durationS: num('BENCH_DURATION', 5),
    rounds: num('BENCH_ROUNDS', 2),
    leakRequests: num('BENCH_LEAK_REQUESTS', 50_000),
    syncIterations: num('BENCH_SYNC_ITERATIONS', 2_000),
    budgetS: num('BENCH_BUDGET_S', 250),
  };
}

/** Compiles hooks/ as `npm run build` does, into .tmp so dist/ and others' builds are untouched. */
function buildHooks(): void {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', DIST], {
    encoding: 'utf8',
  });
  // tsc emits despite type errors; a half-finished file elsewhere must not stop the benchmark.
  if (r.status !== 0) say(`tsc reported errors (emitted anyway):\n${r.stdout.slice(0, 2000)}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const cfg = benchConfig(process.env);
  const loadAvgAtStart = loadavg();
  mkdirSync(TMP, { recursive: true });
  const payloads = buildPayloads();
  say('in-process sync');
  const syncs = payloads.map(
    (p) => [p, timeSync(p, { warmup: 300, iterations: cfg.syncIterations })] as const,
  );
  say('building hooks/ with tsc');
  buildHooks();
  const { measured, memory } = await httpPhase(cfg, syncs, started);
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAvgAtStart,
    },
    config: cfg,
    payloads: measured,
    memory,
    elapsedS: Math.round((Date.now() - started) / 1000),
  };
  const targets = evaluateTargets(results);
  const out = process.env['BENCH_OUT'] ?? join(ROOT, '.tmp', 'bench.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ ...results, targets }, null, 2)}\n`);
  process.stdout.write(`${formatReport(results, targets)}\n`);
  say(`done in ${results.elapsedS} s; figures in ${out}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
