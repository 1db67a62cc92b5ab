/**
 * The simulated Patroni on its own terms (the hooks run, but the assertions are about what Patroni
 * writes): a switchover in two HA loops with a window without a leader, and a bootstrap that takes
 * time and can fail, and a DCS-only parameter its validator rejects. Each follows Patroni 4.0.4 (see
 * sim/UPSTREAM.md).
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { adminAuth } from './effects/common';
import { PatroniRestError } from './sim/patroni';
import { useLifecycle, type Scenario } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

/** The REST API as an administrator with the cluster's credentials (`patronictl`). */
const admin = (s: Scenario) =>
  s.sim.patroni.api('shop', 'orders').withAuth(adminAuth(s.store, 'shop', 'orders'));
const endpoints = (s: Scenario, name: string) =>
  s.store.get({ kind: 'Endpoints', namespace: 'shop', name })?.metadata.annotations ?? {};
const pod = (s: Scenario, name: string): KubeObject | undefined =>
  s.store.get({ kind: 'Pod', namespace: 'shop', name });
const role = (s: Scenario, name: string) => pod(s, name)?.metadata.labels?.['spilo-role'];
const ready = (s: Scenario, name: string) =>
  (
    (pod(s, name)?.['status'] as { conditions?: { type: string; status: string }[] } | undefined)
      ?.conditions ?? []
  ).some((c) => c.type === 'Ready' && c.status === 'True');

describe('simulated Patroni', () => {
  const world = useLifecycle();

  it('POST /switchover: the leader demotes on its next loop, the candidate takes the lock on the one after', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    admin(s).switchover({ leader: 'orders-0', candidate: 'orders-2' });
    expect(endpoints(s, 'orders-failover')).toMatchObject({ leader: 'orders-0', member: 'orders-2' });
    expect(endpoints(s, 'orders')['leader']).toBe('orders-0');

    await s.step();
    // ha.py Ha.demote: lock released with the last position, kubernetes.py touch_member: no label.
    expect(endpoints(s, 'orders')['leader']).toBeUndefined();
    expect(endpoints(s, 'orders')['optime']).toBeDefined();
    expect(role(s, 'orders-0')).toBeUndefined();
    expect(ready(s, 'orders-0')).toBe(false);
    expect(role(s, 'orders-2')).toBe('replica');
    expect(s.sim.patroni.events.filter((e) => e.type === 'switchover')).toEqual([]);

    await s.step();
    expect(endpoints(s, 'orders')['leader']).toBe('orders-2');
    expect(role(s, 'orders-2')).toBe('master');
    expect(endpoints(s, 'orders-failover')).not.toHaveProperty('leader');
    expect(
      s.sim.patroni.events.filter((e) => e.type === 'switchover').map((e) => [e.detail, e.member]),
    ).toEqual([['orders-0', 'orders-2']]);
    await s.settle();
    expect(role(s, 'orders-0')).toBe('replica');
    expect(s.sim.patroni.events.filter((e) => e.type === 'failover')).toEqual([]);
  });

  it('bootstrap: initialize empty while it runs, no leader lock; a failure removes the key; success writes the system identifier', async () => {
    const s = world.scenario();
    s.sim.patroni.bootstrap.seconds = 600;
    s.sim.patroni.bootstrap.failures = 1;
    await s.given.cluster({ ...HA, replicas: 1 }, { settle: false });
    const member = () => s.sim.patroni.member('shop', { scope: 'orders', member: 'orders-0' });
    while (member()?.state !== 'initializing new cluster' && s.clock.now < 120) await s.step();
    expect(endpoints(s, 'orders-config')['initialize']).toBe('');
    expect(endpoints(s, 'orders')['leader']).toBeUndefined();

    while (member()?.state !== 'initdb failed' && s.clock.now < 1200) await s.step();
    expect(endpoints(s, 'orders-config')).not.toHaveProperty('initialize');

    await s.settle();
    expect(endpoints(s, 'orders-config')['initialize']).toMatch(/^\d+$/);
    expect(endpoints(s, 'orders')['leader']).toBe('orders-0');
    expect(s.sim.patroni.events.filter((e) => e.type === 'bootstrap').map((e) => e.member)).toEqual([
      'orders-0',
    ]);
  });

  // patroni/api.py check_access: the members run with restapi.authentication from pgmeta's Secret.
  it('refuses a write without the credentials (401), and with a wrong password; reads stay open', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const refused = (api: ReturnType<typeof admin>) => {
      try {
        api.switchover({ leader: 'orders-0', candidate: 'orders-2' });
      } catch (err) {
        return err instanceof PatroniRestError ? err.status : err;
      }
      return 'accepted';
    };
    expect(refused(s.sim.patroni.api('shop', 'orders'))).toBe(401);
    expect(refused(admin(s).withAuth({ username: 'pgmeta', password: 'guessed' }))).toBe(401);
    expect(s.sim.patroni.api('shop', 'orders').cluster().members).toHaveLength(3);
    expect(endpoints(s, 'orders-failover')['leader']).toBeUndefined();
  });

  it("a DCS value Patroni's validator rejects: the member runs Patroni's default instead", async () => {
    const s = world.scenario();
    await s.given.cluster({ ...HA, postgresqlParams: { max_connections: 200, wal_keep_size: '1GB' } });
    const api = admin(s);
    // As `patronictl edit-config` would: pgmeta itself refuses these values in the spec.
    api.patchConfig({ postgresql: { parameters: { max_connections: '24', wal_keep_size: '8MB' } } });
    expect(api.restart('orders-1')).toBe(true);
    const member = () => s.sim.patroni.member('shop', { scope: 'orders', member: 'orders-1' });
    await s.step();
    while (member()?.state !== 'running' && s.clock.now < 120) await s.step();
    // patroni/config.py Config._process_postgresql_parameters: dropped, so the defaults of
    // ConfigHandler.CMDLINE_OPTIONS (patroni/postgresql/config.py) apply.
    expect(member()?.running['max_connections']).toBe('100');
    expect(member()?.running['wal_keep_size']).toBe('128MB');
  });

  it('a data directory of another system: Patroni exits and runit starts it again, never initdb over it', async () => {
    const s = world.scenario();
    await s.given.cluster({ ...HA, replicas: 2 });
    const config = s.store.get({ kind: 'Endpoints', namespace: 'shop', name: 'orders-config' });
    if (!config) throw new Error('no orders-config Endpoints');
    const own = config.metadata.annotations?.['initialize'];
    // The key names another system than the one on orders-1's volume (ha.py Ha._run_cycle).
    s.store.update(
      {
        ...config,
        metadata: {
          ...config.metadata,
          annotations: { ...config.metadata.annotations, initialize: '7000000000000000001' },
        },
      },
      'user',
    );
    s.when.podKilled(1);
    const member = () => s.sim.patroni.member('shop', { scope: 'orders', member: 'orders-1' });
    const killedAt = s.clock.now;
    while (member()?.state !== 'start failed' && s.clock.now < killedAt + 60) await s.step();
    expect(member()?.state).toBe('start failed');
    expect(ready(s, 'orders-1')).toBe(false);
    // Spilo's runit starts Patroni again after its back-off, and it fails the same way.
    while (s.clock.now < killedAt + 200) await s.step();
    const mismatches = s.sim.patroni.events.filter((e) => e.type === 'sysid-mismatch');
    expect(mismatches.length).toBeGreaterThan(1);
    expect(new Set(mismatches.map((e) => `${e.member} ${e.detail}`))).toEqual(new Set([`orders-1 ${own}`]));
    expect(s.sim.patroni.events.filter((e) => e.type === 'bootstrap')).toHaveLength(1);
  });
});
