/**
 * What must hold after every sync of a scenario, whatever happened before:
 * - status never names two primaries (not even while a lost node keeps a stale label), and
 *   `status.primary` is the one member the hook's request showed labelled primary (status describes
 *   the observed state, within that very sync);
 * - the observed pods never have two members labelled primary, except while a node is lost (the
 *   stale label of an unreachable old leader: a simulated split brain);
 * - the phase agrees with the pods: Running only with every member present, ready, one primary.
 */
import type { SyncRecord } from './emulator';

export interface InvariantContext {
  /** A node is lost: an unreachable pod may keep a stale primary label. */
  splitBrainPossible: boolean;
}

const PRIMARY_LABEL = 'master';

export function syncViolations(r: SyncRecord, ctx: InvariantContext): string[] {
  if (r.httpStatus !== 200 || !r.status) return [];
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
