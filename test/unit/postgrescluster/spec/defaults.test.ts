import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canonicalQuantity, compareQuantities, parseQuantity } from '../../../../hooks/lib/quantity.js';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { DEFAULT_IMAGES, POD_SELECTOR_LABEL } from '../../../../hooks/postgrescluster/spec/defaults.js';
import { checkSpec } from '../../../../hooks/postgrescluster/spec/index.js';
import type { ResolvedCluster } from '../../../../hooks/postgrescluster/spec/resolved.js';

const BASE = { version: '16', storage: { size: '10Gi' } };

function parent(
  spec: unknown,
  metadata: Record<string, unknown> = { name: 'demo', namespace: 'db', uid: 'u1' },
): KubeObject {
  return {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: metadata as KubeObject['metadata'],
    spec,
  };
}

function resolve(spec: unknown, metadata?: Record<string, unknown>): ResolvedCluster {
  const result = checkSpec(parent(spec, metadata));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.resolved;
}

describe('resolveSpec', () => {
  it('resolves a minimal spec to every default', () => {
    const r = resolve(BASE);
    expect(r).toEqual({
      name: 'demo',
      namespace: 'db',
      uid: 'u1',
      version: '16',
      platform: 'kubernetes',
      patroni: { dcs: 'endpoints' },
      image: 'ghcr.io/zalando/spilo-17:4.0-p3',
      imageFromSpec: false,
      images: {
        pgbouncer: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.1',
        exporter: 'quay.io/prometheuscommunity/postgres-exporter:v0.20.1',
        pullSecrets: [],
      },
      maintenance: { imageUpdates: 'Manual' },
      replicas: 1,
      storage: { size: '10Gi', retentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' } },
      resources: { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } },
      postgresqlParams: {},
      pgHba: [],
      synchronous: { mode: 'async', nodeCount: 1 },
      bootstrap: { database: 'app', owner: 'app' },
      service: { type: 'ClusterIP', annotations: {}, loadBalancerSourceRanges: [] },
      tls: { enabled: true },
      scheduling: expect.objectContaining({
        tolerations: [],
        nodeSelector: {},
        topologySpreadConstraints: [],
      }),
      lifecycle: { paused: false, stopped: false, primaryUpdateMethod: 'switchover' },
      credentialRotation: { app: 0, superuser: 0, replication: 0, pooler: 0, monitoring: 0 },
    });
    expect(r.storage).not.toHaveProperty('storageClass');
    expect(r.scheduling).not.toHaveProperty('priorityClassName');
    expect(r.service).not.toHaveProperty('externalTrafficPolicy');
  });

  it.each([
    ['13', 'ghcr.io/zalando/spilo-17:4.0-p3'],
    ['14', 'ghcr.io/zalando/spilo-17:4.0-p3'],
    ['15', 'ghcr.io/zalando/spilo-17:4.0-p3'],
    ['16', 'ghcr.io/zalando/spilo-17:4.0-p3'],
    ['17', 'ghcr.io/zalando/spilo-17:4.0-p3'],
    // 18 is refused before resolution (spec/majors.ts, test/unit/postgrescluster/spec/majors.test.ts).
  ])('PostgreSQL %s runs on %s by default', (version, image) => {
    expect(resolve({ ...BASE, version }).image).toBe(image);
    expect(DEFAULT_IMAGES[version as keyof typeof DEFAULT_IMAGES]).toBe(image);
  });

  it('keeps an image override', () => {
    expect(resolve({ ...BASE, image: 'registry.example.com/spilo:custom' }).image).toBe(
      'registry.example.com/spilo:custom',
    );
  });

  it.each([
    ['10240Mi', '10Gi'],
    ['1.5Gi', '1536Mi'],
    ['1000Mi', '1000Mi'],
  ])('stores the volume size %s as the API server would: %s', (size, canonical) => {
    expect(resolve({ ...BASE, storage: { size } }).storage.size).toBe(canonical);
  });

  it('writes resources in canonical form, integers included', () => {
    const r = resolve({
      ...BASE,
      resources: { requests: { cpu: '0.5', memory: '1024Mi' }, limits: { cpu: 2, memory: '2Gi' } },
    });
    expect(r.resources).toEqual({
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '2', memory: '2Gi' },
    });
  });

  // Spilo 4.0-p3 configure_spilo.py get_placeholders() sizes shared_buffers (1/5) and
  // max_connections (1 per 30 MB) from the cgroup memory limit, else from the whole node.
  it.each<[string, Record<string, unknown> | undefined, { requests: object; limits: object }]>([
    ['none', undefined, { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } }],
    ['empty maps', { requests: {} }, { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } }],
    [
      'CPU only',
      { requests: { cpu: 1 } },
      { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } },
    ],
    [
      'a memory request only',
      { requests: { memory: '4Gi' } },
      { requests: { memory: '4Gi' }, limits: { memory: '4Gi' } },
    ],
    [
      'a memory limit only',
      { limits: { memory: '8Gi' } },
      { requests: { memory: '8Gi' }, limits: { memory: '8Gi' } },
    ],
    [
      'both',
      { requests: { memory: '2Gi' }, limits: { memory: '3Gi' } },
      { requests: { memory: '2Gi' }, limits: { memory: '3Gi' } },
    ],
  ])('always bounds the memory Spilo sizes PostgreSQL from (%s)', (_what, resources, expected) => {
    expect(resolve({ ...BASE, ...(resources ? { resources } : {}) }).resources).toEqual(expected);
  });

  it('gives PostgreSQL settings as text', () => {
    const r = resolve({ ...BASE, postgresqlParams: { max_connections: 200, shared_buffers: '256MB' } });
    expect(r.postgresqlParams).toEqual({ max_connections: '200', shared_buffers: '256MB' });
  });

  it('copies the optional fields that are set', () => {
    const r = resolve({
      ...BASE,
      replicas: 3,
      storage: { size: '1Gi', storageClass: 'fast', retentionPolicy: { whenScaled: 'Delete' } },
      synchronous: { mode: 'strict', nodeCount: 2 },
      bootstrap: { database: 'shop', owner: 'shop_owner' },
      service: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        annotations: { a: 'b' },
        loadBalancerSourceRanges: ['10.0.0.0/8'],
      },
      tls: { enabled: false },
      priorityClassName: 'db-critical',
      pgHba: ['hostssl all all 10.0.0.0/8 scram-sha-256'],
    });
    expect(r).toMatchObject({
      replicas: 3,
      storage: {
        size: '1Gi',
        storageClass: 'fast',
        retentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' },
      },
      synchronous: { mode: 'strict', nodeCount: 2 },
      bootstrap: { database: 'shop', owner: 'shop_owner' },
      service: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        annotations: { a: 'b' },
        loadBalancerSourceRanges: ['10.0.0.0/8'],
      },
      tls: { enabled: false },
      scheduling: { priorityClassName: 'db-critical' },
      pgHba: ['hostssl all all 10.0.0.0/8 scram-sha-256'],
    });
  });

  it('takes identity from metadata, with offline fallbacks', () => {
    expect(resolve(BASE, { name: 'x' })).toMatchObject({ name: 'x', namespace: 'default', uid: '' });
  });
});

describe('scheduling defaults', () => {
  const defaultTerms = (name: string) => [
    {
      weight: 100,
      podAffinityTerm: {
        labelSelector: {
          matchLabels: { 'app.kubernetes.io/component': 'database', 'pgmeta.io/cluster': name },
        },
        topologyKey: 'kubernetes.io/hostname',
      },
    },
    {
      weight: 50,
      podAffinityTerm: {
        labelSelector: {
          matchLabels: { 'app.kubernetes.io/component': 'database', 'pgmeta.io/cluster': name },
        },
        topologyKey: 'topology.kubernetes.io/zone',
      },
    },
  ];

  it('selects pods by the cluster label', () => {
    expect(POD_SELECTOR_LABEL).toBe('pgmeta.io/cluster');
  });

  it('prefers one member per node and per zone', () => {
    expect(resolve(BASE).scheduling.affinity).toEqual({
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: defaultTerms('demo') },
    });
  });

  it('keeps node and pod affinity the user sets, adding the default anti-affinity', () => {
    const nodeAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['db'] }] }],
      },
    };
    expect(resolve({ ...BASE, affinity: { nodeAffinity } }).scheduling.affinity).toEqual({
      nodeAffinity,
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: defaultTerms('demo') },
    });
  });

  it('replaces the default anti-affinity with the user one', () => {
    const podAntiAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: [
        {
          labelSelector: {
            matchLabels: { 'app.kubernetes.io/component': 'database', 'pgmeta.io/cluster': 'demo' },
          },
          topologyKey: 'kubernetes.io/hostname',
        },
      ],
    };
    expect(resolve({ ...BASE, affinity: { podAntiAffinity } }).scheduling.affinity).toEqual({
      podAntiAffinity,
    });
  });

  it("gives a spread constraint without selector this cluster's pods", () => {
    const r = resolve({
      ...BASE,
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' },
        {
          maxSkew: 2,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { app: 'x' } },
        },
      ],
    });
    expect(r.scheduling.topologySpreadConstraints.map((c) => c.labelSelector)).toEqual([
      { matchLabels: { 'app.kubernetes.io/component': 'database', 'pgmeta.io/cluster': 'demo' } },
      { matchLabels: { app: 'x' } },
    ]);
  });
});

describe('properties of resolved clusters', () => {
  const quantity = fc.constantFrom('1Gi', '1024Mi', '0.5', '1.5Gi', '100m', '2', '1000Mi', '1e3');
  const spec = fc.record(
    {
      version: fc.constantFrom('13', '14', '15', '16', '17', '18'),
      replicas: fc.integer({ min: 1, max: 100 }),
      storage: fc.record({ size: fc.constantFrom('1Gi', '10240Mi', '1.5Gi', '1Ti') }),
      resources: fc.record(
        {
          requests: fc.record({ cpu: quantity, memory: quantity }),
          limits: fc.record({ cpu: fc.constant('1e3') }),
        },
        { requiredKeys: [] },
      ),
      postgresqlParams: fc.dictionary(
        fc.constantFrom('max_connections', 'work_mem', 'jit'),
        fc.constantFrom('100', 'on', '64MB'),
      ),
    },
    { requiredKeys: ['version', 'storage'] },
  );

  it('holds no undefined value and only canonical quantities', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const result = checkSpec(parent(s));
        if (!result.ok) return; // e.g. a setting of the wrong type for its name
        const r = result.resolved;
        expect(JSON.parse(JSON.stringify(r))).toStrictEqual(r);
        const { requests, limits } = r.resources;
        expect(requests?.['memory']).toBeDefined();
        expect(
          compareQuantities(parseQuantity(limits!['memory']!)!, parseQuantity(requests!['memory']!)!),
        ).toBeGreaterThanOrEqual(0);
        for (const q of [
          r.storage.size,
          ...Object.values(r.resources.requests ?? {}),
          ...Object.values(r.resources.limits ?? {}),
        ]) {
          expect(canonicalQuantity(q)).toBe(q);
        }
      }),
    );
  });
});
