/**
 * Operations in progress, waiting or finished: the cluster's Jobs (bootstrap, day-2 operations,
 * pooler) with their outcome, and the day-2 status fields the hook writes while an operation
 * applies (switchover, rollout, pendingRestart, storage).
 */
import type { KubeObject } from '../../lib/k8s.js';

export interface OperationView {
  name: string;
  kind: 'Job' | 'Switchover' | 'Rollout' | 'PendingRestart' | 'Storage';
  /** A Job's operation (switchover, params, rollout, resize, bootstrap, pooler, ...). */
  operation?: string;
  state: string;
  message?: string;
}

const OPERATION_ANNOTATION = 'pgmeta.io/operation';
const COMPONENT_LABEL = 'app.kubernetes.io/component';

interface JobStatus {
  active?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

function jobOutcome(job: KubeObject): { state: string; message?: string } {
  const st = (job['status'] ?? {}) as JobStatus;
  const holds = (t: string) => st.conditions?.find((c) => c.type === t && c.status === 'True');
  if (holds('Complete')) return { state: 'Succeeded' };
  const failed = holds('Failed');
  if (failed) return { state: 'Failed', message: [failed.reason, failed.message].filter(Boolean).join(': ') };
  return { state: (st.active ?? 0) > 0 ? 'Running' : 'Pending' };
}

function rolloutOf(status: Record<string, unknown>): OperationView[] {
  const ro = status['rollout'] as
    { revision: string; updated: number; members: number; phase: string; message?: string } | undefined;
  if (!ro) return [];
  const message = `${ro.updated}/${ro.members} members updated${ro.message ? `: ${ro.message}` : ''}`;
  return [{ name: ro.revision, kind: 'Rollout', state: ro.phase, message }];
}

function storageOf(status: Record<string, unknown>): OperationView[] {
  const storage = status['storage'] as
    { size: string; volumes?: { name: string; requested?: string; capacity?: string }[] } | undefined;
  const growing = storage?.volumes?.filter((v) => v.capacity !== storage.size) ?? [];
  if (!storage || growing.length === 0) return [];
  const message = growing.map((v) => `${v.name} ${v.capacity ?? '?'}`).join(', ');
  return [{ name: storage.size, kind: 'Storage', state: 'Resizing', message }];
}

function dayTwo(status: Record<string, unknown>): OperationView[] {
  const out: OperationView[] = [];
  const sw = status['switchover'] as { target: string; phase: string; message: string } | undefined;
  if (sw) out.push({ name: `to ${sw.target}`, kind: 'Switchover', state: sw.phase, message: sw.message });
  out.push(...rolloutOf(status));
  const pr = status['pendingRestart'] as string[] | undefined;
  if (pr && pr.length > 0)
    out.push({ name: 'parameters', kind: 'PendingRestart', state: 'Waiting', message: pr.join(', ') });
  return [...out, ...storageOf(status)];
}

export function operationsOf(cluster: KubeObject, jobs: readonly KubeObject[]): OperationView[] {
  const fromJobs = [...jobs]
    .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))
    .map((j): OperationView => {
      const operation =
        j.metadata.annotations?.[OPERATION_ANNOTATION] ?? j.metadata.labels?.[COMPONENT_LABEL];
      return { name: j.metadata.name, kind: 'Job', ...jobOutcome(j), ...(operation ? { operation } : {}) };
    });
  return [...dayTwo((cluster['status'] ?? {}) as Record<string, unknown>), ...fromJobs];
}
