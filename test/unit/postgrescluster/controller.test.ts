import type { KubeObject } from '../../../hooks/lib/k8s';
import { isDataBearing } from '../../../hooks/postgrescluster/controller';
import { customizeCluster } from '../../../hooks/postgrescluster/customize';
import { keepImmutable } from '../../../hooks/postgrescluster/immutable';
import { CTX } from '../../support/cluster-world';

const obj = (
  kind: string,
  name: string,
  labels: Record<string, string> = { 'pgmeta.io/cluster': 'db' },
): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, labels },
});

describe('isDataBearing', () => {
  it.each([
    ['the StatefulSet', obj('StatefulSet', 'db'), true],
    ['a StatefulSet without our labels', obj('StatefulSet', 'x', {}), true],
    ['the superuser Secret', obj('Secret', 'db-superuser'), true],
    ['the replication Secret', obj('Secret', 'db-replication'), true],
    ['the app Secret', obj('Secret', 'db-app'), true],
    ['the primary Service (Patroni leader Endpoints)', obj('Service', 'db'), true],
    ['the replicas Service', obj('Service', 'db-ro'), false],
    ['the bootstrap Job', obj('Job', 'db-bootstrap-1234abcd'), false],
    [
      'anything annotated protected',
      { ...obj('ConfigMap', 'x'), metadata: { name: 'x', annotations: { 'pgmeta.io/protected': 'true' } } },
      true,
    ],
  ])('%s → %s', (_name, child, expected) => {
    expect(isDataBearing(child)).toBe(expected);
  });
});

describe('customizeCluster', () => {
  it('observes member Pods and PVCs by selector and Patroni Endpoints by name, in the parent namespace', () => {
    const res = customizeCluster(
      {
        controller: obj('CompositeController', 'c'),
        parent: {
          apiVersion: 'pgmeta.io/v1alpha1',
          kind: 'PostgresCluster',
          metadata: { name: 'db', namespace: 'ns' },
        },
      },
      CTX,
    );
    // Then the orphans' rules and the rules that see our children's names (collisions.test.ts).
    expect(res.relatedResources.slice(0, 7).map((r) => r.resource)).toEqual([
      'pods',
      'persistentvolumeclaims',
      'endpoints',
      'configmaps',
      'storageclasses',
      'secrets',
      'statefulsets',
    ]);
    // StorageClasses are cluster-scoped (day2/customize.ts); everything else is in the parent's namespace.
    const namespaced = res.relatedResources.filter((r) => r.resource !== 'storageclasses');
    expect(namespaced.every((r) => r.namespace === 'ns')).toBe(true);
    expect(res.relatedResources[0]?.labelSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/component': 'database', 'pgmeta.io/cluster': 'db' },
    });
    expect(res.relatedResources[2]?.names).toEqual(['db', 'db-config', 'db-sync', 'db-failover']);
    // Patroni's ConfigMaps (spec.patroni.dcs: configmaps): the leader has its own name there.
    expect(res.relatedResources[3]?.names).toEqual(['db-leader', 'db-config', 'db-sync', 'db-failover']);
    // The Secrets and StatefulSet pgmeta labelled for a cluster of this name (orphans.ts).
    for (const rule of res.relatedResources.slice(5, 7)) {
      expect(rule.labelSelector).toEqual({
        matchLabels: { 'app.kubernetes.io/managed-by': 'pgmeta', 'pgmeta.io/cluster': 'db' },
      });
    }
    expect(res.relatedResources.slice(7).every((r) => (r.names ?? []).length > 0)).toBe(true);
  });
});

describe('keepImmutable', () => {
  const sts = (size: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      replicas: 3,
      volumeClaimTemplates: [
        { metadata: { name: 'pgdata' }, spec: { resources: { requests: { storage: size } } } },
      ],
    },
  });

  it('keeps the observed claim size (the template is immutable; volumes grow on the PVCs)', () => {
    const out = keepImmutable(sts('20Gi'), sts('10Gi')) as unknown as {
      spec: { volumeClaimTemplates: { spec: unknown }[]; replicas: number };
    };
    expect(out.spec.volumeClaimTemplates[0]?.spec).toEqual({ resources: { requests: { storage: '10Gi' } } });
    expect(out.spec.replicas).toBe(3);
  });

  it('leaves a new StatefulSet and other kinds alone', () => {
    expect(keepImmutable(sts('20Gi'), undefined)).toEqual(sts('20Gi'));
    expect(keepImmutable(obj('Service', 'db'), sts('1Gi'))).toEqual(obj('Service', 'db'));
  });
});
