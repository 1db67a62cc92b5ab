/** A hook app wired for tests: isolated metrics, logs captured in memory, fixed clock and key. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createMetrics } from '../../hooks/http/metrics';
import type { ControllerDef } from '../../hooks/metacontroller/controller';
import { createApp, createMetricsApp, type AppDeps } from '../../hooks/server';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  /** The metrics listener's app, on the same registry as `app`. */
  metricsApp: ReturnType<typeof createMetricsApp>;
  logs: string[];
}

export function testApp(controllers: readonly ControllerDef[], extra: Partial<AppDeps> = {}): TestApp {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const metrics = extra.metrics ?? createMetrics();
  const app = createApp({
    controllers,
    logger: pino({ level: 'debug' }, sink),
    now: () => '2026-11-21T10:00:00Z',
    operatorKey: new Uint8Array(32).fill(7),
    metrics,
    ...extra,
  });
  return { app, metricsApp: createMetricsApp(metrics), logs };
}
