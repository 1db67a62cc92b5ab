/**
 * Worlds of a running cluster for the day-2 tests: the children the hook rendered for an earlier
 * spec (applied as the API server stores them), the pods Patroni runs, Patroni's Endpoints with its
 * dynamic configuration, and observed operation Jobs in a chosen state.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { day2Facts } from '../../hooks/postgrescluster/day2/facts';
import type { Day2Context } from '../../hooks/postgrescluster/day2/types';
import { lastValidSpec } from '../../hooks/postgrescluster/observe';
import { dcsDocument } from '../../hooks/postgrescluster/day2/params';
import { checkSpec } from '../../hooks/postgrescluster/spec/index';
import { sortedJson } from '../../hooks/postgrescluster/spilo/configuration';
import { planCluster } from '../../hooks/postgrescluster/sync';
import type { SyncRequest } from '../../hooks/metacontroller/types';
import { T0, applied, statefulSetStatus } from './apiserver';
import {
  appliedChildren,
  parentFrom,
  relatedFor,
  request,
  sync,
  type MemberSpec,
  type World,
} from './cluster-world';

export const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

export const HEALTHY: MemberSpec[] = [
  { ordinal: 0, role: 'master' },
  { ordinal: 1, role: 'replica', xlog: 67_100_000 },
  { ordinal: 2, role: 'replica', xlog: 67_108_864 },
];

export type JobOutcome = 'active' | 'succeeded' | 'failed';

/** A desired Job as observed after the API server stored it and the Job controller acted. */
export function observedJob(job: KubeObject, parent: KubeObject, outcome: JobOutcome): KubeObject {
  const stored = applied(job, parent);
  const conditions =
    outcome === 'active'
      ? []
      : [
          {
            type: outcome === 'succeeded' ? 'Complete' : 'Failed',
            status: 'True',
            ...(outcome === 'failed'
              ? { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }
              : {}),
            lastProbeTime: T0,
            lastTransitionTime: T0,
          },
        ];
  return { ...stored, status: { startTime: T0, ...(outcome === 'active' ? { active: 1 } : {}), conditions } };
}

export interface WorldOptions {
  /** The spec now (merged over HA). */
  spec?: Record<string, unknown>;
  /** The spec the observed children were rendered from (merged over HA); default: `spec`. */
  before?: Record<string, unknown>;
  members?: MemberSpec[];
  /** Claims of ordinals without a pod. */
  extraPvcs?: number[];
  /** Patroni's dynamic configuration; default: what `before` renders. */
  dcs?: Record<string, unknown>;
  /** Whether Patroni bootstrapped (default true). */
  initialized?: boolean;
  /** Observed Jobs and other children to add. */
  extraChildren?: KubeObject[];
  related?: KubeObject[];
  /** StatefulSet status overrides. */
  sts?: { replicas?: number; updated?: number; revision?: string; ready?: number; specReplicas?: number };
  annotations?: Record<string, string>;
  generation?: number;
}

function resolvedOf(spec: Record<string, unknown>) {
  const check = checkSpec(parentFrom(spec));
  if (!check.ok) throw new Error(JSON.stringify(check.errors));
  return check.resolved;
}

function withPatroniConfig(
  related: KubeObject[],
  o: WorldOptions,
  before: Record<string, unknown>,
): KubeObject[] {
  return related.map((r) => {
    if (r.kind !== 'Endpoints' || !r.metadata.name.endsWith('-config')) return r;
    const annotations: Record<string, string> = {
      config: sortedJson(o.dcs ?? dcsDocument(resolvedOf(before))),
    };
    if (o.initialized ?? true) annotations['initialize'] = '7437218811431043104';
    return { ...r, metadata: { ...r.metadata, annotations } };
  });
}

function withStatefulSet(children: KubeObject[], o: WorldOptions): KubeObject[] {
  return children.map((c) => {
    if (c.kind !== 'StatefulSet') return c;
    const spec = {
      ...(c['spec'] as object),
      ...(o.sts?.specReplicas === undefined ? {} : { replicas: o.sts.specReplicas }),
    };
    const sts = { ...c, spec };
    return { ...sts, status: statefulSetStatus(sts, o.sts ?? {}) };
  });
}

/** A running cluster as Metacontroller would send it. */
export function world(o: WorldOptions = {}): World {
  const spec = { ...HA, ...o.spec };
  const before = { ...HA, ...(o.before ?? o.spec) };
  const base = parentFrom(spec, { generation: o.generation ?? 2 });
  const parent = o.annotations
    ? { ...base, metadata: { ...base.metadata, annotations: o.annotations } }
    : base;
  const children = withStatefulSet(appliedChildren(parentFrom(before)), o);
  const related = withPatroniConfig(relatedFor(parent, o.members ?? HEALTHY, o.extraPvcs ?? []), o, before);
  return {
    parent,
    children: [...children, ...(o.extraChildren ?? [])],
    related: [...related, ...(o.related ?? [])],
  };
}

/** The day-2 context the hook builds for a world. */
export function contextOf(w: World): Day2Context {
  const req = request(w) as unknown as SyncRequest;
  const plan = planCluster(req);
  if (!plan.cluster) throw new Error('no cluster');
  return {
    cluster: plan.cluster,
    observed: plan.observed,
    facts: day2Facts(req, plan.observed),
    parent: req.parent,
    previousSpec: lastValidSpec(plan.observed),
  };
}

export { sync };

/** Children of one kind from a sync result. */
export function ofKind(children: readonly KubeObject[], kind: string): KubeObject[] {
  return children.filter((c) => c.kind === kind);
}

/** A condition of a status by type. */
export function conditionOf(
  status: Record<string, unknown>,
  type: string,
): Record<string, unknown> | undefined {
  return (status['conditions'] as Record<string, unknown>[]).find((c) => c['type'] === type);
}
