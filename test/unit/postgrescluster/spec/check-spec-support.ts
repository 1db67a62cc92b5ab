/**
 * The parent and error helpers of check-spec*.test.ts: a PostgresCluster around a spec, and the field
 * errors checkSpec reports for it.
 */
import { checkSpec, type FieldError } from '../../../../hooks/postgrescluster/spec/index.js';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';

/** The smallest valid spec. */
export const BASE = { version: '16', storage: { size: '10Gi' } };

/** A PostgresCluster named demo with this spec. */
export function parent(spec: unknown): KubeObject {
  return {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'demo', namespace: 'db', uid: 'u1' },
    spec,
  };
}

/** The errors checkSpec reports for the spec, none when it passes. */
export function errorsOf(spec: unknown): FieldError[] {
  const result = checkSpec(parent(spec));
  return result.ok ? [] : result.errors;
}
