/**
 * The PostgresRestoreDrill sync hook. One run per object:
 *
 * 1. When the source can be drilled (it exists, its spec is valid, it has `spec.backup`), the hook
 *    answers the temporary cluster and the check Job together, so the Job's creation time is the
 *    start of the restore (verdict.ts measures recovery time from it).
 * 2. While the Job runs, both are kept as observed (OnDelete: a change of the source never touches a
 *    running drill); a temporary cluster deleted by hand is planned again from the source.
 * 3. When the Job has finished, the answer leaves the temporary cluster out: Metacontroller deletes
 *    it, and its volumes go with it (`retentionPolicy: Delete`, plan.ts). The Job stays, so its pod's
 *    termination message keeps the result readable.
 * 4. A finished drill (status Succeeded or Failed) never starts again, even if its Job is deleted.
 */
import type { HookContext } from '../lib/context.js';
import type { KubeObject } from '../lib/k8s.js';
import { listObjects } from '../metacontroller/children.js';
import type { DesiredState, SyncRequest } from '../metacontroller/types.js';
import { keepJob } from '../postgresbackup/sync.js';
import { checkParsedSpec } from '../postgrescluster/spec/index.js';
import { buildDrillJob } from './job.js';
import { DRILL_LABEL, drillClusterName, drillJobName } from './names.js';
import { checkMessage, jobView, observeSource, sourceSystemIdentifier } from './observe.js';
import { drillClusterSpec } from './plan.js';
import { type DrillObjectSpec, checkDrillObject } from './spec.js';
import { drillObjectStatus, isFinal, keptFinal, previousStatus } from './status.js';
import { drillStatus, keepDrillCluster, type DrillObserved, type DrillStatus } from './verdict.js';

export const CLUSTER_API = { kind: 'PostgresCluster', apiVersion: 'pgmeta.io/v1alpha1' } as const;

type Planned = { ok: true; children: KubeObject[] } | { ok: false; reason: string; message: string };

/** The temporary cluster and its check Job, planned from the source as observed now. */
function plan(req: SyncRequest, spec: DrillObjectSpec): Planned {
  const { parent } = req;
  const namespace = parent.metadata.namespace ?? 'default';
  const uid = parent.metadata.uid ?? '';
  const source = observeSource(req.related, { name: spec.clusterName, namespace });
  if (!source.ok) return source;
  const planned = drillClusterSpec(source.source, spec.resources ? { resources: spec.resources } : {});
  if (!planned.ok) {
    return { ok: false, reason: 'NoArchive', message: planned.errors.map((e) => e.message).join('; ') };
  }
  const name = drillClusterName(uid);
  const cluster: KubeObject = {
    ...CLUSTER_API,
    metadata: { name, namespace, labels: { [DRILL_LABEL]: parent.metadata.name } },
    spec: planned.spec,
  };
  const resolved = checkParsedSpec(cluster);
  if (!resolved.ok) {
    const why = resolved.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    return { ok: false, reason: 'DrillClusterInvalid', message: `the temporary cluster is invalid: ${why}` };
  }
  const job = buildDrillJob({
    name: drillJobName(uid),
    drillName: parent.metadata.name,
    cluster: resolved.resolved,
    spec,
  });
  return { ok: true, children: [cluster, job] };
}

interface Observed {
  cluster: KubeObject | undefined;
  job: KubeObject | undefined;
}

/** What the verdict reads: the drill's creation, its Job and the pod's message, the source's identity. */
function observe(req: SyncRequest, spec: DrillObjectSpec, seen: Observed): DrillObserved {
  const id = { name: spec.clusterName, namespace: req.parent.metadata.namespace ?? 'default' };
  const job = jobView(seen.job);
  const jobName = drillJobName(req.parent.metadata.uid ?? '');
  return {
    createdAt: req.parent.metadata.creationTimestamp ?? '',
    ...(job ? { job } : {}),
    ...(seen.job ? { message: checkMessage(listObjects(req.related, 'Pod', 'v1'), jobName) } : {}),
    clusterPresent: seen.cluster !== undefined,
    sourceSystemIdentifier: sourceSystemIdentifier(req.related, id),
  };
}

const keptOf = (seen: Observed): KubeObject[] =>
  [seen.job, seen.cluster].flatMap((o) => (o ? [keepJob(o)] : []));

interface Run {
  children: KubeObject[];
  verdict: DrillStatus;
}

/** A drill still restoring (or not started): keep what is observed, plan what is missing. */
function restoring(req: SyncRequest, spec: DrillObjectSpec, now: Observed & { verdict: DrillStatus }): Run {
  const { verdict, ...seen } = now;
  const kept = keptOf(seen);
  if (seen.job && seen.cluster) return { children: kept, verdict };
  const planned = plan(req, spec);
  if (!planned.ok) {
    const { reason, message } = planned;
    const waiting: DrillStatus = { phase: 'Pending', reason, message, cleanedUp: false };
    return { children: kept, verdict: seen.job ? verdict : waiting };
  }
  // The Job only ever comes with a cluster; a cluster deleted by hand is planned again.
  const missing = planned.children.filter((c) => !kept.some((k) => k.kind === c.kind));
  return { children: [...kept, ...missing], verdict };
}

/** The children and verdict of a drill whose spec is valid. */
function run(req: SyncRequest, spec: DrillObjectSpec, seen: Observed): Run {
  const previous = previousStatus(req.parent);
  if (!seen.job && isFinal(previous)) return { children: [], verdict: keptFinal(previous, !!seen.cluster) };
  const observed = observe(req, spec, seen);
  const verdict = drillStatus(observed);
  if (keepDrillCluster(observed)) return restoring(req, spec, { ...seen, verdict });
  // Finished: the temporary cluster is left out, so Metacontroller deletes it (and its volumes).
  return { children: seen.job ? [keepJob(seen.job)] : [], verdict };
}

export function syncDrill(req: SyncRequest, ctx: HookContext): DesiredState {
  const { parent } = req;
  const uid = parent.metadata.uid ?? '';
  const seen: Observed = {
    cluster: listObjects(req.children, CLUSTER_API.kind, CLUSTER_API.apiVersion).find(
      (c) => c.metadata.name === drillClusterName(uid),
    ),
    job: listObjects(req.children, 'Job', 'batch/v1').find((j) => j.metadata.name === drillJobName(uid)),
  };
  const checked = checkDrillObject(parent);
  if (!checked.ok) {
    // Keep whatever runs; a spec the API server would have refused starts nothing.
    const children = keptOf(seen);
    const previous = previousStatus(parent);
    const message = checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    const verdict: DrillStatus = isFinal(previous)
      ? keptFinal(previous, !!seen.cluster)
      : { phase: 'Failed', reason: 'InvalidSpec', message, cleanedUp: !seen.cluster };
    return { status: { ...drillObjectStatus({ parent, verdict, names: {}, now: ctx.now }) }, children };
  }
  const { children, verdict } = run(req, checked.spec, seen);
  const started = children.length > 0 || seen.job !== undefined;
  const names = {
    cluster: checked.spec.clusterName,
    ...(started ? { drillCluster: drillClusterName(uid), jobName: drillJobName(uid) } : {}),
  };
  return { status: { ...drillObjectStatus({ parent, verdict, names, now: ctx.now }) }, children };
}
