/**
 * Scenarios: restarting every member without a change, the pgmeta way (`kubectl annotate pgc orders
 * pgmeta.io/restartedAt=...`) and with the operations guide's `kubectl rollout restart sts orders`:
 * each replica is replaced one at a time, then a switchover, then the former primary; never a failover,
 * never two members down; status.restart says how far it is and which restart completed last.
 */
import { useLifecycle, type Scenario } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

function restartedInOrder(s: Scenario): void {
  const deletions = s.then.podDeletions();
  expect(deletions.map((d) => d.role)).toEqual(['replica', 'replica', 'replica']);
  expect(deletions.map((d) => d.name)).toEqual(['orders-1', 'orders-2', 'orders-0']);
  expect(deletions.every((d) => d.by.startsWith('system:serviceaccount:') || d.by.includes('rollout'))).toBe(
    true,
  );
  expect(s.then.patroniEvents('switchover').map((e) => e.detail)).toEqual(['orders-0']);
  expect(s.then.patroniEvents('failover')).toEqual([]);
  expect(s.then.fewestReadySinceEvent()).toBeGreaterThanOrEqual(2);
}

describe('lifecycle: restarts', () => {
  const world = useLifecycle();

  it('pgmeta.io/restartedAt restarts the replicas, then the primary after a switchover', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.annotated({ 'pgmeta.io/restartedAt': '2026-12-01T10:00:00+00:00' });
    await s.settle();

    restartedInOrder(s);
    expect(s.then.status()['restart']).toEqual({
      restartedAt: '2026-12-01T10:00:00+00:00',
      phase: 'Succeeded',
      message: 'every member restarted',
      lastCompleted: '2026-12-01T10:00:00+00:00',
    });
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();

    // The next restart reports the last completed one while it runs.
    s.when.annotated({ 'pgmeta.io/restartedAt': '2026-12-02T10:00:00+00:00' });
    await s.step();
    await s.step();
    expect(s.then.status()['restart']).toMatchObject({
      restartedAt: '2026-12-02T10:00:00+00:00',
      lastCompleted: '2026-12-01T10:00:00+00:00',
    });
    await s.settle();
    expect(s.then.status()['restart']).toMatchObject({
      phase: 'Succeeded',
      lastCompleted: '2026-12-02T10:00:00+00:00',
    });
  });

  it('kubectl rollout restart sts: the same safe order, and the annotation stays on the template', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.rolloutRestart('2026-12-01T11:00:00Z');
    await s.settle();

    restartedInOrder(s);
    const sts = s.store.get({ kind: 'StatefulSet', namespace: 'shop', name: 'orders' })!;
    const annotations = (sts['spec'] as { template: { metadata: { annotations?: Record<string, string> } } })
      .template.metadata.annotations;
    expect(annotations?.['kubectl.kubernetes.io/restartedAt']).toBe('2026-12-01T11:00:00Z');
    expect(s.then.status()['restart']).toMatchObject({
      restartedAt: '2026-12-01T11:00:00Z',
      phase: 'Succeeded',
    });
    s.then.phase('Running');
    await s.then.steadyState();
  });
});
