/**
 * Scenarios: PostgreSQL parameter changes. DCS-only parameters go through Patroni (PATCH /config,
 * then a restart of each member that reports pending_restart, replicas first, one at a time); local
 * parameters roll out with the pod template.
 */
import { useLifecycle } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };
const MEMBERS = ['orders-0', 'orders-1', 'orders-2'];

describe('lifecycle: parameters', () => {
  const world = useLifecycle();

  it('a DCS-only parameter: PATCH /config, then restarts replicas first, one at a time, no pod replaced', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.specEdited({ postgresqlParams: { max_connections: 200 } });
    await s.settle();

    const patches = s.then
      .patroniEvents('patch-config')
      .map(
        (e) =>
          (JSON.parse(e.detail ?? '{}') as { postgresql?: { parameters?: unknown } }).postgresql?.parameters,
      );
    expect(patches).toEqual([{ max_connections: '200' }]);
    const restarts = s.then.patroniEvents('restart');
    expect(restarts.map((r) => r.detail)).toEqual(['replica', 'replica', 'primary']);
    expect(restarts.map((r) => r.membersUp)).toEqual([3, 3, 3]);
    for (const m of MEMBERS) expect(s.then.runningParameter(m, 'max_connections')).toBe('200');
    const sawPending = s
      .syncsSinceMark()
      .some((r) =>
        ((r.status?.['members'] ?? []) as { pendingRestart?: boolean }[]).some(
          (m) => m.pendingRestart === true,
        ),
      );
    expect(sawPending).toBe(true);
    expect(s.then.podDeletions()).toEqual([]);
    expect(s.then.patroniEvents('switchover')).toEqual([]);
    s.then.condition('ParametersApplied', { status: 'True', reason: 'Applied' });
    expect(s.then.status()['pendingRestart']).toBeUndefined();
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('a local parameter rolls out with the pods: every member runs the new value, none waits for a restart', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.specEdited({ postgresqlParams: { shared_buffers: '256MB' } });
    await s.settle();

    expect(
      s.then
        .podDeletions()
        .map((d) => d.name)
        .sort(),
    ).toEqual(MEMBERS);
    for (const m of MEMBERS) expect(s.then.runningParameter(m, 'shared_buffers')).toBe('256MB');
    expect(s.then.status().members?.some((m) => m.pendingRestart === true)).toBe(false);
    expect(s.then.fewestReadySinceEvent()).toBeGreaterThanOrEqual(2);
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it("a DCS-only value Patroni's validator would replace by its default is refused; nothing is patched", async () => {
    const s = world.scenario();
    await s.given.cluster({ ...HA, postgresqlParams: { max_connections: 200 } });
    const before = s.then.snapshot({ childrenOnly: true });

    s.when.specEdited({ postgresqlParams: { max_connections: 24 } });
    await s.settle();

    const specValid = s.then.condition('SpecValid', { status: 'False', reason: 'InvalidSpec' });
    expect(specValid.message).toMatch(/spec\.postgresqlParams\.max_connections: .*at least 25.*default 100/);
    expect(s.then.patroniEvents('patch-config')).toEqual([]);
    for (const m of MEMBERS) expect(s.then.runningParameter(m, 'max_connections')).toBe('200');
    s.then.unchangedSince(before);
    s.then.noDataBearingObjectDeleted();
  });
});
