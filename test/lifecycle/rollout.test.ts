/**
 * Scenario: a minor version (image) change in the safe order: replicas first, one at a time, then a
 * switchover, then the former primary; never more than one member down.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { useLifecycle } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };
const NEW_IMAGE = 'ghcr.io/zalando/spilo-17:4.0-p4';

function images(pods: KubeObject[]): string[] {
  return pods.map((p) => (p['spec'] as { containers: { image: string }[] }).containers[0]?.image ?? '');
}

describe('lifecycle: image rollout', () => {
  const world = useLifecycle();

  it('primaryUpdateMethod switchover (default): replicas, then a switchover, then the old primary as a replica', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.specEdited({ image: NEW_IMAGE });
    await s.settle();

    const deletions = s.then.podDeletions();
    expect(deletions.map((d) => d.role)).toEqual(['replica', 'replica', 'replica']);
    expect(deletions.map((d) => d.name)).toEqual(['orders-1', 'orders-2', 'orders-0']);
    const switchovers = s.then.patroniEvents('switchover');
    expect(switchovers.map((e) => e.detail)).toEqual(['orders-0']);
    // Patroni acts before the Job in a pass: the same second means the lock moved first.
    expect(switchovers[0]!.at).toBeLessThanOrEqual(deletions[2]!.at);
    expect(s.then.patroniEvents('failover')).toEqual([]);
    expect(s.then.fewestReadySinceEvent()).toBeGreaterThanOrEqual(2);
    expect(images(s.store.list('Pod', 'shop').filter((p) => /^orders-\d$/.test(p.metadata.name)))).toEqual([
      NEW_IMAGE,
      NEW_IMAGE,
      NEW_IMAGE,
    ]);
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('primaryUpdateMethod restart: replicas first, then the primary pod itself, one failover', async () => {
    const s = world.scenario();
    await s.given.cluster({ ...HA, primaryUpdateMethod: 'restart' });

    s.when.specEdited({ image: NEW_IMAGE });
    await s.settle();

    const deletions = s.then.podDeletions();
    expect(deletions.map((d) => [d.name, d.role])).toEqual([
      ['orders-1', 'replica'],
      ['orders-2', 'replica'],
      ['orders-0', 'master'],
    ]);
    expect(s.then.patroniEvents('switchover')).toEqual([]);
    expect(s.then.patroniEvents('failover')).toHaveLength(1);
    expect(s.then.fewestReadySinceEvent()).toBeGreaterThanOrEqual(2);
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  // When the template changes again while the rollout Job waits for a replaced pod to come back at its
  // target revision, the StatefulSet recreates that pod at the newer revision: the Job must end as
  // superseded within minutes (not wait out its 30-minute member timeout) and the next rollout take over.
  it('a template change during a rollout supersedes it without waiting out a member timeout', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    s.when.specEdited({ postgresqlParams: { work_mem: '8MB' } });
    // Until the rollout Job has its pod: on the next pass its program deletes the first replica, and
    // the hook's sync of that same pass already renders the newer template.
    const jobPod = () =>
      s.store.list('Pod', 'shop').some((p) => p.metadata.name.startsWith('orders-rollout-'));
    for (let i = 0; i < 40 && !jobPod(); i++) await s.step();
    expect(jobPod()).toBe(true);

    s.when.specEdited({ postgresqlParams: { work_mem: '16MB' } });
    const start = s.clock.now;
    await s.settle();

    for (const m of ['orders-0', 'orders-1', 'orders-2'])
      expect(s.then.runningParameter(m, 'work_mem')).toBe('16MB');
    expect(s.clock.now - start).toBeLessThan(600);
  });
});
