/**
 * Standby clusters in the Patroni simulation (Patroni v4.0.4): a scope whose dynamic configuration
 * holds `standby_cluster` is a standby cluster. Its lock holder is the standby leader: it replays the
 * source's WAL (ha.py `Ha.get_remote_member`, `Ha._get_node_to_follow`; `Ha.enforce_follow_remote_member`)
 * and reports role `standby_leader` with `replication_state` `streaming` when it follows a host, `in
 * archive recovery` when it only has a `restore_command` (postgresql/__init__.py
 * `Postgresql.replication_state_from_parameters`); the other members follow it (`Ha.follow`). A new
 * standby cluster's first member is made a copy of the source, with its system identifier, through
 * `create_replica_methods` (`Ha.bootstrap` → `Ha.bootstrap_standby_leader`), not initdb. When the
 * section is removed, the standby leader's next loop promotes it (`Ha.process_healthy_cluster` →
 * `Ha.enforce_primary_role`): a new timeline.
 *
 * The source is found from `host` the way a Service name resolves: `<service>[.<namespace>...]`, the
 * service being a pgmeta cluster's primary Service, named as the cluster (its Patroni scope). A
 * source the simulation does not run (another site) leaves the standby leader where it is. The
 * standby leader's distance behind its source is the scope's `lag` knob of its own name.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { isObject, type JsonObject } from '../lib/json';
import type { Member, PatroniConfig, ScopeState } from './patroni-model';
import { PatroniPart } from './patroni-roster';

export class PatroniStandby extends PatroniPart {
  /** The scope's `standby_cluster` section, when its dynamic configuration has one. */
  section(s: ScopeState, cfg: PatroniConfig): JsonObject | undefined {
    const value = this.dcs.dcsConfig(s, cfg)['standby_cluster'];
    return isObject(value) ? value : undefined;
  }

  /** The running leader of the scope `host` names, if the simulation runs it. */
  source(s: ScopeState, section: JsonObject): Member | undefined {
    const host = typeof section['host'] === 'string' ? section['host'] : undefined;
    if (host === undefined) return undefined;
    const [scope, namespace] = host.split('.');
    const src = this.world.scopes.get(`${namespace ?? s.namespace}/${scope ?? ''}`);
    if (!src || src === s) return undefined;
    const name = this.dcs.leaderName(src);
    const m = name !== undefined ? src.members.get(name) : undefined;
    return m?.role === 'primary' && m.state === 'running' ? m : undefined;
  }

  /** The system identifier a new standby leader copies: the source's, or a new one without it. */
  sourceSysid(s: ScopeState, cfg: PatroniConfig): string | undefined {
    const section = this.section(s, cfg);
    const src = section ? this.source(s, section) : undefined;
    return src ? this.world.volumes.get(src.pvcUid)?.sysid : undefined;
  }

  /** After the HA loop: the standby leader follows its source, or is promoted once the section is gone. */
  process(s: ScopeState, pods: KubeObject[], cfg: PatroniConfig): void {
    const leader = this.roster.leaderMember(s, pods);
    if (leader?.state !== 'running') return;
    const section = this.section(s, cfg);
    if (section) {
      if (s.standbyLeader !== leader.name) this.ctx.trace(`patroni: ${leader.name} is the standby leader`);
      s.standbyLeader = leader.name;
      const src = this.source(s, section);
      if (src) {
        leader.timeline = src.timeline;
        leader.xlog = Math.max(leader.xlog, src.xlog - (s.lag.get(leader.name) ?? 0));
        this.roster.persist(s, leader);
      }
      return;
    }
    if (s.standbyLeader === undefined) return;
    delete s.standbyLeader;
    leader.timeline += 1;
    this.roster.persist(s, leader);
    this.world.events.push({ at: this.ctx.clock.now, type: 'standby-promotion', member: leader.name });
    this.ctx.trace(`patroni: standby_cluster removed: ${leader.name} promoted (timeline ${leader.timeline})`);
  }
}
