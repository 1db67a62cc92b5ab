/**
 * The `postgrescluster-prometheus` DecoratorController: a PodMonitor and a PrometheusRule for every
 * PostgresCluster with `spec.metrics.enabled` (none for the others). In its own kustomize component,
 * manifests/components/prometheus, because a controller whose child type is not served fails as a
 * whole: clusters without the Prometheus Operator keep working.
 */
import type { DecoratorControllerDef } from '../metacontroller/controller.js';
import type { DecoratorDesiredState, DecoratorRequest } from '../metacontroller/types.js';
import { buildPodMonitor, buildPrometheusRule } from '../postgrescluster/metrics/monitors.js';
import { customizeDecorator, decoratorCluster } from './plan.js';

export function syncMonitors(req: DecoratorRequest): DecoratorDesiredState {
  const cluster = decoratorCluster(req);
  if (!cluster) return { attachments: [] };
  return {
    attachments: [buildPodMonitor(cluster), buildPrometheusRule(cluster)].filter((a) => a !== undefined),
  };
}

export const prometheusDecorator: DecoratorControllerDef = {
  kind: 'decorator',
  name: 'postgrescluster-prometheus',
  parent: { apiVersion: 'pgmeta.io/v1alpha1', kind: 'PostgresCluster' },
  attachmentTypes: [
    {
      kind: 'PodMonitor',
      apiVersion: 'monitoring.coreos.com/v1',
      resource: 'podmonitors',
      updateStrategy: 'InPlace',
    },
    {
      kind: 'PrometheusRule',
      apiVersion: 'monitoring.coreos.com/v1',
      resource: 'prometheusrules',
      updateStrategy: 'InPlace',
    },
  ],
  sync: syncMonitors,
  customize: customizeDecorator,
};
