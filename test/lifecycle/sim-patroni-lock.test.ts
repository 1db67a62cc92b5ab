/**
 * The simulated Patroni's leader lock, `-sync` key and switchover refusals, on their own terms
 * (Patroni 4.0.4: patroni/dcs/kubernetes.py `update_leader`, `attempt_to_acquire_leader`,
 * `delete_leader`, `write_sync_state`; patroni/ha.py `process_sync_replication`,
 * `is_failover_possible`; patroni/api.py `do_POST_failover`; see sim/UPSTREAM.md).
 */
import { adminAuth } from './effects/common';
import { PatroniRestError } from './sim/patroni';
import { useLifecycle, type Scenario } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

const annotations = (s: Scenario, name: string) =>
  s.store.get({ kind: 'Endpoints', namespace: 'shop', name })?.metadata.annotations ?? {};
/** The REST API as an administrator with the cluster's credentials (writes need them). */
const api = (s: Scenario) =>
  s.sim.patroni.api('shop', 'orders').withAuth(adminAuth(s.store, 'shop', 'orders'));

/** The error a REST call ends with, as `status message`. */
function refusal(call: () => void): string {
  try {
    call();
  } catch (err) {
    if (err instanceof PatroniRestError) return `${err.status} ${err.message}`;
    throw err;
  }
  return 'accepted';
}

describe('simulated Patroni: the leader lock', () => {
  const world = useLifecycle();

  it('the holder renews renewTime and optime every loop_wait; acquireTime and transitions stay', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const first = annotations(s, 'orders');
    expect(first).toMatchObject({ leader: 'orders-0', transitions: '0', ttl: '30' });
    const renewals: string[] = [first['renewTime'] ?? ''];
    for (let i = 0; i < 8; i++) {
      s.when.primaryWrites(1_000);
      await s.step();
      const now = annotations(s, 'orders');
      if (now['renewTime'] !== renewals.at(-1)) renewals.push(now['renewTime'] ?? '');
      expect(now).toMatchObject({ acquireTime: first['acquireTime'], transitions: '0' });
    }
    // 40 s of 5 s passes with loop_wait 10: a renewal every other pass, 10 s apart.
    expect(renewals).toHaveLength(5);
    const gaps = renewals.slice(1).map((t, i) => (Date.parse(t) - Date.parse(renewals[i] ?? '')) / 1000);
    expect(gaps).toEqual([10, 10, 10, 10]);
    const optime = Number(annotations(s, 'orders')['optime']);
    expect(optime).toBeGreaterThan(Number(first['optime']));
  });

  it('transitions count changes of holder: a switchover adds one, its release none', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const before = annotations(s, 'orders');
    api(s).switchover({ leader: 'orders-0', candidate: 'orders-1' });
    await s.step();
    const released = annotations(s, 'orders');
    expect(released).not.toHaveProperty('leader');
    // kubernetes.py delete_leader: the leader goes, the last position is written to optime.
    expect(Number(released['optime'])).toBeGreaterThan(0);
    expect(released['transitions']).toBe(before['transitions']);
    await s.settle();
    expect(annotations(s, 'orders')).toMatchObject({ leader: 'orders-1', transitions: '1' });
    expect(annotations(s, 'orders')['acquireTime']).not.toBe(before['acquireTime']);
  });

  it('a leader whose container restarts within ttl takes its own lock back: transitions unchanged', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const before = annotations(s, 'orders');
    s.when.podKilled(0);
    await s.settle();
    expect(annotations(s, 'orders')).toMatchObject({
      leader: 'orders-0',
      transitions: before['transitions'],
      acquireTime: before['acquireTime'],
    });
    expect(s.sim.patroni.events.filter((e) => e.type === 'failover')).toEqual([]);
  });

  it('a lapsed lock taken again by its last holder: transitions and acquireTime unchanged', async () => {
    // 20 s passes: the container is back on the second pass, after the 30 s ttl lapsed.
    const s = world.scenario({ tickSeconds: 20 });
    await s.given.cluster({ ...HA, replicas: 1 });
    const before = annotations(s, 'orders');
    s.when.podKilled(0);
    await s.settle();
    // kubernetes.py attempt_to_acquire_leader: the observed record names the same holder.
    expect(annotations(s, 'orders')).toMatchObject({
      leader: 'orders-0',
      transitions: before['transitions'],
      acquireTime: before['acquireTime'],
    });
    // It was a new race (the lock had lapsed), won by the same member.
    expect(s.sim.patroni.events.filter((e) => e.type === 'failover').map((e) => e.member)).toEqual([
      'orders-0',
    ]);
  });
});

describe('simulated Patroni: switchover refusals', () => {
  const world = useLifecycle();

  it('a candidate lagging beyond maximum_lag_on_failover: 503 "Switchover failed", no failover key, no change', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    s.sim.patroni.setLag('shop', { scope: 'orders', member: 'orders-2', bytes: 64 * 1024 * 1024 });
    s.when.primaryWrites(64 * 1024 * 1024);
    for (let i = 0; i < 2; i++) await s.step();
    expect(
      refusal(() => {
        api(s).switchover({ leader: 'orders-0', candidate: 'orders-2' });
      }),
    ).toBe('503 Switchover failed');
    expect(annotations(s, 'orders-failover')).not.toHaveProperty('leader');
    // The other replica streams: it may take over.
    expect(
      refusal(() => {
        api(s).switchover({ leader: 'orders-0', candidate: 'orders-1' });
      }),
    ).toBe('accepted');
    await s.settle();
    expect(annotations(s, 'orders')['leader']).toBe('orders-1');
  });

  it("Patroni's own 412s: a wrong leader, an unknown candidate; 400 for the leader itself", async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    expect(
      refusal(() => {
        api(s).switchover({ leader: 'orders-1' });
      }),
    ).toBe('412 leader name does not match');
    expect(
      refusal(() => {
        api(s).switchover({ leader: 'orders-0', candidate: 'orders-7' });
      }),
    ).toBe('412 candidate does not exists');
    expect(
      refusal(() => {
        api(s).switchover({ leader: 'orders-0', candidate: 'orders-0' });
      }),
    ).toBe('400 Switchover target and source are the same');
  });
});

describe('simulated Patroni: synchronous replication', () => {
  const world = useLifecycle();
  const sync = (s: Scenario) => annotations(s, 'orders-sync');

  it('the -sync key holds synchronous_node_count standbys; only they may take over', async () => {
    const s = world.scenario();
    await s.given.cluster({ ...HA, replicas: 4, synchronous: { mode: 'sync', nodeCount: 2 } });
    expect(sync(s)).toMatchObject({ leader: 'orders-0', sync_standby: 'orders-1,orders-2', quorum: '0' });
    const roles = Object.fromEntries(
      api(s)
        .cluster()
        .members.map((m) => [m.name, m.role]),
    );
    expect(roles).toEqual({
      'orders-0': 'leader',
      'orders-1': 'sync_standby',
      'orders-2': 'sync_standby',
      'orders-3': 'replica',
    });
    expect(
      refusal(() => {
        api(s).switchover({ leader: 'orders-0', candidate: 'orders-3' });
      }),
    ).toBe('412 candidate name does not match with sync_standby');
    // A synchronous standby that stops is replaced by the asynchronous one.
    s.when.podDeleted(2);
    await s.step();
    expect(sync(s)['sync_standby']).toBe('orders-1,orders-3');
  });

  it('synchronous mode off: the key is cleared, no member is reported sync_standby', async () => {
    const s = world.scenario();
    await s.given.cluster({ ...HA, synchronous: { mode: 'sync' } });
    expect(sync(s)).toMatchObject({ leader: 'orders-0', sync_standby: 'orders-1' });
    api(s).patchConfig({ synchronous_mode: false });
    await s.step();
    // kubernetes.py delete_sync_state: leader, sync_standby and quorum set to null.
    expect(sync(s)).toEqual({});
    expect(
      api(s)
        .cluster()
        .members.filter((m) => m.role === 'sync_standby'),
    ).toEqual([]);
  });

  it('strict mode: writes wait while no standby is synchronous', async () => {
    const s = world.scenario();
    await s.given.cluster({ ...HA, replicas: 2, synchronous: { mode: 'strict' } });
    expect(s.sim.patroni.write('shop', 'orders', 1_000)).toBe(true);
    s.sim.patroni.crashPostgres('shop', { scope: 'orders', member: 'orders-1' });
    await s.step();
    // ha.py _process_multisync_replication: no candidate → synchronous_standby_names '*'.
    expect(sync(s)).toMatchObject({ leader: 'orders-0' });
    expect(sync(s)).not.toHaveProperty('sync_standby');
    expect(s.sim.patroni.write('shop', 'orders', 1_000)).toBe(false);
    await s.step();
    await s.step();
    expect(sync(s)['sync_standby']).toBe('orders-1');
    expect(s.sim.patroni.write('shop', 'orders', 1_000)).toBe(true);
  });
});
