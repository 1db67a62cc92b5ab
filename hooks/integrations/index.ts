/**
 * The DecoratorControllers of optional integrations whose CRDs a cluster may not have. Each one is
 * installed by its own kustomize component under manifests/components/, and served here always.
 */
import type { DecoratorControllerDef } from '../metacontroller/controller.js';
import { certManagerDecorator } from './cert-manager.js';
import { kedaDecorator } from './keda.js';
import { prometheusDecorator } from './prometheus.js';

export const INTEGRATIONS: readonly DecoratorControllerDef[] = [
  certManagerDecorator,
  prometheusDecorator,
  kedaDecorator,
];
