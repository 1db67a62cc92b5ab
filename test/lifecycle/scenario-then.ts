/**
 * The scenario language's assertions (`s.then`, see scenario.ts): status and phases, pods and claims,
 * what Patroni did, data safety, errors, and convergence (steady state, unchanged since a snapshot).
 */
import { canonicalJson, deepEqual } from './lib/json';
import type { ChangeRecord } from './lib/store';
import type { Scenario } from './scenario';
import type { PatroniEvent } from './sim/patroni';
import { isBackground } from './effects/catalog';
import { isLeaseRenewal } from './sim/patroni-dcs';
import { PVC_PROTECTION_CONTROLLER } from './sim/volumes';

interface StatusView {
  phase?: string;
  primary?: string;
  replicas?: number;
  readyReplicas?: number;
  observedGeneration?: number;
  conditions?: {
    type: string;
    status: string;
    reason?: string;
    message?: string;
    lastTransitionTime?: string;
  }[];
  members?: {
    name: string;
    role?: string;
    state?: string;
    ready?: boolean;
    timeline?: number;
    pendingRestart?: boolean;
  }[];
  [k: string]: unknown;
}

/** Data-bearing objects a user would lose data or access with: never deleted unless asked for. */
export interface DeletionAllowance {
  /** PVC names whose deletion the spec asked for (e.g. whenScaled Delete). */
  pvcs?: readonly string[];
  /** The cluster was deleted: the garbage collector may remove its children (and PVCs under Delete). */
  afterClusterDeletion?: boolean;
}

/** Assertions. Each failure message carries the end of the trace. */
export class Then {
  private readonly s: Scenario;

  constructor(s: Scenario) {
    this.s = s;
  }

  status(): StatusView {
    return (this.s.parent()?.['status'] ?? {}) as StatusView;
  }

  phase(expected: string): void {
    const st = this.status();
    if (st.phase !== expected) {
      const ready = st.conditions?.find((c) => c.type === 'Ready');
      this.s.fail(
        `phase is ${String(st.phase)} (${ready?.reason ?? '-'}: ${ready?.message ?? '-'}), expected ${expected}`,
      );
    }
  }

  /** The distinct phases the hook reported, in order, since the last `when`. */
  phasesSinceEvent(): string[] {
    const out: string[] = [];
    for (const r of this.s.syncsSinceMark()) {
      const p = r.status?.['phase'];
      if (typeof p === 'string' && out.at(-1) !== p) out.push(p);
    }
    return out;
  }

  /**
   * The phases since the last `when` are exactly `expected`, in this order: an unexpected phase in
   * between (an Updating while a member is replaced) is a wrong report, not noise.
   */
  phaseSequence(expected: readonly string[]): void {
    const seen = this.phasesSinceEvent();
    if (seen.length !== expected.length || seen.some((p, i) => p !== expected[i]))
      this.s.fail(
        `phases since the event were ${seen.join(' → ')}, expected exactly ${expected.join(' → ')}`,
      );
  }

  condition(type: string, expected: { status: string; reason?: string }): { message?: string } {
    const c = this.status().conditions?.find((x) => x.type === type);
    if (c?.status !== expected.status || (expected.reason !== undefined && c.reason !== expected.reason)) {
      this.s.fail(`condition ${type} is ${JSON.stringify(c)}, expected ${JSON.stringify(expected)}`);
    }
    return c;
  }

  primary(expected: string): void {
    const p = this.status().primary;
    if (p !== expected) this.s.fail(`status.primary is ${String(p)}, expected ${expected}`);
  }

  /** Pods of the cluster that exist (not terminating), by name. */
  podNames(): string[] {
    return this.s.store
      .list('Pod', this.s.namespace)
      .filter(
        (p) =>
          p.metadata.labels?.['pgmeta.io/cluster'] === this.s.name &&
          p.metadata.labels['app.kubernetes.io/component'] === 'database',
      )
      .filter((p) => p.metadata.deletionTimestamp === undefined)
      .map((p) => p.metadata.name);
  }

  pvcNames(): string[] {
    return this.s.store
      .list('PersistentVolumeClaim', this.s.namespace)
      .filter((p) => p.metadata.labels?.['pgmeta.io/cluster'] === this.s.name)
      .map((p) => p.metadata.name);
  }

  /** Member pods deleted since the last `when`: by whom, and their role label at that moment. */
  podDeletions(): { name: string; by: string; role: string | undefined; at: number }[] {
    return this.s.store.log
      .filter(
        (c) =>
          c.kind === 'Pod' &&
          c.verb === 'terminate' &&
          c.at >= this.s.markAt &&
          c.labels['pgmeta.io/cluster'] === this.s.name &&
          c.labels['app.kubernetes.io/component'] === 'database',
      )
      .map((c) => ({ name: c.name, by: c.actor, role: c.labels['spilo-role'], at: c.at }));
  }

  /** What Patroni did since the last `when` (restarts, switchovers, failovers, PATCH /config). */
  patroniEvents(type?: PatroniEvent['type']): PatroniEvent[] {
    return this.s.sim.patroni.events.filter(
      (e) => e.at >= this.s.markAt && (type === undefined || e.type === type),
    );
  }

  /** The fewest ready members any sync saw since the last `when`. */
  fewestReadySinceEvent(): number {
    const counts = this.s.syncsSinceMark().map((r) => r.pods.filter((p) => p.ready && !p.terminating).length);
    return Math.min(...counts);
  }

  /** The value PostgreSQL on `member` runs with (what Patroni started it with). */
  runningParameter(member: string, name: string): string | undefined {
    return this.s.sim.patroni.member(this.s.namespace, { scope: this.s.name, member })?.running[name];
  }

  /** Nothing that holds data or credentials was deleted (see DeletionAllowance for the exceptions). */
  noDataBearingObjectDeleted(allow: DeletionAllowance = {}): void {
    const n = this.s.name;
    const guarded = (c: ChangeRecord): boolean =>
      (c.kind === 'StatefulSet' && c.name === n) ||
      (c.kind === 'Service' && c.name === n) ||
      (c.kind === 'Secret' && [`${n}-superuser`, `${n}-replication`, `${n}-app`].includes(c.name)) ||
      (c.kind === 'PersistentVolumeClaim' && c.labels['pgmeta.io/cluster'] === n);
    const deletedAt = this.s.store.log.find(
      (c) => c.kind === 'PostgresCluster' && c.name === n && c.verb === 'terminate',
    )?.at;
    const bad = this.s.store.log.filter((c) => {
      if ((c.verb !== 'terminate' && c.verb !== 'delete') || c.namespace !== this.s.namespace || !guarded(c))
        return false;
      if (c.kind === 'PersistentVolumeClaim' && allow.pvcs?.includes(c.name)) return false;
      // The kubelet and the pvc-protection controller only complete a deletion asked for before.
      const byGc = ['garbage-collector', 'kubelet', PVC_PROTECTION_CONTROLLER].includes(c.actor);
      return !(allow.afterClusterDeletion === true && deletedAt !== undefined && c.at >= deletedAt && byGc);
    });
    if (bad.length > 0) this.s.fail(`data-bearing objects deleted:\n${bad.map(describeChange).join('\n')}`);
  }

  /** No SyncError, no contract problem (pruned status fields, AlreadyExists, rejected writes). */
  noErrors(): void {
    if (this.s.mc.errors.length > 0) this.s.fail(`sync errors:\n${this.s.mc.errors.join('\n')}`);
    if (this.s.mc.problems.length > 0) this.s.fail(`contract problems:\n${this.s.mc.problems.join('\n')}`);
  }

  /**
   * Converged means quiet: `rounds` more resync periods (every parent synced each time, the
   * simulation running) change no object at all: no child, no status field, no pod.
   */
  async steadyState(rounds = 3): Promise<void> {
    this.noErrors();
    const from = this.s.store.log.length;
    for (let i = 0; i < rounds; i++) {
      this.s.clock.advance(30);
      await this.s.step({ force: true });
    }
    // The leader renews its lock every loop_wait: that is Patroni being healthy, not a change.
    const changes = this.s.store.log.slice(from).filter((c) => !isLeaseRenewal(c) && !isBackground(c));
    if (changes.length > 0) {
      this.s.fail(
        `not steady: ${changes.length} change(s) after convergence:\n${changes.map(describeChange).join('\n')}`,
      );
    }
    this.noErrors();
  }

  /**
   * What pgmeta controls, to compare with `unchangedSince`: each child without its status (which
   * the cluster's controllers write), each member pod's identity, and (unless `childrenOnly`) the
   * cluster's status.
   */
  snapshot(o: { childrenOnly?: boolean } = {}): Map<string, unknown> {
    const out = new Map<string, unknown>();
    const parent = this.s.parent();
    if (o.childrenOnly !== true) out.set('status', parent?.['status']);
    for (const name of this.podNames()) {
      out.set(
        `Pod/${name}`,
        this.s.store.get({ kind: 'Pod', namespace: this.s.namespace, name })?.metadata.uid,
      );
    }
    for (const obj of this.s.store.all()) {
      if (!obj.metadata.ownerReferences?.some((r) => r.uid === parent?.metadata.uid)) continue;
      const { status: _status, ...rest } = obj;
      const { resourceVersion: _rv, ...metadata } = obj.metadata;
      out.set(`${obj.kind}/${obj.metadata.name}`, canonicalJson({ ...rest, metadata }));
    }
    return out;
  }

  /** No child changed, no member pod was replaced, and (unless the snapshot left it out) the status is the same. */
  unchangedSince(snap: Map<string, unknown>): void {
    const now = this.snapshot({ childrenOnly: !snap.has('status') });
    const keys = new Set([...snap.keys(), ...now.keys()]);
    const diff = [...keys].filter((k) => !deepEqual(snap.get(k), now.get(k)));
    if (diff.length > 0) this.s.fail(`changed since the snapshot: ${diff.join(', ')}`);
  }
}

export function describeChange(c: ChangeRecord): string {
  const paths = c.paths && c.paths.length > 0 ? ` (${c.paths.join(', ')})` : '';
  return `store: ${c.verb} ${c.kind} ${c.namespace}/${c.name} by ${c.actor}${paths}`;
}
