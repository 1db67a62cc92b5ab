/** In-process sync time: `runHook` on an already-parsed request, as the HTTP layer calls it. */
import { runHook } from '../../hooks/metacontroller/dispatch';
import { postgresClusterController } from '../../hooks/postgrescluster/controller';
import { CTX } from '../../test/support/cluster-world';
import type { Payload } from './payloads';
import { summarize, type SampleSummary } from './stats';

export interface SyncTiming extends SampleSummary {
  /** Size of the serialized response. */
  responseBytes: number;
  /**
   * Process CPU time per call over the timed calls (includes V8's GC helper threads): unlike the
   * wall-clock figures, barely moved when a busy machine deschedules the process mid-call.
   */
  cpuMsPerCall: number;
}

/** The exact response the hook gives for a payload. */
export function responseOf(p: Payload): string {
  return JSON.stringify(runHook({ def: postgresClusterController, hook: 'sync', body: p.request, ctx: CTX }));
}

/** Per-call times in ms of `iterations` calls after `warmup` untimed ones (JIT, caches). */
export function timeSync(p: Payload, o: { warmup: number; iterations: number }): SyncTiming {
  const call = () => runHook({ def: postgresClusterController, hook: 'sync', body: p.request, ctx: CTX });
  for (let i = 0; i < o.warmup; i++) call();
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < o.iterations; i++) {
    const t0 = process.hrtime.bigint();
    call();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    ...summarize(samples),
    responseBytes: Buffer.byteLength(responseOf(p)),
    cpuMsPerCall: (cpu.user + cpu.system) / 1000 / Math.max(1, o.iterations),
  };
}
