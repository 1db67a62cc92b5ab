/**
 * The diverged-rejoin scenario of ha.test.ts: a leader whose Patroni dies keeps running PostgreSQL as a
 * primary and commits WAL that no replica receives, while the synchronous standby takes over and
 * writes on a new timeline. Once Patroni runs again it finds the leader lock taken and demotes its
 * server immediately; the server restarts as a replica that cannot stream, since its WAL went past the
 * point where the new timeline forked off. Only pg_rewind brings it back.
 *
 * The rig kills Patroni rather than freezing it (SIGSTOP): Debian's Patroni 3.0.2, thawed with a
 * stale view of the DCS, overwrites the etcd3 leader key unconditionally and takes the lock back from
 * the new leader (fixed in Patroni 3.0.3 by patroni#2693; v4.0.4 patroni/dcs/etcd3.py
 * Etcd3._update_leader writes it in a transaction). A freshly started Patroni has no such view.
 *
 * What makes this need `local replication` in pg_hba (Patroni v4.0.4, the version of spilo-17:4.0-p3):
 * - patroni/ha.py Ha.demote: mode `immediate-nolock` stops PostgreSQL in immediate mode and starts it
 *   again as a replica (Postgresql.follow) without looking at its timeline first;
 * - patroni/ha.py Ha.follow, then Ha._handle_rewind_or_reinitialize, then patroni/postgresql/rewind.py
 *   Rewind.rewind_or_reinitialize_needed_and_possible and Rewind._check_timeline_and_lsn: the rewind
 *   decision needs the local timeline, which Rewind._get_local_timeline_lsn reads, for a running server,
 *   with patroni/postgresql/__init__.py Postgresql.get_replica_timeline: `IDENTIFY_SYSTEM` over a
 *   replication connection to `local_replication_address`, the Unix socket under Spilo's
 *   `use_unix_socket_repl: true` (patroni/postgresql/config.py ConfigHandler.resolve_connection_addresses);
 * - if that connection is refused, the timeline is None, _check_timeline_and_lsn returns without a
 *   decision and the next HA loop tries again: no rewind ever, one logged FATAL per loop.
 * (Debian's Patroni 3.0.2, which the rig runs, takes the same path: `received_tli` of a walreceiver
 * that never streamed is NULL, so it falls back to the same replication connection.)
 */
import { expect } from '@jest/globals';
import { readFileSync, statSync } from 'node:fs';
import { seconds, type HaRig, type ReplicationRow } from './ha-support.js';
import { getCluster, type RigCluster } from './rest.js';
import { connect, killPatroni, leaderIn, memberNamed, query, startMember, type Member } from './rig.js';
import type { Credentials } from './source.js';
import { waitFor } from './wait.js';

export const DIVERGED_TABLE = 'rig_diverged';
const HBA_FATAL = 'no pg_hba.conf entry for replication connection';

/**
 * Inserts rows with ids `from..to` committed locally only (no synchronous standby has to confirm),
 * with a WAL segment switch halfway when `switchWal` is set.
 */
async function writeLocally(
  m: Member,
  su: Credentials,
  o: { origin: string; from: number; to: number; switchWal?: boolean },
): Promise<void> {
  const client = await connect(m, su);
  const insert = (from: number, to: number): Promise<unknown> =>
    client.query(`INSERT INTO ${DIVERGED_TABLE} SELECT g, $1 FROM generate_series($2::int, $3::int) g`, [
      o.origin,
      from,
      to,
    ]);
  try {
    await client.query('SET synchronous_commit TO local');
    const half = Math.floor((o.from + o.to) / 2);
    await insert(o.from, half);
    if (o.switchWal) await client.query('SELECT pg_switch_wal()');
    await insert(half + 1, o.to);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The member's log from byte `offset` on: what it logged during this scenario. */
function logSince(m: Member, offset: number): string {
  return readFileSync(m.logFile).subarray(offset).toString('utf8');
}

/** `/cluster` as the new leader sees it, with the old member streaming from it on its timeline. */
async function rejoined(h: HaRig, leader: Member, old: Member): Promise<RigCluster | false> {
  const cluster = await getCluster(leader.api);
  const me = cluster.members.find((m) => m.name === old.name);
  if (leaderIn(cluster)?.name !== leader.name || me?.state !== 'running') return false;
  if (me.role === 'leader' || me.timeline !== leaderIn(cluster)?.timeline) return false;
  const rows = await query<ReplicationRow>(
    leader,
    h.superuser(),
    "SELECT application_name, usename, state, sync_state FROM pg_stat_replication WHERE state = 'streaming'",
  );
  return rows.some((x) => x.application_name === old.name) && cluster;
}

/** Phase 1: kill the leader's Patroni, let the synchronous standby take over, diverge both. */
async function divergeBehindDeadPatroni(h: HaRig, old: Member, successor: Member): Promise<number> {
  const su = h.superuser();
  await killPatroni(old);
  const killedAt = performance.now();
  try {
    await waitFor(
      `${successor.name} to take the leader lock of ${old.name}, whose Patroni is gone`,
      async () => leaderIn(await getCluster(successor.api))?.name === successor.name,
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    const promotedAfter = performance.now() - killedAt;
    // The old server still runs as a primary. Once nobody streams from it any more, what it commits
    // next exists only there: WAL past the point where the new timeline forked off.
    await waitFor(
      `no replica streaming from the old primary ${old.name}`,
      async () => {
        const [row] = await query<{ n: number }>(
          old,
          su,
          'SELECT count(*)::int AS n FROM pg_stat_replication',
        );
        return row?.n === 0;
      },
      { timeoutMs: 60_000 },
    );
    // The segment switch puts the old server's restart point in a WAL segment that begins after the
    // fork: its walreceiver then streams nothing at all from the new leader. Patroni 4.0.4 reads the
    // timeline over the local replication connection in any case; Debian's Patroni 3.0.2 first tries
    // pg_stat_wal_receiver's received_tli (removed in Patroni 3.2.0, patroni#2863), which stays NULL
    // when nothing was streamed, and so takes the same connection.
    await writeLocally(old, su, { origin: 'diverged', from: 1001, to: 2000, switchWal: true });
    await writeLocally(successor, su, { origin: 'new leader', from: 2001, to: 2100 });
    return promotedAfter;
  } finally {
    startMember(old);
  }
}

/** Phase 2: the restarted Patroni demotes immediately and must rewind; the wait says why it did not. */
async function waitForRewoundRejoin(
  h: HaRig,
  old: Member,
  successor: Member,
  logStart: number,
): Promise<void> {
  try {
    await waitFor(
      `the former primary ${old.name} to stream from ${successor.name} on its timeline`,
      () => rejoined(h, successor, old),
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
  } catch (e) {
    const refused = logSince(old, logStart).split(HBA_FATAL).length - 1;
    if (e instanceof Error) e.message += `; ${old.name}'s Patroni logged "${HBA_FATAL}" ${refused} times`;
    throw e;
  }
}

/**
 * Kills the leader's Patroni, diverges the two servers, starts that Patroni again, and checks that the
 * former primary was rewound: it streams from the new leader, its diverged rows are gone, the new
 * leader's are there.
 */
export async function rejoinDivergedAfterImmediateDemote(h: HaRig): Promise<void> {
  const { r, superuser, waitForHealthy } = h;
  const before = await waitForHealthy(3, 60_000);
  const old = memberNamed(r(), leaderIn(before)!.name);
  const standby = before.members.find((m) => m.role === 'sync_standby');
  expect(standby).toBeDefined();
  const successor = memberNamed(r(), standby!.name);
  await query(
    old,
    superuser(),
    `CREATE TABLE ${DIVERGED_TABLE} (id integer PRIMARY KEY, origin text NOT NULL)`,
  );
  // Committed synchronously, so the successor has these.
  await query(
    old,
    superuser(),
    `INSERT INTO ${DIVERGED_TABLE} SELECT g, 'common' FROM generate_series(1, 1000) g`,
  );
  const logStart = statSync(old.logFile).size;

  const promotedAfter = await divergeBehindDeadPatroni(h, old, successor);
  const restartedAt = performance.now();
  await waitForRewoundRejoin(h, old, successor, logStart);
  const rejoinedAfter = performance.now() - restartedAt;

  const log = logSince(old, logStart);
  expect(log).toContain('Demoting self (immediate-nolock)');
  expect(log).toContain(`running pg_rewind from ${successor.name}`);
  expect(log).not.toContain(HBA_FATAL);
  // Rewound: the rows only the old primary committed are gone, the new leader's arrived by streaming.
  const expected = JSON.stringify({ common: 1000, 'new leader': 100 });
  await waitFor(
    "the new leader's rows, and none of the diverged ones, on the rewound member",
    async () => {
      const rows = await query<{ origin: string; n: number }>(
        old,
        superuser(),
        `SELECT origin, count(*)::int AS n FROM ${DIVERGED_TABLE} GROUP BY origin ORDER BY origin`,
      );
      const counts = JSON.stringify(Object.fromEntries(rows.map((x) => [x.origin, x.n])));
      if (counts !== expected) throw new Error(`rows by origin: ${counts}`);
      return true;
    },
    { timeoutMs: 30_000 },
  );
  console.log(
    `diverged rejoin: ${successor.name} took over ${seconds(promotedAfter)} s after ${old.name}'s Patroni died; ` +
      `${old.name} demoted, was rewound and streams again ${seconds(rejoinedAfter)} s after Patroni restarted`,
  );
}
