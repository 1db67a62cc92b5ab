/**
 * A requested switchover in synchronous mode: Patroni 4.0.4 refuses (412) any candidate that is not
 * the synchronous standby (patroni/api.py `is_failover_possible`), so the hook makes no Job for such a
 * target and says whom Patroni would take (`<scope>-sync`, the `sync_standby` annotation Patroni writes,
 * patroni/dcs/kubernetes.py `write_sync_state`); the Job it does make waits for a synchronous standby.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s';
import { planScale } from '../../../../hooks/postgrescluster/day2/scale';
import { planRequestedSwitchover } from '../../../../hooks/postgrescluster/day2/switchover';
import { contextOf, sync, world } from '../../../support/day2-world';

const syncEndpoints = (standby: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: {
    name: 'orders-sync',
    namespace: 'shop',
    annotations: { leader: 'orders-0', sync_standby: standby },
  },
});

const envOf = (job: KubeObject): Record<string, string | undefined> => {
  const env = (
    job['spec'] as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }
  ).template.spec.containers[0]!.env;
  return Object.fromEntries(env.map((v) => [v.name, v.value]));
};

const synchronous = { synchronous: { mode: 'sync' } };

describe('a requested switchover in synchronous mode', () => {
  it('makes no Job for a target that is not the synchronous standby, and names the one Patroni takes', () => {
    const w = world({
      spec: { ...synchronous, switchover: { target: 'orders-2' } },
      related: [syncEndpoints('orders-1')],
    });
    expect(planRequestedSwitchover(contextOf(w))).toBeUndefined();
    expect(sync(w).status['switchover']).toEqual({
      target: 'orders-2',
      phase: 'Pending',
      message:
        'waiting for orders-2 to become the synchronous standby: in synchronous mode Patroni switches over ' +
        'only to it (it is orders-1: ask for orders-1 to switch now)',
    });
  });

  it('makes the Job for the synchronous standby, telling the script the mode', () => {
    const w = world({
      spec: { ...synchronous, switchover: { target: 'orders-1' } },
      related: [syncEndpoints('orders-1')],
    });
    const job = planRequestedSwitchover(contextOf(w))!.children[0]!;
    expect(envOf(job)).toMatchObject({ CANDIDATE: 'orders-1', SYNCHRONOUS: 'true' });
  });

  it('leaves "any" to Patroni, which takes the synchronous standby; the script waits for one', () => {
    const w = world({ spec: { ...synchronous, switchover: {} } });
    const job = planRequestedSwitchover(contextOf(w))!.children[0]!;
    expect(envOf(job)).toMatchObject({ SYNCHRONOUS: 'true' });
    expect(envOf(job)).not.toHaveProperty('CANDIDATE');
  });

  it('does not tell the script about synchronous mode when it is off', () => {
    const w = world({ spec: { switchover: { target: 'orders-2' } }, related: [syncEndpoints('orders-1')] });
    expect(envOf(planRequestedSwitchover(contextOf(w))!.children[0]!)).not.toHaveProperty('SYNCHRONOUS');
  });
});

describe('a scale-down past the primary in synchronous mode', () => {
  const highPrimary = [
    { ordinal: 0, role: 'replica' as const },
    { ordinal: 1, role: 'replica' as const },
    { ordinal: 2, role: 'replica' as const },
    { ordinal: 3, role: 'master' as const },
  ];
  const o = {
    before: { ...synchronous, replicas: 4 },
    spec: { ...synchronous, replicas: 2 },
    members: highPrimary,
  };

  it('holds, saying why, when the synchronous standby goes too: Patroni would refuse any other member', () => {
    const decision = planScale(contextOf(world({ ...o, related: [syncEndpoints('orders-2')] })));
    expect(decision.replicas).toBe(4);
    expect(decision.proposal).toBeUndefined();
    expect(decision.held).toContain('Patroni hands over only to the synchronous standby (orders-2)');
  });

  it('switches over to the synchronous standby when it stays', () => {
    const decision = planScale(contextOf(world({ ...o, related: [syncEndpoints('orders-1')] })));
    expect(envOf(decision.proposal!.children[0]!)).toMatchObject({
      CANDIDATE: 'orders-1',
      SYNCHRONOUS: 'true',
    });
  });
});
