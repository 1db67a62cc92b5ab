import { describe, expect, it } from '@jest/globals';
import { buildPodDisruptionBudget } from '../../../../hooks/postgrescluster/children/pdb.js';
import { commonLabels, podLabels } from '../../../../hooks/postgrescluster/names.js';
import { aCluster } from '../../../support/cluster-fixture.js';

describe('buildPodDisruptionBudget', () => {
  it.each([1, 2, 3, 5])('lets at most one of %d members be evicted at a time', (replicas) => {
    const pdb = buildPodDisruptionBudget(aCluster().withReplicas(replicas).build());
    expect(pdb.spec?.maxUnavailable).toBe(1);
    expect(pdb.spec).not.toHaveProperty('minAvailable');
  });

  it('selects only database pods (never the bootstrap Job or a future pooler)', () => {
    const cluster = aCluster().withName('demo').build();
    const selector = buildPodDisruptionBudget(cluster).spec?.selector?.matchLabels ?? {};
    const matches = (labels: Record<string, string>): boolean =>
      Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect(matches(podLabels(cluster))).toBe(true);
    expect(matches(commonLabels(cluster, 'bootstrap'))).toBe(false);
    expect(matches({ ...commonLabels(cluster, 'database'), 'app.kubernetes.io/component': 'pooler' })).toBe(
      false,
    );
  });

  it('is a policy/v1 object in the cluster namespace', () => {
    const pdb = buildPodDisruptionBudget(aCluster().withNamespace('prod').build());
    expect(pdb).toMatchObject({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' });
    expect(pdb.metadata.namespace).toBe('prod');
  });
});
