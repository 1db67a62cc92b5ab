/**
 * Finalize goldens for `kubectl delete --cascade=orphan|foreground` (docs/day2.md "Deleting a cluster";
 * hooks/metacontroller/deletion.ts): what finalize answers while the garbage collector's finalizer is
 * on, and after the collector is done.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { appliedChildren, parentFrom, relatedFor, type World } from '../../support/cluster-world';

const SPEC = {
  version: '16',
  replicas: 2,
  storage: { size: '10Gi', retentionPolicy: { whenDeleted: 'Delete' } },
};
const RUNNING = [
  { ordinal: 0, role: 'master' as const },
  { ordinal: 1, role: 'replica' as const, xlog: 67_108_864 },
];

/** The cluster being deleted, with the garbage collector's finalizer `gc` (if any) beside Metacontroller's. */
function deleting(gc?: string): KubeObject {
  const parent = parentFrom(SPEC);
  const finalizers = [...(parent.metadata.finalizers ?? []), ...(gc === undefined ? [] : [gc])];
  return {
    ...parent,
    metadata: { ...parent.metadata, deletionTimestamp: '2026-11-21T09:58:00Z', finalizers },
  };
}

export const DELETION_CASES: Record<string, () => World> = {
  // Hands off: nothing it returns is applied; the finalizer is released at once.
  'finalize-orphan': () => {
    const parent = deleting('orphan');
    return {
      parent,
      children: appliedChildren(parent),
      related: relatedFor(parent, RUNNING),
      finalizing: true,
    };
  },

  // The collector already orphaned every child: none is observed, the members still run.
  'finalize-orphaned': () => {
    const parent = deleting();
    return { parent, children: [], related: relatedFor(parent, RUNNING), finalizing: true };
  },

  // The collector deletes the children: nothing returned is applied, the finalizer stays.
  'finalize-foreground': () => {
    const parent = deleting('foregroundDeletion');
    return {
      parent,
      children: appliedChildren(parent),
      related: relatedFor(parent, RUNNING),
      finalizing: true,
    };
  },

  // The collector is done: no child, no member, Patroni's Endpoints left: only the cleanup Job.
  'finalize-foreground-done': () => {
    const parent = deleting();
    const related = relatedFor(parent, []).filter((o) => o.kind === 'Endpoints');
    return { parent, children: [], related, finalizing: true };
  },
};
