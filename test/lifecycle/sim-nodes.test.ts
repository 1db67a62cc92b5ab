/**
 * The simulation's node lifecycle and endpoints controllers on their own (no hook involved):
 * taint-based eviction from a lost node (sim/nodes.ts) and the Endpoints a controller-manager
 * restart cleans (sim/endpoints.ts). Sources: sim/UPSTREAM.md.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { bareSim } from './sim-world';
import { hasCondition } from './sim/context';
import { ENDPOINT_CONTROLLER, LEADER_ELECTION_ANNOTATION } from './sim/endpoints';
import { NODE_MONITOR_GRACE_SECONDS, TAINT_EVICTION_CONTROLLER } from './sim/nodes';

const NS = 'ns';
const POD = { kind: 'Pod', namespace: NS, name: 'db-0' };

function world(tolerations?: unknown[]) {
  const { clock, store, sim, ticks } = bareSim();
  store.create(
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: NS },
      spec: {
        replicas: 1,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'c', image: 'a' }], ...(tolerations ? { tolerations } : {}) },
        },
      },
    },
    'test',
  );
  ticks(2);
  return { clock, store, sim, ticks };
}

type World = ReturnType<typeof world>;

/** Ticks until the pod is evicted (or `max` seconds went by); returns when, after the loss. */
function evictedAfter(w: World, max: number): number | undefined {
  const lost = w.clock.now;
  w.sim.loseNodeOf(NS, 'db-0');
  while (w.clock.now - lost < max) {
    w.ticks(1);
    if (w.store.get(POD)?.metadata.deletionTimestamp !== undefined) return w.clock.now - lost;
  }
  return undefined;
}

describe('simulated node loss: taint-based eviction', () => {
  it('evicts a pod 300 s after its node is found unreachable; it stays Terminating, unreplaced, until the node returns', () => {
    const w = world();
    const uid = w.store.get(POD)?.metadata.uid;
    const after = evictedAfter(w, 1000);
    // Found unreachable after the monitor grace period, plus the default toleration (first pass after).
    expect(after).toBe(NODE_MONITOR_GRACE_SECONDS + 300 + 5);
    const pod = w.store.get(POD)!;
    expect(hasCondition(pod, 'DisruptionTarget')).toBe(true);
    const eviction = w.store.log.find((c) => c.kind === 'Pod' && c.verb === 'terminate');
    expect(eviction?.actor).toBe(TAINT_EVICTION_CONTROLLER);
    w.ticks(60);
    expect(w.store.list('Pod', NS).map((p) => [p.metadata.name, p.metadata.uid])).toEqual([['db-0', uid]]);
    w.sim.restoreNode('node-0');
    w.ticks(3);
    const back = w.store.get(POD);
    expect(back?.metadata.uid).not.toBe(uid);
    expect(back?.metadata.deletionTimestamp).toBeUndefined();
  });

  it.each([
    [
      'its own tolerationSeconds',
      [
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 30,
        },
      ],
      NODE_MONITOR_GRACE_SECONDS + 30 + 5,
    ],
    ['a toleration without tolerationSeconds: never', [{ operator: 'Exists' }], undefined],
  ])('a pod with %s', (_what, tolerations, after) => {
    const w = world(tolerations);
    expect(evictedAfter(w, 1000)).toBe(after);
  });
});

describe('simulated endpoints controller', () => {
  function endpoints(w: World, name: string, annotations?: Record<string, string>): void {
    w.store.create(
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name, namespace: NS, ...(annotations ? { annotations } : {}) },
      },
      'patroni',
    );
  }
  const service = (w: World, name: string): KubeObject =>
    w.store.create(
      { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: {} },
      'test',
    );
  const names = (w: World) => w.store.list('Endpoints', NS).map((e) => e.metadata.name);

  it('on a restart, deletes Endpoints without a Service, but not a leader-election record', () => {
    const w = world();
    service(w, 'orders');
    service(w, 'orders-config');
    for (const n of ['orders', 'orders-config', 'orders-failover', 'orders-sync']) endpoints(w, n);
    endpoints(w, 'lease', { [LEADER_ELECTION_ANNOTATION]: '{}' });
    w.ticks(2);
    expect(names(w)).toEqual(['lease', 'orders', 'orders-config', 'orders-failover', 'orders-sync']);
    w.sim.restartControllerManager();
    expect(names(w)).toEqual(['lease', 'orders', 'orders-config']);
    const deleted = w.store.log.filter((c) => c.kind === 'Endpoints' && c.verb === 'delete');
    expect(deleted.map((c) => [c.name, c.actor])).toEqual([
      ['orders-failover', ENDPOINT_CONTROLLER],
      ['orders-sync', ENDPOINT_CONTROLLER],
    ]);
  });

  it('a deleted Service takes its Endpoints along', () => {
    const w = world();
    service(w, 'orders');
    endpoints(w, 'orders');
    w.ticks(1);
    w.store.delete({ kind: 'Service', namespace: NS, name: 'orders' }, { actor: 'test' });
    w.ticks(1);
    expect(names(w)).toEqual([]);
  });
});
