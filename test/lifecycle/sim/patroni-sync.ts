/**
 * Synchronous replication in the Patroni simulation: the leader keeps the `<scope>-sync` key (the
 * synchronous standbys, as many as `synchronous_node_count`), clears it when synchronous mode is off,
 * and in strict mode writes wait while no standby is synchronous. Who may race for the lock in
 * synchronous mode is decided from the same key (patroni-ha.ts `raceWinner`).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { Member, PatroniConfig, ScopeState } from './patroni-model';
import { PatroniPart } from './patroni-roster';

/** Synchronous mode as the dynamic configuration sets it (patroni/config.py `GlobalConfig`). */
export interface SyncMode {
  on: boolean;
  strict: boolean;
  nodeCount: number;
}

export class PatroniSync extends PatroniPart {
  mode(s: ScopeState, cfg: PatroniConfig): SyncMode {
    const dcs = this.dcs.dcsConfig(s, cfg);
    const on = dcs['synchronous_mode'] === true || dcs['synchronous_mode'] === 'on';
    const count = Number(dcs['synchronous_node_count'] ?? 1);
    return {
      on,
      strict: on && dcs['synchronous_mode_strict'] === true,
      nodeCount: Number.isInteger(count) && count > 0 ? count : 1,
    };
  }

  /**
   * The leader's part, once per HA loop (ha.py `Ha.process_sync_replication`):
   * - off: a key that names a leader is cleared (`disable_synchronous_replication`, kubernetes.py
   *   `delete_sync_state`: leader, sync_standby and quorum set to null);
   * - on: the key is enabled with the leader alone first (`_maybe_enable_synchronous_mode`), then holds
   *   the standbys picked (`_process_multisync_replication`): running, streaming replicas, the current
   *   synchronous ones first and then the most advanced (patroni/postgresql/sync.py `_ReplicaList`,
   *   `SyncHandler.current_state`), up to `synchronous_node_count`.
   */
  process(s: ScopeState, pods: KubeObject[], cfg: PatroniConfig): void {
    const leader = this.roster.leaderMember(s, pods);
    if (leader?.state !== 'running') return;
    const mode = this.mode(s, cfg);
    const key = this.dcs.syncState(s);
    const labels = { ...cfg.labels, [cfg.scopeLabel]: s.scope };
    if (!mode.on) {
      if (key.leader !== undefined) this.dcs.writeSync(s, { labels });
      return;
    }
    const picked = this.pick(s, pods, { leader, current: key.members, count: mode.nodeCount });
    if (key.leader === leader.name && sameSet(picked, key.members)) return;
    this.dcs.writeSync(s, { labels, leader: leader.name, members: picked });
    this.ctx.trace(`patroni: ${s.scope}-sync: ${leader.name} with [${picked.join(', ')}]`);
  }

  private pick(
    s: ScopeState,
    pods: KubeObject[],
    o: { leader: Member; current: string[]; count: number },
  ): string[] {
    const streaming = [...s.members.values()].filter(
      (m) =>
        m !== o.leader &&
        m.role === 'replica' &&
        m.state === 'running' &&
        m.timeline === o.leader.timeline &&
        this.roster.up(s, m.name, pods),
    );
    const ranked = streaming.sort(
      (a, b) =>
        Number(o.current.includes(b.name)) - Number(o.current.includes(a.name)) ||
        b.xlog - a.xlog ||
        a.name.localeCompare(b.name),
    );
    return ranked
      .slice(0, o.count)
      .map((m) => m.name)
      .sort();
  }

  /**
   * Whether a write on the primary would wait forever: strict mode with no synchronous standby sets
   * `synchronous_standby_names` to `*` (ha.py `_process_multisync_replication`, "No standbys
   * available!"), so a commit waits for a standby that is not there.
   */
  writesBlocked(s: ScopeState, cfg: PatroniConfig): boolean {
    const mode = this.mode(s, cfg);
    return mode.strict && this.dcs.syncState(s).members.length === 0;
  }

  /**
   * Who may race for the lock (ha.py `Ha.is_healthiest_node`): once the key names a leader
   * (`sync_mode_is_active`), only its standbys and that leader (`SyncState.matches(name, True)`).
   */
  mayRace(s: ScopeState, cfg: PatroniConfig, name: string): boolean {
    if (!this.mode(s, cfg).on) return true;
    const key = this.dcs.syncState(s);
    return key.leader === undefined || key.leader === name || key.members.includes(name);
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n) => b.includes(n));
}
