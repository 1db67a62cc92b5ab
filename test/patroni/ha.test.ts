/**
 * Real Patroni, etcd and PostgreSQL 15 on loopback, configured from pgmeta's rendered StatefulSet and
 * Secrets: bootstrap, pg_hba, failover without losing an acknowledged write, rejoin with pg_rewind,
 * and a DCS-only parameter change applied the way pgmeta's Job applies it.
 *
 * The scenarios run in order on one cluster, each starting from the state the previous one left.
 * Skipped (with a `skipped:` line) only when a Debian package is missing; `install.sh` installs them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { splitParameters } from '../../hooks/postgrescluster/spilo/parameters.js';
import { patchDcsParameters, restartPendingMembers } from './apply-parameters.js';
import { skippedWithoutRig } from './binaries.js';
import { RIG_CLUSTER, renderedChildren } from './rendered.js';
import type { RigCluster, RigMember } from './rest.js';
import {
  clusterState,
  connect,
  createRig,
  destroyRig,
  killMember,
  leaderIn,
  memberNamed,
  query,
  startMember,
  waitForLeader,
  type Member,
  type Rig,
} from './rig.js';
import { rigSource } from './source.js';
import { waitFor } from './wait.js';
import { startWriter, WRITES_TABLE } from './writer.js';

interface ReplicationRow extends Record<string, unknown> {
  application_name: string;
  usename: string;
  state: string;
  sync_state: string;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

/** The last lines of every log of the rig, appended to a failure so CI shows what Patroni said. */
function logTails(rig: Rig | undefined): string {
  if (!rig) return '';
  const files = [...rig.members.map((m) => m.logFile), rig.etcd.proc.logFile];
  return files
    .map((f) => {
      try {
        return `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-25).join('\n')}`;
      } catch {
        return `--- ${f}: no log`;
      }
    })
    .join('\n');
}

function isReplica(m: RigMember): boolean {
  return (m.role === 'replica' || m.role === 'sync_standby') && m.state === 'running';
}

describe('Patroni HA on loopback, configured by pgmeta', () => {
  if (skippedWithoutRig()) return;

  let rig: Rig | undefined;
  const r = (): Rig => {
    if (!rig) throw new Error('the rig did not start');
    return rig;
  };
  const superuser = (): Rig['source']['superuser'] => r().source.superuser;
  /** Runs a scenario; on failure the logs' tails are added to the error. */
  const scenario = (fn: () => Promise<void>) => async (): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      if (e instanceof Error) e.message += `\n${logTails(rig)}`;
      throw e;
    }
  };

  /**
   * Waits until the leader streams to every other member, `/cluster` agrees, and (the rig's cluster
   * has `synchronous: on`) Patroni has named one synchronous standby, which it does in the leader's
   * HA loop after a replica connects.
   */
  async function waitForHealthy(expectedMembers: number, timeoutMs: number): Promise<RigCluster> {
    return waitFor(
      `${expectedMembers} members, one leader and streaming replicas`,
      async () => {
        const cluster = await clusterState(r());
        const leader = leaderIn(cluster);
        const replicas = cluster.members.filter(isReplica);
        if (!leader || replicas.length !== expectedMembers - 1) return false;
        if (replicas.some((m) => m.timeline !== leader.timeline)) return false;
        const rows = await query<ReplicationRow>(
          memberNamed(r(), leader.name),
          superuser(),
          "SELECT application_name, usename, state, sync_state FROM pg_stat_replication WHERE state = 'streaming'",
        );
        const synchronous = rows.filter((x) => x.sync_state === 'sync').map((x) => x.application_name);
        const named = replicas.filter((m) => m.role === 'sync_standby').map((m) => m.name);
        return (
          rows.length === expectedMembers - 1 &&
          synchronous.length === 1 &&
          named[0] === synchronous[0] &&
          cluster
        );
      },
      { timeoutMs, intervalMs: 500 },
    );
  }

  beforeAll(async () => {
    rig = await createRig(rigSource(renderedChildren()));
  }, 60_000);

  afterAll(async () => {
    await destroyRig(rig);
  }, 60_000);

  it(
    'bootstraps one leader and two streaming replicas with the rendered configuration',
    scenario(async () => {
      for (const m of r().members) startMember(m);
      const cluster = await waitForHealthy(3, 100_000);

      const leaders = cluster.members.filter((m) => m.role === 'leader');
      expect(leaders).toHaveLength(1);
      expect(cluster.members.map((m) => m.name).sort()).toEqual(['rig-0', 'rig-1', 'rig-2']);
      const leader = memberNamed(r(), leaders[0]!.name);
      const rows = await query<ReplicationRow>(
        leader,
        superuser(),
        'SELECT application_name, usename, state, sync_state FROM pg_stat_replication ORDER BY 1',
      );
      const replicaNames = cluster.members.filter(isReplica).map((m) => m.name);
      expect(rows.map((x) => x.application_name)).toEqual(replicaNames.sort());
      // Replicas stream as the rendered replication user, and `synchronous: on` made one synchronous.
      expect(rows.map((x) => x.usename)).toEqual([
        r().source.replication.username,
        r().source.replication.username,
      ]);
      expect(rows.map((x) => x.sync_state).sort()).toEqual(['async', 'sync']);

      // Settings that only the rendered configuration sets.
      const settings = await query<{ name: string; setting: string }>(
        leader,
        superuser(),
        `SELECT name, setting FROM pg_settings
          WHERE name IN ('password_encryption', 'data_checksums', 'work_mem', 'max_connections') ORDER BY name`,
      );
      expect(Object.fromEntries(settings.map((s) => [s.name, s.setting]))).toEqual({
        data_checksums: 'on', // bootstrap.initdb
        max_connections: '100', // bootstrap.dcs.postgresql.parameters
        password_encryption: 'scram-sha-256', // postgresql.parameters (pgmeta's own)
        work_mem: '8192', // postgresql.parameters (the user's, in kB)
      });
    }),
    120_000,
  );

  it(
    'pg_hba: the replication user may stream; a replication connection as the superuser is refused',
    scenario(async () => {
      const leader = await waitForLeader(r(), 10_000);
      const { replication } = r().source;

      const stream = await connect(leader, replication, { replication: true });
      try {
        const identify = await stream.query<{ systemid: string; timeline: number }>('IDENTIFY_SYSTEM');
        const [control] = await query<{ id: string }>(
          leader,
          superuser(),
          'SELECT system_identifier::text AS id FROM pg_control_system()',
        );
        expect(identify.rows[0]?.systemid).toBe(control?.id);
      } finally {
        await stream.end();
      }

      // `host all all` does not match replication connections, and only the replication user has a
      // `host replication` rule: the superuser cannot open a replication connection over TCP.
      await expect(connect(leader, superuser(), { replication: true })).rejects.toThrow(
        `no pg_hba.conf entry for replication connection from host "127.0.0.1", user "${superuser().username}", no encryption`,
      );
      // Host rules use SCRAM, not trust: a wrong password is refused.
      await expect(connect(leader, { ...replication, password: 'not-the-password' })).rejects.toThrow(
        `password authentication failed for user "${replication.username}"`,
      );
      // pg_hba holds exactly the rendered rules.
      const rules = await query<{ type: string; database: string[]; user_name: string[] }>(
        leader,
        superuser(),
        'SELECT type, database, user_name FROM pg_hba_file_rules ORDER BY line_number',
      );
      expect(rules.map((x) => `${x.type} ${x.database.join(',')} ${x.user_name.join(',')}`)).toEqual([
        'local all all',
        `host replication ${replication.username}`,
        'host all all',
      ]);
    }),
    30_000,
  );

  let killed: Member | undefined;
  let ackedBeforeKill: number[] = [];

  it(
    'fails over after SIGKILL of the leader, and every acknowledged write survives',
    scenario(async () => {
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
        killed = oldLeader;
        // Everything the old leader acknowledged, including commits between the two SIGKILLs.
        ackedBeforeKill = writer.acked.filter((a) => a.member === oldLeader.name).map((a) => a.id);

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
        expect(ackedBeforeKill.length).toBeGreaterThanOrEqual(100);
        expect(writer.acked.every((a) => a.member === oldLeader.name || a.member === newLeader.name)).toBe(
          true,
        );
        expect(lost).toEqual([]);
        console.log(
          `failover: killed leader ${oldLeader.name}; ${newLeader.name} promoted after ${seconds(promotedAt - killedAt)} s; ` +
            `first acknowledged write ${seconds(firstWrite.at - killedAt)} s after the kill; ` +
            `${writer.acked.length} writes acknowledged (${ackedBeforeKill.length} by the old leader), none lost`,
        );
      } finally {
        await writer.stop();
      }
    }),
    150_000,
  );

  it(
    'rejoins the killed leader as a streaming replica through pg_rewind',
    scenario(async () => {
      if (!killed) throw new Error('the failover scenario did not kill a leader');
      const old = killed;
      startMember(old);
      const cluster = await waitForHealthy(3, 100_000);

      const rejoined = cluster.members.find((m) => m.name === old.name);
      expect(rejoined && isReplica(rejoined)).toBe(true);
      expect(rejoined?.timeline).toBe(leaderIn(cluster)?.timeline);
      const log = readFileSync(old.logFile, 'utf8');
      expect(log).toContain('running pg_rewind from');
      expect(log).toContain('pg_rewind exit code=0');
      // Every write acknowledged by the old leader before it died is on it again, through the new one.
      await waitFor(
        'the acknowledged writes replayed on the rejoined member',
        async () => {
          const [row] = await query<{ n: string }>(
            old,
            superuser(),
            `SELECT count(*) AS n FROM ${WRITES_TABLE} WHERE id = ANY($1)`,
            [ackedBeforeKill],
          );
          return Number(row?.n) === ackedBeforeKill.length;
        },
        { timeoutMs: 30_000 },
      );
    }),
    120_000,
  );

  it(
    'applies a DCS-only parameter with PATCH /config, then restarts pending members, replicas first',
    scenario(async () => {
      const before = await waitForHealthy(3, 30_000);
      const leaderName = leaderIn(before)!.name;
      const previous = splitParameters(RIG_CLUSTER.postgresqlParams).dcs;
      const desired = splitParameters({ ...RIG_CLUSTER.postgresqlParams, max_connections: '150' }).dcs;
      expect(desired).toEqual({ max_connections: '150' });

      await patchDcsParameters(memberNamed(r(), leaderName).api, desired, previous);
      const pending = await waitFor(
        'every member to report pending_restart',
        async () => {
          const cluster = await clusterState(r());
          return cluster.members.every((m) => m.pending_restart === true) && cluster;
        },
        { timeoutMs: 45_000, intervalMs: 500 },
      );
      const plan = await restartPendingMembers(pending);
      expect(plan.map((s) => s.role)).toEqual(['replica', 'synchronous', 'leader']);
      expect(plan[2]?.member).toBe(leaderName);

      const after = await waitFor(
        'no member pending a restart',
        async () => {
          const cluster = await clusterState(r());
          return cluster.members.every((m) => m.pending_restart !== true && m.state === 'running') && cluster;
        },
        { timeoutMs: 45_000, intervalMs: 500 },
      );
      expect(leaderIn(after)?.name).toBe(leaderName); // a restart is not a failover
      for (const m of r().members) {
        const [row] = await query<{ max_connections: string }>(m, superuser(), 'SHOW max_connections');
        expect([m.name, row?.max_connections]).toEqual([m.name, '150']);
      }
    }),
    150_000,
  );
});
