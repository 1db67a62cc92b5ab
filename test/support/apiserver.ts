/**
 * What the API server and the built-in controllers make of our children, for realistic requests:
 * uid, resourceVersion, generation, managedFields, the controller ownerReference and `controller-uid`
 * label Metacontroller adds, server defaults (Service clusterIP, ports' protocol) and controller status.
 * Deterministic: identities are hashes of kind and name.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../hooks/lib/k8s';

export const T0 = '2026-11-20T09:00:00Z';

type OwnerReference = NonNullable<KubeObject['metadata']['ownerReferences']>[number];

/** The controller ownerReference `owner` gives its dependents, as the API server stores it. */
export function controllerRef(owner: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; uid?: string };
}): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** A Metacontroller v2 sync request of one of pgmeta's CompositeControllers (generated selector). */
export function compositeRequest(o: {
  controller: { name: string; uid: string };
  parentResource: { apiVersion: string; resource: string };
  parent: KubeObject;
  children: { types: readonly string[]; objects: readonly KubeObject[] };
  related: { types: readonly string[]; objects: readonly KubeObject[] };
  finalizing?: boolean;
}): Record<string, unknown> {
  return {
    controller: {
      apiVersion: 'metacontroller.k8s.io/v1alpha1',
      kind: 'CompositeController',
      metadata: { ...o.controller, generation: 1 },
      spec: { generateSelector: true, parentResource: o.parentResource },
    },
    parent: o.parent,
    children: objectMap(o.children.types, o.children.objects),
    related: objectMap(o.related.types, o.related.objects),
    finalizing: o.finalizing ?? false,
  };
}

export function fakeUid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The parent as the API server stores it (uid, generation, managedFields, finalizer). */
export function storedParent(
  parent: KubeObject,
  o: { generation?: number; status?: unknown } = {},
): KubeObject {
  const meta = parent.metadata;
  const namespace = meta.namespace ?? 'default';
  return {
    ...parent,
    metadata: {
      ...meta,
      namespace,
      uid: meta.uid ?? fakeUid(`${parent.kind}/${namespace}/${meta.name}`),
      generation: o.generation ?? meta.generation ?? 1,
      resourceVersion: String(1000 + (o.generation ?? 1)),
      creationTimestamp: T0,
      finalizers: ['metacontroller.io/compositecontroller-postgrescluster'],
      managedFields: [managed('kubectl-client-side-apply', 'Update', parent)],
    },
    ...(o.status === undefined ? {} : { status: o.status }),
  };
}

/** A desired child after Metacontroller applied it and the cluster's controllers acted on it. */
export function applied(child: KubeObject, parent: KubeObject): KubeObject {
  const meta = child.metadata;
  const withServer: KubeObject = {
    ...child,
    metadata: {
      ...meta,
      uid: fakeUid(`${child.kind}/${meta.namespace ?? ''}/${meta.name}`),
      resourceVersion: String(2000 + (meta.name.length % 97)),
      creationTimestamp: T0,
      ...(hasGeneration(child.kind) ? { generation: 1 } : {}),
      labels: { ...meta.labels, 'controller-uid': parent.metadata.uid ?? '' },
      ownerReferences: [controllerRef(parent)],
      managedFields: [managed('metacontroller', 'Apply', child)],
    },
  };
  return serverDefaults(withServer);
}

function hasGeneration(kind: string): boolean {
  return ['StatefulSet', 'Job', 'PodDisruptionBudget', 'Deployment'].includes(kind);
}

/** A managedFields entry whose fieldsV1 mirrors the object's top-level and metadata fields. */
function managed(manager: string, operation: 'Apply' | 'Update', obj: KubeObject): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    if (['apiVersion', 'kind', 'status'].includes(key)) continue;
    fields[`f:${key}`] = key === 'metadata' ? { 'f:labels': {}, 'f:annotations': {} } : {};
  }
  return {
    manager,
    operation,
    apiVersion: obj.apiVersion,
    time: T0,
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
  };
}

function serverDefaults(obj: KubeObject): KubeObject {
  switch (obj.kind) {
    case 'Service':
      return serviceDefaults(obj);
    case 'StatefulSet':
      return withStatus(obj, statefulSetStatus(obj));
    case 'Job':
      return withStatus(obj, {
        succeeded: 1,
        startTime: T0,
        completionTime: T0,
        conditions: [{ type: 'Complete', status: 'True', lastProbeTime: T0, lastTransitionTime: T0 }],
      });
    case 'PodDisruptionBudget':
      return withStatus(obj, {
        observedGeneration: 1,
        currentHealthy: 0,
        desiredHealthy: 0,
        disruptionsAllowed: 0,
        expectedPods: 0,
      });
    default:
      return obj;
  }
}

function withStatus(obj: KubeObject, status: unknown): KubeObject {
  return { ...obj, status };
}

function serviceDefaults(svc: KubeObject): KubeObject {
  const spec = (svc['spec'] ?? {}) as Record<string, unknown>;
  const headless = spec['clusterIP'] === 'None';
  const ip = `10.96.${svc.metadata.name.length}.${(svc.metadata.name.charCodeAt(0) % 200) + 10}`;
  const ports = ((spec['ports'] ?? []) as Record<string, unknown>[]).map((p) => ({
    protocol: 'TCP',
    targetPort: p['port'],
    ...p,
  }));
  return {
    ...svc,
    spec: {
      ...spec,
      ports,
      clusterIP: headless ? 'None' : ip,
      clusterIPs: [headless ? 'None' : ip],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      type: spec['type'] ?? 'ClusterIP',
    },
    status: { loadBalancer: {} },
  };
}

/** A StatefulSet whose controller has rolled every pod out (override to say otherwise). */
export function statefulSetStatus(
  sts: KubeObject,
  o: { ready?: number; replicas?: number; updated?: number; revision?: string } = {},
): Record<string, unknown> {
  const replicas = o.replicas ?? (sts['spec'] as { replicas?: number } | undefined)?.replicas ?? 1;
  const rev = `${sts.metadata.name}-5d8f7c9b6d`;
  return {
    observedGeneration: sts.metadata.generation ?? 1,
    replicas,
    readyReplicas: o.ready ?? replicas,
    availableReplicas: o.ready ?? replicas,
    currentReplicas: o.updated === undefined ? replicas : replicas - o.updated,
    updatedReplicas: o.updated ?? replicas,
    currentRevision: rev,
    updateRevision: o.revision ?? rev,
    collisionCount: 0,
  };
}

/** A v2 request map `{ "<Kind>.<apiVersion>": { "<ns>/<name>": obj } }` for the given types. */
export function objectMap(
  types: readonly string[],
  objects: readonly KubeObject[],
): Record<string, Record<string, KubeObject>> {
  const map: Record<string, Record<string, KubeObject>> = Object.fromEntries(types.map((t) => [t, {}]));
  for (const o of objects) {
    (map[`${o.kind}.${o.apiVersion}`] ??= {})[`${o.metadata.namespace ?? ''}/${o.metadata.name}`] = o;
  }
  return map;
}
