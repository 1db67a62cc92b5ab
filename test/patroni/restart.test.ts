/**
 * A restart of every member (`pgmeta.io/restartedAt`, or `kubectl rollout restart`) on real Patroni,
 * etcd and PostgreSQL 15: the rollout Job's own program (day2/rollout-script.ts), exactly as the Job
 * runs it, against a three-member synchronous rig whose pods a small fake Kubernetes API stands for
 * (kube-api.ts: deleting a pod stops that member's Patroni with SIGTERM and starts it again). It must
 * restart the replicas first, one at a time, then hand the leader over with Patroni's `POST /switchover`
 * (Patroni v4.0.4 patroni/api.py `do_POST_switchover`), then restart the former leader as a replica;
 * a client writing all the while loses no acknowledged write, and every PostgreSQL was restarted.
 * Skipped (with a `skipped:` line) when a Debian package is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ROLLOUT_SCRIPT } from '../../hooks/postgrescluster/day2/rollout-script.js';
import { skippedWithoutRig } from './binaries.js';
import { haRig } from './ha-support.js';
import { jobApiEnv, runJob } from './job-env.js';
import { startFakeKube } from './kube-api.js';
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
  type Rig,
} from './rig.js';
import { rigSource } from './source.js';
import { startWriter, WRITES_TABLE } from './writer.js';

const OLD = 'rig-5d8f7c9b6d';
const NEW = 'rig-7c6b5a4d3e';

describe('restart of every member on real Patroni (the rollout Job program)', () => {
  if (skippedWithoutRig()) return;

  let rig: Rig | undefined;
  const { r, superuser, scenario, waitForHealthy } = haRig(() => rig);

  beforeAll(async () => {
    rig = await createRig(rigSource(renderedChildren()));
    for (const m of rig.members) startMember(m);
  }, 60_000);

  afterAll(async () => {
    await destroyRig(rig);
  }, 60_000);

  const startTimes = async (): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const m of r().members) {
      const [row] = await query<{ t: string }>(
        m,
        superuser(),
        'SELECT pg_postmaster_start_time()::text AS t',
      );
      out[m.name] = row?.t ?? '';
    }
    return out;
  };

  it(
    'replicas first, then a switchover, then the former leader; no acknowledged write lost',
    scenario(async () => {
      const before = await waitForHealthy(3, 100_000);
      const oldLeader = leaderIn(before)!.name;
      const replicas = before.members
        .filter((m) => m.name !== oldLeader)
        .map((m) => m.name)
        .sort();
      const started = await startTimes();
      await query(
        memberNamed(r(), oldLeader),
        superuser(),
        `CREATE TABLE ${WRITES_TABLE} (id integer PRIMARY KEY)`,
      );

      const kube = await startFakeKube(r(), { revision: OLD, target: NEW });
      const writer = startWriter(async () => {
        const leader = leaderIn(await clusterState(r()));
        if (!leader) throw new Error('no leader');
        return { client: await connect(memberNamed(r(), leader.name), superuser()), member: leader.name };
      });
      try {
        const run = await runJob(
          ROLLOUT_SCRIPT,
          {
            ...jobApiEnv(RIG_CLUSTER, renderedChildren()),
            NAMESPACE: 'rig',
            STATEFULSET: r().source.statefulSet,
            TARGET_REVISION: NEW,
            PRIMARY_UPDATE_METHOD: 'switchover',
            // The headless Service: any member; the switchover is asked of the last replica restarted.
            PATRONI_URL: memberNamed(r(), replicas[1]!).api,
            KUBERNETES_API: kube.url,
            SERVICEACCOUNT_DIR: kube.serviceAccountDir,
            MEMBER_TIMEOUT: '120',
          },
          400_000,
        );
        expect(run.out).toContain(`every member runs ${NEW}`);
        expect(run.code).toBe(0);
        await waitForHealthy(3, 100_000);
        await writer.stop();

        // The replicas one at a time, then the former leader, which was a replica by then.
        expect(kube.deletions).toEqual([
          { name: replicas[0], role: 'replica' },
          { name: replicas[1], role: 'replica' },
          { name: oldLeader, role: 'replica' },
        ]);
        expect(run.out).toMatch(new RegExp(`POST /switchover from ${oldLeader}: 200`));
        const after = await clusterState(r());
        const newLeader = leaderIn(after)!.name;
        expect(newLeader).not.toBe(oldLeader);
        // Every PostgreSQL was restarted.
        const restarted = await startTimes();
        for (const m of r().members)
          expect([m.name, restarted[m.name]]).not.toEqual([m.name, started[m.name]]);
        // No acknowledged write was lost.
        const present = await query<{ id: number }>(
          memberNamed(r(), newLeader),
          superuser(),
          `SELECT id FROM ${WRITES_TABLE}`,
        );
        const ids = new Set(present.map((x) => x.id));
        expect(writer.acked.length).toBeGreaterThan(100);
        expect(writer.acked.filter((a) => !ids.has(a.id)).map((a) => a.id)).toEqual([]);
        console.log(
          `restart: ${kube.deletions.map((d) => `${d.name} (${d.role})`).join(', ')}; leader ${oldLeader} → ${newLeader}; ` +
            `${writer.acked.length} writes acknowledged, ${writer.failures} failed while the leader moved, none lost`,
        );
      } finally {
        await writer.stop();
        await kube.close();
      }
    }),
    500_000,
  );
});
