/**
 * Worlds for backups and restores: PostgresClusters with spec.backup / spec.restore, the user
 * Secrets they name (related objects), PostgresBackups, and the backup Job at each stage of its life
 * with the pods the Job controller and the kubelet would show.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { runHook } from '../../hooks/metacontroller/dispatch';
import { postgresBackupController } from '../../hooks/postgresbackup/controller';
import { T0, applied, compositeRequest, controllerRef, fakeUid, storedParent } from './apiserver';
import { CTX, sync, type World } from './cluster-world';

/** A Secret as the API server returns it (values base64 in `data`). */
export function userSecret(name: string, keys: Record<string, string>, namespace = 'shop'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name,
      namespace,
      uid: fakeUid(`Secret/${namespace}/${name}`),
      resourceVersion: '500',
      creationTimestamp: T0,
    },
    data: Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

/** The children the cluster hook wants with these related objects, as the API server stores them. */
export function appliedWith(parent: KubeObject, related: readonly KubeObject[]): KubeObject[] {
  return sync({ parent, children: [], related: [...related] }).children.map((c) => applied(c, parent));
}

/** A PostgresBackup as stored, with an optional status. */
export function postgresBackup(
  name: string,
  cluster: string,
  o: { status?: Record<string, unknown>; namespace?: string } = {},
): KubeObject {
  return storedParent(
    {
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresBackup',
      metadata: { name, namespace: o.namespace ?? 'shop', labels: { 'pgmeta.io/cluster': cluster } },
      spec: { clusterRef: { name: cluster } },
    },
    o.status === undefined ? {} : { status: o.status },
  );
}

/** A PostgresCluster as a PostgresBackup observes it: spec plus the status its own hook computed. */
export function clusterWithStatus(world: World): KubeObject {
  return { ...world.parent, status: sync(world).status };
}

export interface BackupWorld {
  parent: KubeObject;
  job?: KubeObject;
  cluster?: KubeObject;
  pods: KubeObject[];
}

/** A Metacontroller v2 request of the postgresbackup controller. */
export function backupRequest(world: BackupWorld): Record<string, unknown> {
  return compositeRequest({
    controller: { name: 'postgresbackup', uid: fakeUid('cc/postgresbackup') },
    parentResource: { apiVersion: 'pgmeta.io/v1alpha1', resource: 'postgresbackups' },
    parent: world.parent,
    children: { types: ['Job.batch/v1'], objects: world.job ? [world.job] : [] },
    related: {
      types: ['PostgresCluster.pgmeta.io/v1alpha1', 'Pod.v1'],
      objects: [...(world.cluster ? [world.cluster] : []), ...world.pods],
    },
  });
}

export function syncBackupWorld(world: BackupWorld): {
  status: Record<string, unknown>;
  children: KubeObject[];
} {
  return runHook({
    def: postgresBackupController,
    hook: 'sync',
    body: backupRequest(world),
    ctx: CTX,
  }) as never;
}

export type JobStage = 'created' | 'running' | 'succeeded' | 'failed';

const STARTED = '2026-11-21T09:40:00Z';
const FINISHED = '2026-11-21T09:52:31Z';

/** The Job the hook created, as the API server and the Job controller show it at `stage`. */
export function jobAt(job: KubeObject, parent: KubeObject, stage: JobStage): KubeObject {
  const stored = applied(job, parent);
  const status: Record<string, unknown> = {
    created: {},
    running: { active: 1, ready: 1, startTime: STARTED },
    succeeded: {
      succeeded: 1,
      startTime: STARTED,
      completionTime: FINISHED,
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: FINISHED, lastTransitionTime: FINISHED },
        { type: 'Complete', status: 'True', lastProbeTime: FINISHED, lastTransitionTime: FINISHED },
      ],
    },
    failed: {
      failed: 3,
      startTime: STARTED,
      conditions: [
        {
          type: 'FailureTarget',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
          lastProbeTime: FINISHED,
          lastTransitionTime: FINISHED,
        },
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
          lastProbeTime: FINISHED,
          lastTransitionTime: FINISHED,
        },
      ],
    },
  }[stage];
  return { ...stored, status };
}

/** Container states of the backup pod. */
export type PodState =
  { waiting: string; message?: string } | { running: true } | { exitCode: number; message?: string };

/** A pod of the backup Job (`suffix` tells attempts apart, `minute` orders them). */
export function backupPod(
  job: KubeObject,
  state: PodState,
  o: { suffix?: string; minute?: number } = {},
): KubeObject {
  const name = `${job.metadata.name}-${o.suffix ?? 'x7k2p'}`;
  const created = `2026-11-21T09:${String(40 + (o.minute ?? 0)).padStart(2, '0')}:00Z`;
  const template = (job['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template;
  const containerState =
    'waiting' in state
      ? { waiting: { reason: state.waiting, ...(state.message ? { message: state.message } : {}) } }
      : 'running' in state
        ? { running: { startedAt: created } }
        : {
            terminated: {
              exitCode: state.exitCode,
              reason: state.exitCode === 0 ? 'Completed' : 'Error',
              ...(state.message === undefined ? {} : { message: state.message }),
              startedAt: created,
              finishedAt: FINISHED,
            },
          };
  const phase =
    'waiting' in state
      ? 'Pending'
      : 'running' in state
        ? 'Running'
        : state.exitCode === 0
          ? 'Succeeded'
          : 'Failed';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: job.metadata.namespace ?? 'shop',
      uid: fakeUid(`Pod/${name}`),
      creationTimestamp: created,
      labels: {
        ...template.metadata.labels,
        'batch.kubernetes.io/controller-uid': job.metadata.uid ?? '',
        'batch.kubernetes.io/job-name': job.metadata.name,
        'controller-uid': job.metadata.uid ?? '',
        'job-name': job.metadata.name,
      },
      ownerReferences: [controllerRef(job)],
    },
    spec: { restartPolicy: 'Never', containers: [{ name: 'backup', image: 'spilo' }] },
    status: {
      phase,
      containerStatuses: [{ name: 'backup', ready: 'running' in state, state: containerState }],
    },
  };
}
