/**
 * The hook service's own metrics, on a registry per app so tests stay isolated. Labels are bounded:
 * controller and hook names come from the registered controllers (unknown routes are `unknown`),
 * never object names (unbounded cardinality).
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface HookMetrics {
  registry: Registry;
  requests: Counter<'controller' | 'hook' | 'code'>;
  errors: Counter<'controller' | 'hook' | 'reason'>;
  duration: Histogram<'controller' | 'hook'>;
}

/** Buckets from 1 ms to Metacontroller's 10 s webhook timeout: anything near the top is an incident. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(registry = new Registry()): HookMetrics {
  collectDefaultMetrics({ register: registry, prefix: 'pgmeta_' });
  return {
    registry,
    requests: new Counter({
      name: 'pgmeta_hook_requests_total',
      help: 'Hook requests answered, by controller, hook and HTTP status code.',
      labelNames: ['controller', 'hook', 'code'],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'pgmeta_hook_errors_total',
      help: 'Hook requests that failed, by reason (BadRequest, InvalidResponse, ProtectedChildOmitted, ...).',
      labelNames: ['controller', 'hook', 'reason'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'pgmeta_hook_duration_seconds',
      help: 'Time to answer a hook request, from parsed body to serialized response.',
      labelNames: ['controller', 'hook'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
  };
}
