/**
 * The status of the optional features, in one place so computeStatus only spreads it: the poolers'
 * endpoints and readiness (and their `PoolerReady` condition), and which certificate the members
 * serve. Each field is present only where its feature applies.
 */
import type { ConditionInput } from '../../lib/conditions.js';
import type { ObservedCluster } from '../observe.js';
import { poolerStatus, type PoolerStatus } from '../pooler/status.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { tlsStatus, type TlsStatus } from '../tls/index.js';

export interface FeatureStatusFields {
  pooler?: PoolerStatus;
  tls?: TlsStatus;
}

export function featureStatus(
  cluster: ResolvedCluster | undefined,
  observed: ObservedCluster,
): { fields: FeatureStatusFields; conditions: ConditionInput[] } {
  if (!cluster) return { fields: {}, conditions: [] };
  const pooler = poolerStatus(cluster, observed.deployments ?? {});
  return {
    fields: {
      ...(pooler.pooler ? { pooler: pooler.pooler } : {}),
      tls: tlsStatus(cluster, observed.tlsSecret),
    },
    conditions: pooler.conditions,
  };
}
