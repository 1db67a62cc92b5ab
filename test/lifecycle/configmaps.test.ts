/**
 * Scenarios of Patroni's ConfigMaps DCS (`spec.patroni.dcs: configmaps`): create, failover,
 * switchover and delete, with the simulated Patroni keeping its keys in ConfigMaps the way
 * patroni/dcs/kubernetes.py v4.0.4 does (sim/patroni-dcs.ts), under the Role pgmeta renders: any call
 * Patroni makes that the Role does not allow stops the scenario.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { matches } from './lib/selectors';
import { useLifecycle, type Scenario } from './scenario';

const CM = { version: '16', replicas: 3, storage: { size: '10Gi' }, patroni: { dcs: 'configmaps' } };

const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name).sort();

/** Pods the primary Service sends clients to: its selector's ready, running pods. */
function primaryBackends(s: Scenario): string[] {
  const svc = s.store.get({ kind: 'Service', namespace: 'shop', name: 'orders' });
  const selector = (svc?.['spec'] as { selector?: Record<string, string> } | undefined)?.selector;
  if (!selector) return [];
  return s.store
    .list('Pod', 'shop')
    .filter(
      (p) =>
        matches({ matchLabels: selector }, p.metadata.labels) &&
        p.metadata.deletionTimestamp === undefined &&
        (
          (p['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []
        ).some((c) => c.type === 'Ready' && c.status === 'True'),
    )
    .map((p) => p.metadata.name);
}

const leaderOf = (s: Scenario) =>
  s.store.get({ kind: 'ConfigMap', namespace: 'shop', name: 'orders-leader' })?.metadata.annotations?.[
    'leader'
  ];

describe('lifecycle: ConfigMaps DCS', () => {
  const world = useLifecycle();

  it('create: Running, Patroni keeps its keys in ConfigMaps and writes no Endpoints at all', async () => {
    const s = world.scenario();
    await s.given.cluster(CM);

    s.then.phase('Running');
    s.then.primary('orders-0');
    expect(leaderOf(s)).toBe('orders-0');
    const patroniConfigMaps = s.store
      .list('ConfigMap', 'shop')
      .filter((c) => c.metadata.labels?.['application'] === 'spilo');
    expect(names(patroniConfigMaps)).toEqual(['orders-config', 'orders-leader']);
    expect(s.store.log.filter((c) => c.kind === 'Endpoints' && c.actor === 'patroni')).toEqual([]);
    // No `-config` Service either: Patroni makes it only for its Endpoints (`_create_config_service`).
    expect(s.store.get({ kind: 'Service', namespace: 'shop', name: 'orders-config' })).toBeUndefined();
    expect(primaryBackends(s)).toEqual(['orders-0']);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('failover: a deleted primary, the lock moves in the ConfigMap, the Service follows the label', async () => {
    const s = world.scenario();
    await s.given.cluster(CM);
    s.when.replicaLags(2, 4096);
    await s.settle();

    s.when.podDeleted(0);
    await s.settle();

    s.then.phaseSequence(['Degraded', 'Recovering', 'Running']);
    expect(s.then.patroniEvents('failover').map((e) => e.member)).toEqual(['orders-1']);
    s.then.primary('orders-1');
    expect(leaderOf(s)).toBe('orders-1');
    expect(primaryBackends(s)).toEqual(['orders-1']);
    expect(s.then.status().members?.map((m) => [m.name, m.role, m.timeline])).toEqual([
      ['orders-0', 'replica', 2],
      ['orders-1', 'primary', 2],
      ['orders-2', 'replica', 2],
    ]);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('a lost node: the stale label stays, but the unready pod leaves the Service and status follows the lock', async () => {
    const s = world.scenario();
    await s.given.cluster(CM);

    const node = s.when.nodeLost(0);
    await s.settle();

    expect(s.then.patroniEvents('failover').map((e) => e.member)).toEqual(['orders-1']);
    s.then.primary('orders-1');
    expect(primaryBackends(s)).toEqual(['orders-1']);
    s.when.nodeRestored(node);
    await s.settle();
    s.then.phase('Running');
    s.then.primary('orders-1');
    expect(primaryBackends(s)).toEqual(['orders-1']);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('a switchover asked by annotation moves the lock and the Service', async () => {
    const s = world.scenario();
    await s.given.cluster(CM);

    s.when.annotated({ 'pgmeta.io/switchover-to': 'orders-2' });
    await s.settle();

    s.then.primary('orders-2');
    expect(leaderOf(s)).toBe('orders-2');
    expect(primaryBackends(s)).toEqual(['orders-2']);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it("Patroni's keys survive a controller-manager restart (no Service keeps a ConfigMap alive)", async () => {
    const s = world.scenario();
    await s.given.cluster({ ...CM, synchronous: { mode: 'sync' } });
    const before = names(s.store.list('ConfigMap', 'shop'));
    expect(before).toContain('orders-sync');

    s.sim.restartControllerManager();
    await s.settle();

    expect(names(s.store.list('ConfigMap', 'shop'))).toEqual(before);
    s.then.phase('Running');
    await s.then.steadyState();
  });

  it('delete: the cleanup Job removes all four ConfigMaps, the leader too; nothing is left', async () => {
    const s = world.scenario();
    await s.given.cluster({ ...CM, synchronous: { mode: 'sync' } });
    s.when.annotated({ 'pgmeta.io/switchover-to': 'orders-1' });
    await s.settle();
    expect(names(s.store.list('ConfigMap', 'shop'))).toEqual(
      expect.arrayContaining(['orders-config', 'orders-leader', 'orders-sync']),
    );

    s.when.clusterDeleted();
    await s.settle();

    expect(s.parent()).toBeUndefined();
    expect(s.store.list('ConfigMap', 'shop')).toEqual([]);
    expect(s.store.list('Endpoints', 'shop')).toEqual([]);
    expect(s.store.list('Service', 'shop')).toEqual([]);
    expect(s.store.list('Pod', 'shop')).toEqual([]);
    s.then.noDataBearingObjectDeleted({ afterClusterDeletion: true });
    s.then.noErrors();
  });
});
