/**
 * Scenarios: day-2 operations together and in sequence (hooks/postgrescluster/day2). Changes that
 * each need members to restart run one after the other, never taking a second member down; a raised
 * major version is refused; a volume added after a growth is grown too; a switchover can be asked
 * for again; a rollout paused half-way resumes where it stopped.
 */
import { useLifecycle } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };
const IMAGE = 'ghcr.io/zalando/spilo-17:4.0-p4';

describe('lifecycle: day-2 operations', () => {
  const world = useLifecycle();

  it('a DCS parameter and an image change at once: one operation at a time, never two members down', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.specEdited({ image: IMAGE, postgresqlParams: { max_connections: 300 } });
    await s.settle();

    // Each member restarted through Patroni and replaced once for the image; never below two ready.
    expect(s.then.fewestReadySinceEvent()).toBeGreaterThanOrEqual(2);
    expect(s.then.patroniEvents('restart').every((r) => r.membersUp === 3)).toBe(true);
    expect(
      s.then
        .podDeletions()
        .map((d) => d.name)
        .sort(),
    ).toEqual(['orders-0', 'orders-1', 'orders-2']);
    for (const m of ['orders-0', 'orders-1', 'orders-2'])
      expect(s.then.runningParameter(m, 'max_connections')).toBe('300');
    // Both changes waited for each other: some sync said so.
    const waited = s.syncsSinceMark().some((r) => {
      const rollout = r.status?.['rollout'] as { message?: string } | undefined;
      const params = ((r.status?.['conditions'] ?? []) as { type: string; reason: string }[]).find(
        (c) => c.type === 'ParametersApplied',
      );
      return rollout?.message === 'waits for another operation to finish' || params?.reason === 'Waiting';
    });
    expect(waited).toBe(true);
    s.then.condition('ParametersApplied', { status: 'True', reason: 'Applied' });
    expect(s.then.status()['rollout']).toBeUndefined();
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('a major version upgrade of a cluster with data is refused in status and changes nothing', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const before = s.then.snapshot({ childrenOnly: true });

    s.when.specEdited({ version: '17' });
    await s.settle();

    const refused = s.then.condition('SpecValid', { status: 'False', reason: 'InvalidSpec' });
    expect(refused.message).toMatch(/spec\.version: cannot upgrade from PostgreSQL 16 to 17 in place/);
    s.then.unchangedSince(before);
    expect(s.then.podDeletions()).toEqual([]);
    s.then.phase('Running');
    await s.then.steadyState();

    s.when.specEdited({ version: '16' });
    await s.settle();
    s.then.condition('SpecValid', { status: 'True' });
    s.then.unchangedSince(before);
    s.then.noDataBearingObjectDeleted();
  });

  it('a member added after a volume growth gets its volume grown too', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.specEdited({ storage: { size: '20Gi' } });
    await s.settle();
    s.when.specEdited({ replicas: 4 });
    await s.settle();

    const sizes = s.store
      .list('PersistentVolumeClaim', 'shop')
      .map((p) => [
        p.metadata.name,
        (p['spec'] as { resources: { requests: { storage: string } } }).resources.requests.storage,
      ]);
    expect(sizes).toEqual([0, 1, 2, 3].map((i) => [`pgdata-orders-${i}`, '20Gi']));
    expect(s.then.status()['storage']).toMatchObject({ size: '20Gi' });
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('a switchover request runs once; removing and setting it again asks for another', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.annotated({ 'pgmeta.io/switchover-to': 'any' });
    await s.settle();
    const first = s.then.status().primary;
    expect(first).not.toBe('orders-0');
    expect(s.then.status()['switchover']).toMatchObject({ target: 'any', phase: 'Succeeded' });
    await s.then.steadyState();
    expect(s.then.status().primary).toBe(first);

    s.when.annotated({ 'pgmeta.io/switchover-to': null });
    await s.settle();
    expect(s.then.status()['switchover']).toBeUndefined();
    expect(s.then.patroniEvents('switchover')).toEqual([]);
    s.when.annotated({ 'pgmeta.io/switchover-to': 'any' });
    await s.settle();
    expect(s.then.status().primary).not.toBe(first);
    expect(s.then.patroniEvents('switchover')).toHaveLength(1);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('paused before an image change: nothing rolls until unpaused', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    s.when.specEdited({ paused: true });
    await s.settle();
    const before = s.then.snapshot({ childrenOnly: true });

    s.when.specEdited({ image: IMAGE });
    await s.settle();
    s.then.condition('Paused', { status: 'True' });
    s.then.unchangedSince(before);
    expect(s.then.podDeletions()).toEqual([]);

    s.when.specEdited({ paused: null });
    await s.settle();
    expect(s.then.podDeletions()).toHaveLength(3);
    expect(s.then.fewestReadySinceEvent()).toBeGreaterThanOrEqual(2);
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('paused while a rollout runs: its Job is kept (not deleted half-way) and finishes', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.specEdited({ image: IMAGE });
    for (let i = 0; i < 6; i++) await s.step();
    const running = s.store.list('Job', 'shop').filter((j) => j.metadata.name.startsWith('orders-rollout-'));
    expect(running).toHaveLength(1);
    s.when.specEdited({ paused: true });
    await s.settle();
    s.then.condition('Paused', { status: 'True' });
    const kept = s.store.list('Job', 'shop').filter((j) => j.metadata.name.startsWith('orders-rollout-'));
    expect(kept.map((j) => j.metadata.uid)).toEqual(running.map((j) => j.metadata.uid));
    expect(s.then.status()['rollout']).toBeUndefined();

    s.when.specEdited({ paused: null });
    await s.settle();
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });
});
