/**
 * The varied request stream of `npm run bench`: what Metacontroller sends for one healthy cluster
 * loop after loop, instead of one request repeated. Every request differs from the one before, as
 * real ones do: Patroni's leader renews its lock (`renewTime`, `optime` on the leader Endpoints,
 * Patroni 4.0.4 kubernetes.py `Kubernetes._update_leader`), each member reports a new WAL position
 * under write load (`xlog_location` in its Pod's `status` annotation, `Kubernetes.touch_member`),
 * and every object written since has a new resourceVersion. Once in a while a replica falls a few
 * MiB behind for two loops (a slow disk), which changes the cluster's reported lag and so its answer.
 */
import type { Payload } from './payloads';

/** How far a healthy replica trails, loop by loop (as test/lifecycle/status-churn.test.ts). */
const HEALTHY_LAGS = [40_000, 250_000, 700_000, 120_000, 900_000, 5_000];
/** Loops in the stream: 100 minutes of one cluster's syncs at one per `loop_wait`. */
export const VARIED_LOOPS = 600;
/** Every this many loops, member 2 trails by 3 MiB for two loops. */
const SLOW_EVERY = 50;

type Json = Record<string, unknown>;
interface Meta {
  name: string;
  resourceVersion?: string;
  annotations?: Record<string, string>;
}

function objects(map: unknown): { metadata: Meta }[] {
  return Object.values((map ?? {}) as Record<string, Record<string, { metadata: Meta }>>).flatMap((m) =>
    Object.values(m),
  );
}

/** Loop `i` of the cluster: the request as Metacontroller would send it then. */
export function loopRequest(p: Payload, i: number): Json {
  const req = JSON.parse(p.body) as Json;
  const related = (req['related'] ?? {}) as Record<string, Record<string, { metadata: Meta }>>;
  const all = [req['parent'] as { metadata: Meta }, ...objects(req['children']), ...objects(related)];
  for (const o of all) {
    const rv = Number(o.metadata.resourceVersion);
    if (Number.isInteger(rv)) o.metadata.resourceVersion = String(rv + 7 * i);
  }
  const primary = 67_108_864 + i * 69_632;
  for (const pod of Object.values(related['Pod.v1'] ?? {})) {
    const a = pod.metadata.annotations;
    if (a?.['status'] === undefined) continue;
    const st = JSON.parse(a['status']) as Json;
    const ordinal = Number(pod.metadata.name.split('-').at(-1));
    const slow = ordinal === 2 && i % SLOW_EVERY >= SLOW_EVERY - 2;
    const lag =
      ordinal === 0 ? 0 : slow ? 3_145_728 : (HEALTHY_LAGS[(i + ordinal) % HEALTHY_LAGS.length] ?? 0);
    a['status'] = JSON.stringify({ ...st, xlog_location: primary - lag });
  }
  for (const e of Object.values(related['Endpoints.v1'] ?? {})) {
    const a = e.metadata.annotations;
    if (a?.['renewTime'] === undefined) continue;
    a['renewTime'] = new Date(Date.parse('2026-11-21T10:00:00Z') + i * 10_000).toISOString();
    a['optime'] = String(primary);
  }
  return req;
}

/** `n` consecutive loops of the payload's cluster, as request bodies. */
export function variedBodies(p: Payload, n: number): string[] {
  return Array.from({ length: n }, (_, i) => JSON.stringify(loopRequest(p, i)));
}
