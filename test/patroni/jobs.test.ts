/**
 * The day-2 Jobs' own programs against real Patroni (Debian's patroni, etcd and PostgreSQL 15 on
 * loopback, the rig of ha.test.ts with two members): the parameter Job's python3 program, exactly as
 * the Job runs it, applies a DCS-only parameter through PATCH /config and restarts the members
 * replica first; the switchover Job's program hands the leader lock to the named replica and, run a
 * second time, does nothing. Skipped (with a `skipped:` line) when a Debian package is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { dcsPatch } from '../../hooks/postgrescluster/day2/params.js';
import { PARAMS_SCRIPT } from '../../hooks/postgrescluster/day2/params-script.js';
import { SWITCHOVER_SCRIPT } from '../../hooks/postgrescluster/day2/switchover-script.js';
import { renderChildren } from '../../hooks/postgrescluster/render.js';
import { DCS_TIMING } from '../../hooks/postgrescluster/spilo/configuration.js';
import { aCluster } from '../support/cluster-fixture.js';
import { RIG_PG_MAJOR, skippedWithoutRig } from './binaries.js';
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
import { rigSource } from './source.js';
import { waitFor } from './wait.js';

const base = () => aCluster().withName('jobs').withVersion(RIG_PG_MAJOR).withReplicas(2).withTls(false);
const CLUSTER = base().withParams({ max_connections: '100' }).build();
const CHANGED = base().withParams({ max_connections: '120' }).build();
const OPERATOR_KEY = new TextEncoder().encode('pgmeta patroni jobs test key');

/** Runs a Job's program with python3 -c, as the Job does; resolves with exit code and output. */
function runJob(script: string, env: Record<string, string>, timeoutMs: number) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn('python3', ['-c', script], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', POLL_SECONDS: '0.5', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('day-2 Job programs on real Patroni', () => {
  if (skippedWithoutRig()) return;

  let rig: Rig | undefined;
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
      { PATRONI_URL: r().members[0]!.api, DCS_PATCH: patch, LOOP_WAIT: String(DCS_TIMING.loop_wait) },
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
    const env = { PATRONI_URL: memberNamed(r(), candidate).api, LEADER: leader, CANDIDATE: candidate };
    const run = await runJob(SWITCHOVER_SCRIPT, env, 90_000);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`switched over: the leader is ${candidate}`);
    expect(leaderIn(await clusterState(r()))?.name).toBe(candidate);
    const again = await runJob(SWITCHOVER_SCRIPT, env, 60_000);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`nothing to do: the leader is ${candidate}`);
  }, 120_000);
});
