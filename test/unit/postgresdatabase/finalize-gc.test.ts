/**
 * The PostgresDatabase finalize hook under `kubectl delete --cascade=orphan|foreground`
 * (hooks/metacontroller/deletion.ts): never an unobserved child while the garbage collector's
 * finalizer is on, and an orphaning deletion keeps the database whatever reclaimPolicy says.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { SyncResponse } from '../../../hooks/metacontroller/types';
import { customizeDatabase } from '../../../hooks/postgresdatabase/customize';
import { PARENT_UID } from '../../golden/postgresdatabase/requests';
import { buildCases, run, type Case } from '../../golden/postgresdatabase/story';

type Body = Record<string, unknown> & {
  parent: KubeObject;
  children: Record<string, Record<string, KubeObject>>;
  related: Record<string, Record<string, KubeObject>>;
};

const finalizeDelete = (): Case => buildCases().find((c) => c.name === 'finalize-delete')!;
const withFinalizer = (c: Case, gc: string): Body => {
  const body = structuredClone(c.body) as Body;
  body.parent.metadata.finalizers = [...(body.parent.metadata.finalizers ?? []), gc];
  return body;
};
const observedNames = (body: Body): string[] =>
  Object.values(body.children).flatMap((inner) =>
    Object.values(inner).map((o) => `${o.kind}/${o.metadata.name}`),
  );
const names = (r: SyncResponse): string[] => r.children.map((c) => `${c.kind}/${c.metadata.name}`);
const reclaimedReason = (r: SyncResponse): unknown =>
  (r.status['conditions'] as { type: string; reason: string }[]).find((c) => c.type === 'Reclaimed')?.reason;

describe('PostgresDatabase finalize and the garbage collector', () => {
  it('reclaimPolicy delete without a GC finalizer: the delete Job is created (the baseline)', () => {
    const c = finalizeDelete();
    const r = run(c, c.body);
    expect(names(r).some((n) => !observedNames(c.body as Body).includes(n))).toBe(true);
  });

  it('--cascade=orphan: hands off, nothing dropped, the finalizer released', () => {
    const c = finalizeDelete();
    const body = withFinalizer(c, 'orphan');
    const r = run(c, body);
    expect(r.finalized).toBe(true);
    expect(reclaimedReason(r)).toBe('Orphaned');
    expect(names(r).every((n) => observedNames(body).includes(n))).toBe(true);
  });

  it('--cascade=orphan after the collector is done: its orphaned role Secrets show it', () => {
    const c = finalizeDelete();
    const body = structuredClone(c.body) as Body;
    const orphans = Object.values(body.children['Secret.v1'] ?? {}).map((s) => ({
      ...s,
      metadata: { ...s.metadata, ownerReferences: [] },
    }));
    expect(orphans.length).toBeGreaterThan(0);
    expect(orphans.every((s) => s.metadata.labels?.['controller-uid'] === PARENT_UID)).toBe(true);
    body.children = { 'Secret.v1': {}, 'Job.batch/v1': {}, 'ConfigMap.v1': {} };
    body.related['Secret.v1'] = {
      ...body.related['Secret.v1'],
      ...Object.fromEntries(orphans.map((s) => [`apps/${s.metadata.name}`, s])),
    };
    const r = run(c, body);
    expect(r.finalized).toBe(true);
    expect(r.children).toEqual([]);
    expect(reclaimedReason(r)).toBe('Orphaned');
  });

  it('--cascade=foreground: only observed children, the delete Job waits for the collector', () => {
    const c = finalizeDelete();
    const body = withFinalizer(c, 'foregroundDeletion');
    const r = run(c, body);
    expect(r.finalized).toBe(false);
    expect(reclaimedReason(r)).toBe('WaitingForChildren');
    expect(names(r).every((n) => observedNames(body).includes(n))).toBe(true);
  });

  it('customize observes its own role Secrets by controller-uid, orphaned or not', () => {
    const c = finalizeDelete();
    const parent = (c.body as Body).parent;
    expect(customizeDatabase({ controller: {} as KubeObject, parent }).relatedResources).toContainEqual({
      apiVersion: 'v1',
      resource: 'secrets',
      namespace: parent.metadata.namespace,
      labelSelector: { matchLabels: { 'controller-uid': PARENT_UID } },
    });
  });
});
