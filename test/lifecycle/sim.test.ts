/**
 * The simulation's Kubernetes parts on their own (no hook involved): the API server's rules, the
 * StatefulSet controller's update strategies and claim retention, and the garbage collector. What
 * the kubelet and the Job controller show of a Job's pod is in sim-jobs.test.ts. Scenarios are only
 * as good as these behaviours are faithful.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { bareSim } from './sim-world';
import { collectGarbage } from './emulator';
import { ApiError } from './lib/store';
import { SHUTDOWN_SECONDS } from './sim/kubelet';

const NS = 'ns';
const SHUTDOWN_TICKS = SHUTDOWN_SECONDS / 5;

function world() {
  const { clock, store, sim, ticks } = bareSim({ storageClass: { allowVolumeExpansion: false } });
  return { clock, store, sim, ticks };
}

function statefulSet(o: {
  replicas: number;
  image: string;
  strategy?: unknown;
  retention?: unknown;
}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: NS },
    spec: {
      replicas: o.replicas,
      serviceName: 'db',
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: { app: 'db' } },
      ...(o.strategy ? { updateStrategy: o.strategy } : {}),
      ...(o.retention ? { persistentVolumeClaimRetentionPolicy: o.retention } : {}),
      template: {
        metadata: { labels: { app: 'db', tier: 'data' } },
        spec: { containers: [{ name: 'c', image: o.image }] },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: { kind: 'volume' } },
          spec: { resources: { requests: { storage: '1Gi' } } },
        },
      ],
    },
  };
}

const STS = { kind: 'StatefulSet', namespace: NS, name: 'db' };
const revisionOf = (p: KubeObject) => p.metadata.labels?.['controller-revision-hash'];
const stsStatus = (w: ReturnType<typeof world>) => w.store.get(STS)?.['status'] as Record<string, unknown>;

function setImage(w: ReturnType<typeof world>, image: string): void {
  const sts = w.store.get(STS)!;
  const spec = sts['spec'] as { template: { spec: { containers: { image: string }[] } } };
  spec.template.spec.containers[0]!.image = image;
  w.store.update(sts, 'test');
}

describe('cluster simulation', () => {
  it('creates one pod and one claim per ordinal, claims labelled with the template and selector labels', () => {
    const w = world();
    w.store.create(statefulSet({ replicas: 2, image: 'a' }), 'test');
    w.ticks(3);
    expect(w.store.list('Pod', NS).map((p) => p.metadata.name)).toEqual(['db-0', 'db-1']);
    const claims = w.store.list('PersistentVolumeClaim', NS);
    expect(claims.map((c) => [c.metadata.name, c.metadata.labels])).toEqual([
      ['data-db-0', { kind: 'volume', app: 'db' }],
      ['data-db-1', { kind: 'volume', app: 'db' }],
    ]);
    expect(claims.map((c) => (c['status'] as { phase: string }).phase)).toEqual(['Bound', 'Bound']);
    expect(stsStatus(w)).toMatchObject({ replicas: 2, readyReplicas: 2, observedGeneration: 1 });
  });

  it('a deleted pod stays Terminating a while, counted in replicas but in neither revision count', () => {
    const w = world();
    w.store.create(statefulSet({ replicas: 3, image: 'a', strategy: { type: 'OnDelete' } }), 'test');
    w.ticks(3);
    w.store.delete({ kind: 'Pod', namespace: NS, name: 'db-1' }, { actor: 'test' });
    w.ticks(1);
    expect(
      w.store.get({ kind: 'Pod', namespace: NS, name: 'db-1' })?.metadata.deletionTimestamp,
    ).toBeDefined();
    expect(stsStatus(w)).toMatchObject({ replicas: 3, currentReplicas: 2, updatedReplicas: 2 });
    w.ticks(SHUTDOWN_TICKS + 1);
    expect(stsStatus(w)).toMatchObject({ replicas: 3, currentReplicas: 3, updatedReplicas: 3 });
  });

  it('RollingUpdate replaces the highest ordinal first, one at a time, and keeps ordinals below the partition', () => {
    const w = world();
    w.store.create(
      statefulSet({
        replicas: 3,
        image: 'a',
        strategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      }),
      'test',
    );
    w.ticks(3);
    setImage(w, 'b');
    const deleted: string[] = [];
    for (let i = 0; i < 12; i++) {
      w.ticks(1);
      for (const c of w.store.log.filter((x) => x.verb === 'terminate' && x.kind === 'Pod')) {
        if (!deleted.includes(c.name)) deleted.push(c.name);
      }
    }
    expect(deleted).toEqual(['db-2', 'db-1']);
    const pods = w.store.list('Pod', NS);
    const update = stsStatus(w)['updateRevision'];
    expect(pods.map((p) => revisionOf(p) === update)).toEqual([false, true, true]);
    expect(stsStatus(w)['currentRevision']).not.toBe(update);
  });

  it('OnDelete never replaces a pod and, like the real controller, never advances currentRevision', () => {
    const w = world();
    w.store.create(statefulSet({ replicas: 2, image: 'a', strategy: { type: 'OnDelete' } }), 'test');
    w.ticks(3);
    setImage(w, 'b');
    w.ticks(4);
    expect(w.store.log.filter((c) => c.verb === 'terminate' && c.kind === 'Pod')).toEqual([]);
    w.store.delete({ kind: 'Pod', namespace: NS, name: 'db-0' }, { actor: 'test' });
    w.store.delete({ kind: 'Pod', namespace: NS, name: 'db-1' }, { actor: 'test' });
    w.ticks(4);
    const status = stsStatus(w);
    expect(w.store.list('Pod', NS).map((p) => revisionOf(p))).toEqual([
      status['updateRevision'],
      status['updateRevision'],
    ]);
    expect(status['updatedReplicas']).toBe(2);
    expect(status['currentRevision']).not.toBe(status['updateRevision']);
  });

  it.each([
    ['Retain', 'Retain', ['data-db-0', 'data-db-1', 'data-db-2'], ['data-db-0', 'data-db-1', 'data-db-2']],
    ['Delete', 'Retain', ['data-db-0'], ['data-db-0']],
    ['Retain', 'Delete', ['data-db-0', 'data-db-1', 'data-db-2'], []],
  ])(
    'whenScaled %s, whenDeleted %s: claims after scaling 3 → 1, then after deleting the set',
    (whenScaled, whenDeleted, afterScale, afterDelete) => {
      const w = world();
      w.store.create(
        statefulSet({ replicas: 3, image: 'a', retention: { whenScaled, whenDeleted } }),
        'test',
      );
      w.ticks(3);
      const sts = w.store.get(STS)!;
      (sts['spec'] as { replicas: number }).replicas = 1;
      w.store.update(sts, 'test');
      // Deleted pods stay Terminating for SHUTDOWN_SECONDS before the kubelet removes them.
      w.ticks(4 + SHUTDOWN_TICKS);
      expect(w.store.list('PersistentVolumeClaim', NS).map((c) => c.metadata.name)).toEqual(afterScale);
      w.store.delete(STS, { actor: 'test' });
      w.ticks(4 + SHUTDOWN_TICKS);
      expect(w.store.list('Pod', NS)).toEqual([]);
      expect(w.store.list('PersistentVolumeClaim', NS).map((c) => c.metadata.name)).toEqual(afterDelete);
    },
  );

  it.each([
    [
      'a StatefulSet field other than replicas/template/updateStrategy/...',
      (w: ReturnType<typeof world>) => {
        const sts = w.store.get(STS)!;
        (sts['spec'] as { serviceName: string }).serviceName = 'other';
        w.store.update(sts, 'test');
      },
      /updates to statefulset spec for fields other than/,
    ],
    [
      'a claim shrink',
      (w: ReturnType<typeof world>) => {
        const pvc = w.store.get({ kind: 'PersistentVolumeClaim', namespace: NS, name: 'data-db-0' })!;
        (pvc['spec'] as { resources: { requests: { storage: string } } }).resources.requests.storage =
          '500Mi';
        w.store.update(pvc, 'test');
      },
      /can not be less than/,
    ],
    [
      'a claim growth on a class without allowVolumeExpansion',
      (w: ReturnType<typeof world>) => {
        const pvc = w.store.get({ kind: 'PersistentVolumeClaim', namespace: NS, name: 'data-db-0' })!;
        (pvc['spec'] as { resources: { requests: { storage: string } } }).resources.requests.storage = '2Gi';
        w.store.update(pvc, 'test');
      },
      /storageclass that provisions the pvc must support resize/,
    ],
    [
      'a label value longer than 63 characters',
      (w: ReturnType<typeof world>) => {
        w.store.create(
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'x', namespace: NS, labels: { a: 'b'.repeat(64) } },
          },
          'test',
        );
      },
      /is not a valid label value/,
    ],
  ])('the API server refuses %s', (_what, write, message) => {
    const w = world();
    w.store.create(statefulSet({ replicas: 1, image: 'a' }), 'test');
    w.ticks(3);
    expect(() => {
      write(w);
    }).toThrow(ApiError);
    expect(() => {
      write(w);
    }).toThrow(message);
  });

  it('a no-op write bumps nothing; a spec change bumps generation, a metadata change does not', () => {
    const w = world();
    const created = w.store.create(statefulSet({ replicas: 1, image: 'a' }), 'test');
    expect(w.store.update(created, 'test').metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const labelled = w.store.update(
      { ...created, metadata: { ...created.metadata, labels: { x: 'y' } } },
      'test',
    );
    expect(labelled.metadata.generation).toBe(1);
    setImage(w, 'b');
    expect(w.store.get(STS)?.metadata.generation).toBe(2);
  });

  it('the garbage collector deletes what all of whose owners are gone, and nothing else', () => {
    const w = world();
    const owner = w.store.create(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner', namespace: NS } },
      'test',
    );
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! };
    w.store.create(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'dependent', namespace: NS, ownerReferences: [ref] },
      },
      'test',
    );
    w.store.create(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'unowned', namespace: NS } },
      'test',
    );
    expect(collectGarbage(w.store)).toBe(0);
    w.store.delete({ kind: 'ConfigMap', namespace: NS, name: 'owner' }, { actor: 'test' });
    expect(collectGarbage(w.store)).toBe(1);
    expect(w.store.list('Secret', NS).map((s) => s.metadata.name)).toEqual(['unowned']);
  });
});
