/**
 * The status of a PostgresDatabase, from observed state only (the Job, the cluster) plus what the
 * parent's status already says (transition times, the last revision applied): a converged resource
 * gets a byte-identical status sync after sync.
 */
import { stampConditions, type ConditionInput } from '../lib/conditions.js';
import type { Condition, KubeObject } from '../lib/k8s.js';
import type { ClusterView } from './cluster.js';
import { JOB_TTL_SECONDS } from './job.js';
import type { JobPlan } from './plan.js';
import type { FieldError, ResolvedDatabase } from './spec/index.js';

export type Phase = 'Pending' | 'Applying' | 'Ready' | 'Failed' | 'Invalid' | 'Deleting';

/** The parent's current status as an object (never trusted beyond type checks). */
export function previousStatus(parent: KubeObject): Record<string, unknown> {
  const s = parent['status'];
  return typeof s === 'object' && s !== null && !Array.isArray(s) ? (s as Record<string, unknown>) : {};
}

function previousString(prev: Record<string, unknown>, key: string): string | undefined {
  const v = prev[key];
  return typeof v === 'string' ? v : undefined;
}

export function clusterCondition(cluster: ClusterView): ConditionInput {
  return cluster.ready
    ? {
        type: 'ClusterReady',
        status: 'True',
        reason: 'ClusterReady',
        message: `PostgresCluster ${cluster.name} is Ready`,
      }
    : { type: 'ClusterReady', status: 'False', reason: cluster.reason, message: cluster.message };
}

const VALID: ConditionInput = {
  type: 'SpecValid',
  status: 'True',
  reason: 'Valid',
  message: 'the spec is valid',
};

function appliedCondition(plan: JobPlan, cluster: ClusterView, applied: boolean): ConditionInput {
  const job = `Job ${plan.name}`;
  const of = (status: 'True' | 'False', reason: string, message: string): ConditionInput => ({
    type: 'Applied',
    status,
    reason,
    message,
  });
  if (plan.state === 'failed') {
    const retry = `it runs again when it expires after ${String(JOB_TTL_SECONDS)}s or when the spec changes`;
    return of('False', 'JobFailed', `${job} failed (${plan.message}); ${retry}`);
  }
  if (plan.state === 'succeeded') return of('True', 'Applied', `the spec was applied by ${job}`);
  if (applied) return of('True', 'Applied', `the spec was applied; ${job} re-applies it`);
  switch (plan.state) {
    case 'waiting-cluster':
      return cluster.ready ? of('False', 'Waiting', 'waiting') : of('False', cluster.reason, cluster.message);
    case 'waiting-job':
      return of('False', 'WaitingForJob', plan.message);
    case 'pending':
    case 'active':
      return of('False', 'Applying', `${job} is applying the spec`);
  }
}

function phaseOf(plan: JobPlan, cluster: ClusterView, applied: boolean): Phase {
  if (plan.state === 'failed') return 'Failed';
  if (applied) return 'Ready';
  return cluster.ready ? 'Applying' : 'Pending';
}

/** Status of a sync with a valid spec. */
export function syncStatus(opts: {
  db: ResolvedDatabase;
  cluster: ClusterView;
  plan: JobPlan;
  revision: string;
  parent: KubeObject;
  now: string;
}): Record<string, unknown> {
  const { db, cluster, plan, revision } = opts;
  const prev = previousStatus(opts.parent);
  const appliedRevision = plan.state === 'succeeded' ? revision : previousString(prev, 'appliedRevision');
  const applied = appliedRevision === revision;
  const conditions = [VALID, clusterCondition(cluster), appliedCondition(plan, cluster, applied)];
  return {
    phase: phaseOf(plan, cluster, applied),
    conditions: stampConditions(conditions, prev['conditions'], opts.now),
    desiredRevision: revision,
    ...(appliedRevision === undefined ? {} : { appliedRevision }),
    job: plan.name,
    roles: db.secrets.map((s) => ({ name: s.role, secretName: s.secretName })),
    connectionInfo: { host: cluster.host, port: cluster.port, database: db.model.database.name },
  };
}

const CARRIED = ['desiredRevision', 'appliedRevision', 'job', 'roles', 'connectionInfo'] as const;

/** Status of an invalid spec: the errors, and everything else as it was (nothing changed). */
export function invalidStatus(opts: {
  errors: readonly FieldError[];
  parent: KubeObject;
  now: string;
}): Record<string, unknown> {
  const prev = previousStatus(opts.parent);
  const shown = opts.errors.slice(0, 10).map((e) => `${e.path}: ${e.message}`);
  if (opts.errors.length > shown.length) shown.push(`and ${String(opts.errors.length - shown.length)} more`);
  const before = Array.isArray(prev['conditions']) ? (prev['conditions'] as Partial<Condition>[]) : [];
  const carried = ['ClusterReady', 'Applied'].map((type): ConditionInput => {
    const c = before.find((p) => p.type === type);
    const status = c?.status === 'True' || c?.status === 'False' ? c.status : 'Unknown';
    return {
      type,
      status,
      reason: typeof c?.reason === 'string' ? c.reason : 'Unknown',
      message: typeof c?.message === 'string' ? c.message : '',
    };
  });
  const specValid: ConditionInput = {
    type: 'SpecValid',
    status: 'False',
    reason: 'InvalidSpec',
    message: shown.join('; '),
  };
  return {
    ...Object.fromEntries(CARRIED.filter((k) => prev[k] !== undefined).map((k) => [k, prev[k]])),
    phase: 'Invalid',
    conditions: stampConditions([specValid, ...carried], prev['conditions'], opts.now),
  };
}
