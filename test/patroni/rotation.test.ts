/**
 * Issue 17, part 5, on real Patroni (Debian's patroni, etcd and PostgreSQL 15 on loopback, the rig of
 * ha.test.ts with three members): rotating the replication and superuser passwords with no replica
 * lost. The order is pgmeta's:
 *
 * 1. the hook's rotation Job (its own program, environment and plan, as the hook renders them for
 *    `spec.credentialRotation: {replication: 1, superuser: 1}`) sets both verifiers on the primary
 *    and rewrites both Secrets (a fake Kubernetes API holds them). The replicas keep streaming: a
 *    walsender authenticated once, and a changed password does not end its session;
 * 2. each member restarts with the Secrets' new values, the way the rollout Job replaces pods
 *    (day2/rollout-script.ts): replicas first, one at a time, each back to streaming before the next;
 *    then a switchover to an updated replica; then the former primary. A member's Patroni reads the
 *    superuser and replication passwords only from its configuration, which Spilo writes from
 *    `PGPASSWORD_SUPERUSER`/`PGPASSWORD_STANDBY` when the container starts (Spilo 4.0-p3
 *    configure_spilo.py `main`, the `postgresql.authentication` section), so only a new container
 *    gets them; here Patroni restarts with the configuration rendered from the new Secrets.
 *
 * Then every member runs, both replicas stream from the leader (over TCP with the new replication
 * password, which Patroni wrote into each member's pgpass: v4.0.4 patroni/postgresql/config.py
 * `ConfigHandler.write_pgpass`, `primary_conninfo` with `passfile`), the old passwords are refused
 * and the new ones accepted, and a row written before the rotation is on every member.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import type { KubeObject } from '../../hooks/lib/k8s.js';
import type { Day2Context } from '../../hooks/postgrescluster/day2/types.js';
import { renderChildren } from '../../hooks/postgrescluster/render.js';
import { planRotation } from '../../hooks/postgrescluster/rotation/job.js';
import { aCluster } from '../support/cluster-fixture.js';
import { containerEnvValues, type RenderedEnvVar } from '../support/container-env.js';
import { decodedData, startSecretsApi, type SecretsApi } from '../support/fake-secrets-api.js';
import { runScript, serviceAccountDir } from '../unit/postgrescluster/day2/run-script.js';
import { RIG_PG_MAJOR, skippedWithoutRig } from './binaries.js';
import { patroniConfig } from './config.js';
import { haRig } from './ha-support.js';
import { stopProcess } from './procs.js';
import { rest } from './rest.js';
import {
  clusterState,
  connect,
  createRig,
  destroyRig,
  leaderIn,
  memberNamed,
  query,
  startMember,
  type Member,
  type Rig,
} from './rig.js';
import { rigSource, type Credentials, type RigSource } from './source.js';
import { waitFor } from './wait.js';

const CLUSTER = aCluster().withName('rot').withVersion(RIG_PG_MAJOR).withReplicas(3).withTls(false).build();
const ROTATED = {
  ...CLUSTER,
  credentialRotation: { ...CLUSTER.credentialRotation, replication: 1, superuser: 1 },
};
const OPERATOR_KEY = new TextEncoder().encode('pgmeta patroni rotation test key');

const render = (cluster: typeof CLUSTER, observed: readonly KubeObject[]) =>
  renderChildren(cluster, {
    operatorKey: OPERATOR_KEY,
    observedSecrets: Object.fromEntries(observed.map((s) => [s.metadata.name, s])),
    specJson: '{}',
  });

/** The rotation Job and its plan Secret, as the hook plans them once it observes the Secrets. */
function rotationJob(observed: readonly KubeObject[]): { job: KubeObject; plan: KubeObject } {
  const ctx = {
    cluster: ROTATED,
    observed: { secrets: Object.fromEntries(observed.map((s) => [s.metadata.name, s])), jobs: [] },
  } as unknown as Day2Context;
  const [job, plan] = planRotation(ctx, OPERATOR_KEY)?.children ?? [];
  if (!job || !plan) throw new Error('no rotation Job planned');
  return { job, plan };
}

interface ReplicationRow extends Record<string, unknown> {
  application_name: string;
  usename: string;
  state: string;
}

describe('credential rotation on real Patroni', () => {
  if (skippedWithoutRig()) return;

  let rig: Rig | undefined;
  let api: SecretsApi | undefined;
  let observed: KubeObject[] = [];
  const r = (): Rig => {
    if (!rig) throw new Error('the rig did not start');
    return rig;
  };
  const su = (): Credentials => r().source.superuser;
  // Adds the tails of Patroni's logs to a failure.
  const ha = haRig(() => rig);

  /** Every member runs; the leader streams to the two others (pg_stat_replication, as the superuser). */
  let progress = 'start';
  const healthy = () =>
    waitFor(
      `a leader streaming to two running replicas (${progress})`,
      async () => {
        const c = await clusterState(r());
        const leader = leaderIn(c);
        const replicas = c.members.filter(
          (m) => m.role !== 'leader' && ['running', 'streaming'].includes(m.state),
        );
        if (!leader || replicas.length !== 2) return false;
        const rows = await query<ReplicationRow>(
          memberNamed(r(), leader.name),
          su(),
          "SELECT application_name, usename, state FROM pg_stat_replication WHERE state = 'streaming'",
        );
        return rows.length === 2 && { leader: leader.name, rows };
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );

  /** Patroni stopped (it stops its PostgreSQL), its configuration rewritten from `source`, started again. */
  async function restartWith(m: Member, source: RigSource): Promise<void> {
    if (m.proc) await stopProcess(m.proc, 30_000);
    writeFileSync(m.configFile, JSON.stringify(patroniConfig(source, m), null, 2), { mode: 0o644 });
    startMember(m);
  }

  beforeAll(async () => {
    const children = render(CLUSTER, []);
    observed = children.filter((c) => c.kind === 'Secret');
    rig = await createRig(rigSource(children));
    for (const m of rig.members) startMember(m);
    api = await startSecretsApi(CLUSTER.namespace, observed);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await destroyRig(rig);
  }, 60_000);

  it(
    'replication and superuser: the Job, then members one at a time, and every replica streams again',
    ha.scenario(async () => {
      const before = await healthy();
      const leader = memberNamed(r(), before.leader);
      const old = { superuser: su(), replication: r().source.replication };
      await query(leader, su(), 'CREATE TABLE rotation_mark AS SELECT 42 AS answer');

      progress = 'rotation Job';
      // 1. The rotation Job, with the environment the kubelet would give it.
      const { job, plan } = rotationJob(observed);
      const container = (
        job['spec'] as { template: { spec: { containers: { env: RenderedEnvVar[]; command: string[] }[] } } }
      ).template.spec.containers[0]!;
      const env = Object.fromEntries(containerEnvValues(container.env, [...observed, plan]));
      const run = await runScript(
        container.command[2]!,
        {
          ...env,
          PGHOST: '127.0.0.1',
          PGPORT: String(leader.pgPort),
          KUBERNETES_API: api!.url,
          SERVICEACCOUNT_DIR: serviceAccountDir(),
          PATH: `/usr/lib/postgresql/${RIG_PG_MAJOR}/bin:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
        },
        120_000,
      );
      if (run.code !== 0) throw new Error(`rotation Job failed:\n${run.stdout}\n${run.stderr}`);
      const patched = [...api!.secrets.values()];
      const next = rigSource(render(ROTATED, patched));
      expect(next.replication.password).not.toBe(old.replication.password);
      expect(next.superuser.password).not.toBe(old.superuser.password);
      expect(decodedData(api!.secrets.get('rot-replication'))['password']).toBe(next.replication.password);

      // The replicas still stream on the sessions they opened with the old password.
      r().source = { ...r().source, superuser: next.superuser };
      expect((await healthy()).leader).toBe(leader.name);
      await expect(connect(leader, old.superuser)).rejects.toThrow(/password authentication failed/);
      await expect(connect(leader, old.replication, { replication: true })).rejects.toThrow(
        /password authentication failed/,
      );

      // 2. Replicas first, one at a time, each streaming again before the next.
      const replicas = r().members.filter((m) => m.name !== leader.name);
      for (const m of replicas) {
        progress = `restarted ${m.name}`;
        await restartWith(m, next);
        await healthy();
        expect(readFileSync(`${m.dir}/pgpass`, 'utf8')).toContain(next.replication.password);
      }
      // Then a switchover to an updated replica, and the former primary.
      const candidate = replicas[0]!;
      const answer = await rest(leader.api, '/switchover', {
        method: 'POST',
        body: { leader: leader.name, candidate: candidate.name },
        auth: r().source.restApi,
        timeoutMs: 60_000,
      });
      expect(answer.status).toBe(200);
      progress = 'switchover';
      // The former primary, now a replica still holding the old passwords, cannot stream from the new
      // leader (its walreceiver authenticates anew) until it restarts, which comes right after: it is
      // the member being replaced anyway. The updated replicas stream from the new leader meanwhile.
      const streaming = await waitFor(
        `${candidate.name} leading and streaming to ${replicas[1]!.name}`,
        async () => {
          if (leaderIn(await clusterState(r()))?.name !== candidate.name) return false;
          const rows = await query<ReplicationRow>(
            candidate,
            su(),
            "SELECT application_name, usename, state FROM pg_stat_replication WHERE state = 'streaming'",
          );
          return rows.some((x) => x.application_name === replicas[1]!.name) && rows;
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      expect(streaming.map((x) => x.application_name)).not.toContain(leader.name);
      progress = `restarted ${leader.name}`;
      await restartWith(leader, next);
      r().source = next;
      const after = await healthy();
      expect(after.leader).toBe(candidate.name);
      expect(after.rows.map((x) => x.usename)).toEqual(['standby', 'standby']);
      expect(after.rows.map((x) => x.application_name).sort()).toEqual(
        r()
          .members.filter((m) => m.name !== candidate.name)
          .map((m) => m.name)
          .sort(),
      );

      const cluster = await clusterState(r());
      expect(cluster.members).toHaveLength(3);
      expect(cluster.members.every((m) => ['running', 'streaming'].includes(m.state))).toBe(true);
      for (const m of r().members) {
        await expect(connect(m, old.superuser)).rejects.toThrow(/password authentication failed/);
        const [row] = await query<{ answer: number }>(m, next.superuser, 'SELECT answer FROM rotation_mark');
        expect(row?.answer).toBe(42);
      }
      const replicaConn = await connect(memberNamed(r(), candidate.name), next.replication, {
        replication: true,
      });
      await replicaConn.end();
    }),
    600_000,
  );
});
