/** Object references and the garbage collector, shared by the Metacontroller emulator and the simulated controllers. */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { CLUSTER_SCOPED, type ApiStore, type ObjectRef } from '../lib/store';

/** The ownerReference Metacontroller puts on the children it creates or adopts. */
export { controllerRef as ownerRef } from '../../support/apiserver';

export function refOf(o: KubeObject): ObjectRef {
  return {
    kind: o.kind,
    namespace: CLUSTER_SCOPED.has(o.kind) ? '' : (o.metadata.namespace ?? ''),
    name: o.metadata.name,
  };
}

/**
 * The garbage collector: an object all of whose owners are gone is deleted (background
 * propagation, so its own dependents follow on a later pass).
 */
export function collectGarbage(store: ApiStore): number {
  let n = 0;
  for (const obj of store.all()) {
    const owners = obj.metadata.ownerReferences ?? [];
    if (owners.length === 0 || obj.metadata.deletionTimestamp !== undefined) continue;
    if (owners.some((r) => store.hasUid(r.uid))) continue;
    store.delete(refOf(obj), { actor: 'garbage-collector' });
    n++;
  }
  return n;
}
