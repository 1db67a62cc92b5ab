/**
 * Goldens of a cluster with metrics (spec.metrics): the PostgresCluster sync (exporter sidecar, the
 * monitoring role's Secret and Job, metrics ports) and the prometheus decorator (PodMonitor and the
 * cluster's PrometheusRule). `UPDATE_GOLDEN=1 npx jest test/golden` rewrites them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { prometheusDecorator } from '../../../hooks/integrations/prometheus';
import { runHook } from '../../../hooks/metacontroller/dispatch';
import { postgresClusterController } from '../../../hooks/postgrescluster/controller';
import { fakeUid } from '../../support/apiserver';
import { CTX, parentFrom, request } from '../../support/cluster-world';
import { expectGolden } from '../../support/golden';

const SPEC = { version: '16', replicas: 3, storage: { size: '50Gi' }, metrics: { enabled: true } };
const dir = (name: string) => join(__dirname, name);
const read = (name: string): unknown => parse(readFileSync(join(dir(name), 'request.yaml'), 'utf8'));

const REQUESTS: Record<string, () => Record<string, unknown>> = {
  'metrics-fresh-create': () => request({ parent: parentFrom(SPEC), children: [], related: [] }),
  'prometheus-decorator': () => ({
    controller: {
      apiVersion: 'metacontroller.k8s.io/v1alpha1',
      kind: 'DecoratorController',
      metadata: { name: 'postgrescluster-prometheus', uid: fakeUid('dc-prometheus'), generation: 1 },
    },
    object: parentFrom(SPEC),
    attachments: { 'PodMonitor.monitoring.coreos.com/v1': {}, 'PrometheusRule.monitoring.coreos.com/v1': {} },
    related: { 'StatefulSet.apps/v1': {} },
    finalizing: false,
  }),
};
const DEFS = {
  'metrics-fresh-create': postgresClusterController,
  'prometheus-decorator': prometheusDecorator,
};

describe.each(Object.keys(REQUESTS))('golden %s', (name) => {
  it('answers exactly the recorded response', () => {
    if (process.env['UPDATE_GOLDEN'] === '1')
      expectGolden(join(dir(name), 'request.yaml'), REQUESTS[name]!());
    const def = DEFS[name as keyof typeof DEFS];
    expectGolden(
      join(dir(name), 'response.yaml'),
      runHook({ def, hook: 'sync', body: read(name), ctx: CTX }),
    );
  });

  it('the recorded request is what the case builds', () => {
    expect(read(name)).toEqual(JSON.parse(JSON.stringify(REQUESTS[name]!())));
  });
});
