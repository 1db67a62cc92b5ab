/**
 * The simulation's claims on their own (no hook involved): expansion in stages and its failures
 * (sim/volumes.ts), the `kubernetes.io/pvc-protection` finalizer, and the claims' owner references
 * under the StatefulSet retention policy (sim/statefulset.ts). Sources: sim/UPSTREAM.md.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { bareSim } from './sim-world';
import { conditionsOf, specOf, statusOf } from './sim/context';
import { SHUTDOWN_SECONDS } from './sim/kubelet';

const NS = 'ns';
const CLAIM = { kind: 'PersistentVolumeClaim', namespace: NS, name: 'data-db-0' };
const STS = { kind: 'StatefulSet', namespace: NS, name: 'db' };

function world(o: { replicas?: number; retention?: unknown } = {}) {
  const { clock, store, sim, ticks } = bareSim({ storageClass: { allowVolumeExpansion: true } });
  store.create(
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: NS },
      spec: {
        replicas: o.replicas ?? 1,
        serviceName: 'db',
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { app: 'db' } },
        ...(o.retention ? { persistentVolumeClaimRetentionPolicy: o.retention } : {}),
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'a' }] } },
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } },
        ],
      },
    },
    'test',
  );
  ticks(3);
  return { clock, store, sim, ticks };
}

type World = ReturnType<typeof world>;

function requestStorage(w: World, size: string): void {
  const pvc = w.store.get(CLAIM)!;
  (specOf(pvc)['resources'] as { requests: { storage: string } }).requests.storage = size;
  w.store.update(pvc, 'test');
}

/** The claim's stage: its resize conditions, allocated resource status and capacity. */
function stage(w: World): [string[], unknown, unknown] {
  const pvc = w.store.get(CLAIM)!;
  const s = statusOf(pvc) as {
    allocatedResourceStatuses?: { storage?: string };
    capacity?: { storage?: string };
  };
  return [conditionsOf(pvc).map((c) => c.type), s.allocatedResourceStatuses?.storage, s.capacity?.storage];
}

describe('simulated volumes', () => {
  it('grows a claim in stages: Resizing, FileSystemResizePending, then the capacity', () => {
    const w = world();
    expect(stage(w)).toEqual([[], undefined, '1Gi']);
    requestStorage(w, '2Gi');
    const seen: ReturnType<typeof stage>[] = [];
    for (let i = 0; i < 4; i++) {
      w.ticks(1);
      seen.push(stage(w));
    }
    expect(seen).toEqual([
      [['Resizing'], 'ControllerResizeInProgress', '1Gi'],
      [['FileSystemResizePending'], 'NodeResizePending', '1Gi'],
      [[], undefined, '2Gi'],
      [[], undefined, '2Gi'],
    ]);
  });

  it('finishes the file system resize only once a running pod mounts the claim', () => {
    const w = world();
    requestStorage(w, '2Gi');
    w.sim.deletePod(NS, 'db-0');
    w.ticks(2);
    expect(stage(w)).toEqual([['FileSystemResizePending'], 'NodeResizePending', '1Gi']);
    w.ticks(SHUTDOWN_SECONDS / 5 + 2); // the pod goes, the new one starts
    expect(stage(w)).toEqual([[], undefined, '2Gi']);
  });

  it.each([
    ['controller', 'ControllerResizeError', 'ControllerResizeInfeasible'],
    ['node', 'NodeResizeError', 'NodeResizeInfeasible'],
  ] as const)(
    'a failed %s expansion keeps the capacity and says why, until it recovers',
    (where, type, state) => {
      const w = world();
      w.sim.volumes.failExpansion('data-db-0', where, 'quota exceeded');
      requestStorage(w, '2Gi');
      w.ticks(5);
      expect(stage(w)).toEqual([[type], state, '1Gi']);
      expect(conditionsOf(w.store.get(CLAIM)!)[0]?.['message']).toBe('quota exceeded');
      w.sim.volumes.recoverExpansion('data-db-0');
      w.ticks(3);
      expect(stage(w)).toEqual([[], undefined, '2Gi']);
    },
  );
});

describe('simulated claims: protection and owners', () => {
  const finalizers = (o: KubeObject | undefined) => o?.metadata.finalizers ?? [];

  it('a claim carries kubernetes.io/pvc-protection and, deleted, stays until no pod uses it', () => {
    const w = world();
    expect(finalizers(w.store.get(CLAIM))).toEqual(['kubernetes.io/pvc-protection']);
    w.store.delete(CLAIM, { actor: 'test' });
    w.ticks(2);
    expect(w.store.get(CLAIM)?.metadata.deletionTimestamp).toBeDefined();
    w.sim.deletePod(NS, 'db-0');
    // The StatefulSet would recreate the pod (it waits on the terminating claim); stop it first.
    w.store.delete(STS, { actor: 'test', propagationPolicy: 'Orphan' });
    w.ticks(SHUTDOWN_SECONDS / 5 + 2);
    expect(w.store.list('Pod', NS)).toEqual([]);
    expect(w.store.get(CLAIM)).toBeUndefined();
  });

  it.each([
    [{ whenScaled: 'Retain', whenDeleted: 'Delete' }, ['StatefulSet/db'], ['StatefulSet/db']],
    [{ whenScaled: 'Delete', whenDeleted: 'Retain' }, [], ['Pod/db-1']],
    [{ whenScaled: 'Delete', whenDeleted: 'Delete' }, ['StatefulSet/db'], ['Pod/db-1']],
    [{ whenScaled: 'Retain', whenDeleted: 'Retain' }, [], []],
  ])('retention %j: owners of a kept claim, then of a condemned one', (retention, kept, condemned) => {
    const w = world({ replicas: 2, retention });
    const owners = (name: string) =>
      (w.store.get({ ...CLAIM, name })?.metadata.ownerReferences ?? []).map((r) => `${r.kind}/${r.name}`);
    expect(owners('data-db-1')).toEqual(kept);
    const sts = w.store.get(STS)!;
    specOf(sts)['replicas'] = 1;
    w.store.update(sts, 'test');
    w.ticks(1);
    expect(owners('data-db-0')).toEqual(kept);
    expect(owners('data-db-1')).toEqual(condemned);
  });
});
