/**
 * The day-2 Jobs' own programs against real Patroni (Debian's patroni, etcd and PostgreSQL 15 on
 * loopback, the rig of ha.test.ts with two members): the parameter Job's python3 program, exactly as
 * the Job runs it, applies a DCS-only parameter through PATCH /config and restarts the members
 * replica first; the switchover Job's program hands the leader lock to the named replica and, run a
 * second time, does nothing. Both run with the REST API credentials the rendered Job reads from the
 * rendered Secret, which Patroni requires for every write (issue 15): without them POST /switchover
 * is refused, while the reads probes and scrapers use stay open. Skipped (with a `skipped:` line)
 * when a Debian package is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dcsPatch } from '../../hooks/postgrescluster/day2/params.js';
import { PARAMS_SCRIPT } from '../../hooks/postgrescluster/day2/params-script.js';
import { SWITCHOVER_SCRIPT } from '../../hooks/postgrescluster/day2/switchover-script.js';
import { renderChildren } from '../../hooks/postgrescluster/render.js';
import { DCS_TIMING } from '../../hooks/postgrescluster/spilo/configuration.js';
import { aCluster } from '../support/cluster-fixture.js';
import { RIG_PG_MAJOR, skippedWithoutRig } from './binaries.js';
import { jobApiEnv, runJob } from './job-run.js';
import {
  clusterState,
  createRig,
  destroyRig,
  leaderIn,
  memberNamed,
  query,
  startMember,
  type Rig,
} from './rig.js';
import { rest } from './rest.js';
import { rigSource } from './source.js';
import { waitFor } from './wait.js';

const base = () => aCluster().withName('jobs').withVersion(RIG_PG_MAJOR).withReplicas(2).withTls(false);
const CLUSTER = base().withParams({ max_connections: '100' }).build();
const CHANGED = base().withParams({ max_connections: '120' }).build();
const OPERATOR_KEY = new TextEncoder().encode('pgmeta patroni jobs test key');

describe('day-2 Job programs on real Patroni', () => {
  if (skippedWithoutRig()) return;

  let rig: Rig | undefined;
  let apiEnv: Record<string, string> = {};
  const r = (): Rig => {
    if (!rig) throw new Error('the rig did not start');
    return rig;
  };
  const healthy = () =>
    waitFor(
      'a leader and a running replica',
      async () => {
        const c = await clusterState(r());
        const up = c.members.filter((m) => m.state === 'running' || m.state === 'streaming');
        return leaderIn(c) !== undefined && up.length === 2 && c;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );

  beforeAll(async () => {
    const children = renderChildren(CLUSTER, {
      operatorKey: OPERATOR_KEY,
      observedSecrets: {},
      specJson: '{}',
    });
    apiEnv = jobApiEnv(CLUSTER, children);
    rig = await createRig(rigSource(children));
    for (const m of rig.members) startMember(m);
  }, 60_000);

  afterAll(async () => {
    await destroyRig(rig);
  }, 60_000);

  it('parameter Job: PATCH /config, then the replica restarts before the leader, and the value is live', async () => {
    const before = await healthy();
    const leader = leaderIn(before)!.name;
    const replica = before.members.find((m) => m.name !== leader)!.name;
    const patch = JSON.stringify(dcsPatch(CHANGED, { max_connections: '100' }));
    const run = await runJob(
      PARAMS_SCRIPT,
      {
        ...{ PATRONI_URL: r().members[0]!.api, DCS_PATCH: patch, LOOP_WAIT: String(DCS_TIMING.loop_wait) },
        ...apiEnv,
      },
      120_000,
    );
    expect(run.out).toContain('parameters applied');
    expect(run.code).toBe(0);
    const order = [...run.out.matchAll(/restarting (\S+) \((\w+)\)/g)].map((m) => `${m[1]} ${m[2]}`);
    // Asynchronous replication (the fixture's default): the replica is a plain replica.
    expect(order).toEqual([`${replica} replica`, `${leader} leader`]);
    const after = await healthy();
    expect(after.members.some((m) => m.pending_restart === true)).toBe(false);
    for (const m of r().members) {
      const [row] = await query<{ max_connections: string }>(m, r().source.superuser, 'SHOW max_connections');
      expect(row?.max_connections).toBe('120');
    }
  }, 150_000);

  it('switchover Job: the named replica becomes the leader; run again, it does nothing', async () => {
    const before = await healthy();
    const leader = leaderIn(before)!.name;
    const candidate = before.members.find((m) => m.name !== leader)!.name;
    const env = {
      PATRONI_URL: memberNamed(r(), candidate).api,
      LEADER: leader,
      CANDIDATE: candidate,
      ...apiEnv,
    };
    const run = await runJob(SWITCHOVER_SCRIPT, env, 90_000);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`switched over: the leader is ${candidate}`);
    expect(leaderIn(await clusterState(r()))?.name).toBe(candidate);
    const again = await runJob(SWITCHOVER_SCRIPT, env, 60_000);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`nothing to do: the leader is ${candidate}`);
  }, 120_000);

  it('without credentials POST /switchover is refused (401); the reads probes and scrapers use answer', async () => {
    const before = await healthy();
    const leader = leaderIn(before)!.name;
    const candidate = before.members.find((m) => m.name !== leader)!.name;
    const api = memberNamed(r(), leader).api;
    const body = { leader, candidate };
    expect((await rest(api, '/switchover', { method: 'POST', body })).status).toBe(401);
    const wrong = { username: 'pgmeta', password: 'guessed' };
    expect((await rest(api, '/switchover', { method: 'POST', body, auth: wrong })).status).toBe(401);
    expect((await rest(api, '/config', { method: 'PATCH', body: { ttl: 31 } })).status).toBe(401);
    expect((await rest(api, '/restart', { method: 'POST', body: {} })).status).toBe(401);
    for (const path of ['/health', '/readiness', '/liveness', '/patroni', '/cluster', '/metrics'])
      expect([path, (await rest(api, path)).status]).toEqual([path, 200]);
    // Nothing moved: the leader is the same.
    expect(leaderIn(await clusterState(r()))?.name).toBe(leader);
  }, 60_000);
});
