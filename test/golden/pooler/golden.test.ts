/**
 * Whole-sync goldens of clusters with PgBouncer poolers: each case's request.yaml through the real
 * hook must give exactly response.yaml (`UPDATE_GOLDEN=1 npx jest test/golden` rewrites them).
 */
import { describeGoldens } from '../../support/golden';
import { clusterHook, request, sync } from '../../support/cluster-world';
import { CASES } from './cases';

describeGoldens({ dir: __dirname, cases: CASES, request, answer: clusterHook });

describe('pooler status', () => {
  const status = (name: string) => sync(CASES[name]!()).status;
  const condition = (name: string) =>
    (status(name)['conditions'] as { type: string; status: string; message: string }[]).find(
      (c) => c.type === 'PoolerReady',
    );

  it('reports each pooler endpoint and its ready pods', () => {
    expect(status('pooler-ready')['pooler']).toEqual({
      readWrite: { host: 'orders-pooler.shop.svc', port: 6432, replicas: 2, readyReplicas: 2 },
      readOnly: { host: 'orders-pooler-ro.shop.svc', port: 6432, replicas: 2, readyReplicas: 2 },
    });
    expect(condition('pooler-ready')?.status).toBe('True');
  });

  it('says which pooler is still waiting for pods', () => {
    expect(condition('pooler-starting')).toMatchObject({
      status: 'False',
      message: 'waiting for PgBouncer pods of readWrite and readOnly',
    });
  });
});
