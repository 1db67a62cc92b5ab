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
import { drillStatus, keepDrillCluster, type DrillStatus } from './verdict.js';

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
  if (!planned.ok) return { ok: false, reason: 'NoArchive', message: planned.errors[0]!.message };
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
  return { ok: true, children: [cluster, job as KubeObject] };
}

interface Observed {
  cluster: KubeObject | undefined;
  job: KubeObject | undefined;
}

/** The children and verdict of a drill whose spec is valid. */
function run(
  req: SyncRequest,
  spec: DrillObjectSpec,
  seen: Observed,
): { children: KubeObject[]; verdict: DrillStatus } {
  const previous = previousStatus(req.parent);
  const kept = [seen.job, seen.cluster].flatMap((o) => (o ? [keepJob(o)] : []));
  if (!seen.job && isFinal(previous)) return { children: [], verdict: keptFinal(previous, !!seen.cluster) };
  const id = { name: spec.clusterName, namespace: req.parent.metadata.namespace ?? 'default' };
  const job = jobView(seen.job);
  const jobName = drillJobName(req.parent.metadata.uid ?? '');
  const observed = {
    createdAt: req.parent.metadata.creationTimestamp ?? '',
    ...(job ? { job } : {}),
    ...(seen.job ? { message: checkMessage(listObjects(req.related, 'Pod', 'v1'), jobName) } : {}),
    clusterPresent: seen.cluster !== undefined,
    sourceSystemIdentifier: sourceSystemIdentifier(req.related, id),
  };
  const verdict = drillStatus(observed);
  if (!keepDrillCluster(observed)) return { children: seen.job ? [keepJob(seen.job)] : [], verdict };
  if (seen.job && seen.cluster) return { children: kept, verdict };
  const planned = plan(req, spec);
  if (!planned.ok) {
    const waiting: DrillStatus = {
      phase: 'Pending',
      reason: planned.reason,
      message: planned.message,
      cleanedUp: false,
    };
    return { children: kept, verdict: seen.job ? verdict : waiting };
  }
  // Keep what is observed, plan what is missing (the Job only ever comes with a cluster).
  const missing = planned.children.filter((c) => !kept.some((k) => k.kind === c.kind));
  return { children: [...kept, ...missing], verdict };
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
    const children = [seen.job, seen.cluster].flatMap((o) => (o ? [keepJob(o)] : []));
    const previous = previousStatus(parent);
    const message = checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    const verdict: DrillStatus = isFinal(previous)
      ? keptFinal(previous, !!seen.cluster)
      : { phase: 'Failed', reason: 'InvalidSpec', message, cleanedUp: !seen.cluster };
    return { status: { ...drillObjectStatus(parent, verdict, {}, ctx.now) }, children };
  }
  const { children, verdict } = run(req, checked.spec, seen);
  const started = children.length > 0 || seen.job !== undefined;
  const names = {
    cluster: checked.spec.clusterName,
    ...(started ? { drillCluster: drillClusterName(uid), jobName: drillJobName(uid) } : {}),
  };
  return { status: { ...drillObjectStatus(parent, verdict, names, ctx.now) }, children };
}
