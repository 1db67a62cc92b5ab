/**
 * What must hold after every sync of a scenario, whatever happened before.
 *
 * PostgresCluster syncs:
 * - status never names two primaries (not even while a lost node keeps a stale label), and
 *   `status.primary` is the one member the hook's request showed labelled primary (status describes
 *   the observed state, within that very sync);
 * - the observed pods never have two members labelled primary, except while a node is lost (the
 *   stale label of an unreachable old leader: a simulated split brain);
 * - the phase agrees with the pods: Running only with every member present, ready, one primary.
 *
 * Every step (`runningJobsDeleted`): Metacontroller never deletes a Job that still runs (one a sync
 * left out of its answer), unless the Job's parent is being deleted. A Job cut off mid-run (a
 * switchover between demote and promote) leaves the cluster in whatever state it reached.
 *
 * PostgresBackup syncs:
 * - the hook never drops an observed Job (that would delete a running or finished backup's Job) and
 *   never asks for more than one;
 * - Running only while a Job is observed;
 * - Succeeded and Failed are final: once a backup's status said so, every later sync of the same
 *   object says the same, with the same backup name.
 */
import { METACONTROLLER, type SyncRecord } from './emulator';
import type { ChangeRecord } from './lib/store';

export interface InvariantContext {
  /** A node is lost: an unreachable pod may keep a stale primary label. */
  splitBrainPossible: boolean;
  /** The final verdict each PostgresBackup (by uid) reached, kept across syncs by the caller. */
  finalBackups: Map<string, { phase: string; backupName: string | undefined }>;
}

const PRIMARY_LABEL = 'master';

export function syncViolations(r: SyncRecord, ctx: InvariantContext): string[] {
  if (r.httpStatus !== 200 || !r.status) return [];
  switch (r.controller) {
    case 'postgrescluster':
      return clusterViolations(r, ctx);
    case 'postgresbackup':
      return backupViolations(r, ctx);
    case 'postgresrestoredrill':
      return drillViolations(r, ctx);
    default:
      return [];
  }
}

function clusterViolations(r: SyncRecord, ctx: InvariantContext): string[] {
  const out: string[] = [];
  const status = r.status as {
    phase?: string;
    primary?: string;
    members?: { name: string; role?: string }[];
    replicas?: number;
    readyReplicas?: number;
  };
  const live = r.pods.filter((p) => !p.terminating);
  const labelled = live.filter((p) => p.role === PRIMARY_LABEL);
  const primaries = (status.members ?? []).filter((m) => m.role === 'primary');
  if (labelled.length > 1 && !ctx.splitBrainPossible) {
    out.push(`two pods labelled ${PRIMARY_LABEL}: ${labelled.map((p) => p.name).join(', ')}`);
  }
  // Even when a lost node leaves a stale label behind, the leader lock names one primary.
  if (primaries.length > 1) {
    out.push(`status lists two primaries: ${primaries.map((m) => m.name).join(', ')}`);
  }
  if (labelled.length === 1 && status.primary !== labelled[0]?.name) {
    out.push(
      `status.primary is ${String(status.primary)} while the request showed ${labelled[0]?.name ?? ''} labelled primary`,
    );
  }
  if (labelled.length === 0 && status.primary !== undefined && r.hook === 'sync') {
    out.push(`status.primary is ${status.primary} but no observed pod is labelled primary`);
  }
  if (status.replicas !== undefined && status.replicas !== live.length) {
    out.push(`status.replicas is ${status.replicas}, the request showed ${live.length} live pods`);
  }
  if (status.phase === 'Running') {
    const ready = live.filter((p) => p.ready).length;
    if (ready !== live.length || labelled.length !== 1) {
      out.push(
        `phase Running with ${ready}/${live.length} pods ready and ${labelled.length} labelled primary`,
      );
    }
    if (r.observedReplicas !== undefined && live.length !== r.observedReplicas) {
      out.push(`phase Running with ${live.length} pods while the StatefulSet wants ${r.observedReplicas}`);
    }
  }
  return out;
}

function backupViolations(r: SyncRecord, ctx: InvariantContext): string[] {
  const out: string[] = [];
  const jobs = (list: readonly string[] | undefined) => (list ?? []).filter((c) => c.startsWith('Job/'));
  const observed = jobs(r.observedChildren);
  const desired = jobs(r.desiredChildren);
  const dropped = observed.filter((j) => !desired.includes(j));
  if (dropped.length > 0) out.push(`the hook dropped ${dropped.join(', ')}: its Job would be deleted`);
  if (desired.length > 1) out.push(`the hook asks for ${desired.length} Jobs: ${desired.join(', ')}`);
  const phase = typeof r.status?.['phase'] === 'string' ? r.status['phase'] : undefined;
  const backupName = typeof r.status?.['backupName'] === 'string' ? r.status['backupName'] : undefined;
  if (phase === 'Running' && observed.length === 0) out.push('phase Running without an observed Job');
  const final = ctx.finalBackups.get(r.parentUid);
  if (final && (final.phase !== phase || final.backupName !== backupName)) {
    out.push(
      `status was final (${final.phase}, ${String(final.backupName)}) and is now ${String(phase)}, ${String(backupName)}`,
    );
  }
  if (!final && (phase === 'Succeeded' || phase === 'Failed')) {
    ctx.finalBackups.set(r.parentUid, { phase, backupName });
  }
  return out;
}

/**
 * A restore drill: its check Job is never dropped (its pod holds the result), its temporary cluster
 * has a `pgdrill-` name of its own (never the source's), there is at most one of each, and a
 * finished drill stays finished with the same reason (it never runs twice).
 */
function drillViolations(r: SyncRecord, ctx: InvariantContext): string[] {
  const out: string[] = [];
  const of = (list: readonly string[] | undefined, kind: string) =>
    (list ?? []).filter((c) => c.startsWith(`${kind}/`));
  const dropped = of(r.observedChildren, 'Job').filter((j) => !(r.desiredChildren ?? []).includes(j));
  if (dropped.length > 0) out.push(`the drill dropped its check Job ${dropped.join(', ')}`);
  const clusters = of(r.desiredChildren, 'PostgresCluster');
  const source = typeof r.status?.['cluster'] === 'string' ? r.status['cluster'] : undefined;
  if (clusters.length > 1) out.push(`the drill asks for ${clusters.length} clusters`);
  for (const c of clusters) {
    if (!c.startsWith('PostgresCluster/pgdrill-') || c === `PostgresCluster/${String(source)}`)
      out.push(`the drill's temporary cluster ${c} is not a name of its own`);
  }
  if (of(r.desiredChildren, 'Job').length > 1) out.push('the drill asks for more than one Job');
  const phase = typeof r.status?.['phase'] === 'string' ? r.status['phase'] : undefined;
  const reason = typeof r.status?.['reason'] === 'string' ? r.status['reason'] : undefined;
  const final = ctx.finalBackups.get(r.parentUid);
  if (final && (final.phase !== phase || final.backupName !== reason))
    out.push(
      `drill status was final (${final.phase}, ${String(final.backupName)}) and is now ${String(phase)}`,
    );
  if (!final && (phase === 'Succeeded' || phase === 'Failed'))
    ctx.finalBackups.set(r.parentUid, { phase, backupName: reason });
  return out;
}

/**
 * Day-2 operation Jobs (component `operations`) Metacontroller deleted, among `changes`, before they
 * finished (`finished`, from the Job controller) and before their cluster's deletion began.
 */
export function runningJobsDeleted(
  changes: readonly ChangeRecord[],
  o: { finished: readonly { name: string; at: number }[]; log: readonly ChangeRecord[] },
): string[] {
  const clusterDeleted = (job: ChangeRecord): boolean =>
    o.log.some(
      (c) =>
        c.kind === 'PostgresCluster' &&
        c.verb === 'terminate' &&
        c.namespace === job.namespace &&
        c.name === job.labels['pgmeta.io/cluster'] &&
        c.at <= job.at,
    );
  return changes
    .filter(
      (c) =>
        c.kind === 'Job' &&
        (c.verb === 'terminate' || c.verb === 'delete') &&
        c.actor === METACONTROLLER &&
        c.labels['app.kubernetes.io/component'] === 'operations',
    )
    .filter((c) => !o.finished.some((f) => f.name === c.name && f.at <= c.at) && !clusterDeleted(c))
    .map((c) => `${c.namespace}/${c.name}`);
}
