/**
 * Golden scenarios of the day-2 behaviours (hooks/postgrescluster/day2): one request each, built from
 * the real hook's own output (test/support/day2-world.ts), for review as whole responses.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { stopped } from '../../../hooks/postgrescluster/finalize';
import { statefulSetStatus } from '../../support/apiserver';
import { appliedChildren, parentFrom, relatedFor, type World } from '../../support/cluster-world';
import { planRequestedSwitchover } from '../../../hooks/postgrescluster/day2/switchover';
import { contextOf, HA, observedJob, world } from '../../support/day2-world';

export function storageClass(name: string, expandable: boolean, isDefault = true): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name,
      uid: `sc-${name}`,
      ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
    },
    provisioner: 'rancher.io/local-path',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
    ...(expandable ? { allowVolumeExpansion: true } : {}),
  };
}

const NEW_REVISION = 'orders-7c6b5a4d3e';

function deleting(parent: KubeObject): KubeObject {
  return { ...parent, metadata: { ...parent.metadata, deletionTimestamp: '2026-11-21T09:58:00Z' } };
}

/** Every member stopped (the StatefulSet at zero, no pod, the volumes kept); Patroni's objects remain. */
function stoppedWorld(): World {
  const parent = deleting(parentFrom(HA));
  const children = appliedChildren(parent).map((c) => {
    if (c.kind !== 'StatefulSet') return c;
    const s = stopped(c);
    return { ...s, status: statefulSetStatus(s, { replicas: 0, ready: 0 }) };
  });
  return { parent, children, related: relatedFor(parent, [], [0, 1, 2]), finalizing: true };
}

export const DAY2_CASES: Record<string, () => World> = {
  'params-dcs-change': () =>
    world({
      before: { postgresqlParams: { max_connections: 200 } },
      spec: { postgresqlParams: { max_connections: 300 } },
    }),

  'switchover-request': () => world({ spec: { switchover: { target: 'orders-2' } } }),

  // spec.credentialRotation over a running cluster whose Secrets hold generation 0.
  'credential-rotation-request': () =>
    world({ before: {}, spec: { credentialRotation: { app: 1, superuser: 1 } } }),

  'switchover-done': () => {
    const first = world({ spec: { switchover: { target: 'orders-2' } } });
    // The Job the request made, finished; Patroni moved the leader to orders-2.
    const made = planRequestedSwitchover(contextOf(first))!.children[0]!;
    return world({
      spec: { switchover: { target: 'orders-2' } },
      members: [
        { ordinal: 0, role: 'replica', timeline: 2 },
        { ordinal: 1, role: 'replica', timeline: 2 },
        { ordinal: 2, role: 'master', timeline: 2 },
      ],
      extraChildren: [observedJob(made, first.parent, 'succeeded')],
    });
  },

  'scale-down-primary-beyond': () =>
    world({
      before: { replicas: 3 },
      spec: { replicas: 2 },
      members: [
        { ordinal: 0, role: 'replica', xlog: 67_100_000 },
        { ordinal: 1, role: 'replica', xlog: 67_108_000 },
        { ordinal: 2, role: 'master', xlog: 67_108_864 },
      ],
    }),

  'image-rollout': () =>
    world({
      spec: { image: 'ghcr.io/zalando/spilo-17:4.0-p4' },
      sts: { revision: NEW_REVISION, updated: 0 },
    }),

  'storage-grow': () =>
    world({
      before: { storage: { size: '10Gi' } },
      spec: { storage: { size: '20Gi' } },
      related: [storageClass('standard', true)],
    }),

  'storage-grow-refused': () =>
    world({
      before: { storage: { size: '10Gi' } },
      spec: { storage: { size: '20Gi' } },
      related: [storageClass('standard', false)],
    }),

  'major-upgrade-refused': () => world({ before: { version: '16' }, spec: { version: '17' } }),

  paused: () =>
    world({ before: {}, spec: { paused: true, replicas: 5, postgresqlParams: { work_mem: '8MB' } } }),

  stopped: () => world({ spec: { stopped: true } }),

  'finalize-cleanup': () => stoppedWorld(),

  // kubectl drain cordoned the primary's node: a switchover Job to the replica with the least lag.
  'drain-primary-node': () => {
    const w = world({
      members: [
        { ordinal: 0, role: 'master', xlog: 67_108_864 },
        { ordinal: 1, role: 'replica', xlog: 67_100_000 },
        { ordinal: 2, role: 'replica', xlog: 67_108_000 },
      ],
      related: [node('node-0', true), node('node-1', false), node('node-2', false)],
    });
    return { ...w, parent: { ...w.parent, status: { nodes: ['node-0', 'node-1', 'node-2'] } } };
  },

  // kubectl annotate pgc orders pgmeta.io/restartedAt=...: the pod template carries it (a new revision).
  'restart-requested': () => world({ annotations: { 'pgmeta.io/restartedAt': '2026-11-21T09:59:00+00:00' } }),
};

/** A Node, cordoned (`kubectl cordon`, the first step of `kubectl drain`) or not. */
function node(name: string, cordoned: boolean): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `node-${name}`, labels: { 'kubernetes.io/hostname': name } },
    spec: cordoned ? { unschedulable: true } : {},
  };
}
