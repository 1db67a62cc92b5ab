/**
 * What a drill's sync observes: its check Job (state, creation time, why it failed), the termination
 * message of the Job's newest pod, the source cluster and its system identifier.
 */
import type { KubeObject } from '../lib/k8s.js';
import { getObject } from '../metacontroller/children.js';
import type { ObjectMap } from '../metacontroller/types.js';
import { CLUSTER_TYPE } from '../postgresbackup/cluster.js';
import { clusterNames } from '../postgrescluster/names.js';
import { checkParsedSpec } from '../postgrescluster/spec/index.js';
import { CHECK_CONTAINER } from './job.js';
import type { DrillSource } from './plan.js';
import type { DrillObserved } from './verdict.js';

interface JobStatus {
  conditions?: { type?: string; status?: string; reason?: string }[];
}

interface PodStatus {
  containerStatuses?: { name?: string; state?: { terminated?: { message?: string } } }[];
}

/** The Job's state as the verdict reads it. */
export function jobView(job: KubeObject | undefined): DrillObserved['job'] {
  if (!job) return undefined;
  const conditions = ((job['status'] ?? {}) as JobStatus).conditions ?? [];
  const holds = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  const createdAt = job.metadata.creationTimestamp ?? '';
  if (holds('Complete')) return { createdAt, state: 'succeeded' };
  const failed = holds('Failed');
  if (!failed) return { createdAt, state: 'active' };
  return { createdAt, state: 'failed', ...(failed.reason ? { failureReason: failed.reason } : {}) };
}

/** The check container's termination message in the Job's newest pod that has one. */
export function checkMessage(pods: readonly KubeObject[], jobName: string): string | undefined {
  const own = pods.filter(
    (p) =>
      p.metadata.labels?.['batch.kubernetes.io/job-name'] === jobName ||
      p.metadata.labels?.['job-name'] === jobName,
  );
  const key = (p: KubeObject) => `${p.metadata.creationTimestamp ?? ''} ${p.metadata.name}`;
  const newestFirst = [...own].sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
  for (const pod of newestFirst) {
    const statuses = ((pod['status'] ?? {}) as PodStatus).containerStatuses ?? [];
    const message = statuses.find((c) => c.name === CHECK_CONTAINER)?.state?.terminated?.message;
    if (typeof message === 'string' && message.trim() !== '') return message.trim();
  }
  return undefined;
}

export type SourceView = { ok: true; source: DrillSource } | { ok: false; reason: string; message: string };

/** The source cluster, when it can be drilled: it exists and its spec is valid (plan.ts checks backup). */
export function observeSource(related: ObjectMap, id: { name: string; namespace: string }): SourceView {
  const obj = getObject(related, CLUSTER_TYPE, id);
  if (!obj) return { ok: false, reason: 'ClusterNotFound', message: `PostgresCluster ${id.name} not found` };
  if (!checkParsedSpec(obj).ok) {
    const message = `PostgresCluster ${id.name} has an invalid spec`;
    return { ok: false, reason: 'ClusterSpecInvalid', message };
  }
  const source: DrillSource = {
    name: id.name,
    namespace: id.namespace,
    uid: obj.metadata.uid ?? '',
    spec: obj['spec'] as DrillSource['spec'],
  };
  return { ok: true, source };
}

/** The source's system identifier: Patroni's `initialize` on `<source>-config` (patroni/bootstrap.ts). */
export function sourceSystemIdentifier(
  related: ObjectMap,
  id: { name: string; namespace: string },
): string | undefined {
  const config = clusterNames(id).patroni.config;
  const endpoints = getObject(related, { kind: 'Endpoints', apiVersion: 'v1' }, { ...id, name: config });
  const sysid = endpoints?.metadata.annotations?.['initialize'];
  return sysid === undefined || sysid === '' ? undefined : sysid;
}
