/**
 * Patroni's Role names the member pods it may patch (children/role.ts): while a scale-down waits for
 * the primary to move, or the StatefulSet still has more pods than the spec, every pod that runs
 * keeps the right to update its own labels (patroni/dcs/kubernetes.py `Kubernetes.touch_member`), and
 * a removed member that shuts down still writes its last status (patroni/ha.py `Ha.shutdown`).
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s';
import { ofKind, sync, world } from '../../../support/day2-world';

const patchablePods = (children: readonly KubeObject[]): string[] => {
  const role = ofKind(children, 'Role').find((r) => r.metadata.name.endsWith('-patroni'));
  const rules = (role?.['rules'] ?? []) as {
    resources: string[];
    resourceNames?: string[];
    verbs: string[];
  }[];
  return rules.find((r) => r.resources.includes('pods') && r.verbs.includes('patch'))?.resourceNames ?? [];
};
const stsReplicas = (children: readonly KubeObject[]): number =>
  (ofKind(children, 'StatefulSet')[0]?.['spec'] as { replicas: number }).replicas;

describe("Patroni's Role and the StatefulSet's size", () => {
  it('names each member pod of a converged cluster', () => {
    const { children } = sync(world());
    expect(patchablePods(children)).toHaveLength(stsReplicas(children));
  });

  it('keeps the primary above the new size while its scale-down waits for a switchover', () => {
    const w = world({
      before: { replicas: 3 },
      spec: { replicas: 2 },
      members: [
        { ordinal: 0, role: 'replica', xlog: 67_100_000 },
        { ordinal: 1, role: 'replica', xlog: 67_108_000 },
        { ordinal: 2, role: 'master', xlog: 67_108_864 },
      ],
    });
    const { children } = sync(w);
    expect(stsReplicas(children)).toBe(3);
    expect(patchablePods(children)).toEqual([0, 1, 2].map((i) => `${w.parent.metadata.name}-${i}`));
  });

  it('keeps a removed member that is still shutting down, after the StatefulSet shrank', () => {
    const w = world({
      members: [
        { ordinal: 0, role: 'master', xlog: 67_108_864 },
        { ordinal: 1, role: 'replica', xlog: 67_108_000 },
        { ordinal: 2, role: 'replica', xlog: 67_100_000 },
        { ordinal: 3, role: 'replica', xlog: 67_100_000, terminating: true },
      ],
    });
    const { children } = sync(w);
    expect(stsReplicas(children)).toBe(3);
    expect(patchablePods(children)).toContain(`${w.parent.metadata.name}-3`);
  });
});
