/**
 * The measured half of the fleet benchmark (scripts/bench/fleet-sample.ts) on one cluster for two
 * simulated minutes: it runs the real hooks through the emulator and counts what they did.
 */
import { sample } from '../../scripts/bench/fleet-sample';

describe('fleet sample', () => {
  it('measures the hook per call and counts Metacontroller and Patroni apart', async () => {
    const s = await sample({ clusters: 1, minutes: 2, failovers: 1 });
    // The leader renews every loop_wait (10 s): 12 renewals in 2 minutes, each one a sync.
    expect(s.idle.leaderRenewals).toBe(12);
    expect(s.idle.syncs).toBeGreaterThanOrEqual(12);
    expect(s.idle.syncCpuMicros).toHaveLength(s.idle.syncs);
    expect(Math.min(...s.idle.syncCpuMicros)).toBeGreaterThan(0);
    // A converged cluster: Metacontroller writes nothing, idle or writing.
    expect(s.idle.statusWrites + s.idle.childWrites + s.busy.statusWrites + s.busy.childWrites).toBe(0);
    expect(s.busy.podUpdates).toBeGreaterThan(s.idle.podUpdates);
    const [f] = s.failovers;
    expect(f?.patroniSeconds).toBeLessThanOrEqual(f?.unloadedSeconds ?? -1);
    expect(f?.unloadedSeconds).toBeLessThanOrEqual(5);
    expect(s.edit.syncsToApply).toBe(1);
  }, 120_000);
});
