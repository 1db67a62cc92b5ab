/**
 * The cluster the rig runs and the children pgmeta renders for it.
 *
 * PostgreSQL 15 because that is the major Debian ships with pg_basebackup and pg_rewind; TLS off because
 * the rig has no certificates (pgmeta then renders `host` rules instead of `hostssl`); synchronous mode
 * `sync` so that no acknowledged write may be lost in a failover.
 */
import type { KubeObject } from '../../hooks/lib/k8s.js';
import { renderChildren } from '../../hooks/postgrescluster/render.js';
import type { ResolvedCluster } from '../../hooks/postgrescluster/spec/resolved.js';
import { aCluster } from '../support/cluster-fixture.js';
import { RIG_PG_MAJOR } from './binaries.js';

export const RIG_CLUSTER: ResolvedCluster = aCluster()
  .withName('rig')
  .withVersion(RIG_PG_MAJOR)
  .withReplicas(3)
  .withTls(false)
  .withSynchronous('sync', 1)
  .withParams({ max_connections: '100', work_mem: '8MB' })
  .build();

/** A fixed operator key: the derived passwords are then stable from run to run. */
const OPERATOR_KEY = new TextEncoder().encode('pgmeta patroni rig operator key');

/** Every child pgmeta renders for {@link RIG_CLUSTER} on its first sync (nothing observed yet). */
export function renderedChildren(): KubeObject[] {
  return renderChildren(RIG_CLUSTER, { operatorKey: OPERATOR_KEY, observedSecrets: {}, specJson: '{}' });
}
