/**
 * The failover scenario of ha.test.ts: SIGKILL of the leader under a stream of synchronous writes, and
 * the proof that the synchronous standby took over with every acknowledged write.
 */
import { expect } from '@jest/globals';
import { clusterState, connect, killMember, leaderIn, memberNamed, query, type Member } from './rig.js';
import { seconds, type HaRig } from './ha-support.js';
import { waitFor } from './wait.js';
import { startWriter, WRITES_TABLE } from './writer.js';

/**
 * What the failover leaves for the rejoin scenario. Filled in as soon as the leader is killed, so that
 * the rejoin still runs when a later check of the failover fails.
 */
export interface KillRecord {
  killed?: Member;
  ackedBeforeKill: number[];
}

/** Kills the leader after 100 acknowledged writes and checks the new leader has them all. */
export async function failOverUnderWrites(h: HaRig, record: KillRecord): Promise<void> {
  const { r, superuser, waitForHealthy } = h;
  const before = await waitForHealthy(3, 30_000);
  const oldLeader = memberNamed(r(), leaderIn(before)!.name);
  await query(oldLeader, superuser(), `CREATE TABLE ${WRITES_TABLE} (id integer PRIMARY KEY)`);
  const [sync] = await query<{ s: string }>(
    oldLeader,
    superuser(),
    "SELECT current_setting('synchronous_standby_names') AS s",
  );
  const syncStandby = before.members.find((m) => m.role === 'sync_standby');
  expect(syncStandby).toBeDefined();
  expect(sync?.s).toContain(syncStandby!.name);

  const writer = startWriter(async () => {
    const leader = leaderIn(await clusterState(r()));
    if (!leader) throw new Error('no leader');
    return { client: await connect(memberNamed(r(), leader.name), superuser()), member: leader.name };
  });
  try {
    await waitFor('100 acknowledged writes', () => Promise.resolve(writer.acked.length >= 100), {
      timeoutMs: 30_000,
    });
    const killedAt = performance.now();
    await killMember(oldLeader);
    record.killed = oldLeader;
    // Everything the old leader acknowledged, including commits between the two SIGKILLs.
    record.ackedBeforeKill = writer.acked.filter((a) => a.member === oldLeader.name).map((a) => a.id);

    const promoted = await waitFor(
      'another member to take the leader lock',
      async () => {
        const leader = leaderIn(await clusterState(r()));
        return leader?.name !== oldLeader.name && leader;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    const newLeader = memberNamed(r(), promoted.name);
    const promotedAt = performance.now();
    const firstWrite = await waitFor(
      'a write acknowledged by the new leader',
      () => Promise.resolve(writer.firstAckBy(newLeader.name)),
      { timeoutMs: 60_000 },
    );
    await waitFor(
      '20 writes on the new leader',
      () => Promise.resolve(writer.acked.filter((a) => a.member === newLeader.name).length >= 20),
      { timeoutMs: 30_000 },
    );
    await writer.stop();

    // In synchronous mode only the synchronous standby may take over.
    expect(newLeader.name).toBe(syncStandby!.name);
    const present = await query<{ id: number }>(newLeader, superuser(), `SELECT id FROM ${WRITES_TABLE}`);
    const presentIds = new Set(present.map((x) => x.id));
    const lost = writer.acked.map((a) => a.id).filter((id) => !presentIds.has(id));
    expect(record.ackedBeforeKill.length).toBeGreaterThanOrEqual(100);
    expect(writer.acked.every((a) => a.member === oldLeader.name || a.member === newLeader.name)).toBe(true);
    expect(lost).toEqual([]);
    console.log(
      `failover: killed leader ${oldLeader.name}; ${newLeader.name} promoted after ${seconds(promotedAt - killedAt)} s; ` +
        `first acknowledged write ${seconds(firstWrite.at - killedAt)} s after the kill; ` +
        `${writer.acked.length} writes acknowledged (${record.ackedBeforeKill.length} by the old leader), none lost`,
    );
  } finally {
    await writer.stop();
  }
}
