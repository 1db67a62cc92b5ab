import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../hooks/lib/k8s.js';
import { kedaDecorator } from '../../../hooks/integrations/keda.js';
import { runHook } from '../../../hooks/metacontroller/dispatch.js';
import { haMinimum, PAUSED_ANNOTATION } from '../../../hooks/postgrescluster/scaling/keda.js';
import { CTX, parentFrom } from '../../support/cluster-world.js';

const BASE = { version: '16', replicas: 3, storage: { size: '10Gi' } };
const SCALING = { enabled: true, minReplicas: 2, maxReplicas: 6 };

function decorate(spec: Record<string, unknown>, status?: unknown): KubeObject[] {
  const object = parentFrom(spec, status === undefined ? {} : { status });
  const body = { controller: {}, object, attachments: {}, related: {}, finalizing: false };
  return (runHook({ def: kedaDecorator, hook: 'sync', body, ctx: CTX }) as { attachments: KubeObject[] })
    .attachments;
}

interface ScaledSpec {
  scaleTargetRef: Record<string, string>;
  minReplicaCount: number;
  maxReplicaCount: number;
  triggers: {
    type: string;
    metricType: string;
    metadata: Record<string, string>;
    authenticationRef?: { name: string };
  }[];
}
const specOf = (o: KubeObject | undefined) => o!['spec'] as ScaledSpec;

describe('the KEDA decorator', () => {
  it('scales the PostgresCluster through its scale subresource, on CPU', () => {
    const [so, ...rest] = decorate({ ...BASE, scaling: SCALING });
    expect(rest).toEqual([]);
    expect(so).toMatchObject({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'orders', namespace: 'shop' },
    });
    const spec = specOf(so);
    expect(spec.scaleTargetRef).toEqual({
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresCluster',
      name: 'orders',
    });
    expect([spec.minReplicaCount, spec.maxReplicaCount]).toEqual([2, 6]);
    expect(spec.triggers).toEqual([
      { type: 'cpu', metricType: 'Utilization', metadata: { value: '75', containerName: 'postgres' } },
    ]);
  });

  it.each([
    ['asynchronous', { mode: 'async', nodeCount: 1 }, 2],
    ['one synchronous replica', { mode: 'sync', nodeCount: 1 }, 2],
    ['two synchronous replicas', { mode: 'strict', nodeCount: 2 }, 3],
    ['four synchronous replicas', { mode: 'sync', nodeCount: 4 }, 5],
  ] as const)('never goes below the HA minimum: %s', (_what, synchronous, min) => {
    expect(haMinimum({ synchronous })).toBe(min);
    const spec = specOf(
      decorate({ ...BASE, replicas: 6, synchronous, scaling: { ...SCALING, maxReplicas: 3 } })[0],
    );
    expect(spec.minReplicaCount).toBe(min);
    expect(spec.maxReplicaCount).toBeGreaterThanOrEqual(min);
  });

  it('adds a connections trigger on the replicas as the monitoring role, with its password from a Secret', () => {
    const [so, auth] = decorate({
      ...BASE,
      metrics: { enabled: true },
      scaling: { ...SCALING, connectionsPerReplica: 200 },
    });
    const connections = specOf(so).triggers[1]!;
    expect(connections).toMatchObject({
      type: 'postgresql',
      metricType: 'Value',
      metadata: {
        host: 'orders-ro.shop.svc',
        userName: 'pgmeta_monitor',
        sslmode: 'require',
        targetQueryValue: '200',
      },
      authenticationRef: { name: 'orders-keda' },
    });
    expect(JSON.stringify(so)).not.toMatch(/password"?:/);
    expect(auth).toMatchObject({
      kind: 'TriggerAuthentication',
      metadata: { name: 'orders-keda' },
      spec: { secretTargetRef: [{ parameter: 'password', name: 'orders-monitoring', key: 'password' }] },
    });
  });

  it.each([
    ['no member status yet', undefined, false],
    ['replicas within the lag limit', { members: [{ name: 'orders-1', lagBytes: 1024 }] }, false],
    ['a replica lagging beyond the limit', { members: [{ name: 'orders-1', lagBytes: 16_777_217 }] }, true],
  ])('pauses while a replica lags: %s', (_what, status, paused) => {
    const [so] = decorate({ ...BASE, scaling: SCALING }, status);
    expect(so!.metadata.annotations?.[PAUSED_ANNOTATION]).toBe(paused ? 'true' : undefined);
  });

  it('attaches nothing without spec.scaling.enabled', () => {
    expect(decorate(BASE)).toEqual([]);
    expect(decorate({ ...BASE, scaling: { enabled: false } })).toEqual([]);
  });
});
