/**
 * Goldens of a cluster with metrics (spec.metrics): the PostgresCluster sync (exporter sidecar, the
 * monitoring role's Secret and Job, metrics ports) and the prometheus decorator (PodMonitor and the
 * cluster's PrometheusRule). `UPDATE_GOLDEN=1 npx jest test/golden` rewrites them.
 */
import { prometheusDecorator } from '../../../hooks/integrations/prometheus';
import { runHook } from '../../../hooks/metacontroller/dispatch';
import { postgresClusterController } from '../../../hooks/postgrescluster/controller';
import { fakeUid } from '../../support/apiserver';
import { CTX, parentFrom, request } from '../../support/cluster-world';
import { describeGoldens } from '../../support/golden';

const SPEC = { version: '16', replicas: 3, storage: { size: '50Gi' }, metrics: { enabled: true } };

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

describeGoldens({
  dir: __dirname,
  cases: REQUESTS,
  answer: (body, name) => runHook({ def: DEFS[name as keyof typeof DEFS], hook: 'sync', body, ctx: CTX }),
});
