/**
 * Scenario: status that does not churn (issue 13). Every status write is a watch event: another sync
 * of the cluster and of each DecoratorController on it. Under steady write load the replicas' exact
 * WAL positions move on every Patroni loop; the status must change only when something a human would
 * act on changes (here: a replica falling behind by a megabyte or more, and catching up again).
 */
import type { ChangeRecord } from './lib/store';
import { useLifecycle, type Scenario } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };
/** How far a healthy, streaming replica trails the primary from one Patroni loop to the next. */
const HEALTHY_LAGS = [40_000, 250_000, 700_000, 120_000, 900_000, 5_000];
const TEN_MINUTES_OF_TICKS = 120; // 5 s each

/** Status writes of the cluster since log position `from`. */
function statusWrites(s: Scenario, from: number): ChangeRecord[] {
  return s.store.log
    .slice(from)
    .filter((c) => c.kind === 'PostgresCluster' && c.name === s.name && c.verb === 'status');
}

/** One Patroni loop of steady load: the primary writes, each replica trails by `lag(ordinal)`. */
async function loadTick(s: Scenario, i: number, lag: (ordinal: number) => number): Promise<void> {
  s.when.primaryWrites(65_536 + (i % 7) * 4_096);
  s.when.replicaLags(1, lag(1));
  s.when.replicaLags(2, lag(2));
  await s.step();
}

describe('lifecycle: status under write load', () => {
  const world = useLifecycle();

  it('a healthy cluster under 10 minutes of steady writes does not write its status at all', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const from = s.store.log.length;
    const syncsBefore = s.mc.history.length;

    for (let i = 0; i < TEN_MINUTES_OF_TICKS; i++) {
      await loadTick(s, i, (o) => HEALTHY_LAGS[(i + o) % HEALTHY_LAGS.length]!);
    }

    // The load was seen: the members' WAL positions moved and the cluster was synced on it.
    expect(
      s.store.log.slice(from).filter((c) => c.kind === 'Pod' && c.verb === 'update').length,
    ).toBeGreaterThan(TEN_MINUTES_OF_TICKS);
    expect(s.mc.history.length - syncsBefore).toBeGreaterThan(TEN_MINUTES_OF_TICKS / 2);
    expect(statusWrites(s, from).map((c) => c.paths)).toEqual([]);
    s.then.phase('Running');
  });

  it('writes status when a replica falls a few megabytes behind, and once more when it catches up', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const from = s.store.log.length;

    for (let i = 0; i < TEN_MINUTES_OF_TICKS; i++) {
      // minutes 3 to 5: member 2 trails by 3 to 3.9 MiB (a slow disk), then catches up
      const behind = i >= 36 && i < 60;
      await loadTick(s, i, (o) =>
        o === 2 && behind ? 3_145_728 + (i % 10) * 90_000 : HEALTHY_LAGS[(i + o) % HEALTHY_LAGS.length]!,
      );
    }

    const writes = statusWrites(s, from);
    expect(writes.map((c) => c.paths)).toEqual([
      ['status.members[2].lagBytes'],
      ['status.members[2].lagBytes'],
    ]);
    const members = (s.parent()?.['status'] as { members?: { name: string; lagBytes?: number }[] }).members;
    expect(members?.find((m) => m.name === 'orders-2')?.lagBytes).toBe(0);
  });
});
