/**
 * The fleet benchmark's figures (fleet.ts): per cluster-hour, fleet-wide needs, latencies, and the
 * issue's targets, as JSON and as Markdown tables.
 */
import type { ClassCounts, FleetConfig, FleetResult } from './fleet-model';
import { quantile } from './fleet-queue';
import type { Sample } from './fleet-sample';

export interface PerClusterHour {
  syncs: number;
  hookCalls: number;
  hookCpuSeconds: number;
  apiReads: number;
  apiWrites: number;
  statusWrites: number;
}

export interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface VariantFigures {
  name: string;
  config: FleetConfig;
  idle: PerClusterHour;
  busy: PerClusterHour;
  /** Hook cores and API requests/s the fleet asks for (an unlimited client). */
  hookCores: number;
  apiRequestsPerSecond: number;
  /** What the configured rate limiter let through, and the longest work queue, in the steady run. */
  apiRequestsPerSecondSent: number;
  maxQueue: number;
  stormMaxQueue: number;
  specEditToStatefulSet: Latency;
  failureToStatusPrimary: Latency;
  storm: Latency;
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

function perHour(k: ClassCounts): PerClusterHour {
  const f = k.clusterSeconds > 0 ? 3600 / k.clusterSeconds : 0;
  return {
    syncs: round(k.syncs * f, 1),
    hookCalls: round(k.hookCalls * f, 1),
    hookCpuSeconds: round((k.hookCpuMicros / 1e6) * f, 3),
    apiReads: round(k.apiReads * f, 1),
    apiWrites: round(k.apiWrites * f, 2),
    statusWrites: round(k.statusWrites * f, 2),
  };
}

export function latency(xs: readonly number[]): Latency {
  return {
    n: xs.length,
    p50: round(quantile(xs, 0.5)),
    p99: round(quantile(xs, 0.99)),
    max: round(xs.length > 0 ? Math.max(...xs) : 0),
  };
}

/** The runs of one variant (fleet.ts `runVariant`). */
export interface VariantRuns {
  demand: FleetResult;
  steady: FleetResult;
  storm: FleetResult;
}

/** Needs from the demand run; latencies and the rate actually sent from the runs as configured. */
export function figures(name: string, config: FleetConfig, r: VariantRuns): VariantFigures {
  return {
    name,
    config,
    idle: perHour(r.demand.idle),
    busy: perHour(r.demand.busy),
    hookCores: round(r.demand.hookCpuMicros / 1e6 / r.demand.seconds, 3),
    apiRequestsPerSecond: round(r.demand.apiRequests / r.demand.seconds, 1),
    apiRequestsPerSecondSent: round(r.steady.apiRequests / r.steady.seconds, 1),
    maxQueue: r.steady.maxQueue,
    specEditToStatefulSet: latency(r.steady.edits),
    failureToStatusPrimary: latency(r.steady.failovers),
    storm: latency(r.storm.storm),
    stormMaxQueue: r.storm.maxQueue,
  };
}

export interface Target {
  name: string;
  limit: string;
  value: string;
  met: boolean;
}

/** The targets, checked on the fleet as installed (and on a variant's figures when given). */
export function targets(v: VariantFigures): Target[] {
  const t = (name: string, limit: string, value: number, met: boolean, unit = ''): Target => ({
    name,
    limit,
    value: `${value}${unit}`,
    met,
  });
  return [
    t('API writes per idle cluster-hour', '0', v.idle.apiWrites, v.idle.apiWrites === 0),
    t('API writes per busy cluster-hour', '≤ 6', v.busy.apiWrites, v.busy.apiWrites <= 6),
    t('Metacontroller API requests/s', '≤ 100', v.apiRequestsPerSecond, v.apiRequestsPerSecond <= 100),
    t('hook CPU (cores)', '≤ 0.5', v.hookCores, v.hookCores <= 0.5),
    t(
      'spec edit → StatefulSet p99',
      '≤ 5 s',
      v.specEditToStatefulSet.p99,
      v.specEditToStatefulSet.p99 <= 5,
      ' s',
    ),
    t(
      'failure → status.primary p99',
      '≤ 15 s',
      v.failureToStatusPrimary.p99,
      v.failureToStatusPrimary.p99 <= 15,
      ' s',
    ),
    t('failover storm (10 %): failure → status.primary p99', '≤ 15 s', v.storm.p99, v.storm.p99 <= 15, ' s'),
  ];
}

function settings(c: FleetConfig): string {
  return `workers ${c.workers}, QPS ${c.qps}/burst ${c.burst}, ${c.hookReplicas} hook replicas, resync ${c.resyncPeriodSeconds} s, leader Endpoints ${c.watchLeaderEndpoints ? 'watched' : 'not watched'}`;
}

export function formatVariants(vs: readonly VariantFigures[]): string {
  const head =
    '| variant | class | syncs | hook calls | hook CPU s | API reads | API writes | status writes |\n|---|---|---|---|---|---|---|---|';
  const rows = vs.flatMap((v) =>
    (['idle', 'busy'] as const).map((k) => {
      const h = v[k];
      return `| ${v.name} | ${k} | ${h.syncs} | ${h.hookCalls} | ${h.hookCpuSeconds} | ${h.apiReads} | ${h.apiWrites} | ${h.statusWrites} |`;
    }),
  );
  const fleetHead =
    '| variant | settings | hook cores needed | API req/s needed (sent; QPS) | max queue (storm) | edit→STS p50/p99 s | failure→primary p50/p99 s | storm p50/p99 s |\n|---|---|---|---|---|---|---|---|';
  const fleet = vs.map(
    (v) =>
      `| ${v.name} | ${settings(v.config)} | ${v.hookCores} | ${v.apiRequestsPerSecond} (${v.apiRequestsPerSecondSent}; ${v.config.qps}) | ${v.maxQueue} (${v.stormMaxQueue}) | ${v.specEditToStatefulSet.p50} / ${v.specEditToStatefulSet.p99} | ${v.failureToStatusPrimary.p50} / ${v.failureToStatusPrimary.p99} | ${v.storm.p50} / ${v.storm.p99} |`,
  );
  return [
    'Per cluster-hour:',
    head,
    ...rows,
    '',
    `Fleet of ${vs[0]?.config.clusters ?? 0}:`,
    fleetHead,
    ...fleet,
  ].join('\n');
}

export function formatTargets(ts: readonly Target[]): string {
  return [
    '| target | limit | measured | |\n|---|---|---|---|',
    ...ts.map((t) => `| ${t.name} | ${t.limit} | ${t.value} | ${t.met ? 'met' : 'MISSED'} |`),
  ].join('\n');
}

/** The sample's own per cluster-hour figures, straight from the emulator (5 s ticks). */
export function formatSample(s: Sample): string {
  const per = (n: number, c: { clusters: number; seconds: number }) =>
    round((n * 3600) / (c.clusters * c.seconds), 1);
  const line = (k: 'idle' | 'busy') => {
    const c = s[k];
    const cpu = c.syncCpuMicros.reduce((a, b) => a + b, 0) / Math.max(1, c.syncCpuMicros.length);
    return `| ${k} | ${c.clusters} × ${c.seconds / 60} min | ${per(c.syncs, c)} | ${round(cpu / 1000)} ms (p99 ${round(quantile(c.syncCpuMicros, 0.99) / 1000)}) | ${per(c.statusWrites + c.childWrites, c)} | ${per(c.patroniWrites, c)} (${per(c.leaderRenewals, c)} lock renewals, ${per(c.podUpdates, c)} Pod updates) |`;
  };
  return [
    '| class | simulated | syncs per cluster-hour | hook CPU per sync, mean | Metacontroller writes per cluster-hour | Patroni writes per cluster-hour |',
    '|---|---|---|---|---|---|',
    line('idle'),
    line('busy'),
  ].join('\n');
}
