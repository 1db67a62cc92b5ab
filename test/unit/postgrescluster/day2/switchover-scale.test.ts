/** Switchover requests, and scale-downs that never remove the primary. */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s';
import { planScale, scaleDownCandidate } from '../../../../hooks/postgrescluster/day2/scale';
import {
  ANY_MEMBER,
  planRequestedSwitchover,
  requestBlocker,
  requestedTarget,
} from '../../../../hooks/postgrescluster/day2/switchover';
import type { MemberSpec } from '../../../support/cluster-world';
import { conditionOf, contextOf, observedJob, ofKind, sync, world } from '../../../support/day2-world';

const envOf = (job: KubeObject): Record<string, string | undefined> => {
  const env = (
    job['spec'] as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }
  ).template.spec.containers[0]!.env;
  return Object.fromEntries(env.map((v) => [v.name, v.value]));
};
const switchoverJobs = (children: readonly KubeObject[]) =>
  ofKind(children, 'Job').filter((j) => j.metadata.name.includes('-switchover-'));

describe('requestedTarget', () => {
  it.each([
    ['no request', {}, undefined, undefined],
    ['spec.switchover with a target', { switchover: { target: 'orders-2' } }, undefined, 'orders-2'],
    ['spec.switchover without a target', { switchover: {} }, undefined, ANY_MEMBER],
    ['the annotation with a member', {}, { 'pgmeta.io/switchover-to': 'orders-1' }, 'orders-1'],
    ['the annotation, empty', {}, { 'pgmeta.io/switchover-to': '' }, ANY_MEMBER],
    [
      'the spec over the annotation',
      { switchover: { target: 'orders-2' } },
      { 'pgmeta.io/switchover-to': 'orders-1' },
      'orders-2',
    ],
  ])('%s → %s', (_why, spec, annotations, expected) => {
    expect(requestedTarget(contextOf(world({ spec, ...(annotations ? { annotations } : {}) })))).toBe(
      expected,
    );
  });
});

describe('planRequestedSwitchover', () => {
  it('makes a Job from the current primary to the target, named by both', () => {
    const p = planRequestedSwitchover(contextOf(world({ spec: { switchover: { target: 'orders-2' } } })))!;
    const job = p.children[0]!;
    expect(envOf(job)).toMatchObject({ LEADER: 'orders-0', CANDIDATE: 'orders-2' });
    expect(job.metadata.annotations).toMatchObject({
      'pgmeta.io/switchover-target': 'orders-2',
      'pgmeta.io/switchover-from': 'orders-0',
      'pgmeta.io/switchover-reason': 'request',
    });
    expect(p.disruptive).toBe(true);
  });

  it('leaves the candidate to Patroni for "any"', () => {
    const p = planRequestedSwitchover(
      contextOf(world({ annotations: { 'pgmeta.io/switchover-to': 'any' } })),
    )!;
    expect(envOf(p.children[0]!)).not.toHaveProperty('CANDIDATE');
  });

  it.each([
    ['the target already is the primary', { switchover: { target: 'orders-0' } }, undefined],
    [
      'the target is not a member',
      { switchover: { target: 'orders-7' } },
      'orders-7 is not a member of the cluster',
    ],
  ])('makes no Job when %s', (_why, spec, blocker) => {
    const ctx = contextOf(world({ spec }));
    expect(planRequestedSwitchover(ctx)).toBeUndefined();
    if (blocker) expect(requestBlocker(ctx, spec.switchover.target)).toBe(blocker);
  });

  it('makes no Job without a ready primary, and says it waits', () => {
    const w = world({
      spec: { switchover: {} },
      members: [
        { ordinal: 0, role: 'master', ready: false },
        { ordinal: 1, role: 'replica' },
      ],
    });
    expect(planRequestedSwitchover(contextOf(w))).toBeUndefined();
    expect(sync(w).status['switchover']).toMatchObject({
      phase: 'Pending',
      message: 'waiting for a ready primary',
    });
  });

  it('runs once: a finished Job is kept while the request stands, even after the leader moved', () => {
    const spec = { switchover: { target: 'orders-2' } };
    const first = world({ spec });
    const made = planRequestedSwitchover(contextOf(first))!.children[0]!;
    const moved: MemberSpec[] = [
      { ordinal: 0, role: 'replica' },
      { ordinal: 1, role: 'master' },
      { ordinal: 2, role: 'replica' },
    ];
    const later = world({
      spec,
      members: moved,
      extraChildren: [observedJob(made, first.parent, 'succeeded')],
    });
    const result = sync(later);
    expect(switchoverJobs(result.children).map((j) => j.metadata.name)).toEqual([made.metadata.name]);
    expect(result.status['switchover']).toMatchObject({ target: 'orders-2', phase: 'Succeeded' });
  });

  it('drops the Job once the request is withdrawn', () => {
    const first = world({ spec: { switchover: { target: 'orders-2' } } });
    const made = planRequestedSwitchover(contextOf(first))!.children[0]!;
    const result = sync(world({ extraChildren: [observedJob(made, first.parent, 'succeeded')] }));
    expect(switchoverJobs(result.children)).toEqual([]);
    expect(result.status).not.toHaveProperty('switchover');
  });

  it('keeps a Job that still runs after the request is withdrawn, as observed, until it ends', () => {
    const first = world({ spec: { switchover: { target: 'orders-2' } } });
    const made = planRequestedSwitchover(contextOf(first))!.children[0]!;
    const result = sync(world({ extraChildren: [observedJob(made, first.parent, 'active')] }));
    expect(switchoverJobs(result.children).map((j) => j.metadata.name)).toEqual([made.metadata.name]);
  });

  it.each([
    ['active', 'Running'],
    ['failed', 'Failed'],
  ] as const)('reports a %s Job as %s', (outcome, phase) => {
    const spec = { switchover: { target: 'orders-2' } };
    const first = world({ spec });
    const made = planRequestedSwitchover(contextOf(first))!.children[0]!;
    const status = sync(world({ spec, extraChildren: [observedJob(made, first.parent, outcome)] })).status;
    expect(status['switchover']).toMatchObject({ phase });
  });
});

describe('planScale', () => {
  const highPrimary: MemberSpec[] = [
    { ordinal: 0, role: 'replica', xlog: 100 },
    { ordinal: 1, role: 'replica', xlog: 300 },
    { ordinal: 2, role: 'master', xlog: 400 },
  ];

  it.each([
    ['scale up', { before: { replicas: 3 }, spec: { replicas: 5 } }, 5, undefined],
    ['scale down below the primary', { before: { replicas: 3 }, spec: { replicas: 2 } }, 2, undefined],
    [
      'scale down past the primary',
      { before: { replicas: 3 }, spec: { replicas: 2 }, members: highPrimary },
      3,
      'orders-1',
    ],
    [
      'scale down to one past the primary',
      { before: { replicas: 3 }, spec: { replicas: 1 }, members: highPrimary },
      3,
      'orders-0',
    ],
  ])('%s → StatefulSet replicas %s, switchover to %s', (_why, o, replicas, candidate) => {
    const decision = planScale(contextOf(world(o)));
    expect(decision.replicas).toBe(replicas);
    const job = decision.proposal?.children[0];
    expect(job ? envOf(job)['CANDIDATE'] : undefined).toBe(candidate);
  });

  it('holds the size without a ready primary: nothing says which member is safe to remove', () => {
    const members: MemberSpec[] = [
      { ordinal: 0, role: 'replica' },
      { ordinal: 1, role: 'replica' },
      { ordinal: 2, role: 'master', ready: false },
    ];
    const decision = planScale(contextOf(world({ before: { replicas: 3 }, spec: { replicas: 2 }, members })));
    expect(decision).toEqual({ replicas: 3, held: 'scaling down waits for a ready primary' });
  });

  it('prefers the synchronous standby, which Patroni requires as the candidate in synchronous mode', () => {
    const w = world({ before: { replicas: 3 }, spec: { replicas: 2 }, members: highPrimary });
    const ctx = contextOf(w);
    expect(scaleDownCandidate(ctx, 2)?.name).toBe('orders-1');
    const withSync = { ...ctx, facts: { ...ctx.facts, synchronousStandbys: ['orders-0'] } };
    expect(scaleDownCandidate(withSync, 2)?.name).toBe('orders-0');
  });

  it('keeps the switchover Job while it runs, then shrinks once the primary is below the new size', () => {
    const o = { before: { replicas: 3 }, spec: { replicas: 2 } };
    const first = world({ ...o, members: highPrimary });
    const made = planScale(contextOf(first)).proposal!.children[0]!;
    const running = sync(
      world({ ...o, members: highPrimary, extraChildren: [observedJob(made, first.parent, 'active')] }),
    );
    expect(switchoverJobs(running.children).map((j) => j.metadata.name)).toEqual([made.metadata.name]);
    expect(ofKind(running.children, 'StatefulSet')[0]!['spec']).toMatchObject({ replicas: 3 });
    expect(conditionOf(running.status, 'Ready')).toMatchObject({ reason: 'ScaleDownHeld' });
    const moved: MemberSpec[] = [
      { ordinal: 0, role: 'replica' },
      { ordinal: 1, role: 'master' },
      { ordinal: 2, role: 'replica' },
    ];
    const done = sync(
      world({ ...o, members: moved, extraChildren: [observedJob(made, first.parent, 'succeeded')] }),
    );
    expect(ofKind(done.children, 'StatefulSet')[0]!['spec']).toMatchObject({ replicas: 2 });
    expect(switchoverJobs(done.children)).toEqual([]);
  });

  it('keeps the running switchover Job while no member is primary (between demote and promote)', () => {
    const o = { before: { replicas: 3 }, spec: { replicas: 2 } };
    const first = world({ ...o, members: highPrimary });
    const made = planScale(contextOf(first)).proposal!.children[0]!;
    // ha.py Ha.demote: the old leader released the lock and lost its label; the candidate has not
    // taken the lock yet.
    const window: MemberSpec[] = [
      { ordinal: 0, role: 'replica' },
      { ordinal: 1, role: 'replica' },
      { ordinal: 2, role: 'replica', ready: false },
    ];
    const w = world({ ...o, members: window, extraChildren: [observedJob(made, first.parent, 'active')] });
    const decision = planScale(contextOf(w));
    expect(decision).toMatchObject({ replicas: 3, held: 'scaling down waits for a ready primary' });
    expect(decision.proposal?.existing?.metadata.name).toBe(made.metadata.name);
    expect(switchoverJobs(sync(w).children).map((j) => j.metadata.name)).toEqual([made.metadata.name]);
  });

  it('keeps a running switchover Job after the scale-down is withdrawn, until it ends', () => {
    const first = world({ before: { replicas: 3 }, spec: { replicas: 2 }, members: highPrimary });
    const made = planScale(contextOf(first)).proposal!.children[0]!;
    const back = (outcome: 'active' | 'succeeded') =>
      sync(
        world({
          before: { replicas: 3 },
          spec: { replicas: 3 },
          members: highPrimary,
          extraChildren: [observedJob(made, first.parent, outcome)],
        }),
      );
    expect(switchoverJobs(back('active').children).map((j) => j.metadata.name)).toEqual([made.metadata.name]);
    expect(switchoverJobs(back('succeeded').children)).toEqual([]);
  });
});
