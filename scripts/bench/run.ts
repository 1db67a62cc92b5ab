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
import { dirname, join, resolve } from 'node:path';
import { CTX } from '../../test/support/cluster-world';
import { responseOf, timeSync, type SyncTiming } from './inprocess';
import { meanLoad, onlyStatus, runLoad, type LoadSummary } from './load';
import { buildPayloads, SYNC_PATH, type Payload } from './payloads';
import { HEAP_PROBE_ARGS, procMemory, startServer, type ServerProcess } from './procs';
import {
  evaluateTargets,
  formatReport,
  type BenchConfig,
  type BenchResults,
  type MemoryResult,
  type MemorySample,
  type PayloadResult,
} from './report';

const ROOT = resolve(__dirname, '..', '..');
const TMP = join(ROOT, '.tmp', 'bench');
const DIST = join(TMP, 'dist');
const WARM_UP_REQUESTS = 1_000;

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

const say = (msg: string): void => {
  process.stderr.write(`bench: ${msg}\n`);
};

/** Compiles hooks/ as `npm run build` does, into .tmp so dist/ and others' builds are untouched. */
function buildHooks(): void {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', DIST], {
    encoding: 'utf8',
  });
  // tsc emits despite type errors; a half-finished file elsewhere must not stop the benchmark.
  if (r.status !== 0) say(`tsc reported errors (emitted anyway):\n${r.stdout.slice(0, 2000)}`);
}

async function hookServer(): Promise<ServerProcess> {
  return startServer({
    name: 'hook server',
    args: [...HEAP_PROBE_ARGS, join(DIST, 'hooks', 'main.js')],
    env: {
      LOG_LEVEL: 'info',
      // The fixtures' key: the bootstrap Job's name is a keyed hash, and the observed children were
      // rendered with this key, so the service answers the same bytes as the in-process hook.
      PGMETA_OPERATOR_KEY: Buffer.from(CTX.operatorKey).toString('latin1'),
      PGMETA_SHUTDOWN_TIMEOUT_MS: '3000',
    },
  });
}

/** The floor and the zero-cost-hook service for one payload, both answering its precomputed bytes. */
async function referenceServers(p: Payload, response: string): Promise<[ServerProcess, ServerProcess]> {
  const file = join(TMP, `response-${p.name}.json`);
  writeFileSync(file, response);
  const tsx = ['--import', 'tsx'];
  const floor = await startServer({
    name: 'floor server',
    args: [...tsx, join(__dirname, 'floor-main.ts')],
    env: { FLOOR_RESPONSE_FILE: file },
  });
  try {
    const stub = await startServer({
      name: 'zero-cost-hook server',
      args: [...tsx, join(__dirname, 'stub-main.ts')],
      env: { STUB_RESPONSE_FILE: file },
    });
    return [floor, stub];
  } catch (err) {
    await floor.stop();
    throw err;
  }
}

/** One POST with the payload; the answer must be exactly the in-process response. */
async function checkAnswer(server: ServerProcess, p: Payload, expected: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${server.port}${SYNC_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: p.body,
  });
  const text = await res.text();
  if (res.status !== 200 || text !== expected) {
    throw new Error(`${server.name} answered ${res.status} with other bytes than the in-process hook`);
  }
  return res.headers.get('etag') ?? '';
}

function expectAll(s: LoadSummary, code: number, what: string): LoadSummary {
  if (!onlyStatus(s, code)) throw new Error(`${what}: expected only ${code}, got ${JSON.stringify(s)}`);
  return s;
}

/** The hook server and what has been asked of it since its warm-up. */
interface HookUnderTest {
  server: ServerProcess;
  cfg: BenchConfig;
  requestsSinceWarm: number;
  series: MemorySample[];
  /** When the leak check stops topping up (epoch ms), so a run on a busy machine stays bounded. */
  deadline: number;
}

async function loadOn(
  server: ServerProcess,
  o: { cfg: BenchConfig; p: Payload; headers?: Record<string, string>; durationS?: number; amount?: number },
): Promise<LoadSummary> {
  return runLoad({
    port: server.port,
    pid: server.pid,
    path: SYNC_PATH,
    body: o.p.body,
    headers: o.headers ?? {},
    connections: o.cfg.connections,
    ...(o.amount === undefined ? { duration: o.durationS ?? o.cfg.durationS } : { amount: o.amount }),
  });
}

async function onHook(
  hook: HookUnderTest,
  o: { p: Payload; code: number; headers?: Record<string, string>; amount?: number },
): Promise<LoadSummary> {
  const s = expectAll(await loadOn(hook.server, { cfg: hook.cfg, ...o }), o.code, `${o.p.name} hook server`);
  hook.requestsSinceWarm += s.requests;
  return s;
}

/**
 * The heap in use after a forced full GC, then RSS 0.5 s later: read at the same point of the GC
 * cycle every time, RSS no longer carries whatever garbage the last request burst left behind, so a
 * difference between samples is memory the server kept.
 */
async function sampleMemory(hook: HookUnderTest): Promise<void> {
  const heapBytes = await hook.server.heapAfterGc();
  await new Promise((r) => setTimeout(r, 500));
  const rssBytes = procMemory(hook.server.pid).rssBytes;
  hook.series.push({ afterRequests: hook.requestsSinceWarm, rssBytes, heapBytes });
}

async function measurePayload(hook: HookUnderTest, p: Payload, sync: SyncTiming): Promise<PayloadResult> {
  const response = responseOf(p);
  const [floor, stub] = await referenceServers(p, response);
  try {
    const etag = await checkAnswer(hook.server, p, response);
    await checkAnswer(floor, p, response);
    await checkAnswer(stub, p, response);
    const cfg = hook.cfg;
    say(`${p.name}: warm-up of the floor and zero-cost-hook servers`);
    for (const s of [floor, stub]) await loadOn(s, { cfg, p, durationS: 2 });
    const runs = {
      server: [] as LoadSummary[],
      floor: [] as LoadSummary[],
      stub: [] as LoadSummary[],
      etag: [] as LoadSummary[],
    };
    for (let round = 1; round <= cfg.rounds; round++) {
      say(`${p.name}: round ${round}/${cfg.rounds}: hook server, floor, zero-cost hook, If-None-Match`);
      runs.server.push(await onHook(hook, { p, code: 200 }));
      runs.floor.push(expectAll(await loadOn(floor, { cfg, p }), 200, `${p.name} floor`));
      runs.stub.push(expectAll(await loadOn(stub, { cfg, p }), 200, `${p.name} zero-cost hook`));
      runs.etag.push(await onHook(hook, { p, code: 304, headers: { 'if-none-match': etag } }));
    }
    await sampleMemory(hook);
    const server = meanLoad(runs.server);
    const floorLoad = meanLoad(runs.floor);
    return {
      payload: p.name,
      requestBytes: Buffer.byteLength(p.body),
      responseBytes: Buffer.byteLength(response),
      sync,
      server,
      floor: floorLoad,
      zeroCostHook: meanLoad(runs.stub),
      ratio: server.rps / floorLoad.rps,
      etag: meanLoad(runs.etag),
      floorPeakRssBytes: procMemory(floor.pid).peakBytes,
    };
  } finally {
    await Promise.all([floor.stop(), stub.stop()]);
  }
}

/** Tops the hook server's requests since warm-up up to the leak check's count, sampling RSS. */
async function leakTopUp(hook: HookUnderTest, p: Payload): Promise<void> {
  const chunk = Math.max(1, Math.ceil(hook.cfg.leakRequests / 10));
  while (hook.requestsSinceWarm < hook.cfg.leakRequests) {
    if (Date.now() > hook.deadline) {
      say(`leak check cut short at ${hook.requestsSinceWarm} requests: time budget (BENCH_BUDGET_S) spent`);
      return;
    }
    const amount = Math.min(chunk, hook.cfg.leakRequests - hook.requestsSinceWarm);
    say(
      `leak check: ${hook.requestsSinceWarm} of ${hook.cfg.leakRequests} requests since warm-up, ${amount} more`,
    );
    await onHook(hook, { p, code: 200, amount });
    await sampleMemory(hook);
  }
}

/** Enough requests for the JIT and for the heap to reach its working size; then the baseline. */
async function warmUp(hook: HookUnderTest, payloads: readonly Payload[]): Promise<void> {
  say(`warm-up of the hook server: ${WARM_UP_REQUESTS} requests per payload`);
  for (const p of payloads) await loadOn(hook.server, { cfg: hook.cfg, p, amount: WARM_UP_REQUESTS });
  await sampleMemory(hook);
}

async function httpPhase(
  cfg: BenchConfig,
  syncs: readonly (readonly [Payload, SyncTiming])[],
  started: number,
): Promise<{ measured: PayloadResult[]; memory: MemoryResult }> {
  const hook: HookUnderTest = {
    server: await hookServer(),
    cfg,
    requestsSinceWarm: 0,
    series: [],
    deadline: started + cfg.budgetS * 1000,
  };
  try {
    await warmUp(
      hook,
      syncs.map(([p]) => p),
    );
    const measured: PayloadResult[] = [];
    for (const [p, sync] of syncs) measured.push(await measurePayload(hook, p, sync));
    const three = syncs.find(([p]) => p.name === '3-member')?.[0] ?? syncs[0]?.[0];
    if (three) await leakTopUp(hook, three);
    const series = hook.series;
    const first = series[0];
    const last = series[series.length - 1];
    if (!first || !last) throw new Error('no memory samples');
    const memory: MemoryResult = {
      requests: hook.requestsSinceWarm,
      targetRequests: cfg.leakRequests,
      warmRssBytes: first.rssBytes,
      afterRssBytes: last.rssBytes,
      warmHeapBytes: first.heapBytes,
      afterHeapBytes: last.heapBytes,
      series,
      peakRssBytes: procMemory(hook.server.pid).peakBytes,
    };
    return { measured, memory };
  } finally {
    await hook.server.stop();
  }
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
