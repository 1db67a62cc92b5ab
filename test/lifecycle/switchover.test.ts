/** Scenarios: a switchover on request, by spec field or annotation, with its result in status. */
import { useLifecycle } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

describe('lifecycle: switchover', () => {
  const world = useLifecycle();

  it('spec.switchover.target moves the primary there, once, and says so in status', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.specEdited({ switchover: { target: 'orders-2' } });
    await s.settle();

    s.then.primary('orders-2');
    expect(s.then.patroniEvents('switchover').map((e) => [e.detail, e.member])).toEqual([
      ['orders-0', 'orders-2'],
    ]);
    expect(s.then.status()['switchover']).toMatchObject({ target: 'orders-2', phase: 'Succeeded' });
    expect(s.then.podDeletions()).toEqual([]);
    expect(s.then.fewestReadySinceEvent()).toBeGreaterThanOrEqual(2);
    s.then.phase('Running');
    await s.then.steadyState();
    expect(s.then.patroniEvents('switchover')).toHaveLength(1);
    s.then.noDataBearingObjectDeleted();
  });

  it('the pgmeta.io/switchover-to annotation "any" moves the primary to a healthy replica', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.annotated({ 'pgmeta.io/switchover-to': 'any' });
    await s.settle();

    const [event] = s.then.patroniEvents('switchover');
    expect(event?.detail).toBe('orders-0');
    expect(['orders-1', 'orders-2']).toContain(event?.member);
    s.then.primary(event?.member ?? '');
    s.then.phase('Running');
    await s.then.steadyState();
  });

  it('a target that is not a member is refused in status and nothing moves', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    s.when.specEdited({ switchover: { target: 'orders-7' } });
    await s.settle();

    expect(s.then.status()['switchover']).toMatchObject({ target: 'orders-7', phase: 'Failed' });
    s.then.primary('orders-0');
    expect(s.then.patroniEvents()).toEqual([]);
    expect(s.then.podDeletions()).toEqual([]);
    expect(s.store.list('Job', 'shop').filter((j) => j.metadata.name.includes('-switchover-'))).toEqual([]);
    await s.then.steadyState();
  });
});
