/**
 * The children of clusters that use the optional features (poolers, TLS modes, network policies,
 * metrics) validate against the upstream Kubernetes OpenAPI schemas (kubernetes-models, run by
 * validate.mjs in its own node process), as the examples' children do in conformance.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../hooks/lib/k8s';
import { parentFrom, sync } from '../support/cluster-world';
import { invalidEntries, validateObjects } from './run-validate';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

const CLUSTERS: [string, Record<string, unknown>][] = [
  ['poolers, TLS on', { ...HA, pgbouncer: { enabled: true, readOnlyPooler: true } }],
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
