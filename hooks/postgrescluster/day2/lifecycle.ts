/**
 * The day-2 controls of the spec (`paused`, `stopped`, `primaryUpdateMethod`, `switchover`) after
 * defaults. None has a CRD default on purpose: a default would appear in the stored spec of every
 * existing cluster, change the last valid spec on its StatefulSet and so the StatefulSet itself.
 */
import type { PostgresClusterSpec } from '../../generated/postgrescluster.types.js';
import type { ResolvedLifecycle } from '../spec/resolved.js';

/** `spec` must be valid (the schema has checked every type). */
export function resolveLifecycle(spec: PostgresClusterSpec): ResolvedLifecycle {
  const target = spec.switchover?.target;
  return {
    paused: spec.paused ?? false,
    stopped: spec.stopped ?? false,
    primaryUpdateMethod: spec.primaryUpdateMethod ?? 'switchover',
    ...(spec.switchover === undefined ? {} : { switchover: target === undefined ? {} : { target } }),
  };
}
