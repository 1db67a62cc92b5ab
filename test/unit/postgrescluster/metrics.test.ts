import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../hooks/lib/k8s.js';
import { prometheusDecorator } from '../../../hooks/integrations/prometheus.js';
import { runHook } from '../../../hooks/metacontroller/dispatch.js';
import { renderChildren } from '../../../hooks/postgrescluster/render.js';
import { CTX, parentFrom, resolvedCluster } from '../../support/cluster-world.js';
import { envMap } from '../../support/cluster-fixture.js';
import { lazy } from '../../support/lazy.js';

const BASE = { version: '16', replicas: 3, storage: { size: '10Gi' } };
const inputs = { operatorKey: new Uint8Array(32).fill(3), observedSecrets: {}, specJson: '{}' };

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  ports?: { name: string; containerPort: number }[];
}
const find = (children: KubeObject[], kind: string, name: string | RegExp) =>
  children.find(
    (c) =>
      c.kind === kind && (typeof name === 'string' ? c.metadata.name === name : name.test(c.metadata.name)),
  );
const containersOf = (sts: KubeObject) =>
  (sts['spec'] as { template: { spec: { containers: Container[] } } }).template.spec.containers;
const portsOf = (svc: KubeObject) =>
  (svc['spec'] as { ports: { name: string; port: number }[] }).ports.map((p) => `${p.name}:${p.port}`);

describe('spec.metrics', () => {
  // Rendered on first use inside a test (test/support/lazy.ts).
  const on = lazy(() => renderChildren(resolvedCluster({ ...BASE, metrics: { enabled: true } }), inputs));
  const off = lazy(() => renderChildren(resolvedCluster(BASE), inputs));

  it('adds the exporter sidecar, logged in as the monitoring role over loopback with TLS', () => {
    const [postgres, exporter] = containersOf(find(on(), 'StatefulSet', 'orders')!);
    expect(postgres?.name).toBe('postgres');
    expect(exporter).toMatchObject({
      name: 'exporter',
      image: 'quay.io/prometheuscommunity/postgres-exporter:v0.20.1',
      ports: [{ name: 'metrics', containerPort: 9187 }],
    });
    expect(envMap(exporter!.env)).toEqual({
      DATA_SOURCE_URI: 'localhost:5432/postgres?sslmode=require',
      DATA_SOURCE_USER: { secretKeyRef: { name: 'orders-monitoring', key: 'username' } },
      DATA_SOURCE_PASS: { secretKeyRef: { name: 'orders-monitoring', key: 'password' } },
    });
  });

  it('renders the monitoring role’s Secret and Job, and a metrics port on the selector Services only', () => {
    expect(find(on(), 'Secret', 'orders-monitoring')).toBeDefined();
    expect(find(on(), 'Job', /^orders-monitoring-[0-9a-f]{8}$/)).toBeDefined();
    expect(portsOf(find(on(), 'Service', 'orders-ro')!)).toEqual(['postgresql:5432', 'metrics:9187']);
    expect(portsOf(find(on(), 'Service', 'orders-members')!)).toEqual([
      'postgresql:5432',
      'patroni:8008',
      'metrics:9187',
    ]);
    // Patroni's leader Endpoints behind the primary Service list PostgreSQL's port only.
    expect(portsOf(find(on(), 'Service', 'orders')!)).toEqual(['postgresql:5432']);
  });

  it('changes nothing without it', () => {
    expect(containersOf(find(off(), 'StatefulSet', 'orders')!).map((c) => c.name)).toEqual(['postgres']);
    expect(off().filter((c) => c.metadata.name.includes('monitoring'))).toEqual([]);
    expect(portsOf(find(off(), 'Service', 'orders-ro')!)).toEqual(['postgresql:5432']);
  });

  it('connects without requiring TLS when the cluster does not', () => {
    const plain = renderChildren(
      resolvedCluster({ ...BASE, tls: { enabled: false }, metrics: { enabled: true } }),
      inputs,
    );
    const exporter = containersOf(find(plain, 'StatefulSet', 'orders')!)[1]!;
    expect(envMap(exporter.env)['DATA_SOURCE_URI']).toBe('localhost:5432/postgres?sslmode=prefer');
  });
});

describe('the prometheus decorator', () => {
  const decorate = (spec: Record<string, unknown>) =>
    (
      runHook({
        def: prometheusDecorator,
        hook: 'sync',
        body: { controller: {}, object: parentFrom(spec), attachments: {}, related: {}, finalizing: false },
        ctx: CTX,
      }) as { attachments: KubeObject[] }
    ).attachments;

  it('attaches a PodMonitor of the members (exporter and Patroni) and the cluster’s PrometheusRule', () => {
    const [monitor, rule] = decorate({ ...BASE, metrics: { enabled: true } });
    expect([monitor?.kind, rule?.kind]).toEqual(['PodMonitor', 'PrometheusRule']);
    const spec = monitor!['spec'] as {
      selector: unknown;
      podMetricsEndpoints: { port: string; path?: string }[];
    };
    expect(spec.selector).toEqual({
      matchLabels: { 'app.kubernetes.io/component': 'database', 'pgmeta.io/cluster': 'orders' },
    });
    expect(spec.podMetricsEndpoints.map((e) => `${e.port}${e.path ?? ''}`)).toEqual([
      'metrics',
      'patroni/metrics',
    ]);
  });

  it('attaches nothing without metrics', () => {
    expect(decorate(BASE)).toEqual([]);
  });
});
