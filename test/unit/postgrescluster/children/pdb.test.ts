import { describe, expect, it } from '@jest/globals';
import { buildPodDisruptionBudgets } from '../../../../hooks/postgrescluster/children/pdb.js';
import { commonLabels, podLabels } from '../../../../hooks/postgrescluster/names.js';
import { aCluster } from '../../../support/cluster-fixture.js';

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A label selector as the API server evaluates it (In/NotIn/Exists/DoesNotExist). */
function selects(selector: Selector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabel &&
    (selector.matchExpressions ?? []).every((e) => {
      const v = labels[e.key];
      if (e.operator === 'In') return v !== undefined && (e.values ?? []).includes(v);
      if (e.operator === 'NotIn') return v === undefined || !(e.values ?? []).includes(v);
      if (e.operator === 'Exists') return v !== undefined;
      return v === undefined;
    })
  );
}

const budgets = (replicas: number, primaryReady = true) =>
  buildPodDisruptionBudgets(aCluster().withName('demo').withReplicas(replicas).build(), { primaryReady });

describe('buildPodDisruptionBudgets', () => {
  it('a single member: one budget that lets it be evicted (a drain must not wait for ever)', () => {
    const [only, ...rest] = budgets(1);
    expect(rest).toEqual([]);
    expect(only!.metadata.name).toBe('demo');
    expect(only!.spec).toMatchObject({ maxUnavailable: 1 });
  });

  it.each([
    [2, 0, 1],
    [3, 1, 2],
    [5, 3, 4],
  ])(
    '%d members: the replicas less one stay while the primary is ready (minAvailable %d), all otherwise (%d)',
    (replicas, ready, notReady) => {
      expect(budgets(replicas, true)[0]!.spec).toMatchObject({ minAvailable: ready });
      expect(budgets(replicas, false)[0]!.spec).toMatchObject({ minAvailable: notReady });
      expect(budgets(replicas, true)[0]!.spec).not.toHaveProperty('maxUnavailable');
    },
  );

  it('the primary has its own budget that never allows its eviction', () => {
    const primary = budgets(3)[1]!;
    expect(primary.metadata.name).toBe('demo-primary');
    expect(primary.spec).toMatchObject({ minAvailable: 1 });
  });

  // The eviction API answers 500 for a pod that two budgets select.
  it.each(['master', 'replica', undefined])(
    'a member labelled %s is selected by exactly one budget',
    (role) => {
      const cluster = aCluster().withName('demo').build();
      const labels = { ...podLabels(cluster), ...(role === undefined ? {} : { 'spilo-role': role }) };
      const selecting = budgets(3).filter((b) => selects(b.spec!.selector as Selector, labels));
      expect(selecting.map((b) => b.metadata.name)).toEqual([role === 'master' ? 'demo-primary' : 'demo']);
    },
  );

  it('selects only database pods (never the bootstrap Job or a pooler)', () => {
    const cluster = aCluster().withName('demo').build();
    for (const b of [...budgets(1), ...budgets(3)]) {
      const selector = b.spec!.selector as Selector;
      expect(selects(selector, commonLabels(cluster, 'bootstrap'))).toBe(false);
      expect(
        selects(selector, { ...commonLabels(cluster, 'database'), 'app.kubernetes.io/component': 'pooler' }),
      ).toBe(false);
    }
  });

  it('are policy/v1 objects in the cluster namespace', () => {
    for (const pdb of buildPodDisruptionBudgets(aCluster().withNamespace('prod').withReplicas(3).build(), {
      primaryReady: true,
    })) {
      expect(pdb).toMatchObject({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' });
      expect(pdb.metadata.namespace).toBe('prod');
    }
  });
});
