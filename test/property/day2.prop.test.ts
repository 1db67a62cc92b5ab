/**
 * Invariants of the day-2 plan over generated running clusters and spec edits: a scale-down never
 * removes the observed primary, at most one disruptive operation Job runs, and feeding the Jobs back
 * as observed (running) keeps exactly the same Jobs (no churn, no second Job for one change).
 */
import fc from 'fast-check';
import type { KubeObject } from '../../hooks/lib/k8s';
import type { MemberSpec } from '../support/cluster-world';
import { observedJob, ofKind, sync, world, type JobOutcome } from '../support/day2-world';

const DISRUPTIVE = /-(params|switchover|rollout)-/;

const scenario = fc
  .record({
    before: fc.integer({ min: 1, max: 5 }),
    now: fc.integer({ min: 1, max: 5 }),
    primarySeed: fc.nat(),
    ready: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    image: fc.boolean(),
    maxConnections: fc.constantFrom(undefined, 200, 300),
    switchover: fc.constantFrom(undefined, 'any', 'orders-0', 'orders-1'),
    sync: fc.boolean(),
  })
  .map((s) => {
    const primary = s.primarySeed % s.before;
    const members: MemberSpec[] = Array.from({ length: s.before }, (_, i) => ({
      ordinal: i,
      role: i === primary ? ('master' as const) : ('replica' as const),
      ready: i === primary || (s.ready[i] ?? true),
      xlog: 67_000_000 + i * 1000,
    }));
    const synchronous =
      s.sync && s.now > 1 && s.before > 1 ? { synchronous: { mode: 'sync', nodeCount: 1 } } : {};
    return {
      primary,
      options: {
        before: { replicas: s.before, postgresqlParams: { max_connections: 200 }, ...synchronous },
        spec: {
          replicas: s.now,
          ...synchronous,
          ...(s.image ? { image: 'ghcr.io/zalando/spilo-17:4.0-p4' } : {}),
          ...(s.maxConnections === undefined
            ? {}
            : { postgresqlParams: { max_connections: s.maxConnections } }),
          ...(s.switchover === undefined
            ? {}
            : { switchover: s.switchover === 'any' ? {} : { target: s.switchover } }),
        },
        members,
        ...(s.image
          ? { sts: { revision: 'orders-7c6b5a4d3e', updated: 0, specReplicas: s.before } }
          : { sts: { specReplicas: s.before } }),
      },
    };
  });

const disruptiveJobs = (children: readonly KubeObject[]) =>
  ofKind(children, 'Job').filter((j) => DISRUPTIVE.test(j.metadata.name));

describe('day-2 plan properties', () => {
  it('never scales the StatefulSet below the observed primary, and starts at most one disruptive Job', () => {
    fc.assert(
      fc.property(scenario, ({ primary, options }) => {
        const result = sync(world(options));
        const replicas = (ofKind(result.children, 'StatefulSet')[0]!['spec'] as { replicas: number })
          .replicas;
        expect(replicas).toBeGreaterThan(primary);
        expect(disruptiveJobs(result.children).length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 80 },
    );
  });

  it.each<JobOutcome>(['active', 'succeeded', 'failed'])(
    'feeding the Jobs back as %s keeps the same ones and makes no second Job for the same purpose',
    (outcome) => {
      fc.assert(
        fc.property(scenario, ({ options }) => {
          const first = world(options);
          const made = disruptiveJobs(sync(first).children);
          const again = sync(
            world({ ...options, extraChildren: made.map((j) => observedJob(j, first.parent, outcome)) }),
          );
          const names = disruptiveJobs(again.children).map((j) => j.metadata.name);
          if (outcome === 'active') expect(names).toEqual(made.map((j) => j.metadata.name));
          // A finished Job may be dropped once its operation no longer applies, and the next operation
          // may start, but no second Job is made for the same purpose.
          const purpose = (j: KubeObject) =>
            `${j.metadata.annotations?.['pgmeta.io/operation'] ?? ''}/${j.metadata.annotations?.['pgmeta.io/switchover-reason'] ?? ''}`;
          for (const job of disruptiveJobs(again.children)) {
            const same = made.some((m) => m.metadata.name === job.metadata.name);
            const sameChange = made.some((m) => purpose(m) === purpose(job));
            expect(same || !sameChange).toBe(true);
          }
        }),
        { numRuns: 40 },
      );
    },
  );
});
