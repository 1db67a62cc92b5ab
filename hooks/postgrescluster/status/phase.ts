/**
 * The cluster's phase from observed state only. Order matters: the first rule that holds names the
 * phase, from "nothing exists" through "no primary" to "everything converged".
 */
import type { KubeObject } from '../../lib/k8s.js';
import { DATA_VOLUME } from '../children/pod-template.js';
import { COMPONENTS, LABELS } from '../names.js';
import { bootstrapped, type ObservedCluster, type ObservedMember } from '../observe.js';

export const PHASES = [
  'Pending',
  'Creating',
  'Running',
  'Updating',
  'Scaling',
  'Degraded',
  'Recovering',
  'Failed',
  'Stopped',
  'Deleting',
] as const;
export type Phase = (typeof PHASES)[number];

export interface PhaseVerdict {
  phase: Phase;
  /** CamelCase reason for the conditions. */
  reason: string;
  message: string;
}

export interface PhaseInput {
  observed: ObservedCluster;
  desiredReplicas: number;
  finalizing: boolean;
}

export function decidePhase(input: PhaseInput): PhaseVerdict {
  const { observed, desiredReplicas } = input;
  if (input.finalizing)
    return { phase: 'Deleting', reason: 'Deleting', message: 'the cluster is being deleted' };
  if (!observed.statefulSet)
    return { phase: 'Pending', reason: 'Pending', message: 'waiting for the StatefulSet' };
  // Day-2 operation Jobs (day2/status.ts) and backup catalog runs (status.backup.catalogError)
  // report their own failures in status, not as a failed cluster.
  const failedJob = observed.jobs.find((j) => !reportsItsOwnFailure(j) && jobFailed(j));
  if (failedJob) {
    return { phase: 'Failed', reason: 'BootstrapFailed', message: `job ${failedJob.metadata.name} failed` };
  }
  const live = observed.members.filter((m) => !m.terminating);
  const primary = live.find((m) => m.role === 'primary' && m.ready);
  if (!primary) return noPrimary(observed);
  return withPrimary({ observed, live, desiredReplicas, primary: primary.name });
}

function noPrimary(observed: ObservedCluster): PhaseVerdict {
  if (!initialized(observed)) {
    return { phase: 'Creating', reason: 'Bootstrapping', message: 'waiting for the first primary' };
  }
  return {
    phase: 'Degraded',
    reason: 'PrimaryUnavailable',
    message: 'no ready primary: Patroni is electing one',
  };
}

interface Healthy {
  observed: ObservedCluster;
  live: ObservedMember[];
  desiredReplicas: number;
  primary: string;
}

function withPrimary({ observed, live, desiredReplicas }: Healthy): PhaseVerdict {
  const count = `${live.filter((m) => m.ready).length} of ${desiredReplicas} members ready`;
  if (scaling(observed, desiredReplicas)) {
    return {
      phase: 'Scaling',
      reason: 'Scaling',
      message: `${live.length} members, ${desiredReplicas} desired`,
    };
  }
  if (!rolledOut(observed.statefulSet, observed.members)) {
    return { phase: 'Updating', reason: 'RollingUpdate', message: `rolling update in progress: ${count}` };
  }
  // An unreachable former leader is not coming back by itself: not Recovering (observe.ts followLock).
  const lost = live.find((m) => m.staleLeader === true && !m.ready);
  if (lost) {
    return {
      phase: 'Degraded',
      reason: 'MemberUnreachable',
      message: `${lost.name} cannot be reached (it keeps the primary label of a lock it lost): ${count}`,
    };
  }
  const down = live.find((m) => isDown(m.state));
  if (down)
    return { phase: 'Degraded', reason: 'MemberDown', message: `${down.name} is ${down.state}: ${count}` };
  const missing = desiredReplicas - live.length;
  if (missing > 0)
    return { phase: 'Degraded', reason: 'MemberLost', message: `${missing} member pod(s) missing: ${count}` };
  const pending = live.find((m) => !m.ready);
  if (pending) {
    return {
      phase: 'Recovering',
      reason: 'MemberRecovering',
      message: `${pending.name} is ${pending.state}: ${count}`,
    };
  }
  return { phase: 'Running', reason: 'AllMembersReady', message: count };
}

/**
 * A replica count change not yet applied or not yet carried out. Fewer pods than desired is scaling
 * only for an ordinal that never had a volume: a member whose claim exists was lost, not added.
 */
function scaling(observed: ObservedCluster, desired: number): boolean {
  const sts = observed.statefulSet;
  const spec = (sts?.['spec'] ?? {}) as { replicas?: number };
  if ((spec.replicas ?? 1) !== desired) return true;
  const ordinals = new Set(observed.members.map((m) => ordinalOf(m.name)));
  if ([...ordinals].some((o) => o >= desired)) return true;
  return newOrdinalWithoutVolume({ observed, ordinals, desired });
}

function newOrdinalWithoutVolume(o: {
  observed: ObservedCluster;
  ordinals: Set<number>;
  desired: number;
}): boolean {
  const claims = new Set(o.observed.pvcs.map((p) => p.metadata.name));
  const stsName = o.observed.statefulSet?.metadata.name ?? '';
  for (let i = 0; i < o.desired; i++) {
    if (!o.ordinals.has(i) && !claims.has(`${DATA_VOLUME}-${stsName}-${i}`)) return true;
  }
  return false;
}

function ordinalOf(podName: string): number {
  const m = /-(\d+)$/.exec(podName);
  return m ? Number(m[1]) : -1;
}

/** Patroni states in which a member will not come back by itself. */
function isDown(state: string): boolean {
  return ['crashed', 'stopped', 'start failed', 'failed', 'unknown'].includes(state);
}

/** Bootstrap finished (the system identifier is in `initialize`), or some member holds the leader lock. */
function initialized(observed: ObservedCluster): boolean {
  return (
    bootstrapped(observed.configEndpoints) ||
    observed.leaderEndpoints?.metadata.annotations?.['leader'] !== undefined
  );
}

interface StatefulSetStatus {
  observedGeneration?: number;
  currentRevision?: string;
  updateRevision?: string;
  updatedReplicas?: number;
}

/**
 * The StatefulSet controller has seen our last change and every pod runs the newest template.
 *
 * Read from the pods' revisions, not from `updatedReplicas`: the controller counts neither a
 * terminating pod nor a missing one in it (computeReplicaStatus, pkg/controller/statefulset), and a
 * deleted pod stays Terminating for a while (Kubernetes docs, concepts/workloads/pods/pod-lifecycle.md,
 * "Termination of Pods"), so a member being replaced after a failover or a crash would otherwise read
 * as a rolling update. With RollingUpdate, the controller replaces pods itself and moves
 * currentRevision only once every pod is updated; with OnDelete it never does (kubernetes#73492), and
 * the pods' labels alone tell.
 */
export function rolledOut(sts: KubeObject | undefined, members: readonly ObservedMember[]): boolean {
  if (!sts) return false;
  const status = (sts['status'] ?? {}) as StatefulSetStatus;
  const spec = (sts['spec'] ?? {}) as { updateStrategy?: { type?: string } };
  if (!observedLatest(sts, status)) return false;
  if (spec.updateStrategy?.type !== 'OnDelete' && !sameRevision(status)) return false;
  const target = status.updateRevision;
  return members.every((m) => m.terminating || m.revision === undefined || m.revision === target);
}

function observedLatest(sts: KubeObject, status: StatefulSetStatus): boolean {
  return (status.observedGeneration ?? -1) >= (sts.metadata.generation ?? 0);
}

/** Before the controller fills in revisions there is nothing to wait for. */
function sameRevision(status: StatefulSetStatus): boolean {
  return status.currentRevision === undefined || status.currentRevision === status.updateRevision;
}

/** Jobs of day-2 operations (parameters, switchover, rollout, resize, cleanup). */
function reportsItsOwnFailure(job: KubeObject): boolean {
  const component = job.metadata.labels?.[LABELS.component];
  return component === COMPONENTS.operations || component === COMPONENTS.backupCatalog;
}

function jobFailed(job: KubeObject): boolean {
  const conditions = ((job['status'] ?? {}) as { conditions?: { type?: string; status?: string }[] })
    .conditions;
  return conditions?.some((c) => c.type === 'Failed' && c.status === 'True') ?? false;
}
