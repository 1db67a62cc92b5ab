/**
 * Paused and stopped clusters, refused major upgrades and deletion cleanup. One disruptive operation at
 * a time, the frozen bootstrap section and the StorageClass rules are in lifecycle-arbitrate.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s';
import { resolveLifecycle } from '../../../../hooks/postgrescluster/day2/lifecycle';
import { majorUpgradeMessage } from '../../../../hooks/postgrescluster/day2/major';
import { planRollout } from '../../../../hooks/postgrescluster/day2/rollout';
import { applied, statefulSetStatus } from '../../../support/apiserver';
import { appliedChildren, parentFrom, relatedFor } from '../../../support/cluster-world';
import { conditionOf, contextOf, HA, observedJob, ofKind, sync, world } from '../../../support/day2-world';

const sts = (children: readonly KubeObject[]) => ofKind(children, 'StatefulSet')[0]!;
const stsSpec = (children: readonly KubeObject[]) => sts(children)['spec'] as Record<string, unknown>;
const names = (children: readonly KubeObject[]) => children.map((c) => `${c.kind}/${c.metadata.name}`).sort();

describe('resolveLifecycle', () => {
  it.each([
    [{}, { paused: false, stopped: false, primaryUpdateMethod: 'switchover' }],
    [
      { paused: true, stopped: true, primaryUpdateMethod: 'restart', switchover: {} },
      { paused: true, stopped: true, primaryUpdateMethod: 'restart', switchover: {} },
    ],
    [
      { switchover: { target: 'db-1' } },
      { paused: false, stopped: false, primaryUpdateMethod: 'switchover', switchover: { target: 'db-1' } },
    ],
  ])('%j → %j', (fields, expected) => {
    expect(resolveLifecycle({ version: '16', storage: { size: '1Gi' }, ...fields } as never)).toEqual(
      expected,
    );
  });
});

describe('spec.paused', () => {
  const edits = { paused: true, replicas: 5, postgresqlParams: { work_mem: '8MB', max_connections: 300 } };

  it('returns exactly the children the last valid spec rendered, and says Paused', () => {
    const unpaused = sync(world());
    const paused = sync(world({ before: {}, spec: edits }));
    expect(paused.children).toEqual(unpaused.children);
    expect(conditionOf(paused.status, 'Paused')).toMatchObject({ status: 'True', reason: 'Paused' });
  });

  it('keeps running operation Jobs (and their accounts) as they are, and starts none', () => {
    const rolling = {
      spec: { image: 'ghcr.io/zalando/spilo-17:4.0-p4' },
      sts: { revision: 'orders-7c6b5a4d3e', updated: 0 },
    };
    const first = world(rolling);
    const made = planRollout(contextOf(first))!.children;
    const observed = [
      observedJob(made[0]!, first.parent, 'active'),
      ...made.slice(1).map((c) => applied(c, first.parent)),
    ];
    const paused = sync(
      world({
        ...rolling,
        before: rolling.spec,
        spec: { ...rolling.spec, paused: true },
        extraChildren: observed,
      }),
    );
    expect(names(paused.children)).toEqual(expect.arrayContaining(names(made)));
    const params = world({
      ...rolling,
      before: rolling.spec,
      spec: { ...rolling.spec, paused: true, postgresqlParams: { max_connections: 300 } },
    });
    expect(ofKind(sync(params).children, 'Job').map((j) => j.metadata.name)).not.toContainEqual(
      expect.stringContaining('-params-'),
    );
  });

  it('keeps the StatefulSet at its observed size (a held scale-down stays held)', () => {
    const w = world({
      before: { replicas: 3 },
      spec: { replicas: 2, paused: true },
      sts: { specReplicas: 3 },
    });
    expect(stsSpec(sync(w).children)['replicas']).toBe(3);
  });

  it('creates nothing for a new cluster created paused', () => {
    const parent = parentFrom({ ...HA, paused: true });
    expect(sync({ parent, children: [], related: [] }).children).toEqual([]);
  });
});

describe('spec.stopped', () => {
  it('scales the StatefulSet to zero keeping the volumes, Secrets and Services', () => {
    const result = sync(world({ spec: { stopped: true } }));
    expect(stsSpec(result.children)).toMatchObject({
      replicas: 0,
      persistentVolumeClaimRetentionPolicy: { whenScaled: 'Retain' },
    });
    expect(names(result.children)).toEqual(
      expect.arrayContaining([
        'Secret/orders-app',
        'Secret/orders-superuser',
        'Service/orders',
        'Service/orders-members',
      ]),
    );
    expect(result.status['phase']).toBe('Scaling');
    expect(conditionOf(result.status, 'Ready')).toMatchObject({ reason: 'Stopping' });
  });

  it('is Stopped once no member pod is left', () => {
    const parent = parentFrom({ ...HA, stopped: true });
    const children = appliedChildren(parentFrom(HA)).map((c) =>
      c.kind === 'StatefulSet' ? { ...c, status: statefulSetStatus(c, { replicas: 0, ready: 0 }) } : c,
    );
    const result = sync({ parent, children, related: relatedFor(parent, [], [0, 1, 2]) });
    expect(result.status['phase']).toBe('Stopped');
    expect(conditionOf(result.status, 'Ready')).toMatchObject({ status: 'False', reason: 'Stopped' });
    expect(conditionOf(result.status, 'Degraded')).toMatchObject({ status: 'False' });
  });
});

describe('major version upgrades', () => {
  it('are refused when the cluster holds data: SpecValid False with the procedure, children unchanged', () => {
    const before = sync(world());
    const raised = sync(world({ before: {}, spec: { version: '17' } }));
    expect(raised.children).toEqual(before.children);
    expect(conditionOf(raised.status, 'SpecValid')).toMatchObject({
      status: 'False',
      message: `spec.version: ${majorUpgradeMessage('16', '17')}`,
    });
  });

  it('are applied to a cluster that never bootstrapped and has no volume', () => {
    const parent = parentFrom({ ...HA, version: '17' });
    const children = appliedChildren(parentFrom(HA));
    const result = sync({ parent, children, related: [] });
    expect(conditionOf(result.status, 'SpecValid')).toMatchObject({ status: 'True' });
    expect(JSON.stringify(sts(result.children))).toContain('"PGVERSION","value":"17"');
  });
});

describe('finalize', () => {
  const deleting = () => {
    const parent = parentFrom(HA);
    return { ...parent, metadata: { ...parent.metadata, deletionTimestamp: '2026-11-21T09:58:00Z' } };
  };
  const stoppedChildren = (parent: KubeObject) =>
    appliedChildren(parent).map((c) =>
      c.kind === 'StatefulSet'
        ? {
            ...c,
            spec: { ...(c['spec'] as object), replicas: 0 },
            status: statefulSetStatus({ ...c, spec: { replicas: 0 } }, { replicas: 0, ready: 0 }),
          }
        : c,
    );

  it('makes no cleanup Job while members still run', () => {
    const parent = deleting();
    const result = sync({
      parent,
      children: appliedChildren(parent),
      related: relatedFor(parent, [{ ordinal: 0, role: 'master' }]),
      finalizing: true,
    });
    expect(result.finalized).toBe(false);
    expect(names(result.children).some((n) => n.includes('cleanup'))).toBe(false);
  });

  it("runs the cleanup Job once the pods are gone, and finishes only when Patroni's Endpoints are gone", () => {
    const parent = deleting();
    const children = stoppedChildren(parent);
    const left = sync({ parent, children, related: relatedFor(parent, [], [0]), finalizing: true });
    expect(left.finalized).toBe(false);
    expect(names(left.children)).toEqual(
      expect.arrayContaining([
        'Role/orders-cleanup',
        'RoleBinding/orders-cleanup',
        'ServiceAccount/orders-cleanup',
      ]),
    );
    const role = left.children.find(
      (c) => c.kind === 'Role' && c.metadata.name === 'orders-cleanup',
    ) as KubeObject & {
      rules: unknown;
    };
    expect(role.rules).toEqual([
      {
        apiGroups: [''],
        resources: ['endpoints'],
        resourceNames: ['orders-config', 'orders-failover', 'orders-sync'],
        verbs: ['delete'],
      },
      { apiGroups: [''], resources: ['services'], resourceNames: ['orders-config'], verbs: ['delete'] },
    ]);
    const leaderOnly = relatedFor(parent, [], [0]).filter((r) => r.metadata.name !== 'orders-config');
    expect(sync({ parent, children, related: leaderOnly, finalizing: true }).finalized).toBe(true);
  });
});
