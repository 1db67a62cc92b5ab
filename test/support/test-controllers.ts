/**
 * Controllers that exist only for testing the service and the contract library: their output is
 * whatever the parent's spec asks for, so a test can make a handler return anything.
 */
import type { CompositeControllerDef, DecoratorControllerDef } from '../../hooks/metacontroller/controller';
import { listObjects } from '../../hooks/metacontroller/children';
import type { KubeObject } from '../../hooks/lib/k8s';

export const CM = {
  kind: 'ConfigMap',
  apiVersion: 'v1',
  resource: 'configmaps',
  updateStrategy: 'InPlace',
} as const;
export const SECRET = {
  kind: 'Secret',
  apiVersion: 'v1',
  resource: 'secrets',
  updateStrategy: 'OnDelete',
} as const;

interface EchoSpec {
  desired?: unknown[];
  status?: unknown;
  finalized?: unknown;
  resyncAfterSeconds?: unknown;
  throw?: string;
}

const specOf = (parent: KubeObject): EchoSpec => parent['spec'] ?? {};

/** Returns `spec.desired` as children; status lists the observed ConfigMaps and Secrets by name. */
export const echoController: CompositeControllerDef = {
  kind: 'composite',
  name: 'echo',
  childTypes: [CM, SECRET],
  sync(req) {
    const spec = specOf(req.parent);
    if (spec.throw !== undefined) throw new Error(spec.throw);
    return {
      status: (spec.status as Record<string, unknown> | undefined) ?? {
        configMaps: listObjects(req.children, 'ConfigMap', 'v1').map((o) => o.metadata.name),
        secrets: listObjects(req.children, 'Secret', 'v1').map((o) => o.metadata.name),
      },
      children: (spec.desired ?? []) as KubeObject[],
      ...(spec.resyncAfterSeconds === undefined
        ? {}
        : { resyncAfterSeconds: spec.resyncAfterSeconds as number }),
      ...(spec.finalized === undefined ? {} : { finalized: spec.finalized as boolean }),
    };
  },
  finalize(req) {
    return this.sync(req, { now: '', operatorKey: new Uint8Array() });
  },
  customize(req) {
    return {
      relatedResources: [
        { apiVersion: 'v1', resource: 'pods', namespace: req.parent.metadata.namespace ?? '' },
      ],
    };
  },
};

/** A decorator adding a label and one attachment. */
export const labelDecorator: DecoratorControllerDef = {
  kind: 'decorator',
  name: 'labeler',
  attachmentTypes: [CM],
  sync(req) {
    return {
      labels: { 'pgmeta.io/seen': 'true', 'pgmeta.io/old': null },
      attachments: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `${req.object.metadata.name}-extra` },
          data: { a: '1' },
        },
      ],
    };
  },
};

export function cm(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, ...extra };
}

export function protectedSecret(name: string, namespace = 'ns1'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, annotations: { 'pgmeta.io/protected': 'true' } },
    data: { password: 'c2VjcmV0' },
  };
}

export interface RequestOptions {
  desired?: unknown[];
  observed?: KubeObject[];
  /** Inner-key format of the observed maps. */
  keys?: 'v1' | 'v2';
  finalizing?: boolean;
  spec?: Record<string, unknown>;
}

/** A Metacontroller-shaped sync request for the echo controller. */
export function echoRequest(o: RequestOptions = {}): Record<string, unknown> {
  const children: Record<string, Record<string, KubeObject>> = { 'ConfigMap.v1': {}, 'Secret.v1': {} };
  for (const obj of o.observed ?? []) {
    const ns = obj.metadata.namespace ?? 'ns1';
    const key = o.keys === 'v1' ? obj.metadata.name : `${ns}/${obj.metadata.name}`;
    (children[`${obj.kind}.${obj.apiVersion}`] ??= {})[key] = {
      ...obj,
      metadata: { ...obj.metadata, namespace: ns },
    };
  }
  return {
    controller: {
      apiVersion: 'metacontroller.k8s.io/v1alpha1',
      kind: 'CompositeController',
      metadata: { name: 'echo' },
    },
    parent: {
      apiVersion: 'test.pgmeta.io/v1',
      kind: 'Echo',
      metadata: { name: 'p1', namespace: 'ns1', uid: 'u-1', generation: 3 },
      spec: { desired: o.desired ?? [], ...o.spec },
    },
    children,
    related: {},
    finalizing: o.finalizing ?? false,
  };
}
