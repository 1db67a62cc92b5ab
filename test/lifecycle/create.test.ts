/** Scenario: a new cluster goes from nothing to Running, and then stays quiet. */
import { useLifecycle } from './scenario';

describe('lifecycle: create', () => {
  const world = useLifecycle();

  it('a three-member cluster reaches Running with one primary and two streaming replicas', async () => {
    const s = world.scenario();
    await s.given.cluster({ version: '16', replicas: 3, storage: { size: '10Gi' } });

    s.then.phase('Running');
    s.then.primary('orders-0');
    expect(s.then.podNames()).toEqual(['orders-0', 'orders-1', 'orders-2']);
    expect(s.then.pvcNames()).toEqual(['pgdata-orders-0', 'pgdata-orders-1', 'pgdata-orders-2']);
    const st = s.then.status();
    expect(st.members?.map((m) => [m.name, m.role, m.ready])).toEqual([
      ['orders-0', 'primary', true],
      ['orders-1', 'replica', true],
      ['orders-2', 'replica', true],
    ]);
    expect(st.observedGeneration).toBe(1);
    s.then.condition('Ready', { status: 'True', reason: 'AllMembersReady' });
    expect(s.sim.jobs.finished.map((j) => j.outcome)).toEqual(['Complete']);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });
});
