/** Rollouts of a new template in the safe order, and storage growth. */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s';
import { planRollout, revisionHash, staleMembers } from '../../../../hooks/postgrescluster/day2/rollout';
import {
  expansionRefusal,
  planResize,
  smallerThan,
  storageClassOf,
  volumes,
} from '../../../../hooks/postgrescluster/day2/storage';
import { storageClass } from '../../../golden/postgrescluster/day2-cases';
import { conditionOf, contextOf, observedJob, ofKind, sync, world } from '../../../support/day2-world';

const NEW = 'orders-7c6b5a4d3e';
const rolling = { spec: { image: 'ghcr.io/zalando/spilo-17:4.0-p4' }, sts: { revision: NEW, updated: 0 } };
const rulesOf = (children: readonly KubeObject[], name: string) =>
  (children.find((c) => c.kind === 'Role' && c.metadata.name === name) as { rules?: unknown } | undefined)
    ?.rules;

describe('revisionHash', () => {
  it.each([
    ['orders', 'orders-7c6b5a4d3e', '7c6b5a4d3e'],
    ['orders', 'orders-5d8f7c9b6d', '5d8f7c9b6d'],
    ['orders', 'other-7c6b5a4d3e', expect.stringMatching(/^[0-9a-f]{8}$/)],
    ['orders', 'orders-NOT_DNS', expect.stringMatching(/^[0-9a-f]{8}$/)],
  ])('%s, %s → %s', (sts, revision, hash) => {
    expect(revisionHash(sts, revision)).toEqual(hash);
  });
});

describe('planRollout', () => {
  it('makes no Job while every member runs the update revision', () => {
    const ctx = contextOf(world());
    expect(staleMembers(ctx)).toEqual([]);
    expect(planRollout(ctx)).toBeUndefined();
  });

  it('makes no Job before the StatefulSet controller has seen the new template', () => {
    const ctx = contextOf(world(rolling));
    const stale = {
      ...ctx,
      facts: { ...ctx.facts, statefulSet: { ...ctx.facts.statefulSet!, current: false } },
    };
    expect(planRollout(stale)).toBeUndefined();
  });

  it('makes <cluster>-rollout-<revision> with an account limited to the member pods and the StatefulSet', () => {
    const ctx = contextOf(world(rolling));
    expect(staleMembers(ctx)).toEqual(['orders-0', 'orders-1', 'orders-2']);
    const p = planRollout(ctx)!;
    expect(p.children.map((c) => `${c.kind}/${c.metadata.name}`)).toEqual([
      'Job/orders-rollout-7c6b5a4d3e',
      'ServiceAccount/orders-rollout',
      'Role/orders-rollout',
      'RoleBinding/orders-rollout',
    ]);
    expect(rulesOf(p.children, 'orders-rollout')).toEqual([
      {
        apiGroups: [''],
        resources: ['pods'],
        resourceNames: ['orders-0', 'orders-1', 'orders-2'],
        verbs: ['delete', 'get'],
      },
      { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['orders'], verbs: ['get'] },
    ]);
  });

  it('keeps a finished Job (without its account) while members are still stale, and drops both when none is', () => {
    const first = world(rolling);
    const made = planRollout(contextOf(first))!.children[0]!;
    const failed = sync(world({ ...rolling, extraChildren: [observedJob(made, first.parent, 'failed')] }));
    expect(ofKind(failed.children, 'Job').map((j) => j.metadata.name)).toContain(made.metadata.name);
    expect(rulesOf(failed.children, 'orders-rollout')).toBeUndefined();
    expect(failed.status['rollout']).toMatchObject({ phase: 'Failed', updated: 0, members: 3 });
    const done = sync(world({ extraChildren: [observedJob(made, first.parent, 'succeeded')] }));
    expect(ofKind(done.children, 'Job').map((j) => j.metadata.name)).not.toContain(made.metadata.name);
    expect(done.status).not.toHaveProperty('rollout');
  });

  it('keeps a running Job of an older revision (it ends itself) rather than starting a second one', () => {
    const first = world(rolling);
    const made = planRollout(contextOf(first))!.children[0]!;
    const newer = world({
      ...rolling,
      sts: { revision: 'orders-1111111111', updated: 0 },
      extraChildren: [observedJob(made, first.parent, 'active')],
    });
    expect(planRollout(contextOf(newer))?.children[0]?.metadata.name).toBe(made.metadata.name);
  });

  it('starts none while the REST API Secret holds a password Spilo cannot read back; keeps one that runs', () => {
    const poisoned = (w: ReturnType<typeof world>) => ({
      ...w,
      children: w.children.map((c) =>
        c.kind === 'Secret' && c.metadata.name === 'orders-patroni-api'
          ? { ...c, data: { ...(c['data'] as object), password: Buffer.from('a"b').toString('base64') } }
          : c,
      ),
    });
    const held = poisoned(world(rolling));
    expect(planRollout(contextOf(held))).toBeUndefined();
    expect(sync(held).status['rollout']).toMatchObject({
      phase: 'Pending',
      message:
        'held: Secret orders-patroni-api data.password cannot reach Patroni (condition PatroniApiSecretValid): ' +
        'orders-0, orders-1, orders-2 to update',
    });
    const made = planRollout(contextOf(world(rolling)))!.children[0]!;
    const running = poisoned(
      world({ ...rolling, extraChildren: [observedJob(made, held.parent, 'active')] }),
    );
    expect(planRollout(contextOf(running))?.children[0]?.metadata.name).toBe(made.metadata.name);
  });

  it('reports progress in status and the Updating phase', () => {
    const result = sync(world(rolling));
    expect(result.status['phase']).toBe('Updating');
    expect(result.status['rollout']).toEqual({
      revision: NEW,
      updated: 0,
      members: 3,
      phase: 'Pending',
      message: 'job orders-rollout-7c6b5a4d3e: orders-0, orders-1, orders-2 to update',
    });
  });
});

describe('storage', () => {
  const grow = { before: { storage: { size: '10Gi' } }, spec: { storage: { size: '20Gi' } } };

  it.each([
    ['10Gi', '20Gi', true],
    ['20Gi', '20Gi', false],
    ['21474836480', '20Gi', false],
    ['1Ti', '20Gi', false],
    [undefined, '20Gi', false],
  ])('smallerThan(%s, %s) → %s', (value, size, expected) => {
    expect(smallerThan(value, size)).toBe(expected);
  });

  it('lists each member volume with its request and capacity', () => {
    expect(volumes(contextOf(world()))).toEqual(
      [0, 1, 2].map((i) => ({
        name: `pgdata-orders-${i}`,
        requested: '10Gi',
        capacity: '10Gi',
        storageClassName: 'standard',
      })),
    );
  });

  it.each([
    [
      'the class the claims name',
      [storageClass('standard', true, false), storageClass('fast', false, true)],
      'standard',
    ],
    ['none observed', [], undefined],
  ])('finds the StorageClass: %s', (_why, classes, name) => {
    const ctx = contextOf(world({ related: classes }));
    expect(storageClassOf(ctx, volumes(ctx))?.metadata.name).toBe(name);
  });

  it('finds the default StorageClass by its annotation when neither spec nor claims name one', () => {
    const ctx = contextOf(
      world({ related: [storageClass('slow', false, false), storageClass('fast', true, true)] }),
    );
    expect(storageClassOf(ctx, [{ name: 'pgdata-orders-0' }])?.metadata.name).toBe('fast');
  });

  it('patches every short claim with an account limited to those claims', () => {
    const p = planResize(contextOf(world({ ...grow, related: [storageClass('standard', true)] })))!;
    expect(p.disruptive).toBe(false);
    expect(rulesOf(p.children, 'orders-resize')).toEqual([
      {
        apiGroups: [''],
        resources: ['persistentvolumeclaims'],
        resourceNames: ['pgdata-orders-0', 'pgdata-orders-1', 'pgdata-orders-2'],
        verbs: ['get', 'patch'],
      },
    ]);
  });

  it('proceeds when the StorageClass is not observed (the API server has the last word)', () => {
    expect(planResize(contextOf(world(grow)))).toBeDefined();
  });

  it('refuses, with the reason in status, when the class cannot expand', () => {
    const w = world({ ...grow, related: [storageClass('standard', false)] });
    const ctx = contextOf(w);
    expect(planResize(ctx)).toBeUndefined();
    expect(expansionRefusal(ctx, volumes(ctx))).toContain(
      'StorageClass standard does not allow volume expansion',
    );
    expect(conditionOf(sync(w).status, 'StorageResized')).toMatchObject({
      status: 'False',
      reason: 'ExpansionNotAllowed',
    });
  });

  it("keeps the claim template as observed: the StatefulSet's spec is not changed by a growth", () => {
    const before = ofKind(sync(world()).children, 'StatefulSet')[0];
    const after = ofKind(
      sync(world({ ...grow, related: [storageClass('standard', true)] })).children,
      'StatefulSet',
    )[0];
    expect(after?.['spec']).toEqual(before?.['spec']);
  });

  it('keeps a Job covering every short claim; a claim added since gets a new Job', () => {
    const first = world({ ...grow, related: [storageClass('standard', true)] });
    const made = planResize(contextOf(first))!.children[0]!;
    const kept = planResize(
      contextOf(
        world({
          ...grow,
          related: [storageClass('standard', true)],
          extraChildren: [observedJob(made, first.parent, 'failed')],
        }),
      ),
    )!;
    expect(kept.children.map((c) => c.metadata.name)).toEqual([made.metadata.name]);
    const grown = world({
      ...grow,
      spec: { ...grow.spec, replicas: 4 },
      members: [
        { ordinal: 0, role: 'master' },
        { ordinal: 1, role: 'replica' },
        { ordinal: 2, role: 'replica' },
        { ordinal: 3, role: 'replica' },
      ],
      related: [storageClass('standard', true)],
      extraChildren: [observedJob(made, first.parent, 'succeeded')],
    });
    const next = planResize(contextOf(grown))!;
    expect(next.children[0]!.metadata.name).not.toBe(made.metadata.name);
  });

  it('reports an expansion the resizer or the kubelet says failed, with their message', () => {
    const w = world({
      ...grow,
      spec: grow.spec,
      before: grow.spec,
      related: [storageClass('standard', true)],
    });
    // Every claim requests 20Gi; orders-2's file system did not grow.
    const related = w.related.map((o) => {
      if (o.kind !== 'PersistentVolumeClaim') return o;
      const failed = o.metadata.name === 'pgdata-orders-2';
      const spec = { ...(o['spec'] as object), resources: { requests: { storage: '20Gi' } } };
      const conditions = [{ type: 'NodeResizeError', status: 'True', message: 'resize2fs failed' }];
      const status = { capacity: { storage: failed ? '10Gi' : '20Gi' }, ...(failed ? { conditions } : {}) };
      return { ...o, spec, status: { ...(o['status'] as object), ...status } };
    });
    expect(conditionOf(sync({ ...w, related }).status, 'StorageResized')).toMatchObject({
      status: 'False',
      reason: 'ExpansionFailed',
      message: 'cannot grow pgdata-orders-2 to 20Gi: pgdata-orders-2: NodeResizeError: resize2fs failed',
    });
  });

  it('reports each volume, and Resizing until the capacities follow', () => {
    const status = sync(world({ ...grow, related: [storageClass('standard', true)] })).status;
    expect(status['storage']).toMatchObject({ size: '20Gi' });
    expect(conditionOf(status, 'StorageResized')).toMatchObject({ status: 'False', reason: 'Resizing' });
  });
});
