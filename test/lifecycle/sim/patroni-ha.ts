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
import { PatroniStandby } from './patroni-standby';
import { PatroniSync } from './patroni-sync';

/** What Patroni does on each HA loop of a scope. */
export class PatroniHa extends PatroniPart {
  private readonly boot = new PatroniBootstrap(this.world, { dcs: this.dcs, roster: this.roster });
  private readonly sync = new PatroniSync(this.world, { dcs: this.dcs, roster: this.roster });
  private readonly standby = new PatroniStandby(this.world, { dcs: this.dcs, roster: this.roster });

  tickScope(s: ScopeState, cfg: PatroniConfig): void {
    const pods = this.roster.memberPods(s, cfg);
    const names = new Set(pods.map((p) => p.metadata.name));
    for (const name of s.members.keys()) if (!names.has(name)) s.members.delete(name);
    for (const pod of pods) this.lifecycle(s, pod, cfg);
    for (const pod of pods)
      if (this.roster.up(s, pod.metadata.name, pods)) this.progress({ s, cfg, pod, pods });
    this.renew(s, pods, cfg);
    this.switchoverStep(s, pods, cfg);
    if (this.dcs.initialized(s) && !this.roster.lockValid(s, pods, cfg)) this.elect(s, pods, cfg);
    this.follow(s, pods);
    this.standby.process(s, pods, cfg);
    this.sync.process(s, pods, cfg);
    for (const pod of pods) this.roster.publish(s, pod, cfg);
  }

  /**
   * The lock holder renews the lock once per `loop_wait` (ha.py `Ha.update_lock`, kubernetes.py
   * `Kubernetes.update_leader`), also while PostgreSQL restarts or starts after a crash
   * (`Ha.handle_long_action_in_progress`, `Ha.recover`): `renewTime` and `optime` move.
   */
  renew(s: ScopeState, pods: KubeObject[], cfg: PatroniConfig): void {
    const name = this.dcs.leaderName(s);
    const m = name !== undefined ? s.members.get(name) : undefined;
    if (m?.role !== 'primary' || !this.roster.up(s, m.name, pods)) return;
    const loopWait = Number(this.dcs.dcsConfig(s, cfg)['loop_wait'] ?? 10);
    if (this.ctx.clock.now - s.lastRenew < loopWait) return;
    this.dcs.renewLeader(s, m, this.dcs.ttl(s, cfg));
  }

  /** Shutdowns, crashes and (re)starts, from the pods' and containers' state. */
  lifecycle(s: ScopeState, pod: KubeObject, cfg: PatroniConfig): void {
    const m = s.members.get(pod.metadata.name);
    const lost = this.world.kubelets.nodeLost(pod);
    if (pod.metadata.deletionTimestamp !== undefined) {
      if (m && m.state !== 'stopped' && !lost) this.shutdown(s, m, { pod, cfg });
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
      // PostgreSQL on existing data takes a pass to accept connections (`start` below).
      busyUntil: this.ctx.clock.now + 1,
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

  /**
   * A graceful shutdown (ha.py `Ha.shutdown`): PostgreSQL stops, the holder releases the lock with its
   * checkpoint position (`delete_leader`), and the member writes its status once more: `stopped`, no
   * role label (kubernetes.py `touch_member`).
   */
  shutdown(s: ScopeState, m: Member, o: { pod: KubeObject; cfg: PatroniConfig }): void {
    this.roster.persist(s, m);
    if (this.dcs.leaderName(s) === m.name) {
      this.dcs.releaseLeader(s, m.xlog);
      s.releasedAt = this.ctx.clock.now;
      this.ctx.trace(`patroni: ${m.name} shut down and released the leader lock`);
    }
    m.state = 'stopped';
    this.roster.publish(s, o.pod, o.cfg, { stopping: true });
  }

  progress(o: { s: ScopeState; cfg: PatroniConfig; pod: KubeObject; pods: KubeObject[] }): void {
    const { s, cfg, pod } = o;
    const m = s.members.get(pod.metadata.name);
    if (!m) return;
    const now = this.ctx.clock.now;
    if (m.postgresDied === true) {
      // ha.py `Ha._run_cycle`: PostgreSQL is not healthy and was running → `crashed`; `Ha.recover`
      // starts it again (state `starting`) and the member writes its status after the loop.
      Object.assign(m, { state: 'crashed', busyUntil: now + 1, postgresDied: false });
    } else if (m.state === 'starting') this.start(o, m);
    else if (m.state === 'creating replica' && now >= m.busyUntil) {
      const leader = this.roster.leaderMember(s, o.pods);
      if (!leader) return;
      Object.assign(m, { state: 'running', role: 'replica', timeline: leader.timeline, xlog: leader.xlog });
      m.running = this.roster.effective(s, cfg, pod);
    } else if (m.state === 'restarting' && now >= m.busyUntil) {
      this.restartEnds(o, m);
    } else if ((m.state === 'crashed' || m.state === 'restart failed (start failed)') && now >= m.busyUntil) {
      // ha.py `Ha.recover`: PostgreSQL is started again; a holder keeps the lock meanwhile.
      Object.assign(m, { state: 'starting', busyUntil: now + 1 });
    } else if (BOOTSTRAPPING.has(m.state) && now >= m.busyUntil) {
      this.boot.postBootstrap(s, cfg, m, pod);
    } else if (RUNIT_RESTARTS.has(m.state) && now >= m.busyUntil) {
      // Spilo's runit starts Patroni again after its back-off (runit/patroni/finish): a new race.
      m.state = 'starting';
    }
  }

  /**
   * The end of `POST /restart` (postgresql/__init__.py `Postgresql.restart`): running with the new
   * values, or, when PostgreSQL does not come up, `restart failed (start failed)` until the next loop
   * starts it again.
   */
  restartEnds(o: { s: ScopeState; cfg: PatroniConfig; pod: KubeObject }, m: Member): void {
    if (o.s.failRestart.delete(m.name)) {
      Object.assign(m, { state: 'restart failed (start failed)', busyUntil: this.ctx.clock.now + 1 });
      this.ctx.trace(`patroni: ${m.name} restart failed`);
      return;
    }
    m.state = 'running';
    m.running = this.roster.effective(o.s, o.cfg, o.pod);
    this.ctx.trace(`patroni: ${m.name} restarted`);
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
      Object.assign(m, { role: keepsLock ? 'primary' : 'replica', timeline: data.timeline, xlog: data.xlog });
      if (this.ctx.clock.now < m.busyUntil) return;
      m.state = 'running';
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
   * `touch_member`: neither the lock holder nor running). A key naming another leader is dropped, and
   * so is one no candidate can take over (`Ha.is_failover_possible`: lagging, or not synchronous).
   */
  switchoverStep(s: ScopeState, pods: KubeObject[], cfg: PatroniConfig): void {
    const key = s.switchover;
    if (!key || key.at >= this.ctx.clock.now) return;
    const leader = this.roster.leaderMember(s, pods);
    if (!leader) return;
    const possible = this.roster.failoverPossible(s, pods, {
      cfg,
      ...(key.candidate !== undefined ? { candidate: key.candidate } : {}),
      eligible: (name) => this.sync.mayRace(s, cfg, name),
    });
    if (leader.name !== key.leader || !possible) {
      this.ctx.trace(`patroni: switchover of ${key.leader} not possible, failover key cleaned up`);
      this.clearSwitchover(s);
      return;
    }
    const candidate = key.candidate !== undefined ? s.members.get(key.candidate) : undefined;
    if (candidate) candidate.xlog = Math.max(candidate.xlog, leader.xlog);
    // Demoted, it starts again as a replica (ha.py `Ha.demote` → `Postgresql.follow`): the data
    // directory says replica from now on.
    Object.assign(leader, { role: 'replica' });
    this.roster.persist(s, leader);
    leader.state = 'starting';
    this.dcs.releaseLeader(s, leader.xlog);
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
    this.roster.promote(s, winner, this.dcs.ttl(s, cfg));
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

  /**
   * The healthiest member (ha.py `Ha.is_healthiest_node`, `_is_healthiest_node`): running replicas no
   * more than `maximum_lag_on_failover` behind the last known position (`optime`, or a member ahead
   * of it), in synchronous mode only those the `-sync` key allows; the most advanced wins.
   */
  raceWinner(s: ScopeState, pods: KubeObject[], cfg: PatroniConfig): Member | undefined {
    const dcs = this.dcs.dcsConfig(s, cfg);
    const maxLag = Number(dcs['maximum_lag_on_failover'] ?? 1_048_576);
    const healthy = [...s.members.values()].filter(
      (m) =>
        this.roster.up(s, m.name, pods) &&
        m.state === 'running' &&
        m.role === 'replica' &&
        this.sync.mayRace(s, cfg, m.name),
    );
    const key = s.switchover;
    const named = healthy.filter((m) => key?.candidate !== undefined && m.name === key.candidate);
    if (named.length > 0) return named[0];
    const best = Math.max(
      this.dcs.optime(s),
      ...healthy.map((m) => m.xlog),
      ...[...s.members.values()].map((m) => (m.role === 'primary' ? m.xlog : 0)),
    );
    let candidates = healthy.filter((m) => best - m.xlog <= maxLag);
    if (key && candidates.some((m) => m.name !== key.leader))
      candidates = candidates.filter((m) => m.name !== key.leader);
    return candidates.sort((a, b) => b.xlog - a.xlog || a.name.localeCompare(b.name))[0];
  }

  /** Running replicas stream from the leader: same timeline, WAL position minus any injected lag. */
  follow(s: ScopeState, pods: KubeObject[]): void {
    const leader = this.roster.leaderMember(s, pods);
    if (!leader) return;
    for (const m of s.members.values()) {
      if (m === leader || m.role !== 'replica' || !this.roster.up(s, m.name, pods) || m.state !== 'running')
        continue;
      m.timeline = leader.timeline;
      m.xlog = Math.max(0, leader.xlog - (s.lag.get(m.name) ?? 0));
      this.roster.persist(s, m);
    }
    this.roster.persist(s, leader);
  }
}
