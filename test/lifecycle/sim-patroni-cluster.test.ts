/**
 * The simulated Patroni's `GET /cluster`, member states, role labels and readiness, on their own terms
 * (Patroni 4.0.4: patroni/api.py `do_GET_cluster` and `do_GET_readiness`, patroni/utils.py
 * `cluster_as_json`, patroni/dcs/kubernetes.py `touch_member`; see sim/UPSTREAM.md).
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { archivingCluster } from './backup-world';
import { adminAuth } from './effects/common';
import { useLifecycle, type Scenario } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

const pod = (s: Scenario, name: string): KubeObject | undefined =>
  s.store.get({ kind: 'Pod', namespace: 'shop', name });
const role = (s: Scenario, name: string) => pod(s, name)?.metadata.labels?.['spilo-role'];
const status = (s: Scenario, name: string) =>
  JSON.parse(pod(s, name)?.metadata.annotations?.['status'] ?? '{}') as Record<string, unknown>;
const ready = (s: Scenario, name: string) =>
  (
    (pod(s, name)?.['status'] as { conditions?: { type: string; status: string }[] } | undefined)
      ?.conditions ?? []
  ).some((c) => c.type === 'Ready' && c.status === 'True');
const members = (s: Scenario) => s.sim.patroni.api('shop', 'orders').cluster().members;
const memberOf = (s: Scenario, name: string) => members(s).find((m) => m.name === name);
const where = { scope: 'orders' };

describe('simulated Patroni: members, states and readiness', () => {
  const world = useLifecycle();

  it('GET /cluster lists every labelled pod, one without a status as state "" and lag unknown', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const replica = pod(s, 'orders-2');
    if (!replica) throw new Error('no orders-2');
    // As right after the pod was created, before its Patroni wrote anything (kubernetes.py
    // `_cluster_from_nodes`: every pod with the labels is a member; dcs `Member.from_node` of '').
    const annotations = { ...replica.metadata.annotations };
    delete annotations['status'];
    s.store.update({ ...replica, metadata: { ...replica.metadata, annotations } }, 'user');
    expect(members(s).map((m) => m.name)).toEqual(['orders-0', 'orders-1', 'orders-2']);
    expect(memberOf(s, 'orders-2')).toEqual({ name: 'orders-2', role: 'replica', state: '', lag: 'unknown' });
    // The leader has no lag; a streaming replica its distance from the leader's optime.
    expect(memberOf(s, 'orders-0')).not.toHaveProperty('lag');
    expect(memberOf(s, 'orders-1')).toMatchObject({
      role: 'replica',
      state: 'streaming',
      lag: 0,
      port: 5432,
    });
  });

  it('PostgreSQL crashing on a replica: crashed, then starting, then streaming; no label and unready meanwhile', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    s.sim.patroni.crashPostgres('shop', { ...where, member: 'orders-1' });
    const seen: [string | undefined, string | undefined, boolean][] = [];
    for (let i = 0; i < 3; i++) {
      await s.step();
      seen.push([memberOf(s, 'orders-1')?.state, role(s, 'orders-1'), ready(s, 'orders-1')]);
    }
    expect(seen).toEqual([
      ['crashed', undefined, false],
      ['starting', undefined, false],
      ['streaming', 'replica', true],
    ]);
    expect(status(s, 'orders-1')).toMatchObject({ state: 'running', role: 'replica' });
  });

  it('PostgreSQL crashing on the leader: it keeps the lock, the label and readiness while it starts again', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    s.sim.patroni.crashPostgres('shop', { ...where, member: 'orders-0' });
    const seen: [string | undefined, string | undefined, boolean][] = [];
    for (let i = 0; i < 3; i++) {
      await s.step();
      seen.push([memberOf(s, 'orders-0')?.state, role(s, 'orders-0'), ready(s, 'orders-0')]);
      expect(memberOf(s, 'orders-0')?.role).toBe('leader');
    }
    // api.py `do_GET_readiness`: 200 for the lock holder (ha.py `Ha.recover` renews the lock meanwhile).
    expect(seen).toEqual([
      ['crashed', 'master', true],
      ['starting', 'master', true],
      ['running', 'master', true],
    ]);
    expect(s.sim.patroni.events.filter((e) => e.type === 'failover')).toEqual([]);
  });

  it('a restart that fails: "restart failed (start failed)", then Patroni starts PostgreSQL again', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    s.sim.patroni.failNextRestart('shop', { ...where, member: 'orders-0' });
    expect(
      s.sim.patroni
        .api('shop', 'orders')
        .withAuth(adminAuth(s.store, 'shop', 'orders'))
        .restart('orders-0'),
    ).toBe(true);
    const seen: [string | undefined, string | undefined, boolean][] = [];
    for (let i = 0; i < 4; i++) {
      seen.push([memberOf(s, 'orders-0')?.state, role(s, 'orders-0'), ready(s, 'orders-0')]);
      await s.step();
    }
    // The leader answers 200 on /readiness and keeps its label throughout (api.py `do_GET_readiness`).
    expect(seen).toEqual([
      ['running', 'master', true],
      ['restarting', 'master', true],
      ['restart failed (start failed)', 'master', true],
      ['starting', 'master', true],
    ]);
    await s.step();
    expect(memberOf(s, 'orders-0')?.state).toBe('running');
  });

  it('a replica restarting is unready and unlabelled; status role is Patroni 4\'s "replica"', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    expect(status(s, 'orders-0')['role']).toBe('primary');
    expect(status(s, 'orders-1')['role']).toBe('replica');
    s.sim.patroni
      .api('shop', 'orders')
      .withAuth(adminAuth(s.store, 'shop', 'orders'))
      .restart('orders-1');
    await s.step();
    expect([status(s, 'orders-1')['state'], role(s, 'orders-1'), ready(s, 'orders-1')]).toEqual([
      'restarting',
      undefined,
      false,
    ]);
  });

  it('a graceful shutdown writes "stopped" and drops the role label (ha.py Ha.shutdown)', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    s.when.podDeleted(2);
    await s.step();
    expect(pod(s, 'orders-2')?.metadata.deletionTimestamp).toBeDefined();
    expect(role(s, 'orders-2')).toBeUndefined();
    expect(status(s, 'orders-2')).toMatchObject({ state: 'stopped', role: 'replica' });
    expect(memberOf(s, 'orders-2')?.state).toBe('stopped');
  });

  it('replicas without a leader to stream from: "in archive recovery" with a WAL archive, "running" without', async () => {
    const { s } = await archivingCluster(world);
    const plain = world.scenario({ name: 'plain' });
    await plain.given.cluster(HA);
    for (const sc of [s, plain]) {
      const scope = sc.name;
      const api = sc.sim.patroni.api('shop', scope).withAuth(adminAuth(sc.store, 'shop', scope));
      api.switchover({ leader: `${scope}-0`, candidate: `${scope}-1` });
      await sc.step();
      // The old leader demoted and released the lock; the candidate has not taken it yet.
      expect(
        sc.store.get({ kind: 'Endpoints', namespace: 'shop', name: scope })?.metadata.annotations,
      ).not.toHaveProperty('leader');
    }
    const state = (sc: Scenario, name: string) =>
      sc.sim.patroni
        .api('shop', sc.name)
        .cluster()
        .members.find((m) => m.name === name)?.state;
    expect(state(s, 'orders-2')).toBe('in archive recovery');
    expect(state(plain, 'plain-2')).toBe('running');
    await s.settle();
    expect(state(s, 'orders-2')).toBe('streaming');
  });
});
