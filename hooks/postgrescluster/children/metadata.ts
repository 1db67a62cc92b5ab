/**
 * Metadata shared by every child: name, the parent's namespace (children live nowhere else,
 * docs/architecture.md rule 8) and the common labels. Annotations are emitted only when there are some, because an empty
 * map is a field we would own for nothing.
 */
import type { ObjectMeta } from '../../lib/k8s.js';
import { ANNOTATIONS, commonLabels, type Component, PROTECTED } from '../names.js';
import type { ClusterIdentity } from '../spec/resolved.js';

export interface ChildMetaOptions {
  name: string;
  component: Component;
  annotations?: Readonly<Record<string, string>>;
}

/** Metadata of a child of `cluster`. */
export function childMetadata(cluster: ClusterIdentity, opts: ChildMetaOptions): ObjectMeta {
  const annotations = opts.annotations ?? {};
  return {
    name: opts.name,
    namespace: cluster.namespace,
    labels: commonLabels(cluster, opts.component),
    ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
  };
}

/** The annotation that marks a data-bearing child the response builder must never drop. */
export const PROTECTED_ANNOTATION: Readonly<Record<string, string>> = { [ANNOTATIONS.protected]: PROTECTED };
