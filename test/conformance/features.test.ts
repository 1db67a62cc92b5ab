/**
 * The children of clusters that use the optional features (poolers, TLS modes, network policies,
 * metrics) validate against the upstream Kubernetes OpenAPI schemas (kubernetes-models, run by
 * validate.mjs in its own node process), as the examples' children do in conformance.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../hooks/lib/k8s';
import { parentFrom, sync } from '../support/cluster-world';
import { certManagerDecorator } from '../../hooks/integrations/cert-manager';
import { INTEGRATIONS } from '../../hooks/integrations/index';
import { runHook } from '../../hooks/metacontroller/dispatch';
import { CTX } from '../support/cluster-world';
import { invalidEntries, validateObjects } from './run-validate';
import { validateCustomObjects } from './run-validate-crds';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

const CLUSTERS: [string, Record<string, unknown>][] = [
  ['poolers, TLS on', { ...HA, pgbouncer: { enabled: true, readOnlyPooler: true } }],
  [
    'a cert-manager issuer and poolers',
    {
      ...HA,
      tls: { issuerRef: { name: 'ca', kind: 'ClusterIssuer' } },
      pgbouncer: { enabled: true, readOnlyPooler: true },
    },
  ],
  [
    'network policies with poolers',
    {
      ...HA,
      pgbouncer: { enabled: true, readOnlyPooler: true },
      networkPolicy: {
        enabled: true,
        allowFrom: [
          { namespaceSelector: { matchLabels: { team: 'web' } } },
          { podSelector: { matchLabels: { app: 'a' } } },
        ],
        allowCidrs: ['10.0.0.0/8', 'fd00::/8'],
      },
    },
  ],
  ['metrics', { ...HA, metrics: { enabled: true } }],
  ['Patroni on ConfigMaps', { ...HA, patroni: { dcs: 'configmaps' } }],
  [
    'OpenShift with poolers, metrics and network policies',
    {
      ...HA,
      platform: 'openshift',
      pgbouncer: { enabled: true, readOnlyPooler: true },
      metrics: { enabled: true },
      networkPolicy: { enabled: true, allowFrom: [{ podSelector: { matchLabels: { app: 'a' } } }] },
    },
  ],
  [
    'the JSON log on stdout (the follower container) with metrics',
    {
      ...HA,
      metrics: { enabled: true },
      logging: { destination: 'stdout', format: 'json' },
    },
  ],
  ['the text log in files', { ...HA, logging: { destination: 'files', format: 'text' } }],
  [
    'autoscaling on CPU and connections',
    {
      ...HA,
      metrics: { enabled: true },
      scaling: { enabled: true, maxReplicas: 8, connectionsPerReplica: 100 },
    },
  ],
  [
    'a session pooler with resources, TLS off',
    {
      ...HA,
      tls: { enabled: false },
      pgbouncer: {
        enabled: true,
        poolMode: 'session',
        resources: { requests: { cpu: 1 }, limits: { cpu: 2 } },
      },
    },
  ],
];

/** What every decorator attaches to the cluster (custom resources of the optional integrations). */
function attachments(spec: Record<string, unknown>): KubeObject[] {
  return INTEGRATIONS.flatMap((def) => {
    const body = {
      controller: {},
      object: parentFrom(spec),
      attachments: {},
      related: {},
      finalizing: false,
    };
    return (runHook({ def, hook: 'sync', body, ctx: CTX }) as { attachments: KubeObject[] }).attachments;
  });
}

function render(spec: Record<string, unknown>): KubeObject[] {
  return sync({ parent: parentFrom(spec), children: [], related: [] }).children;
}

describe.each(CLUSTERS)('%s', (_what, spec) => {
  it('renders children that all validate against the Kubernetes OpenAPI schemas', () => {
    const children = render(spec);
    const run = validateObjects(children);
    expect(run.stderr).toBe('');
    expect(invalidEntries(run.report)).toEqual([]);
    expect(run.report).toHaveLength(children.length);
  });
});

describe('custom resources of the integrations', () => {
  it.each(CLUSTERS)('%s: every attachment validates against its upstream CRD schema', (_what, spec) => {
    const objects = attachments(spec);
    const run = validateCustomObjects(objects);
    expect(run.stderr).toBe('');
    expect(invalidEntries(run.report)).toEqual([]);
    expect(run.report).toHaveLength(objects.length);
  });

  it('renders a Certificate for the issuer case, and the check fails a broken one', () => {
    const [cert] = attachments(CLUSTERS[1]![1]);
    expect(cert?.kind).toBe('Certificate');
    expect(certManagerDecorator.attachmentTypes.map((t) => t.kind)).toContain('Certificate');
    const broken = { ...cert, spec: { ...(cert!['spec'] as object), secretName: undefined, dnsNames: 'x' } };
    const run = validateCustomObjects([broken, { ...cert, kind: 'Certificat' }]);
    expect(run.exitCode).toBe(1);
    expect(run.report.map((r) => r.ok)).toEqual([false, false]);
  });
});
