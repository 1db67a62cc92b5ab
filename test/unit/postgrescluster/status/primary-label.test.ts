/**
 * Who status names primary: Patroni labels the lock holder (Patroni 4.0.4 patroni/dcs/kubernetes.py
 * `Kubernetes.touch_member`, label and status in one patch). A member that starts again on a former
 * primary's data directory reports `role: primary` in its status (patroni/postgresql/__init__.py
 * `get_postgres_role_from_data_directory`) without a label until it holds the lock.
 */
import type { KubeObject } from '../../../../hooks/lib/k8s';
import { memberPod, parentFrom, patroniEndpoints, sync } from '../../../support/cluster-world';

const SPEC = { version: '16', replicas: 2, storage: { size: '10Gi' } };

/** A member whose Patroni wrote `status` with `role` and `state`, and no role label. */
function unlabelled(parent: KubeObject, ordinal: number, o: { role: string; state: string }): KubeObject {
  const pod = memberPod(parent, { ordinal, role: 'replica', ready: false });
  const labels = { ...pod.metadata.labels };
  delete labels['spilo-role'];
  const status = { ...(JSON.parse(pod.metadata.annotations?.['status'] ?? '{}') as object), ...o };
  return { ...pod, metadata: { ...pod.metadata, labels, annotations: { status: JSON.stringify(status) } } };
}

describe('status.primary follows the role label', () => {
  const parent = parentFrom(SPEC);

  it('no lock holder, a former primary starting again (status role primary, no label): no primary', () => {
    const related = [
      unlabelled(parent, 0, { role: 'primary', state: 'starting' }),
      memberPod(parent, { ordinal: 1, role: 'replica' }),
      ...patroniEndpoints(parent, undefined),
    ];
    const out = sync({ parent, children: [], related });
    expect(out.status['primary']).toBeUndefined();
  });

  it('the lock holder is primary whatever its label shows', () => {
    const related = [
      unlabelled(parent, 0, { role: 'primary', state: 'starting' }),
      memberPod(parent, { ordinal: 1, role: 'replica' }),
      ...patroniEndpoints(parent, 'orders-0'),
    ];
    expect(sync({ parent, children: [], related }).status['primary']).toBe('orders-0');
  });
});
