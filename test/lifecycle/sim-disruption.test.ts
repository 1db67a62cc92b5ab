/**
 * The simulation's PodDisruptionBudgets, eviction API and `kubectl drain` on their own (no hook):
 * sim/disruption.ts and sim/drain.ts. Sources: sim/UPSTREAM.md.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { bareSim } from './sim-world';
import { DRAIN_RETRY_SECONDS } from './sim/drain';

const NS = 'ns';

/** A StatefulSet `db` of three ready pods (no readiness probe: ready once running). */
function world() {
  const w = bareSim();
  w.store.create(
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: NS },
      spec: {
        replicas: 3,
        serviceName: 'db',
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'a' }] } },
      },
    },
    'test',
  );
  w.ticks(3);
  return w;
}

type World = ReturnType<typeof world>;

function budget(w: World, name: string, spec: Record<string, unknown>): void {
  w.store.create(
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: NS }, spec },
    'test',
  );
  w.ticks(1);
}

const pod = (w: World, name: string): KubeObject => w.store.get({ kind: 'Pod', namespace: NS, name })!;
const status = (w: World, name: string) =>
  w.store.get({ kind: 'PodDisruptionBudget', namespace: NS, name })!['status'] as Record<string, unknown>;
const label = (w: World, name: string, labels: Record<string, string>) => {
  const p = pod(w, name);
  w.store.update({ ...p, metadata: { ...p.metadata, labels: { ...p.metadata.labels, ...labels } } }, 'test');
};

describe('simulated PodDisruptionBudgets and the eviction API', () => {
  it('minAvailable counts the selected pods; one eviction uses the budget up until the pod is back', () => {
    const w = world();
    budget(w, 'db', { minAvailable: 2, selector: { matchLabels: { app: 'db' } } });
    expect(status(w, 'db')).toMatchObject({
      expectedPods: 3,
      currentHealthy: 3,
      desiredHealthy: 2,
      disruptionsAllowed: 1,
    });
    expect(w.sim.disruption.evict(pod(w, 'db-0'), 'test').code).toBe(200);
    expect(w.sim.disruption.evict(pod(w, 'db-1'), 'test').code).toBe(429);
  });

  it('maxUnavailable over part of a StatefulSet expects all its replicas: nothing may go', () => {
    const w = world();
    label(w, 'db-0', { role: 'primary' });
    budget(w, 'replicas', {
      maxUnavailable: 1,
      selector: {
        matchLabels: { app: 'db' },
        matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['primary'] }],
      },
    });
    expect(status(w, 'replicas')).toMatchObject({
      expectedPods: 3,
      currentHealthy: 2,
      desiredHealthy: 2,
      disruptionsAllowed: 0,
    });
    expect(w.sim.disruption.evict(pod(w, 'db-1'), 'test').code).toBe(429);
  });

  it('a pod two budgets select cannot be evicted (500); a pod none selects always can', () => {
    const w = world();
    budget(w, 'a', { minAvailable: 0, selector: { matchLabels: { app: 'db' } } });
    budget(w, 'b', { minAvailable: 0, selector: { matchLabels: { app: 'db' } } });
    expect(w.sim.disruption.evict(pod(w, 'db-0'), 'test').code).toBe(500);
    label(w, 'db-1', { app: 'other' });
    expect(w.sim.disruption.evict(pod(w, 'db-1'), 'test').code).toBe(200);
  });

  it('429 until the disruption controller has seen the budget', () => {
    const w = world();
    w.store.create(
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'db', namespace: NS },
        spec: { minAvailable: 0, selector: { matchLabels: { app: 'db' } } },
      },
      'test',
    );
    expect(w.sim.disruption.evict(pod(w, 'db-0'), 'test').code).toBe(429);
    w.ticks(1);
    expect(w.sim.disruption.evict(pod(w, 'db-0'), 'test').code).toBe(200);
  });
});

describe('simulated kubectl drain', () => {
  it('cordons, retries a refused eviction every 5 s, and ends once the node is empty; new pods avoid the node', () => {
    const w = world();
    budget(w, 'db', { minAvailable: 3, selector: { matchLabels: { app: 'db' } } });
    w.sim.drains.drain('node-0');
    expect(w.store.get({ kind: 'Node', namespace: '', name: 'node-0' })!['spec']).toEqual({
      unschedulable: true,
    });
    w.ticks(3);
    const tries = w.sim.drains.attempts.map((a) => [a.at, a.code]);
    expect(tries.map(([, code]) => code)).toEqual([429, 429, 429]);
    expect(Number(tries[1]![0]) - Number(tries[0]![0])).toBe(DRAIN_RETRY_SECONDS);
    expect(w.sim.drains.running).toBe(1);

    // The budget allows it: the pod goes, comes back elsewhere, and the drain ends.
    const pdb = w.store.get({ kind: 'PodDisruptionBudget', namespace: NS, name: 'db' })!;
    w.store.update({ ...pdb, spec: { ...(pdb['spec'] as object), minAvailable: 2 } }, 'test');
    w.ticks(12);
    expect(w.sim.drains.finished).toEqual([expect.objectContaining({ node: 'node-0' })]);
    expect((pod(w, 'db-0')['spec'] as { nodeName: string }).nodeName).toBe('node-0-1');
  });
});
