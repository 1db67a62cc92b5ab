/**
 * The switchover Job's Python program, run as the Job runs it, against the fake Patroni
 * (fake-cluster.ts), including what Patroni 4.0.4 answers in the edge cases (patroni/api.py):
 * 412 for a candidate that is not the synchronous standby (`is_failover_possible`), 503 "Switchover
 * status unknown" when the switchover outlasts its 20 one-second polls (`poll_failover_result`), and
 * a headless Service that also leads to members that are not ready (`do_GET_readiness` says which).
 */
import { describe, expect, it } from '@jest/globals';
import { SWITCHOVER_SCRIPT } from '../../../../hooks/postgrescluster/day2/switchover-script';
import type { FakeCluster } from './fake-cluster';
import { members, useFakeCluster } from './fake-fixture';
import { runScript } from './run-script';

const start = useFakeCluster();

const run = (f: FakeCluster, env: Record<string, string>) =>
  runScript(SWITCHOVER_SCRIPT, { PATRONI_URL: f.url, LEADER: 'pg-0', SWITCHOVER_TIMEOUT: '2', ...env });

describe('switchover Job', () => {
  it("switches from the leader to the named candidate, asking the leader's own REST API", async () => {
    const f = await start({ members: members(['leader', 'replica', 'replica']) });
    const r = await run(f, { CANDIDATE: 'pg-2' });
    expect(r.code).toBe(0);
    expect(f.events).toEqual(['switchover pg-0 -> pg-2']);
    expect(f.received).toContain('pg-0 POST /switchover');
    expect(f.leader()).toBe('pg-2');
  });

  it('without a candidate lets Patroni pick a replica', async () => {
    const f = await start({ members: members(['leader', 'replica']) });
    const r = await run(f, {});
    expect(r.code).toBe(0);
    expect(f.events).toEqual(['switchover pg-0 -> any']);
    expect(f.leader()).toBe('pg-1');
  });

  it.each([
    ['the candidate already leads', { CANDIDATE: 'pg-0' }],
    ['the recorded leader no longer leads (no candidate)', { LEADER: 'pg-9' }],
  ])('does nothing when %s', async (_why, env) => {
    const f = await start({ members: members(['leader', 'replica']) });
    const r = await run(f, env);
    expect(r.code).toBe(0);
    expect(f.events).toEqual([]);
  });

  it.each([
    [412, 'a refusal'],
    [503, '"Switchover failed" or "failed to write failover key into DCS"'],
  ])('fails on %s (%s)', async (status) => {
    const f = await start({
      members: members(['leader', 'replica']),
      failWith: { 'POST /m/pg-0/switchover': status },
    });
    const r = await run(f, { CANDIDATE: 'pg-1' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`switchover refused: ${status}`);
    expect(f.leader()).toBe('pg-0');
  });
});

describe('switchover Job in synchronous mode (api.py is_failover_possible)', () => {
  it('never asks for a candidate that is not the synchronous standby: it waits, then says why', async () => {
    const f = await start({ members: members(['leader', 'sync_standby', 'replica']), synchronous: true });
    const r = await run(f, { CANDIDATE: 'pg-2', SYNCHRONOUS: 'true' });
    expect(r.code).toBe(1);
    expect(f.events).toEqual([]);
    expect(r.stdout).toContain('pg-2 running as the synchronous standby');
  });

  it('switches to a candidate that is the synchronous standby', async () => {
    const f = await start({ members: members(['leader', 'replica', 'sync_standby']), synchronous: true });
    const r = await run(f, { CANDIDATE: 'pg-2', SYNCHRONOUS: 'true' });
    expect(r.code).toBe(0);
    expect(f.leader()).toBe('pg-2');
  });

  it('without a candidate waits for a synchronous standby instead of a 412 "can not find sync_standby"', async () => {
    const f = await start({ members: members(['leader', 'replica']), synchronous: true });
    const r = await run(f, { SYNCHRONOUS: 'true' });
    expect(r.code).toBe(1);
    expect(f.events).toEqual([]);
    expect(r.stdout).toContain('a replica running as the synchronous standby');
  });
});

describe('switchover Job when Patroni cannot confirm (api.py poll_failover_result)', () => {
  it('treats 503 "Switchover status unknown" as pending and succeeds once the leader moved', async () => {
    const f = await start({ members: members(['leader', 'replica', 'replica']), slowSwitchover: 3 });
    const r = await run(f, { CANDIDATE: 'pg-2' });
    expect(r.stdout).toContain('503 Switchover status unknown');
    expect(r.code).toBe(0);
    expect(f.leader()).toBe('pg-2');
    expect(r.stdout).toContain('switched over: the leader is pg-2');
  });

  it('fails when the leader has not moved once the settling time is over', async () => {
    const f = await start({ members: members(['leader', 'replica']), slowSwitchover: 1_000_000 });
    const r = await run(f, { CANDIDATE: 'pg-1', SETTLE_SECONDS: '0.5' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('waiting for the switchover to settle');
  });
});

describe('switchover Job and members that are not ready (publishNotReadyAddresses)', () => {
  it('sends nothing but /readiness to a member that is not ready, and waits until one is', async () => {
    const starting = members(['leader', 'replica', 'replica']).map((m) =>
      m.name === 'pg-1' ? { ...m, state: 'starting', ready: false } : m,
    );
    const f = await start({ members: starting, service: 'pg-1', downPolls: 3 });
    const r = await run(f, { CANDIDATE: 'pg-2' });
    expect(r.code).toBe(0);
    expect(f.violations).toEqual([]);
    // The Service's name led to pg-1 while it started: it was probed, and used only once ready.
    expect(f.received.slice(0, 2)).toEqual(['pg-1 GET /readiness', 'pg-1 GET /readiness']);
    expect(f.received).toContain('pg-0 POST /switchover');
    expect(f.leader()).toBe('pg-2');
  });
});
