/**
 * `npm run bench:fleet [-- --clusters 5000]`: what a fleet of PostgresClusters costs with
 * Metacontroller, measured in two halves (docs/performance.md "Performance and sizing"):
 *
 * 1. fleet-sample.ts: a few clusters per class (idle; writing continuously) run through the lifecycle
 *    emulator's Metacontroller with the real hook service in this process and the simulated Patroni,
 *    for 25 simulated minutes, plus sampled failovers and a spec edit: hook CPU per call measured with
 *    `process.cpuUsage`, writes per sync, what a failure sets in motion.
 * 2. fleet-model.ts: the whole fleet on simulated time (N clusters, 30 % writing), with Patroni's
 *    event sources, the resync, Metacontroller's workers, work queue and rate limiter, and the
 *    requests one sync makes (from Metacontroller's source), replaying the measured per-sync costs.
 *
 * Running every cluster of the fleet through the emulator would take hours (the emulator's own
 * bookkeeping is about ten times the hook's cost per sync); the sample measures each kind of sync
 * on the real code, the model multiplies it out with the queueing that decides latency.
 * Prints Markdown tables on stdout and writes .tmp/fleet.json.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { installedSettings } from './fleet-config';
import { FleetSim, type Costs, type FleetConfig } from './fleet-model';
import {
  figures,
  formatSample,
  formatTargets,
  formatVariants,
  targets,
  type VariantFigures,
} from './fleet-report';
import { classSample, sample, type Sample } from './fleet-sample';
import { ROOT, say } from './workdir';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : Number(process.env[`FLEET_${name.toUpperCase()}`] ?? dflt);
};

export function costsOf(s: Sample): Costs {
  const rate = (n: number, d: number) => (d > 0 ? n / d : 0);
  const customize = [...s.idle.customizeCpuMicros, ...s.busy.customizeCpuMicros];
  return {
    syncCpuMicros: { idle: s.idle.syncCpuMicros, busy: s.busy.syncCpuMicros },
    customizeCpuMicros: customize.length > 0 ? customize : s.idle.syncCpuMicros,
    statusWritesPerSync: {
      idle: rate(s.idle.statusWrites, s.idle.syncs),
      busy: rate(s.busy.statusWrites, s.busy.syncs),
    },
    childWritesPerSync: {
      idle: rate(s.idle.childWrites, s.idle.syncs),
      busy: rate(s.busy.childWrites, s.busy.syncs),
    },
    failovers: s.failovers,
    edit: s.edit,
  };
}

export function baseConfig(clusters: number): FleetConfig {
  const installed = installedSettings();
  return {
    clusters,
    busyFraction: arg('busy', 0.3),
    members: 3,
    loopWaitSeconds: 10,
    watchLeaderEndpoints: true,
    ...installed,
    hookRttMs: 1,
    apiLatencyMs: arg('api-latency-ms', 5),
    seconds: arg('seconds', 480),
    warmupSeconds: 120,
    edits: 200,
    failovers: 200,
    seed: 1,
  };
}

/**
 * One variant, three runs: its demand (an unlimited client: what the fleet asks per cluster-hour and
 * in all), a steady run as configured with sparse spec edits and failovers (latencies), and a storm
 * of 10 % of the clusters failing at once.
 */
export function runVariant(name: string, config: FleetConfig, costs: Costs): VariantFigures {
  const demand = new FleetSim(unlimited(config), costs).run();
  const steady = new FleetSim(config, costs).run();
  const stormCfg = { ...config, seconds: config.warmupSeconds + 240, edits: 0, failovers: 0 };
  const storm = new FleetSim({ ...stormCfg, stormFraction: 0.1, stormAt: config.warmupSeconds }, costs).run();
  return figures(name, config, { demand, steady, storm });
}

const unlimited = (c: FleetConfig): FleetConfig => ({ ...c, qps: 1e9, burst: 1e9, edits: 0, failovers: 0 });

/**
 * Settings that follow from a variant's demand: QPS with 50 % headroom (a storm adds its syncs on
 * top), hook replicas for twice its cores, and more workers for a larger fleet.
 */
export function sized(config: FleetConfig, costs: Costs): Partial<FleetConfig> {
  const demand = new FleetSim(unlimited(config), costs).run();
  const perSecond = demand.apiRequests / demand.seconds;
  const cores = demand.hookCpuMicros / 1e6 / demand.seconds;
  const qps = Math.max(50, Math.ceil((perSecond * 1.5) / 25) * 25);
  return {
    qps,
    burst: 2 * qps,
    hookReplicas: Math.max(2, Math.ceil(cores * 2) + 1),
    workers: Math.max(16, Math.ceil(config.clusters / 60)),
  };
}

function variants(clusters: number, costs: Costs, noMemo: Costs): VariantFigures[] {
  const base = baseConfig(clusters);
  const plan: [string, Partial<FleetConfig>][] = [
    ['as installed', {}],
    ['lever: resync 300 s', { resyncPeriodSeconds: 300 }],
    ['lever: leader Endpoints not watched', { watchLeaderEndpoints: false }],
    ['levers: both', { watchLeaderEndpoints: false, resyncPeriodSeconds: 300 }],
  ];
  say(`fleet of ${clusters}: without the answer memo`);
  const out: VariantFigures[] = [runVariant('lever off: no answer memo', base, noMemo)];
  for (const [name, change] of plan) {
    say(`fleet of ${clusters}: ${name}`);
    out.push(runVariant(name, { ...base, ...change }, costs));
  }
  for (const v of [out[1], out[4]].filter((x) => x !== undefined)) {
    say(`fleet of ${clusters}: ${v.name}, sized`);
    out.push(runVariant(`${v.name}, sized`, { ...v.config, ...sized(v.config, costs) }, costs));
  }
  return out;
}

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const clusters = arg('clusters', 1000);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, load ${loadavg()[0]?.toFixed(2)}`;
  say(`sampling the real hooks (${machine})`);
  const s = await sample({
    clusters: arg('sample-clusters', 2),
    minutes: arg('sample-minutes', 21),
    failovers: 5,
  });
  const costs = costsOf(s);
  say('sampling the real hooks without their answer memo');
  const opts = {
    clusters: arg('sample-clusters', 2),
    minutes: arg('sample-minutes', 21),
    failovers: 0,
    memo: false,
  };
  const noMemo = {
    ...costs,
    ...costsOf({ ...s, idle: await classSample(opts, false), busy: await classSample(opts, true) }),
  };
  const vs = variants(clusters, costs, noMemo);
  const checked = vs.map((v) => ({ variant: v.name, targets: targets(v) }));
  const out = {
    startedAt: new Date(t0).toISOString(),
    commit: commit(),
    machine,
    durationSeconds: Math.round((Date.now() - t0) / 1000),
    sample: {
      ...s,
      idle: { ...s.idle, syncCpuMicros: s.idle.syncCpuMicros.length },
      busy: { ...s.busy, syncCpuMicros: s.busy.syncCpuMicros.length },
    },
    variants: vs,
    targets: checked,
  };
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  writeFileSync(join(ROOT, '.tmp', 'fleet.json'), JSON.stringify(out, null, 2));
  const report = [
    `# Fleet of ${clusters} (commit ${out.commit}; ${machine}; ${out.durationSeconds} s)`,
    '',
    'Sample on the real hooks (lifecycle emulator, simulated Patroni):',
    formatSample(s),
    '',
    formatVariants(vs),
    '',
    ...checked.flatMap((c) => [`Targets, ${c.variant}:`, formatTargets(c.targets), '']),
  ];
  process.stdout.write(`${report.join('\n')}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
