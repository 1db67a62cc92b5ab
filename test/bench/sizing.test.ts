/**
 * The Metacontroller flags in manifests/kustomization.yaml against the sizing in README
 * ("Performance and sizing"): after a restart Metacontroller re-applies every child of every cluster
 * (its server-side-apply cache is in memory), and that must fit in 5 minutes for 1,000 clusters of
 * the benchmark's full-featured kind. Fails when children grow past what the rate limit allows.
 */
import { installedSettings, metacontrollerFlags } from '../../scripts/bench/fleet-config';
import { FleetSim } from '../../scripts/bench/fleet-model';
import { responseOf } from '../../scripts/bench/inprocess';
import { buildPayloads } from '../../scripts/bench/payloads';

const FLEET = 1_000;
const REAPPLY_BUDGET_S = 300;

describe('Metacontroller sizing for 1,000 clusters', () => {
  const flags = metacontrollerFlags();
  const children = Math.max(
    ...buildPayloads().map((p) => (JSON.parse(responseOf(p)) as { children: unknown[] }).children.length),
  );

  it('re-applies every child of 1,000 full-featured clusters within 5 minutes after a restart', () => {
    const qps = Number(flags.get('client-go-qps'));
    expect((FLEET * children) / qps).toBeLessThanOrEqual(REAPPLY_BUDGET_S);
  });

  it('allows a burst of at least one second of its rate', () => {
    expect(Number(flags.get('client-go-burst'))).toBeGreaterThanOrEqual(Number(flags.get('client-go-qps')));
  });

  it('runs enough workers for 1,000 busy clusters (0.43 syncs/s each) at 10 ms per sync', () => {
    expect(Number(flags.get('workers'))).toBeGreaterThanOrEqual(Math.ceil(FLEET * 0.43 * 0.01));
  });
});

describe('Metacontroller flags against the fleet model (scripts/bench/fleet-model.ts)', () => {
  it('leave the API request rate 1,000 clusters (30 % writing) ask for at least 25 % headroom', () => {
    const installed = installedSettings();
    const costs = {
      syncCpuMicros: { idle: [1000], busy: [1000] },
      customizeCpuMicros: [1000],
      statusWritesPerSync: { idle: 0, busy: 0 },
      childWritesPerSync: { idle: 0, busy: 0 },
      failovers: [{ patroniSeconds: 1, unloadedSeconds: 2, wakeOffsets: [0], writes: 1 }],
      edit: { syncsToApply: 1, writes: 2, hookCalls: 2 },
    };
    const demand = new FleetSim(
      {
        ...installed,
        clusters: FLEET,
        busyFraction: 0.3,
        members: 3,
        loopWaitSeconds: 10,
        watchLeaderEndpoints: true,
        qps: 1e9,
        burst: 1e9,
        hookRttMs: 1,
        apiLatencyMs: 5,
        seconds: 240,
        warmupSeconds: 60,
        edits: 0,
        failovers: 0,
        seed: 1,
      },
      costs,
    ).run();
    expect(installed.qps).toBeGreaterThanOrEqual(1.25 * (demand.apiRequests / demand.seconds));
  });
});
