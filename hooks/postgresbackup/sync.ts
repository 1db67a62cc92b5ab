/**
 * The PostgresBackup sync hook: the one Job that takes the backup, and the status read from it.
 *
 * The Job is created once, when the cluster can take a backup (it exists, archives with WAL-G and has
 * a primary); from then on the observed Job is returned as it is (its strategy is OnDelete: never
 * updated, and a Job's pod template is immutable anyway), so later changes of the cluster never
 * touch a running backup. A finished backup (Succeeded or Failed in status) never gets a second Job,
 * even if someone deletes the first.
 */
import type { HookContext } from '../lib/context.js';
import { withInstallImages } from '../postgrescluster/images/set.js';
import type { KubeObject } from '../lib/k8s.js';
import { listObjects } from '../metacontroller/children.js';
import type { DesiredState, SyncRequest } from '../metacontroller/types.js';
import { observeCluster, type ClusterView } from './cluster.js';
import { buildBackupJob } from './job.js';
import { backupId, backupJobName } from './names.js';
import { observeJob } from './observe.js';
import { checkBackupObject } from './spec.js';
import { backupObjectStatus, invalidStatus, isFinal, previousStatus } from './status.js';

/** Server-set fields of an observed Job that a desired object never carries. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'ownerReferences',
  'selfLink',
];

/** An observed Job as a desired child: what it is, without status and server-set metadata. */
export function keepJob(job: KubeObject): KubeObject {
  const metadata = Object.fromEntries(
    Object.entries(job.metadata).filter(([k]) => !SERVER_METADATA.includes(k) && !k.startsWith('deletion')),
  ) as KubeObject['metadata'];
  const { status: _status, ...rest } = job;
  return { ...rest, metadata };
}

/** The Job's pods among the related Pods (its name label), so a predecessor's pods never count. */
function podsOf(pods: readonly KubeObject[], jobName: string): KubeObject[] {
  return pods.filter(
    (p) =>
      p.metadata.labels?.['batch.kubernetes.io/job-name'] === jobName ||
      p.metadata.labels?.['job-name'] === jobName,
  );
}

export function syncBackup(req: SyncRequest, ctx: HookContext): DesiredState {
  const { parent } = req;
  const jobs = listObjects(req.children, 'Job', 'batch/v1');
  const kept = jobs.map(keepJob);
  const checked = checkBackupObject(parent);
  if (!checked.ok) {
    const message = checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    return { status: { ...invalidStatus(parent, message, ctx.now) }, children: kept };
  }
  const namespace = parent.metadata.namespace ?? 'default';
  const uid = parent.metadata.uid ?? '';
  const jobName = backupJobName(parent.metadata.name, uid);
  const observedJob = jobs.find((j) => j.metadata.name === jobName);
  const pods = podsOf(listObjects(req.related, 'Pod', 'v1'), jobName);
  const job = observeJob(observedJob, pods);
  const cluster: ClusterView = observeCluster(req.related, { name: checked.clusterName, namespace });
  const create = !observedJob && cluster.ready && !isFinal(previousStatus(parent));
  const desired = create
    ? [
        buildBackupJob({
          name: jobName,
          backupName: parent.metadata.name,
          id: backupId(uid),
          cluster: withInstallImages(cluster.cluster, ctx.images),
        }),
      ]
    : [];
  const status = backupObjectStatus({
    parent,
    job,
    cluster,
    clusterName: checked.clusterName,
    ...(observedJob || create ? { jobName } : {}),
    now: ctx.now,
  });
  return { status: { ...status }, children: [...kept, ...desired] };
}
