/**
 * The HTTP phase of `npm run bench`: the real hook service, a floor server and a zero-cost-hook server
 * under the same load in interleaved rounds for each payload, the ETag saving, then the leak check that
 * tops the hook service up to BENCH_LEAK_REQUESTS requests while sampling its memory.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CTX } from '../../test/support/cluster-world';
import { responseOf, type SyncTiming } from './inprocess';
import { meanLoad, onlyStatus, runLoad, type LoadSummary } from './load';
import { SYNC_PATH, type Payload } from './payloads';
import { variedBodies, VARIED_LOOPS } from './varied';
import { HEAP_PROBE_ARGS, procMemory, startServer, type ServerProcess } from './procs';
import type { BenchConfig, MemoryResult, MemorySample, PayloadResult } from './report';
import { DIST, say, TMP } from './workdir';

const WARM_UP_REQUESTS = 1_000;

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
  o: {
    cfg: BenchConfig;
    p: Payload;
    headers?: Record<string, string>;
    durationS?: number;
    amount?: number;
    bodies?: readonly string[];
  },
): Promise<LoadSummary> {
  return runLoad({
    port: server.port,
    pid: server.pid,
    path: SYNC_PATH,
    body: o.p.body,
    ...(o.bodies === undefined ? {} : { bodies: o.bodies }),
    headers: o.headers ?? {},
    connections: o.cfg.connections,
    ...(o.amount === undefined ? { duration: o.durationS ?? o.cfg.durationS } : { amount: o.amount }),
  });
}

async function onHook(
  hook: HookUnderTest,
  o: {
    p: Payload;
    code: number;
    headers?: Record<string, string>;
    amount?: number;
    bodies?: readonly string[];
  },
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
      varied: [] as LoadSummary[],
    };
    const bodies = variedBodies(p, VARIED_LOOPS);
    for (let round = 1; round <= cfg.rounds; round++) {
      say(
        `${p.name}: round ${round}/${cfg.rounds}: hook server, floor, zero-cost hook, If-None-Match, varied`,
      );
      runs.server.push(await onHook(hook, { p, code: 200 }));
      runs.floor.push(expectAll(await loadOn(floor, { cfg, p }), 200, `${p.name} floor`));
      runs.stub.push(expectAll(await loadOn(stub, { cfg, p }), 200, `${p.name} zero-cost hook`));
      runs.etag.push(await onHook(hook, { p, code: 304, headers: { 'if-none-match': etag } }));
      runs.varied.push(await onHook(hook, { p, code: 200, bodies }));
    }
    await sampleMemory(hook);
    const server = meanLoad(runs.server);
    const floorLoad = meanLoad(runs.floor);
    const varied = meanLoad(runs.varied);
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
      varied,
      variedRatio: varied.rps / floorLoad.rps,
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

/** Runs the HTTP phase on a fresh hook server; `started` (epoch ms) starts the time budget. */
export async function httpPhase(
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
