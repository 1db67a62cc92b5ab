/**
 * A protected child is never dropped (hooks/metacontroller/response.ts, the deletion guard): whatever
 * the cluster observes, including children it never rendered that carry `pgmeta.io/protected`, in a
 * plain sync and in a finalize under each garbage-collector mode, with a valid or an invalid spec,
 * the hook either answers every protected, non-terminating observed child or refuses the whole
 * answer (so Metacontroller changes nothing). Until now no generated observed object carried the
 * annotation, and the promise rested on four examples.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { KubeObject } from '../../hooks/lib/k8s';
import { HookError } from '../../hooks/metacontroller/errors';
import { isDataBearing } from '../../hooks/postgrescluster/controller';
import { CHILD_TYPES } from '../../hooks/postgrescluster/render';
import { appliedChildren, clusterHook, parentFrom, relatedFor, request } from '../support/cluster-world';

const VALID = { version: '16', replicas: 3, storage: { size: '10Gi' } };
const INVALID = { version: '16', replicas: 3, storage: { size: '10GB' } };
const MEMBERS = [
  { ordinal: 0, role: 'master' as const },
  { ordinal: 1, role: 'replica' as const },
];
// Rendered on first use inside a test, not while the file loads.
const fixtures = () => {
  const BASE = parentFrom(VALID);
  return { BASE, RENDERED: appliedChildren(BASE), RELATED: relatedFor(BASE, MEMBERS) };
};
const id = (o: KubeObject): string => `${o.kind}/${o.metadata.name}`;

/** An observed child the hook may never have rendered, marked protected. */
const stranger = fc
  .record({
    type: fc.constantFrom(...CHILD_TYPES),
    name: fc.constantFrom('orders', 'orders-data', 'orders-x', 'legacy', 'orders-repl'),
    labelled: fc.boolean(),
    terminating: fc.boolean(),
  })
  .map(({ type, name, labelled, terminating }) => ({
    apiVersion: type.apiVersion,
    kind: type.kind,
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${type.kind}-${name}`,
      annotations: { 'pgmeta.io/protected': 'true' },
      ...(labelled ? { labels: { 'pgmeta.io/cluster': 'orders' } } : {}),
      ...(terminating ? { deletionTimestamp: '2026-11-21T09:59:00Z' } : {}),
    },
  }));

/** Some of what was rendered, each maybe annotated, plus strangers; one object per kind and name. */
const observedChildren = (RENDERED: KubeObject[]) =>
  fc
    .tuple(
      fc.subarray(RENDERED),
      fc.array(fc.boolean(), { minLength: RENDERED.length }),
      fc.oneof(fc.constant([]), fc.array(stranger, { maxLength: 2 })),
    )
    .map(([kept, marks, extra]) => {
      const marked = kept.map((c, i) =>
        marks[i]
          ? {
              ...c,
              metadata: {
                ...c.metadata,
                annotations: { ...c.metadata.annotations, 'pgmeta.io/protected': 'true' },
              },
            }
          : c,
      );
      const byId = new Map([...marked, ...extra].map((c) => [id(c), c] as const));
      return [...byId.values()];
    });

const mode = fc.constantFrom('sync', 'finalize', 'finalize-orphan', 'finalize-foreground');

function parentIn(m: string, spec: object): KubeObject {
  const parent = parentFrom(spec as Record<string, unknown>);
  if (m === 'sync') return parent;
  const gc = { 'finalize-orphan': ['orphan'], 'finalize-foreground': ['foregroundDeletion'] }[m] ?? [];
  const finalizers = [...(parent.metadata.finalizers ?? []), ...gc];
  return {
    ...parent,
    metadata: { ...parent.metadata, deletionTimestamp: '2026-11-21T09:58:00Z', finalizers },
  };
}

describe('a protected child is never dropped', () => {
  it('in every deletion mode, with any observed children, valid spec or not', () => {
    const { RENDERED, RELATED } = fixtures();
    const outcomes = { answered: 0, refused: 0 };
    fc.assert(
      fc.property(
        observedChildren(RENDERED),
        fc.subarray(RELATED),
        mode,
        fc.boolean(),
        (children, related, m, valid) => {
          const parent = parentIn(m, valid ? VALID : INVALID);
          const body = request({ parent, children, related, finalizing: m !== 'sync' });
          let answered: KubeObject[];
          try {
            answered = (clusterHook(body) as { children: KubeObject[] }).children;
          } catch (err) {
            // A refusal answers 500: Metacontroller applies and deletes nothing.
            expect(err).toBeInstanceOf(HookError);
            outcomes.refused += 1;
            return;
          }
          outcomes.answered += 1;
          const kept = new Set(answered.map(id));
          for (const c of children.filter(
            (o) => isDataBearing(o) && o.metadata.deletionTimestamp === undefined,
          )) {
            expect(kept.has(id(c))).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
    // Both branches ran: the property is not carried by refusals alone.
    expect(outcomes.answered).toBeGreaterThan(20);
    expect(outcomes.refused).toBeGreaterThan(20);
  });

  it('is refused, not dropped, when the hook has no reason to keep it', () => {
    const { BASE, RENDERED, RELATED } = fixtures();
    const legacy = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'legacy', namespace: 'shop', annotations: { 'pgmeta.io/protected': 'true' } },
    };
    const body = request({ parent: BASE, children: [...RENDERED, legacy], related: RELATED });
    expect(() => clusterHook(body)).toThrow('refusing to delete protected child ConfigMap shop/legacy');
  });
});
