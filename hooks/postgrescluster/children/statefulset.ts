/**
 * The database StatefulSet.
 *
 * Immutable fields (selector, serviceName, podManagementPolicy, volumeClaimTemplates) are derived only
 * from values that never change over a cluster's life. The last valid spec is stored on the
 * StatefulSet itself, not on the pod template, so recording it never restarts a pod.
 * @see docs/contract.md (what Spilo does with each variable, with its upstream file and function)
 */
import type { V1PersistentVolumeClaim, V1StatefulSet } from '@kubernetes/client-node';
import type { Child, Plain } from '../../lib/k8s.js';
import { ANNOTATIONS, clusterNames, COMPONENTS, podSelector } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import type { SpiloPodInputs } from '../spilo/env.js';
import { childMetadata, PROTECTED_ANNOTATION } from './metadata.js';
import { buildPodTemplate, DATA_VOLUME } from './pod-template.js';

export interface StatefulSetInputs extends SpiloPodInputs {
  /** Canonical JSON of the raw spec this StatefulSet is rendered from. */
  specJson: string;
}

/**
 * The data volume claim, written as the API server stores it (apiVersion, kind, volumeMode), so
 * that an apply does not see a difference in this immutable list on every sync.
 */
export function dataVolumeClaim(cluster: ResolvedCluster): Plain<V1PersistentVolumeClaim> {
  const { size, storageClass } = cluster.storage;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: DATA_VOLUME },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      ...(storageClass !== undefined && storageClass !== '' ? { storageClassName: storageClass } : {}),
      volumeMode: 'Filesystem',
    },
  };
}

/** The StatefulSet running the cluster's members. */
export function buildStatefulSet(cluster: ResolvedCluster, inputs: StatefulSetInputs): Child<V1StatefulSet> {
  const names = clusterNames(cluster);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: childMetadata(cluster, {
      name: names.statefulSet,
      component: COMPONENTS.database,
      annotations: { ...PROTECTED_ANNOTATION, [ANNOTATIONS.lastValidSpec]: inputs.specJson },
    }),
    spec: {
      replicas: cluster.replicas,
      serviceName: names.headlessService,
      selector: { matchLabels: podSelector(cluster) },
      // Members are independent Patroni nodes: OrderedReady would refuse to recreate member 1 while
      // member 0 is unready (e.g. in a long crash recovery), holding back the cluster's recovery.
      podManagementPolicy: 'Parallel',
      // pgmeta replaces the pods itself, replicas first and the primary last after a switchover
      // (day2/rollout.ts); the StatefulSet controller would restart the highest ordinal first.
      updateStrategy: { type: 'OnDelete' },
      persistentVolumeClaimRetentionPolicy: { ...cluster.storage.retentionPolicy },
      template: buildPodTemplate(cluster, { certificateCa: inputs.certificateCa ?? false }),
      volumeClaimTemplates: [dataVolumeClaim(cluster)],
    },
  };
}
