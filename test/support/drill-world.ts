/**
 * Worlds for restore drills: a PostgresRestoreDrill as stored, the source cluster and its Patroni
 * `-config` Endpoints (related), the temporary cluster and check Job the hook made (children) at each
 * stage of the Job's life, and the check pod with the program's termination message.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { runHook } from '../../hooks/metacontroller/dispatch';
import { postgresRestoreDrillController } from '../../hooks/postgresrestoredrill/controller';
import { applied, compositeRequest, controllerRef, fakeUid, storedParent, T0 } from './apiserver';
import { CTX } from './cluster-world';

export const SOURCE_SYSID = '7437218811431043001';

/** A PostgresRestoreDrill as stored. */
export function postgresRestoreDrill(
  name: string,
  spec: Record<string, unknown>,
  status?: Record<string, unknown>,
): KubeObject {
  return storedParent(
    {
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresRestoreDrill',
      metadata: { name, namespace: 'shop' },
      spec,
    },
    status === undefined ? {} : { status },
  );
}

/** Patroni's `<scope>-config` Endpoints of the source, with its system identifier. */
export function configEndpoints(scope: string, sysid = SOURCE_SYSID): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: `${scope}-config`,
      namespace: 'shop',
      uid: fakeUid(`Endpoints/shop/${scope}-config`),
      annotations: { initialize: sysid },
    },
  };
}

export interface DrillWorld {
  parent: KubeObject;
  source?: KubeObject;
  config?: KubeObject;
  cluster?: KubeObject;
  job?: KubeObject;
  pods: KubeObject[];
}

export function drillRequest(w: DrillWorld): Record<string, unknown> {
  return compositeRequest({
    controller: { name: 'postgresrestoredrill', uid: fakeUid('cc/postgresrestoredrill') },
    parentResource: { apiVersion: 'pgmeta.io/v1alpha1', resource: 'postgresrestoredrills' },
    parent: w.parent,
    children: {
      types: ['Job.batch/v1', 'PostgresCluster.pgmeta.io/v1alpha1'],
      objects: [...(w.job ? [w.job] : []), ...(w.cluster ? [w.cluster] : [])],
    },
    related: {
      types: ['PostgresCluster.pgmeta.io/v1alpha1', 'Endpoints.v1', 'Pod.v1'],
      objects: [...(w.source ? [w.source] : []), ...(w.config ? [w.config] : []), ...w.pods],
    },
  });
}

export function syncDrillWorld(w: DrillWorld): { status: Record<string, unknown>; children: KubeObject[] } {
  return runHook({
    def: postgresRestoreDrillController,
    hook: 'sync',
    body: drillRequest(w),
    ctx: CTX,
  }) as never;
}

export type DrillJobStage = 'running' | 'succeeded' | 'failed' | 'deadline';

const FINISHED = '2026-11-20T09:13:00Z';

function failedConditions(reason: string, message: string) {
  const c = { status: 'True', reason, message, lastProbeTime: FINISHED, lastTransitionTime: FINISHED };
  return [
    { type: 'FailureTarget', ...c },
    { type: 'Failed', ...c },
  ];
}

/** The check Job as the API server and the Job controller show it at `stage`. */
export function drillJobAt(job: KubeObject, parent: KubeObject, stage: DrillJobStage): KubeObject {
  const stored = applied(job, parent);
  const status: Record<string, unknown> = {
    running: { active: 1, ready: 1, startTime: T0 },
    succeeded: {
      succeeded: 1,
      startTime: T0,
      completionTime: FINISHED,
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: FINISHED, lastTransitionTime: FINISHED },
        { type: 'Complete', status: 'True', lastProbeTime: FINISHED, lastTransitionTime: FINISHED },
      ],
    },
    failed: {
      failed: 1,
      startTime: T0,
      conditions: failedConditions('BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
    },
    deadline: {
      failed: 1,
      startTime: T0,
      conditions: failedConditions('DeadlineExceeded', 'Job was active longer than specified deadline'),
    },
  }[stage];
  return { ...stored, status };
}

/** The check pod: running, or terminated with the program's line (exit 0 or 1). */
export function checkPod(
  job: KubeObject,
  state: { running: true } | { exitCode: number; message: string },
): KubeObject {
  const name = `${job.metadata.name}-q8d4n`;
  const labels = (job['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template
    .metadata.labels;
  const containerState =
    'running' in state
      ? { running: { startedAt: T0 } }
      : {
          terminated: {
            exitCode: state.exitCode,
            reason: state.exitCode === 0 ? 'Completed' : 'Error',
            message: state.message,
            startedAt: T0,
            finishedAt: FINISHED,
          },
        };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      uid: fakeUid(`Pod/${name}`),
      creationTimestamp: T0,
      labels: {
        ...labels,
        'batch.kubernetes.io/job-name': job.metadata.name,
        'job-name': job.metadata.name,
      },
      ownerReferences: [controllerRef(job)],
    },
    spec: { restartPolicy: 'Never', containers: [{ name: 'check', image: 'spilo' }] },
    status: {
      phase: 'running' in state ? 'Running' : state.exitCode === 0 ? 'Succeeded' : 'Failed',
      containerStatuses: [{ name: 'check', ready: 'running' in state, state: containerState }],
    },
  };
}

/** The check program's line (script.ts) with a result 12½ minutes after the Job started. */
export function checkLine(o: { amcheck?: boolean; query?: boolean; sysid?: string } = {}): string {
  return JSON.stringify({
    readyAt: '2026-11-20T09:12:30Z',
    lastReplayAt: '2026-11-20T08:58:20Z',
    systemIdentifier: o.sysid ?? SOURCE_SYSID,
    amcheck: { ok: o.amcheck ?? true, indexes: 10 },
    query: { ok: o.query ?? true },
  });
}
