import { describe, expect, it } from '@jest/globals';
import { buildStatefulSet, dataVolumeClaim } from '../../../../hooks/postgrescluster/children/statefulset.js';
import { podLabels, podSelector } from '../../../../hooks/postgrescluster/names.js';
import { aCluster, envMap } from '../../../support/cluster-fixture.js';

const SPEC_JSON = '{"replicas":3,"storage":{"size":"10Gi"},"version":"17"}';

function render(builder = aCluster()) {
  const cluster = builder.build();
  const sts = buildStatefulSet(cluster, { specJson: SPEC_JSON });
  const pod = sts.spec!.template.spec!;
  const container = pod.containers[0]!;
  return { cluster, sts, pod, container };
}

describe('StatefulSet identity', () => {
  it('is named after the cluster, uses the headless Service and the requested replicas', () => {
    const { sts } = render(aCluster().withName('demo').withNamespace('prod').withReplicas(3));
    expect(sts).toMatchObject({ apiVersion: 'apps/v1', kind: 'StatefulSet' });
    expect(sts.metadata).toMatchObject({ name: 'demo', namespace: 'prod' });
    expect(sts.spec).toMatchObject({
      replicas: 3,
      serviceName: 'demo-members',
      podManagementPolicy: 'Parallel',
    });
  });

  it('selects with the pod selector, and the template labels contain it', () => {
    const { cluster, sts } = render();
    expect(sts.spec!.selector).toEqual({ matchLabels: podSelector(cluster) });
    expect(sts.spec!.template.metadata!.labels).toEqual(podLabels(cluster));
  });

  it('stores the last valid spec and the protection on itself, never on the pod template', () => {
    const { sts } = render();
    expect(sts.metadata.annotations).toEqual({
      'pgmeta.io/protected': 'true',
      'pgmeta.io/last-valid-spec': SPEC_JSON,
    });
    expect(sts.spec!.template.metadata).not.toHaveProperty('annotations');
  });

  it('keeps immutable fields independent of everything but the name', () => {
    const a = render(aCluster().withName('demo')).sts.spec!;
    const b = render(
      aCluster()
        .withName('demo')
        .withReplicas(5)
        .withVersion('18')
        .withImage('example/spilo:x')
        .withTls(false),
    ).sts.spec!;
    expect(b.selector).toEqual(a.selector);
    expect(b.serviceName).toEqual(a.serviceName);
    expect(b.podManagementPolicy).toEqual(a.podManagementPolicy);
    expect(b.volumeClaimTemplates).toEqual(a.volumeClaimTemplates);
  });
});

describe('storage', () => {
  it('claims the data volume as the API server stores it', () => {
    const { sts } = render(aCluster().withStorage({ size: '50Gi', storageClass: 'fast-ssd' }));
    expect(sts.spec!.volumeClaimTemplates).toEqual([
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'pgdata' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '50Gi' } },
          storageClassName: 'fast-ssd',
          volumeMode: 'Filesystem',
        },
      },
    ]);
  });

  it('leaves the storage class to the cluster default when none is given', () => {
    expect(dataVolumeClaim(aCluster().build()).spec).not.toHaveProperty('storageClassName');
  });

  it.each([
    ['Retain', 'Retain'],
    ['Delete', 'Retain'],
    ['Retain', 'Delete'],
  ] as const)('retention policy whenDeleted=%s whenScaled=%s', (whenDeleted, whenScaled) => {
    const { sts } = render(aCluster().withStorage({ retentionPolicy: { whenDeleted, whenScaled } }));
    expect(sts.spec!.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted, whenScaled });
  });

  it('mounts the volume where PGDATA points, and /dev/shm in memory', () => {
    const { pod, container } = render();
    expect(container.volumeMounts).toEqual([
      { name: 'dshm', mountPath: '/dev/shm' },
      { name: 'pgdata', mountPath: '/home/postgres/pgdata' },
    ]);
    expect(pod.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
    const env = envMap(container.env);
    expect(String(env['PGDATA']).startsWith('/home/postgres/pgdata/')).toBe(true);
    expect(String(env['PGROOT']).startsWith('/home/postgres/pgdata/')).toBe(true);
  });
});

describe('pod', () => {
  it('runs as Spilo’s non-root postgres user with seccomp and no privilege escalation', () => {
    const { pod, container } = render();
    expect(pod.securityContext).toMatchObject({
      runAsUser: 101,
      runAsGroup: 103,
      fsGroup: 103,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('runs the cluster image with Patroni’s ServiceAccount and a long grace period', () => {
    const { pod, container } = render(aCluster().withName('demo').withImage('registry.example/spilo:17'));
    expect(container.image).toBe('registry.example/spilo:17');
    expect(pod.serviceAccountName).toBe('demo-patroni');
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(120);
  });

  it('exposes PostgreSQL and Patroni as named integer ports', () => {
    expect(render().container.ports).toEqual([
      { name: 'postgresql', containerPort: 5432, protocol: 'TCP' },
      { name: 'patroni', containerPort: 8008, protocol: 'TCP' },
    ]);
  });

  it('probes Patroni’s /readiness and /liveness on 8008, liveness generously', () => {
    const { container } = render();
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readiness', port: 8008, scheme: 'HTTP' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/liveness', port: 8008, scheme: 'HTTP' });
    const live = container.livenessProbe!;
    expect((live.periodSeconds ?? 10) * (live.failureThreshold ?? 3)).toBeGreaterThanOrEqual(60);
    const ready = container.readinessProbe!;
    expect((live.periodSeconds ?? 10) * (live.failureThreshold ?? 3)).toBeGreaterThan(
      (ready.periodSeconds ?? 10) * (ready.failureThreshold ?? 3),
    );
  });

  it('applies resources as given and omits them when empty', () => {
    const resources = { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } };
    expect(render(aCluster().withResources(resources)).container.resources).toEqual(resources);
    expect(render(aCluster().withResources({})).container).not.toHaveProperty('resources');
  });

  it('applies the scheduling fields that are set and omits the empty ones', () => {
    const affinity = {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: { matchLabels: { 'pgmeta.io/cluster': 'demo' } },
            },
          },
        ],
      },
    };
    const tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }];
    const { pod } = render(
      aCluster().withScheduling({
        affinity,
        tolerations,
        nodeSelector: { disk: 'ssd' },
        priorityClassName: 'db-critical',
      }),
    );
    expect(pod).toMatchObject({
      affinity,
      tolerations,
      nodeSelector: { disk: 'ssd' },
      priorityClassName: 'db-critical',
    });
    expect(pod).not.toHaveProperty('topologySpreadConstraints');
    const bare = render().pod;
    for (const field of [
      'affinity',
      'tolerations',
      'nodeSelector',
      'topologySpreadConstraints',
      'priorityClassName',
    ]) {
      expect(bare).not.toHaveProperty(field);
    }
  });

  it('carries the Spilo environment, sorted', () => {
    const names = (render().container.env ?? []).map((v) => v.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(
      expect.arrayContaining(['SCOPE', 'SPILO_CONFIGURATION', 'PGVERSION', 'KUBERNETES_LABELS']),
    );
  });
});
