/**
 * Node drains (day2/drain.ts): the switchover away from a cordoned primary node, its candidate and its
 * status; restarts (day2/restart.ts): the pod template annotations and status.restart; the Nodes the
 * customize hook relates (day2/customize.ts `nodeRules`); the replicas' budget (day2/index.ts).
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s';
import { nodeRules } from '../../../../hooks/postgrescluster/day2/customize';
import { drainCandidate, drainStatus, planDrain } from '../../../../hooks/postgrescluster/day2/drain';
import { restartAnnotations } from '../../../../hooks/postgrescluster/day2/restart';
import type { MemberSpec } from '../../../support/cluster-world';
import { contextOf, observedJob, ofKind, sync, world } from '../../../support/day2-world';

const node = (name: string, cordoned = false): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, uid: `uid-${name}` },
  spec: cordoned ? { unschedulable: true } : {},
});

const syncEndpoints = (standby: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: {
    name: 'orders-sync',
    namespace: 'shop',
    annotations: { leader: 'orders-0', sync_standby: standby },
  },
});

const MEMBERS: MemberSpec[] = [
  { ordinal: 0, role: 'master', xlog: 67_108_864 },
  { ordinal: 1, role: 'replica', xlog: 67_100_000 },
  { ordinal: 2, role: 'replica', xlog: 67_108_000 },
];

const cordoned = (...names: string[]) =>
  ['node-0', 'node-1', 'node-2'].map((n) => node(n, names.includes(n)));
const target = (p: ReturnType<typeof planDrain>) =>
  p?.children[0]?.metadata.annotations?.['pgmeta.io/switchover-target'];

describe('planDrain', () => {
  it('nothing while no member node is cordoned, or only a replica node is', () => {
    expect(planDrain(contextOf(world({ members: MEMBERS, related: cordoned() })))).toBeUndefined();
    expect(planDrain(contextOf(world({ members: MEMBERS, related: cordoned('node-2') })))).toBeUndefined();
  });

  it('the primary node cordoned: a switchover Job to the replica with the least lag, reason drain', () => {
    const p = planDrain(contextOf(world({ members: MEMBERS, related: cordoned('node-0') })));
    expect(target(p)).toBe('orders-2');
    expect(p?.children[0]?.metadata.annotations).toMatchObject({
      'pgmeta.io/switchover-reason': 'drain',
      'pgmeta.io/switchover-from': 'orders-0',
    });
  });

  it('never a replica on a cordoned node', () => {
    expect(
      target(planDrain(contextOf(world({ members: MEMBERS, related: cordoned('node-0', 'node-2') })))),
    ).toBe('orders-1');
  });

  it('synchronous mode: only the synchronous standby, even when another replica is ahead', () => {
    const w = world({
      spec: { synchronous: { mode: 'sync' } },
      members: MEMBERS,
      related: [...cordoned('node-0'), syncEndpoints('orders-1')],
    });
    expect(target(planDrain(contextOf(w)))).toBe('orders-1');
    const standbyAway = world({
      spec: { synchronous: { mode: 'sync' } },
      members: MEMBERS,
      related: [...cordoned('node-0', 'node-1'), syncEndpoints('orders-1')],
    });
    expect(planDrain(contextOf(standbyAway))).toBeUndefined();
    expect(drainCandidate(contextOf(standbyAway))).toEqual({
      blocked: expect.stringContaining('synchronous standby (orders-1)'),
    });
  });

  it('waits while another member is down: the switchover restarts the primary as a replica', () => {
    const down = MEMBERS.map((m) => (m.ordinal === 1 ? { ...m, ready: false } : m));
    const ctx = contextOf(world({ members: down, related: cordoned('node-0') }));
    expect(planDrain(ctx)).toBeUndefined();
    expect(drainStatus(ctx, [])).toMatchObject({
      node: 'node-0',
      phase: 'Pending',
      message: expect.stringContaining('every member to be ready'),
    });
  });

  it('keeps its Job, finished too, while the primary it was made against still is the primary', () => {
    const first = world({ members: MEMBERS, related: cordoned('node-0') });
    const made = planDrain(contextOf(first))!.children[0]!;
    const failed = world({
      members: MEMBERS,
      related: cordoned('node-0'),
      extraChildren: [observedJob(made, first.parent, 'failed')],
    });
    expect(planDrain(contextOf(failed))?.existing?.metadata.name).toBe(made.metadata.name);
    expect(drainStatus(contextOf(failed), [])).toMatchObject({ phase: 'Failed' });
  });
});

describe('the replicas budget in a sync', () => {
  const budget = (w: ReturnType<typeof world>) =>
    ofKind(sync(w).children, 'PodDisruptionBudget').find((b) => b.metadata.name === 'orders')!['spec'];

  it('one replica may go while the primary is ready and nothing runs; none while a switchover Job is made', () => {
    expect(budget(world({ members: MEMBERS, related: cordoned() }))).toMatchObject({ minAvailable: 1 });
    expect(budget(world({ members: MEMBERS, related: cordoned('node-0') }))).toMatchObject({
      minAvailable: 2,
    });
    const noPrimary = MEMBERS.map((m) => (m.ordinal === 0 ? { ...m, ready: false } : m));
    expect(budget(world({ members: noPrimary }))).toMatchObject({ minAvailable: 2 });
  });
});

describe('nodeRules', () => {
  const parent = (status: unknown): KubeObject => ({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'orders' },
    status,
  });

  it('names the nodes of status.nodes, sorted and unique', () => {
    expect(nodeRules(parent({ nodes: ['b', 'a', 'b'] }))).toEqual([
      { apiVersion: 'v1', resource: 'nodes', names: ['a', 'b'] },
    ]);
  });

  // names: [] would relate every Node of the Kubernetes cluster.
  it.each([undefined, {}, { nodes: [] }, { nodes: [''] }, { nodes: 'node-0' }])(
    'no rule for status %j',
    (status) => {
      expect(nodeRules(parent(status))).toEqual([]);
    },
  );
});

describe('restarts', () => {
  const template = (annotations: Record<string, string>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'orders' },
    spec: { template: { metadata: { annotations } } },
  });
  const parent = (annotations?: Record<string, string>): KubeObject => ({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'orders', ...(annotations ? { annotations } : {}) },
  });

  it("carries the parent's request and kubectl's annotation, nothing else", () => {
    expect(restartAnnotations(parent(), undefined)).toEqual({});
    expect(restartAnnotations(parent({ 'pgmeta.io/restartedAt': ' ' }), undefined)).toEqual({});
    expect(
      restartAnnotations(
        parent({ 'pgmeta.io/restartedAt': 't1' }),
        template({ 'kubectl.kubernetes.io/restartedAt': 't2', other: 'x' }),
      ),
    ).toEqual({ 'pgmeta.io/restartedAt': 't1', 'kubectl.kubernetes.io/restartedAt': 't2' });
  });

  it('the StatefulSet template gets the annotation; status says the template is being changed', () => {
    const res = sync(world({ annotations: { 'pgmeta.io/restartedAt': 't1' } }));
    const sts = ofKind(res.children, 'StatefulSet')[0]!;
    expect(
      (sts['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata
        .annotations,
    ).toMatchObject({
      'pgmeta.io/restartedAt': 't1',
    });
    expect(res.status['restart']).toMatchObject({ restartedAt: 't1', phase: 'Pending' });
  });
});
