/**
 * The `postgrescluster-keda` DecoratorController: a KEDA ScaledObject (and, for the connections
 * trigger, a TriggerAuthentication) for every PostgresCluster with `spec.scaling.enabled`, none for
 * the others. In its own kustomize component, manifests/components/keda, because a controller whose
 * child type is not served fails as a whole: clusters without KEDA keep working.
 */
import type { DecoratorControllerDef } from '../metacontroller/controller.js';
import type { DecoratorDesiredState, DecoratorRequest } from '../metacontroller/types.js';
import { buildScaledObject, buildTriggerAuthentication } from '../postgrescluster/scaling/keda.js';
import { customizeDecorator, decoratorCluster } from './plan.js';

export function syncScaling(req: DecoratorRequest): DecoratorDesiredState {
  const cluster = decoratorCluster(req);
  if (!cluster) return { attachments: [] };
  return {
    attachments: [buildScaledObject(cluster, req.object), buildTriggerAuthentication(cluster)].filter(
      (a) => a !== undefined,
    ),
  };
}

export const kedaDecorator: DecoratorControllerDef = {
  kind: 'decorator',
  name: 'postgrescluster-keda',
  parent: { apiVersion: 'pgmeta.io/v1alpha1', kind: 'PostgresCluster' },
  attachmentTypes: [
    {
      kind: 'ScaledObject',
      apiVersion: 'keda.sh/v1alpha1',
      resource: 'scaledobjects',
      updateStrategy: 'InPlace',
    },
    {
      kind: 'TriggerAuthentication',
      apiVersion: 'keda.sh/v1alpha1',
      resource: 'triggerauthentications',
      updateStrategy: 'InPlace',
    },
  ],
  sync: syncScaling,
  customize: customizeDecorator,
};
