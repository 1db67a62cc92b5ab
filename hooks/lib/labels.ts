/**
 * The Kubernetes recommended label keys, on every child of every pgmeta parent.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */
export const RECOMMENDED_LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  managedBy: 'app.kubernetes.io/managed-by',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
} as const;
