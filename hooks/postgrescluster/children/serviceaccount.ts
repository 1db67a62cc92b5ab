/**
 * The ServiceAccount the database pods run as: Patroni uses its token to talk to the Kubernetes API,
 * which is its DCS, and WAL-G runs with its cloud identity when a backup or restore store names one
 * instead of a Secret (backup/identity.ts): GKE Workload Identity reads its annotation.
 */
import type { V1ServiceAccount } from '@kubernetes/client-node';
import type { Child } from '../../lib/k8s.js';
import { clusterNames, COMPONENTS } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { childMetadata } from './metadata.js';
import { identityAnnotations } from '../backup/identity.js';

/** Patroni's ServiceAccount. */
export function buildServiceAccount(cluster: ResolvedCluster): Child<V1ServiceAccount> {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: childMetadata(cluster, {
      name: clusterNames(cluster).serviceAccount,
      component: COMPONENTS.rbac,
      annotations: identityAnnotations(cluster),
    }),
  };
}
