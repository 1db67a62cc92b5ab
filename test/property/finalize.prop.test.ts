/**
 * The finalize rule (hooks/metacontroller/deletion.ts): whatever subset of its children and pods a
 * deleting cluster still observes, and whichever garbage-collector finalizer it carries, finalize
 * returns only observed children; the one exception is the cleanup Job and its account, and only
 * when no member pod is observed. `orphan` always releases the finalizer; `foregroundDeletion` never.
 */
import fc from 'fast-check';
import type { KubeObject } from '../../hooks/lib/k8s';
import { appliedChildren, parentFrom, relatedFor, sync } from '../support/cluster-world';

const SPEC = { version: '16', replicas: 3, storage: { size: '10Gi' } };
const MEMBERS = [
  { ordinal: 0, role: 'master' as const },
  { ordinal: 1, role: 'replica' as const, xlog: 67_108_864 },
  { ordinal: 2, role: 'replica' as const, xlog: 67_108_864 },
];
// Rendered on first use inside the test, not while the file loads.
const fixtures = () => {
  const base = parentFrom(SPEC);
  return { base, CHILDREN: appliedChildren(base), RELATED: relatedFor(base, MEMBERS) };
};
const id = (o: KubeObject): string => `${o.kind}/${o.metadata.name}`;

describe('finalize returns no child it does not observe', () => {
  it('for any observed subset and any GC finalizer', () => {
    const { base, CHILDREN, RELATED } = fixtures();
    fc.assert(
      fc.property(
        fc.subarray(CHILDREN),
        fc.subarray(RELATED),
        fc.constantFrom(undefined, 'orphan', 'foregroundDeletion'),
        (children, related, gc) => {
          const finalizers = [...(base.metadata.finalizers ?? []), ...(gc === undefined ? [] : [gc])];
          const parent = {
            ...base,
            metadata: { ...base.metadata, deletionTimestamp: '2026-11-21T09:58:00Z', finalizers },
          };
          const answer = sync({ parent, children, related, finalizing: true });
          const observed = new Set(children.map(id));
          const podsSeen = related.some((o) => o.kind === 'Pod');
          for (const child of answer.children.filter((c) => !observed.has(id(c)))) {
            expect(child.metadata.name).toBe(
              `${base.metadata.name}-cleanup${child.kind === 'Job' ? child.metadata.name.slice(14) : ''}`,
            );
            expect(podsSeen).toBe(false);
            expect(gc).toBeUndefined();
          }
          if (gc === 'orphan') expect(answer.finalized).toBe(true);
          if (gc === 'foregroundDeletion') expect(answer.finalized).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
});
