/**
 * The Metacontroller hook contract (v4.17.2), typed from its documentation and source.
 * @see Metacontroller v4.17.2 pkg/controller/composite/api/v2 (sync/finalize) and pkg/controller/common/customize (customize); test/lifecycle/metacontroller/UPSTREAM.md
 */
import type { KubeObject } from '../lib/k8s.js';

/** `<Kind>.<apiVersion>`, e.g. `StatefulSet.apps/v1` or `Secret.v1`. */
export type TypeKey = `${string}.${string}`;

/**
 * Observed objects by type key, then by object key. The object key is `name` for hook v1 and
 * `namespace/name` for hook v2; use `children.ts` to read it, never the raw keys.
 */
export type ObjectMap = Record<string, Record<string, KubeObject>>;

/** CompositeController sync and finalize request. */
export interface SyncRequest<P extends KubeObject = KubeObject> {
  controller: KubeObject;
  parent: P;
  children: ObjectMap;
  related: ObjectMap;
  finalizing: boolean;
}

/** What a composite hook handler returns before the response builder checks and sanitizes it. */
export interface DesiredState<S extends object = Record<string, unknown>> {
  status: S;
  children: KubeObject[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

/** CompositeController sync/finalize response, exactly the keys v2 strict decoding accepts. */
export interface SyncResponse {
  status: Record<string, unknown>;
  children: KubeObject[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

/** DecoratorController sync and finalize request. */
export interface DecoratorRequest<O extends KubeObject = KubeObject> {
  controller: KubeObject;
  object: O;
  attachments: ObjectMap;
  related: ObjectMap;
  finalizing: boolean;
}

/** What a decorator handler returns. */
export interface DecoratorDesiredState {
  labels?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
  status?: Record<string, unknown>;
  attachments: KubeObject[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

/** DecoratorController response keys. */
export interface DecoratorResponse {
  labels?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
  status?: Record<string, unknown>;
  attachments: KubeObject[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

/** Customize request: the parent only, so rules may depend on nothing else. */
export interface CustomizeRequest<P extends KubeObject = KubeObject> {
  controller: KubeObject;
  parent: P;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

/** One rule of the customize response. `names` excludes `labelSelector` and `namespaceSelector`. */
export interface RelatedResourceRule {
  apiVersion: string;
  resource: string;
  namespace?: string;
  labelSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  names?: string[];
}

export interface CustomizeResponse {
  relatedResources: RelatedResourceRule[];
}
