/** Object references, shared by the Metacontroller emulator and the simulated controllers. */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { CLUSTER_SCOPED, type ObjectRef } from '../lib/store';

/** The ownerReference Metacontroller puts on the children it creates or adopts. */
export { controllerRef as ownerRef } from '../../support/apiserver';

export function refOf(o: KubeObject): ObjectRef {
  return {
    kind: o.kind,
    namespace: CLUSTER_SCOPED.has(o.kind) ? '' : (o.metadata.namespace ?? ''),
    name: o.metadata.name,
  };
}
