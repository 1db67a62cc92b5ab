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

/** The cluster being deleted with a garbage-collector finalizer, as `kubectl delete --cascade=...` sets it. */
function deletingWith(gc: 'orphan' | 'foregroundDeletion'): KubeObject {
  const parent = deleting();
  return {
    ...parent,
    metadata: { ...parent.metadata, finalizers: [...(parent.metadata.finalizers ?? []), gc] },
  };
}
const sts = (children: readonly KubeObject[]) =>
  children.find((c) => c.kind === 'StatefulSet')?.['spec'] as
    { replicas?: number; persistentVolumeClaimRetentionPolicy?: Record<string, string> } | undefined;
const MEMBERS = [{ ordinal: 0, role: 'master' as const }];
const resync = (r: object) => (r as { resyncAfterSeconds?: number }).resyncAfterSeconds;

describe('finalize under each deletion mode', () => {
  it('background: stops the StatefulSet (replicas 0, whenScaled Retain, whenDeleted kept) and polls', () => {
    const parent = deleting();
    const children = appliedChildren(parent);
    const result = sync({ parent, children, related: relatedFor(parent, MEMBERS), finalizing: true });
    expect(sts(result.children)).toMatchObject({
      replicas: 0,
      persistentVolumeClaimRetentionPolicy: { whenScaled: 'Retain', whenDeleted: 'Retain' },
    });
    expect([result.finalized, resync(result)]).toEqual([false, 10]);
    expect(result.children.map((c) => c.kind).sort()).toEqual(children.map((c) => c.kind).sort());
  });

  it('foreground: hands off (stopped StatefulSet, no cleanup), never finalizes, polls', () => {
    const parent = deletingWith('foregroundDeletion');
    const result = sync({
      parent,
      children: withStatefulSet(parent, 0, 0),
      related: relatedFor(parent, [], [0]),
      finalizing: true,
    });
    expect(cleanupNames(result.children)).toEqual([]);
    expect(sts(result.children)?.replicas).toBe(0);
    expect([result.finalized, resync(result)]).toEqual([false, 10]);
  });

  it('orphan: finalizes at once and returns the observed children unchanged (members keep running)', () => {
    const parent = deletingWith('orphan');
    const children = appliedChildren(parent);
    const result = sync({ parent, children, related: relatedFor(parent, MEMBERS), finalizing: true });
    expect(result.finalized).toBe(true);
    expect(resync(result)).toBeUndefined();
    expect(sts(result.children)?.replicas).toBe(sts(children)?.replicas);
    expect(sts(result.children)?.replicas).not.toBe(0);
  });

  it('after an orphaning (StatefulSet no longer a child, its member still running): finalizes at once', () => {
    const parent = deleting();
    const children = appliedChildren(parent).filter((c) => c.kind !== 'StatefulSet');
    const result = sync({ parent, children, related: relatedFor(parent, MEMBERS), finalizing: true });
    expect(result.finalized).toBe(true);
    expect(cleanupNames(result.children)).toEqual([]);
  });

  it('no StatefulSet and only terminating members (a foreground deletion ending): not finalized yet', () => {
    const parent = deleting();
    const children = appliedChildren(parent).filter((c) => c.kind !== 'StatefulSet');
    const related = relatedFor(parent, [{ ordinal: 0, role: 'master', terminating: true }]);
    const result = sync({ parent, children, related, finalizing: true });
    expect(result.finalized).toBe(false);
    expect(cleanupNames(result.children)).toEqual([]);
  });

  it('no StatefulSet and no member: the StatefulSet counts as at zero, so the cleanup runs', () => {
    const parent = deleting();
    const children = appliedChildren(parent).filter((c) => c.kind !== 'StatefulSet');
    const result = sync({ parent, children, related: relatedFor(parent, [], [0]), finalizing: true });
    expect(cleanupNames(result.children).some((n) => n.startsWith('Job/orders-cleanup-'))).toBe(true);
  });
});

describe('finalize: what else it answers', () => {
  it.each<[string, () => KubeObject]>([
    ['background', deleting],
    ['foreground', () => deletingWith('foregroundDeletion')],
    ['orphan', () => deletingWith('orphan')],
  ])('%s: the status says Deleting', (_mode, make) => {
    const parent = make();
    const result = sync({
      parent,
      children: appliedChildren(parent),
      related: relatedFor(parent, MEMBERS),
      finalizing: true,
    });
    expect(result.status).toMatchObject({ phase: 'Deleting' });
  });

  it('stops only the StatefulSet: every other child is returned as rendered', () => {
    const parent = deleting();
    const children = appliedChildren(parent);
    const result = sync({ parent, children, related: relatedFor(parent, MEMBERS), finalizing: true });
    const others = result.children.filter((c) => c.kind !== 'StatefulSet');
    expect(others.length).toBeGreaterThan(3);
    for (const c of others)
      expect((c['spec'] as { replicas?: number } | undefined)?.replicas).toBeUndefined();
  });

  it('an ownerless StatefulSet of the cluster (orphaned) and no member: finalizes at once, no cleanup', () => {
    const parent = deleting();
    const applied = appliedChildren(parent);
    const { ownerReferences: _refs, ...metadata } = applied.find((c) => c.kind === 'StatefulSet')!.metadata;
    const orphan = { ...applied.find((c) => c.kind === 'StatefulSet')!, metadata };
    const children = applied.filter((c) => c.kind !== 'StatefulSet');
    const related = [...relatedFor(parent, [], [0]), orphan];
    const result = sync({ parent, children, related, finalizing: true });
    expect(cleanupNames(result.children)).toEqual([]);
    expect(result.finalized).toBe(true);
  });

  it('an invalid spec does not hold the deletion: with no member left it finalizes, without cleanup', () => {
    const base = deleting();
    const parent = { ...base, spec: { ...(base['spec'] as object), storage: { size: '10GB' } } };
    const result = sync({
      parent,
      children: withStatefulSet(parent, 0, 0),
      related: relatedFor(base, [], [0]),
      finalizing: true,
    });
    expect(cleanupNames(result.children)).toEqual([]);
    expect(result.finalized).toBe(true);
  });
});
