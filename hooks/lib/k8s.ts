/**
 * Kubernetes object shapes as they travel in hook JSON.
 *
 * client-node's model classes have every field optional and type timestamps as `Date`, while hook
 * payloads carry RFC 3339 strings. `Plain<T>` turns such a class into a plain JSON shape so builders
 * can use the upstream field names and types without the class identity.
 */
import type { V1OwnerReference } from '@kubernetes/client-node';

/** Recursively maps a client-node model to the JSON it serializes to (Date becomes string). */
export type Plain<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Plain<U>[]
    : T extends object
      ? { [K in keyof T]: Plain<T[K]> }
      : T;

/** JSON value, as parsed from a request body. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The metadata every object we read or write has; unknown fields are kept as they are. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Plain<V1OwnerReference>[];
  [key: string]: unknown;
}

/** Any Kubernetes object: what Metacontroller sends and what hooks return. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** A child typed with a client-node model, required identity fields made mandatory. */
export type Child<T> = Omit<Plain<T>, 'apiVersion' | 'kind' | 'metadata'> & {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
};

/** A status condition (Kubernetes API conventions; timestamps as strings). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** The UID given to an object that has none yet (read from a file, or in a CREATE admission review). */
export const PLACEHOLDER_UID = '00000000-0000-4000-8000-000000000000';

/**
 * The object with the identity the API server would give it when it has none yet: namespace
 * `default`, {@link PLACEHOLDER_UID}, generation 1. Fields the object has win.
 */
export function withPlaceholderIdentity(o: KubeObject): KubeObject {
  return { ...o, metadata: { namespace: 'default', uid: PLACEHOLDER_UID, generation: 1, ...o.metadata } };
}
