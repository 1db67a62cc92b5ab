/**
 * Finalize runs the cleanup that deletes Patroni's state only when no member pod is observed AND the
 * StatefulSet is at zero (spec and status). Mutation testing showed that every other test has both
 * or neither, so each half is checked here on its own, at its boundaries.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { statefulSetStatus } from '../../support/apiserver';
import { appliedChildren, parentFrom, relatedFor, sync } from '../../support/cluster-world';
import { HA } from '../../support/day2-world';

function deleting(): KubeObject {
  const parent = parentFrom(HA);
  return { ...parent, metadata: { ...parent.metadata, deletionTimestamp: '2026-11-21T09:58:00Z' } };
}

/** The applied children with the StatefulSet's spec and status replicas as given. */
function withStatefulSet(parent: KubeObject, spec: number | undefined, status: number): KubeObject[] {
  return appliedChildren(parent).map((c) => {
    if (c.kind !== 'StatefulSet') return c;
    const { replicas: _dropped, ...rest } = c['spec'] as Record<string, unknown>;
    const s = spec === undefined ? rest : { ...rest, replicas: spec };
    return {
      ...c,
      spec: s,
      status: statefulSetStatus({ ...c, spec: { replicas: spec ?? 1 } }, { replicas: status }),
    };
  });
}

const cleanupNames = (children: readonly KubeObject[]) =>
  children
    .filter((c) => c.metadata.name.startsWith('orders-cleanup'))
    .map((c) => `${c.kind}/${c.metadata.name}`);

describe('finalize: no member observed is not enough', () => {
  it.each([
    ['the StatefulSet still asks for members', 3, 3],
    ['the StatefulSet asks for none but its controller still counts one', 0, 1],
    ['the StatefulSet has no replicas field (the API default is 1)', undefined, 0],
  ])('%s: no cleanup, not finalized', (_what, spec, status) => {
    const parent = deleting();
    const result = sync({
      parent,
      children: withStatefulSet(parent, spec, status),
      related: relatedFor(parent, [], [0]),
      finalizing: true,
    });
    expect(cleanupNames(result.children)).toEqual([]);
    expect(result.finalized).toBe(false);
  });
});

describe('finalize: the StatefulSet at zero is not enough', () => {
  it('a member pod still observed (terminating): no cleanup, not finalized', () => {
    const parent = deleting();
    const result = sync({
      parent,
      children: withStatefulSet(parent, 0, 0),
      related: relatedFor(parent, [{ ordinal: 0, role: 'replica', terminating: true }]),
      finalizing: true,
    });
    expect(cleanupNames(result.children)).toEqual([]);
    expect(result.finalized).toBe(false);
  });
});

describe('finalize once both hold', () => {
  it("makes the cleanup Job while Patroni's Endpoints remain", () => {
    const parent = deleting();
    const result = sync({
      parent,
      children: withStatefulSet(parent, 0, 0),
      related: relatedFor(parent, [], [0]),
      finalizing: true,
    });
    expect(cleanupNames(result.children).some((n) => n.startsWith('Job/orders-cleanup-'))).toBe(true);
    expect(result.finalized).toBe(false);
  });

  it('finalizes at once when no Endpoints remain, without a cleanup Job', () => {
    const parent = deleting();
    const related = relatedFor(parent, [], [0]).filter((o) => o.kind !== 'Endpoints');
    const result = sync({ parent, children: withStatefulSet(parent, 0, 0), related, finalizing: true });
    expect(cleanupNames(result.children)).toEqual([]);
    expect(result.finalized).toBe(true);
  });
});
