/**
 * The PostgresCluster status: a pure function of the observed state, the parent's current status
 * (only to carry `lastTransitionTime` and `currentVersion` over) and the request's time. It never
 * returns `observedGeneration`: Metacontroller sets it.
 */
import { stampConditions, type ConditionInput } from '../../lib/conditions.js';
import type { Condition, KubeObject } from '../../lib/k8s.js';
import type { Day2Plan } from '../day2/index.js';
import { nameConflictCondition, type NameConflict } from '../collisions/index.js';
import { day2Conditions, day2StatusFields, day2Verdict, type Day2StatusFields } from '../day2/status.js';
import { PORTS, clusterNames, podSelector, serviceHost } from '../names.js';
import { backupStatusOf, type ClusterBackupStatus } from '../backup/index.js';
import { lastValidSpec, type ObservedCluster, type ObservedMember } from '../observe.js';
import type { FieldError } from '../spec/index.js';
import { reportedLag } from './lag.js';
import { featureStatus, type FeatureStatusFields } from './features.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { decidePhase, rolledOut, type Phase, type PhaseVerdict } from './phase.js';
import { awaitedCertificate } from '../tls/ca.js';
import { statusSummary, type StatusSummary } from './summary.js';
import type { PendingImageUpdate } from '../images/policy.js';

export interface MemberStatus {
  name: string;
  role: ObservedMember['role'];
  state: string;
  ready: boolean;
  timeline?: number;
  /** WAL this replica is behind the primary, rounded down to a power of two, 0 under 1 MiB (lag.ts). */
  lagBytes?: number;
  pendingRestart?: boolean;
}

export interface ClusterStatus extends FeatureStatusFields, Day2StatusFields, StatusSummary {
  phase: Phase;
  conditions: Condition[];
  replicas: number;
  readyReplicas: number;
  selector: string;
  primary?: string;
  members: MemberStatus[];
  currentVersion?: string;
  /** The archive, schedule and retention in force, and the last on-demand backup. */
  backup?: ClusterBackupStatus['backup'];
  /** New default images waiting for the maintenance policy, and the token that approves them. */
  imageUpdate?: PendingImageUpdate;
  /** The archive and target the cluster was bootstrapped from (spec.restore). */
  restoredFrom?: ClusterBackupStatus['restoredFrom'];
  connectionInfo?: {
    readWrite: { host: string; port: number };
    readOnly: { host: string; port: number };
    database: string;
    secrets: { app: string; superuser: string };
  };
}

export interface StatusInput {
  parent: KubeObject;
  observed: ObservedCluster;
  /** The cluster the children were rendered from (the current spec, or the last valid one). */
  cluster: ResolvedCluster | undefined;
  specErrors: readonly FieldError[];
  finalizing: boolean;
  now: string;
  /** The day-2 plan of this sync (parameters, switchover, rollout, storage, paused, stopped). */
  day2?: Day2Plan;
  /** Names of new children held by objects that are not ours (collisions/index.ts). */
  conflicts?: readonly NameConflict[];
  /** Why no member is started, when something holds them all back (retained.ts): Ready and Progressing say it. */
  held?: ConditionInput;
  /** New default images waiting for the cluster's maintenance policy (images/policy.ts). */
  imageUpdate?: PendingImageUpdate;
}

export function computeStatus(input: StatusInput): ClusterStatus {
  const { observed, cluster, parent } = input;
  const desired = cluster?.replicas ?? 0;
  const verdict = day2Verdict(
    certificateVerdict(
      decidePhase({ observed, desiredReplicas: desired, finalizing: input.finalizing }),
      input,
    ),
    input.day2,
  );
  const live = observed.members.filter((m) => !m.terminating);
  const primary = live.find((m) => m.role === 'primary');
  const previous = (parent['status'] ?? {}) as { conditions?: unknown; currentVersion?: unknown };
  const version = currentVersion(observed, previous.currentVersion);
  const features = featureStatus(cluster, observed);
  const { conditions: backupConditions, ...backupFields } = backupStatusOf(input);
  const stamped = stampConditions(
    [...conditions(verdict, input, backupConditions), ...features.conditions],
    previous.conditions,
    input.now,
  );
  const requested = (parent['spec'] as { version?: unknown } | undefined)?.version;
  return {
    phase: verdict.phase,
    conditions: stamped,
    replicas: live.length,
    readyReplicas: live.filter((m) => m.ready).length,
    selector: selectorString(parent),
    ...(primary ? { primary: primary.name } : {}),
    members: observed.members.map((m) => memberStatus(m, primary)),
    ...(version === undefined ? {} : { currentVersion: version }),
    ...(cluster && observed.statefulSet ? { connectionInfo: connectionInfo(cluster) } : {}),
    ...backupFields,
    ...features.fields,
    ...day2StatusFields(input.day2),
    ...(input.imageUpdate ? { imageUpdate: input.imageUpdate } : {}),
    ...statusSummary({ running: version, requested, conditions: stamped, specErrors: input.specErrors }),
  };
}

/** A new cluster whose StatefulSet waits for its certificate (tls/ca.ts) says so. */
function certificateVerdict(verdict: PhaseVerdict, input: StatusInput): PhaseVerdict {
  const early = verdict.phase === 'Pending' || verdict.phase === 'Creating';
  const awaited = early ? awaitedCertificate(input.cluster, input.observed) : undefined;
  return awaited === undefined ? verdict : { ...verdict, reason: 'CertificatePending', message: awaited };
}

const PROGRESSING: readonly Phase[] = ['Pending', 'Creating', 'Scaling', 'Updating', 'Recovering'];
const DEGRADED: readonly Phase[] = ['Degraded', 'Failed'];

function conditions(
  verdict: PhaseVerdict,
  input: StatusInput,
  backupConditions: readonly ConditionInput[],
): ConditionInput[] {
  const generation = input.parent.metadata.generation;
  const g = generation === undefined ? {} : { observedGeneration: generation };
  const { phase, reason, message } = verdict;
  const degraded = DEGRADED.includes(phase);
  return [
    { ...(input.held ?? ready(verdict, input.conflicts ?? [])), ...g },
    {
      ...(input.held
        ? { ...input.held, type: 'Progressing' }
        : progressing(verdict, input.specErrors.length > 0)),
      ...g,
    },
    {
      type: 'Degraded',
      status: degraded ? 'True' : 'False',
      reason: degraded ? reason : 'Healthy',
      message,
      ...g,
    },
    { ...specValid(input.specErrors), ...g },
    ...day2Conditions(input.day2).map((c) => ({ ...c, ...g })),
    // BackupConfigured, and Restored for a restored cluster
    ...backupConditions.map((c) => ({ ...c, ...g })),
  ];
}

/** A name held by someone else's object is what a human must act on first. */
function ready(verdict: PhaseVerdict, conflicts: readonly NameConflict[]): ConditionInput {
  if (conflicts.length > 0) return nameConflictCondition(conflicts);
  const { phase, reason, message } = verdict;
  return { type: 'Ready', status: phase === 'Running' ? 'True' : 'False', reason, message };
}

/** An invalid spec stops progress: nothing it asks for is applied. */
function progressing(verdict: PhaseVerdict, invalid: boolean): ConditionInput {
  if (invalid) {
    return {
      type: 'Progressing',
      status: 'False',
      reason: 'InvalidSpec',
      message: 'the spec is invalid: children keep the last valid spec',
    };
  }
  const moving = PROGRESSING.includes(verdict.phase);
  return {
    type: 'Progressing',
    status: moving ? 'True' : 'False',
    reason: moving ? verdict.reason : 'Idle',
    message: verdict.message,
  };
}

function specValid(errors: readonly FieldError[]): ConditionInput {
  if (errors.length === 0)
    return { type: 'SpecValid', status: 'True', reason: 'Valid', message: 'the spec is valid' };
  const message = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  return { type: 'SpecValid', status: 'False', reason: 'InvalidSpec', message };
}

function memberStatus(m: ObservedMember, primary: ObservedMember | undefined): MemberStatus {
  const lag =
    m.role === 'replica' && primary?.walPosition !== undefined && m.walPosition !== undefined
      ? Math.max(0, primary.walPosition - m.walPosition)
      : undefined;
  return {
    name: m.name,
    role: m.role,
    state: m.state,
    ready: m.ready,
    ...(m.timeline === undefined ? {} : { timeline: m.timeline }),
    ...(lag === undefined ? {} : { lagBytes: reportedLag(lag) }),
    ...(m.pendingRestart ? { pendingRestart: true } : {}),
  };
}

/**
 * The major version every member runs: the version of the spec the StatefulSet was rendered from,
 * once its rollout is complete; until then the version reported before.
 */
function currentVersion(observed: ObservedCluster, previous: unknown): string | undefined {
  if (rolledOut(observed.statefulSet, observed.members) && observed.members.length > 0) {
    const version = (lastValidSpec(observed) as { version?: unknown } | undefined)?.version;
    if (typeof version === 'string') return version;
  }
  return typeof previous === 'string' ? previous : undefined;
}

/** The scale subresource's `labelSelectorPath` target: the member pods' selector as a string. */
function selectorString(parent: KubeObject): string {
  const sel = podSelector(parent.metadata);
  return Object.keys(sel)
    .sort()
    .map((k) => `${k}=${sel[k] ?? ''}`)
    .join(',');
}

function connectionInfo(cluster: ResolvedCluster): NonNullable<ClusterStatus['connectionInfo']> {
  const names = clusterNames(cluster);
  const port = PORTS.postgresql.port;
  return {
    readWrite: { host: serviceHost(cluster, names.primaryService), port },
    readOnly: { host: serviceHost(cluster, names.replicaService), port },
    database: cluster.bootstrap.database,
    secrets: { app: names.secrets.app, superuser: names.secrets.superuser },
  };
}
