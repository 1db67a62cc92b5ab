/**
 * A standby cluster on real Patroni (Debian's patroni, etcd and PostgreSQL 15 on loopback): a second
 * Patroni cluster, each with its own etcd as two sites would have, rendered by pgmeta with
 * `spec.standby` streaming from the first one's leader. Its standby leader follows the source and its
 * replica cascades from it; rows written on the source arrive; the source is then lost (SIGKILL of
 * every process) and the standby is promoted by the parameter Job's own program sending the
 * `PATCH /config` pgmeta renders when `spec.standby` is removed (`standby_cluster: null`). Every write
 * the source acknowledged before its last WAL switch (what its archive would hold) is on the promoted
 * cluster, which then takes writes, and its replica follows it on the new timeline.
 * Skipped (with a `skipped:` line) when a Debian package is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../hooks/lib/k8s.js';
import { dcsPatch } from '../../hooks/postgrescluster/day2/params.js';
import { PARAMS_SCRIPT } from '../../hooks/postgrescluster/day2/params-script.js';
import { renderChildren } from '../../hooks/postgrescluster/render.js';
import type { ResolvedCluster } from '../../hooks/postgrescluster/spec/resolved.js';
import { DCS_TIMING } from '../../hooks/postgrescluster/spilo/configuration.js';
import { standbySeeds } from '../../hooks/postgrescluster/standby/credentials.js';
import { aCluster } from '../support/cluster-fixture.js';
import { RIG_PG_MAJOR, skippedWithoutRig } from './binaries.js';
import { jobApiEnv, runJob } from './job-env.js';
import { killPostmaster } from './procs.js';
import {
  clusterState,
  connect,
  createRig,
  destroyRig,
  killPatroni,
  leaderIn,
  query,
  startMember,
  waitForLeader,
  type Member,
  type Rig,
} from './rig.js';
import { rigSource } from './source.js';
import { waitFor } from './wait.js';
import { startWriter, WRITES_TABLE } from './writer.js';

const OPERATOR_KEY = new TextEncoder().encode('pgmeta patroni standby test key');
const SOURCE = aCluster().withName('site-a').withVersion(RIG_PG_MAJOR).withReplicas(1).withTls(false).build();
const dr = (port?: number): ResolvedCluster => {
  const c = aCluster().withName('site-b').withVersion(RIG_PG_MAJOR).withReplicas(2).withTls(false).build();
  if (port === undefined) return c;
  const credentials = { superuser: 'a-superuser', replication: 'a-replication', app: 'a-app' };
  return { ...c, standby: { streaming: { host: '127.0.0.1', port }, credentials } };
};

const render = (cluster: ResolvedCluster, seeds = {}) =>
  renderChildren(cluster, {
    operatorKey: OPERATOR_KEY,
    observedSecrets: {},
    specJson: '{}',
    seedPasswords: seeds,
  });

/** The source's rendered credential Secrets, copied under the names spec.standby.credentials gives. */
function sourceCopies(children: readonly KubeObject[]): Record<string, KubeObject> {
  const copy = (from: string, to: string): [string, KubeObject] => {
    const secret = children.find((c) => c.kind === 'Secret' && c.metadata.name === from);
    if (!secret) throw new Error(`no Secret ${from}`);
    return [to, { ...secret, metadata: { name: to } }];
  };
  return Object.fromEntries([
    copy('site-a-superuser', 'a-superuser'),
    copy('site-a-replication', 'a-replication'),
    copy('site-a-app', 'a-app'),
  ]);
}

const lsn = (text: string): bigint => {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi ?? '0'}`) << 32n) + BigInt(`0x${lo ?? '0'}`);
};

describe('a standby cluster on real Patroni: streaming, cascading, promotion', () => {
  if (skippedWithoutRig()) return;

  let a: Rig | undefined;
  let b: Rig | undefined;
  let apiEnv: Record<string, string> = {};
  const rigA = (): Rig =>
    a ??
    (() => {
      throw new Error('site A did not start');
    })();
  const rigB = (): Rig =>
    b ??
    (() => {
      throw new Error('site B did not start');
    })();

  beforeAll(async () => {
    const sourceChildren = render(SOURCE);
    a = await createRig(rigSource(sourceChildren));
    for (const m of a.members) startMember(m);
    const leader = await waitForLeader(a, 90_000);
    await query(leader, a.source.superuser, `CREATE TABLE ${WRITES_TABLE} (id int PRIMARY KEY)`);
    const standby = dr(leader.pgPort);
    const children = render(standby, standbySeeds(standby, sourceCopies(sourceChildren)));
    apiEnv = jobApiEnv(standby, children);
    b = await createRig(rigSource(children));
    for (const m of b.members) startMember(m);
  }, 150_000);

  afterAll(async () => {
    await destroyRig(undefined);
    for (const rig of [a, b]) if (rig) await destroyRig(rig);
  }, 60_000);

  it('the standby leader follows the source, its replica cascades, and both hold what the source wrote', async () => {
    const source = await waitForLeader(rigA(), 30_000);
    const cluster = await waitFor(
      'a standby leader and a streaming replica at site B',
      async () => {
        const c = await clusterState(rigB());
        const standbyLeader = c.members.find((m) => m.role === 'standby_leader' && m.state === 'running');
        const replica = c.members.find(
          (m) => m.role === 'replica' && ['running', 'streaming'].includes(m.state),
        );
        return standbyLeader && replica ? c : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    expect(leaderIn(cluster)).toBeUndefined(); // no writable leader at site B
    await query(
      source,
      rigA().source.superuser,
      `INSERT INTO ${WRITES_TABLE} SELECT generate_series(-100, -1)`,
    );
    for (const m of rigB().members) {
      await waitFor(
        `${m.name} to replay the source's rows`,
        async () => {
          const [row] = await query<{ n: string }>(
            m,
            rigB().source.superuser,
            `SELECT count(*) AS n FROM ${WRITES_TABLE}`,
          );
          return row?.n === '100';
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      const [ro] = await query<{ r: boolean }>(m, rigB().source.superuser, 'SELECT pg_is_in_recovery() AS r');
      expect(ro?.r).toBe(true);
    }
  }, 240_000);

  it('lose site A, remove standby: promoted with every write the source archived, then writable', async () => {
    const source = await waitForLeader(rigA(), 30_000);
    const creds = rigA().source.superuser;
    const writer = startWriter(async () => ({ client: await connect(source, creds), member: source.name }));
    await waitFor('some acknowledged writes', () => Promise.resolve(writer.acked.length >= 50), {
      timeoutMs: 30_000,
    });
    // The segment switch closes the WAL the archive would receive; every write acknowledged before it
    // is what a DR site must not lose.
    const archivedAcks = writer.acked.length;
    const [sw] = await query<{ lsn: string }>(source, creds, 'SELECT pg_switch_wal()::text AS lsn');
    const archived = lsn(sw!.lsn);
    const standbyLeader = async (): Promise<Member> => {
      const c = await clusterState(rigB());
      const name = c.members.find((m) => m.role === 'standby_leader')?.name;
      const m = rigB().members.find((x) => x.name === name);
      if (!m) throw new Error('no standby leader');
      return m;
    };
    const leaderB = await standbyLeader();
    await waitFor(
      'the standby leader to receive the switched segment',
      async () => {
        const [row] = await query<{ lsn: string }>(
          leaderB,
          rigB().source.superuser,
          'SELECT pg_last_wal_receive_lsn()::text AS lsn',
        );
        return row !== undefined && lsn(row.lsn) >= archived;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    // Site A is lost while the writer still writes.
    for (const m of rigA().members) {
      await killPatroni(m);
      await killPostmaster(m.dataDir);
    }
    await writer.stop();
    const patch = JSON.stringify(dcsPatch(dr(), {}, { host: '127.0.0.1', port: source.pgPort }));
    expect(JSON.parse(patch)).toMatchObject({ standby_cluster: null });
    const run = await runJob(
      PARAMS_SCRIPT,
      { PATRONI_URL: leaderB.api, DCS_PATCH: patch, LOOP_WAIT: String(DCS_TIMING.loop_wait), ...apiEnv },
      120_000,
    );
    expect(run.code).toBe(0);
    const promoted = await waitForLeader(rigB(), 60_000);
    expect(promoted.name).toBe(leaderB.name);
    const su = rigB().source.superuser;
    const [state] = await query<{ r: boolean; tli: number }>(
      promoted,
      su,
      'SELECT pg_is_in_recovery() AS r, timeline_id AS tli FROM pg_control_checkpoint()',
    );
    expect(state?.r).toBe(false);
    const ids = new Set(
      (await query<{ id: number }>(promoted, su, `SELECT id FROM ${WRITES_TABLE} WHERE id > 0`)).map(
        (r) => r.id,
      ),
    );
    const lost = writer.acked.slice(0, archivedAcks).filter((ack) => !ids.has(ack.id));
    expect(lost).toEqual([]);
    const tail = writer.acked.length - writer.acked.filter((ack) => ids.has(ack.id)).length;
    console.log(
      `standby promoted: ${archivedAcks} archived writes kept; ${tail} later acknowledged writes not received before the loss (asynchronous)`,
    );
    await query(promoted, su, `INSERT INTO ${WRITES_TABLE} VALUES (1000000)`);
    const replica = rigB().members.find((m) => m.name !== promoted.name)!;
    await waitFor(
      'the replica to follow the promoted leader',
      async () => {
        const rows = await query(replica, su, `SELECT 1 FROM ${WRITES_TABLE} WHERE id = 1000000`).catch(
          () => [],
        );
        return rows.length === 1;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
  }, 300_000);
});
