/**
 * Real Patroni, etcd and PostgreSQL 15 on loopback, configured from pgmeta's rendered StatefulSet and
 * Secrets: bootstrap, pg_hba, failover without losing an acknowledged write, rejoin with pg_rewind,
 * a DCS-only parameter change applied the way pgmeta's Job applies it, and the rewind of a former
 * primary with diverged WAL after an immediate demote (which needs the `local replication` rule).
 *
 * The scenarios run in order on one cluster, each starting from the state the previous one left.
 * Skipped (with a `skipped:` line) only when a Debian package is missing; `install.sh` installs them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { splitParameters } from '../../hooks/postgrescluster/spilo/parameters.js';
import { patchDcsParameters, restartPendingMembers } from './apply-parameters.js';
import { skippedWithoutRig } from './binaries.js';
import { rejoinDivergedAfterImmediateDemote } from './ha-diverged.js';
import { failOverUnderWrites, type KillRecord } from './ha-failover.js';
import { haRig, isReplica, type ReplicationRow } from './ha-support.js';
import { RIG_CLUSTER, renderedChildren } from './rendered.js';
import {
  clusterState,
  connect,
  createRig,
  destroyRig,
  leaderIn,
  memberNamed,
  query,
  startMember,
  waitForLeader,
  type Rig,
} from './rig.js';
import { rigSource } from './source.js';
import { waitFor } from './wait.js';
import { WRITES_TABLE } from './writer.js';

describe('Patroni HA on loopback, configured by pgmeta', () => {
  if (skippedWithoutRig()) return;

  let rig: Rig | undefined;
  const h = haRig(() => rig);
  const { r, superuser, scenario, waitForHealthy } = h;

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
      // Replicas stream as the rendered replication user, and `synchronous.mode: sync` made one synchronous.
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
      // Patroni's own replication connection (Spilo's use_unix_socket_repl) comes over the socket
      // without a password: `local replication` admits it (`local all` does not match replication).
      const local = await connect(leader, replication, { replication: true, socketDir: leader.dir });
      try {
        const identify = await local.query<{ timeline: number }>('IDENTIFY_SYSTEM');
        expect(identify.rows).toHaveLength(1);
      } finally {
        await local.end();
      }
      // pg_hba holds exactly the rendered rules.
      const rules = await query<{ type: string; database: string[]; user_name: string[] }>(
        leader,
        superuser(),
        'SELECT type, database, user_name FROM pg_hba_file_rules ORDER BY line_number',
      );
      expect(rules.map((x) => `${x.type} ${x.database.join(',')} ${x.user_name.join(',')}`)).toEqual([
        `local replication ${replication.username}`,
        'local all all',
        `host replication ${replication.username}`,
        'host all all',
      ]);
    }),
    30_000,
  );

  const kill: KillRecord = { ackedBeforeKill: [] };

  it(
    'fails over after SIGKILL of the leader, and every acknowledged write survives',
    scenario(() => failOverUnderWrites(h, kill)),
    150_000,
  );

  it(
    'rejoins the killed leader as a streaming replica through pg_rewind',
    scenario(async () => {
      if (!kill.killed) throw new Error('the failover scenario did not kill a leader');
      const old = kill.killed;
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
            [kill.ackedBeforeKill],
          );
          return Number(row?.n) === kill.ackedBeforeKill.length;
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

      await patchDcsParameters(memberNamed(r(), leaderName).api, { desired, previous }, r().source.restApi);
      const pending = await waitFor(
        'every member to report pending_restart',
        async () => {
          const cluster = await clusterState(r());
          return cluster.members.every((m) => m.pending_restart === true) && cluster;
        },
        { timeoutMs: 45_000, intervalMs: 500 },
      );
      const plan = await restartPendingMembers(pending, r().source.restApi);
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

  it(
    'rewinds a former primary with diverged WAL after an immediate demote, over the local replication rule',
    scenario(() => rejoinDivergedAfterImmediateDemote(h)),
    300_000,
  );
});
