/**
 * The HA loop of the Patroni simulation, one pass per scope: members starting, stopping and
 * crashing, bootstrap, basebackups, the leader race after a released or lapsed lock, replicas
 * following the leader, and the synchronous standby.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { specOf, statusOf } from './context';
import { type Member, type PatroniConfig, type ScopeState } from './patroni-model';
import { BOOTSTRAPPING, PatroniBootstrap, RUNIT_RESTARTS } from './patroni-bootstrap';
import { PatroniPart } from './patroni-roster';

/** What Patroni does on each HA loop of a scope. */
export class PatroniHa extends PatroniPart {
  private readonly boot = new PatroniBootstrap(this.world, { dcs: this.dcs, roster: this.roster });

  tickScope(s: ScopeState, cfg: PatroniConfig): void {
    const pods = this.roster.memberPods(s, cfg);
    const names = new Set(pods.map((p) => p.metadata.name));
    for (const name of s.members.keys()) if (!names.has(name)) s.members.delete(name);
    for (const pod of pods) this.lifecycle(s, pod);
    const leader = this.dcs.leaderName(s);
    const leaderUp = leader !== undefined && this.roster.up(s, leader, pods);
    if (leaderUp) s.lastRenew = this.ctx.clock.now;
    for (const pod of pods)
      if (this.roster.up(s, pod.metadata.name, pods)) this.progress({ s, cfg, pod, pods });
    this.switchoverStep(s, pods);
    if (this.dcs.initialized(s) && !this.roster.lockValid(s, pods, cfg)) this.elect(s, pods, cfg);
    this.follow(s, pods);
    this.syncStandby(s, pods, cfg);
    for (const pod of pods) this.roster.publish(s, pod, cfg);
  }

  /** Shutdowns, crashes and (re)starts, from the pods' and containers' state. */
  lifecycle(s: ScopeState, pod: KubeObject): void {
    const m = s.members.get(pod.metadata.name);
    const lost = this.world.kubelets.nodeLost(pod);
    if (pod.metadata.deletionTimestamp !== undefined) {
      if (m && m.state !== 'stopped' && !lost) this.shutdown(s, m);
      return;
    }
    if (!this.world.kubelets.running(pod)) return;
    const pid = this.world.kubelets.processId(pod);
    if (m?.processId === pid) return;
    const claim = this.dataClaim(pod);
    s.members.set(pod.metadata.name, {
      name: pod.metadata.name,
      processId: pid,
      state: 'starting',
      role: 'replica',
      timeline: 0,
      xlog: 0,
      running: {},
      busyUntil: 0,
      ip: typeof statusOf(pod)['podIP'] === 'string' ? String(statusOf(pod)['podIP']) : '',
      pvcUid: claim?.metadata.uid ?? '',
    });
  }

  dataClaim(pod: KubeObject): KubeObject | undefined {
    const volumes = (specOf(pod)['volumes'] ?? []) as { persistentVolumeClaim?: { claimName: string } }[];
    const claim = volumes.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName;
    if (claim === undefined) return undefined;
    return this.ctx.store.get({
      kind: 'PersistentVolumeClaim',
      namespace: pod.metadata.namespace ?? '',
      name: claim,
    });
  }

  shutdown(s: ScopeState, m: Member): void {
    this.roster.persist(s, m);
    if (this.dcs.leaderName(s) === m.name) {
      this.dcs.writeLeader(s, undefined);
      s.releasedAt = this.ctx.clock.now;
      this.ctx.trace(`patroni: ${m.name} shut down and released the leader lock`);
    }
    m.state = 'stopped';
  }

  progress(o: { s: ScopeState; cfg: PatroniConfig; pod: KubeObject; pods: KubeObject[] }): void {
    const { s, cfg, pod } = o;
    const m = s.members.get(pod.metadata.name);
    if (!m) return;
    const now = this.ctx.clock.now;
    if (m.state === 'starting') this.start(o, m);
    else if (m.state === 'creating replica' && now >= m.busyUntil) {
      const leader = this.roster.leaderMember(s, o.pods);
      if (!leader) return;
      Object.assign(m, { state: 'running', role: 'replica', timeline: leader.timeline, xlog: leader.xlog });
      m.running = this.roster.effective(s, cfg, pod);
    } else if (m.state === 'restarting' && now >= m.busyUntil) {
      m.state = 'running';
      m.running = this.roster.effective(s, cfg, pod);
      this.ctx.trace(`patroni: ${m.name} restarted`);
    } else if (BOOTSTRAPPING.has(m.state) && now >= m.busyUntil) {
      this.boot.postBootstrap(s, cfg, m, pod);
    } else if (RUNIT_RESTARTS.has(m.state) && now >= m.busyUntil) {
      // Spilo's runit starts Patroni again after its back-off (runit/patroni/finish): a new race.
      m.state = 'starting';
    }
  }

  start(o: { s: ScopeState; cfg: PatroniConfig; pod: KubeObject; pods: KubeObject[] }, m: Member): void {
    const { s, cfg, pod, pods } = o;
    const data = this.world.volumes.get(m.pvcUid);
    // No key: a race (ha.py `Ha.bootstrap`), only for an empty data directory; one that holds data
    // is adopted instead (`Ha._run_cycle`). An empty key: another member bootstraps, wait for it.
    if (this.dcs.initialize(s) === undefined) {
      if (data) {
        if (this.dcs.leaderName(s) === undefined) this.boot.adopt(s, cfg, m, data);
        return;
      }
      const first = pods.find(
        (p) =>
          this.roster.up(s, p.metadata.name, pods) && s.members.get(p.metadata.name)?.state === 'starting',
      );
      if (first?.metadata.name === m.name && this.dcs.leaderName(s) === undefined)
        this.boot.startBootstrap(s, cfg, m);
      return;
    }
    if (!this.dcs.initialized(s)) return;
    const initialize = this.dcs.initialize(s) ?? '';
    if (data && data.sysid !== initialize) {
      this.boot.sysidMismatch(m, data, initialize);
      return;
    }
    if (data) {
      const keepsLock = this.dcs.leaderName(s) === m.name && this.roster.lockValid(s, pods, cfg);
      Object.assign(m, {
        state: 'running',
        role: keepsLock ? 'primary' : 'replica',
        timeline: data.timeline,
        xlog: data.xlog,
      });
      m.running = this.roster.effective(s, cfg, pod);
      return;
    }
    if (this.roster.leaderMember(s, pods)) {
      m.state = 'creating replica';
      m.busyUntil = this.ctx.clock.now + 1;
    }
  }

  /**
   * The leader's part of a switchover, on its first HA loop after the request (ha.py
   * `Ha.process_manual_failover_from_leader`, then `Ha.demote('graceful')`): PostgreSQL stops after a
   * shutdown checkpoint the candidate receives, the role becomes `demoted`, the lock is released
   * (`release_leader_key_voluntarily`; kubernetes.py `delete_leader` records the last position in
   * `optime`) and the member starts again as a replica. Until the candidate takes the lock on its
   * next loop, no member is primary and the old leader has no role label (kubernetes.py
   * `touch_member`: neither the lock holder nor running). A key naming another leader is dropped.
   */
  switchoverStep(s: ScopeState, pods: KubeObject[]): void {
    const key = s.switchover;
    if (!key || key.at >= this.ctx.clock.now) return;
    const leader = this.roster.leaderMember(s, pods);
    if (!leader) return;
    if (leader.name !== key.leader) {
      this.clearSwitchover(s);
      return;
    }
    const candidate = key.candidate !== undefined ? s.members.get(key.candidate) : undefined;
    if (candidate) candidate.xlog = Math.max(candidate.xlog, leader.xlog);
    this.roster.persist(s, leader);
    Object.assign(leader, { role: 'replica', state: 'starting' });
    this.dcs.writeLeader(s, undefined, undefined, leader.xlog);
    s.releasedAt = this.ctx.clock.now;
    this.ctx.trace(`patroni: ${leader.name} demoted for a switchover and released the leader lock`);
  }

  clearSwitchover(s: ScopeState): void {
    delete s.switchover;
    this.dcs.upsertEndpoints(s, `${s.scope}-failover`, { annotations: { leader: null, member: null } });
  }

  /**
   * The leader race after a released or lapsed lock. With a switchover pending, the named candidate
   * wins when it is healthy, else any healthy member but the former leader (ha.py
   * `Ha.manual_failover_process_no_leader`); the winner clears the key (`process_unhealthy_cluster`).
   */
  elect(s: ScopeState, pods: KubeObject[], cfg: PatroniConfig): void {
    if (s.releasedAt === this.ctx.clock.now) return;
    const winner = this.raceWinner(s, pods, cfg);
    if (!winner) return;
    this.roster.promote(s, winner);
    const key = s.switchover;
    if (key) {
      this.clearSwitchover(s);
      this.world.events.push({
        at: this.ctx.clock.now,
        type: 'switchover',
        member: winner.name,
        detail: key.leader,
      });
      this.ctx.trace(`patroni: switchover ${key.leader} → ${winner.name} (timeline ${winner.timeline})`);
      return;
    }
    this.world.events.push({ at: this.ctx.clock.now, type: 'failover', member: winner.name });
    this.ctx.trace(`patroni: failover, promoted ${winner.name} (timeline ${winner.timeline})`);
  }

  raceWinner(s: ScopeState, pods: KubeObject[], cfg: PatroniConfig): Member | undefined {
    const dcs = this.dcs.dcsConfig(s, cfg);
    const maxLag = Number(dcs['maximum_lag_on_failover'] ?? 1_048_576);
    const healthy = [...s.members.values()].filter(
      (m) => this.roster.up(s, m.name, pods) && m.state === 'running' && m.role === 'replica',
    );
    const key = s.switchover;
    const named = healthy.filter((m) => key?.candidate !== undefined && m.name === key.candidate);
    if (named.length > 0) return named[0];
    const best = Math.max(
      0,
      ...healthy.map((m) => m.xlog),
      ...[...s.members.values()].map((m) => (m.role === 'primary' ? m.xlog : 0)),
    );
    let candidates = healthy.filter((m) => best - m.xlog <= maxLag);
    if (key && candidates.some((m) => m.name !== key.leader))
      candidates = candidates.filter((m) => m.name !== key.leader);
    if (dcs['synchronous_mode'] === true && s.syncStandby !== undefined) {
      candidates = candidates.filter((m) => m.name === s.syncStandby);
    }
    return candidates.sort((a, b) => b.xlog - a.xlog || a.name.localeCompare(b.name))[0];
  }

  /** Running replicas stream from the leader: same timeline, WAL position minus any injected lag. */
  follow(s: ScopeState, pods: KubeObject[]): void {
    const leader = this.roster.leaderMember(s, pods);
    if (!leader) return;
    for (const m of s.members.values()) {
      if (m === leader || m.role !== 'replica' || !this.roster.up(s, m.name, pods) || m.state === 'starting')
        continue;
      if (m.state === 'creating replica') continue;
      m.timeline = leader.timeline;
      m.xlog = Math.max(0, leader.xlog - (s.lag.get(m.name) ?? 0));
      this.roster.persist(s, m);
    }
    this.roster.persist(s, leader);
  }

  syncStandby(s: ScopeState, pods: KubeObject[], cfg: PatroniConfig): void {
    if (this.dcs.dcsConfig(s, cfg)['synchronous_mode'] !== true) return;
    const leader = this.roster.leaderMember(s, pods);
    if (!leader) return;
    const running = [...s.members.values()]
      .filter((m) => m.role === 'replica' && m.state === 'running' && this.roster.up(s, m.name, pods))
      .map((m) => m.name)
      .sort();
    const current =
      s.syncStandby !== undefined && running.includes(s.syncStandby) ? s.syncStandby : running[0];
    if (current === s.syncStandby && this.dcs.endpoints(s, '-sync')) return;
    if (current === undefined) delete s.syncStandby;
    else s.syncStandby = current;
    this.dcs.upsertEndpoints(s, `${s.scope}-sync`, {
      labels: { ...cfg.labels, [cfg.scopeLabel]: s.scope },
      annotations: { leader: leader.name, sync_standby: current ?? null },
    });
  }
}
