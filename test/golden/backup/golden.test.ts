/**
 * Backup and restore goldens of the PostgresCluster hook: each case's request.yaml through the real
 * hook must give exactly response.yaml (`UPDATE_GOLDEN=1` rewrites both; review the YAML diff).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { describeGoldens } from '../../support/golden';
import { clusterHook, request, sync } from '../../support/cluster-world';
import { CASES } from './cases';

describeGoldens({ dir: __dirname, cases: CASES, request, answer: clusterHook });

const statefulSet = (children: KubeObject[]) => children.find((c) => c.kind === 'StatefulSet');

describe('missing credentials', () => {
  it('leave the StatefulSet of an existing cluster running exactly what it ran (only the spec record changes)', () => {
    const world = CASES['missing-secret']!();
    const withoutBackup = { ...(world.parent['spec'] as object), backup: undefined };
    const before = statefulSet(sync({ ...world, parent: { ...world.parent, spec: withoutBackup } }).children);
    expect(statefulSet(sync(world).children)?.['spec']).toEqual(before?.['spec']);
  });

  it('hold back the StatefulSet of a cluster that must be restored', () => {
    expect(statefulSet(sync(CASES['restore-missing-secret']!()).children)).toBeUndefined();
  });
});
