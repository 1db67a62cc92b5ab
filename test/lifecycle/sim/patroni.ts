/**
 * Patroni with the Kubernetes DCS (Endpoints mode), as Spilo runs it, reduced to what pgmeta's hooks
 * observe and rely on. Configuration comes from each pod's environment exactly as Spilo reads it
 * (SCOPE, KUBERNETES_SCOPE_LABEL/ROLE_LABEL/LEADER_LABEL_VALUE/LABELS, SPILO_CONFIGURATION, PGVERSION).
 *
 * - Members are the pods matching KUBERNETES_LABELS ∪ {scope label: SCOPE}.
 * - Bootstrap: with no `initialize` key, the first running member runs initdb, takes the leader lock
 *   (Endpoints `<scope>`, annotation `leader`), writes `initialize` and the dynamic configuration
 *   (`bootstrap.dcs`) into `<scope>-config`, and creates the `<scope>-config` Service.
 * - Replicas: a member without data waits for a leader, spends one pass in `creating replica`
 *   (basebackup), then follows the leader's timeline and WAL position. The data lives on the PVC (by
 *   uid): a new claim of the same name starts empty.
 * - Leader loss: a graceful shutdown releases the lock at once; a crash or a lost node stops the
 *   renewals and the lock lapses after `ttl`. The most advanced healthy replica within
 *   `maximum_lag_on_failover` (the synchronous standby in synchronous mode) is promoted, timeline + 1.
 *   A returning old leader rejoins as a replica (pg_rewind); one that restarts within `ttl` keeps
 *   the lock.
 * - Each pass writes the role label (`master`/`replica`) and the `status` annotation (role, state,
 *   xlog_location, timeline, pending_restart) of running members when they change. Lock renewals stay
 *   in memory: writing them every `loop_wait` would make every pass a change.
 * - `pending_restart`: a parameter of context `postmaster` whose effective value (DCS parameters
 *   overridden by local ones, except the DCS-only ones) differs from the value the member started with.
 * - The REST API (`api()`): GET /cluster, PATCH /config, POST /restart, POST /switchover.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { paramData } from '../../../hooks/postgrescluster/spec/params';
import type { PgMajor } from '../../../hooks/postgrescluster/spec/resolved';
import { isDcsOnlyParameter } from '../../../hooks/postgrescluster/spilo/parameters';
import { isObject, mergePatch, type JsonObject } from '../lib/json';
import { matches } from '../lib/selectors';
import { containerEnv, specOf, statusOf, type SimContext } from './context';
import type { Kubelets } from './kubelet';

export const PATRONI = 'patroni';
const INITIAL_XLOG = 50_331_648;

type State = 'starting' | 'creating replica' | 'running' | 'restarting' | 'stopped';

interface Member {
  name: string;
  processId: string;
  state: State;
  role: 'primary' | 'replica';
  timeline: number;
  xlog: number;
  /** Parameters PostgreSQL runs with (fixed at start). */
  running: Record<string, string>;
  busyUntil: number;
  ip: string;
  pvcUid: string;
}

interface VolumeData {
  sysid: string;
  timeline: number;
  xlog: number;
}

interface ScopeState {
  namespace: string;
  scope: string;
  lastRenew: number;
  members: Map<string, Member>;
  syncStandby?: string;
  lag: Map<string, number>;
  failoverKey: boolean;
  /** When the leader lock was released: the others race on their next HA loop, not this one. */
  releasedAt?: number;
}

/** Spilo's reading of a pod's environment. */
interface PatroniConfig {
  scope: string;
  scopeLabel: string;
  roleLabel: string;
  leaderValue: string;
  labels: Record<string, string>;
  spilo: JsonObject;
  version: string;
}

export class PatroniRestError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface ClusterMember {
  name: string;
  role: string;
  state: string;
  api_url: string;
  timeline: number;
  lag: number;
  pending_restart?: boolean;
}

function configOf(pod: KubeObject): PatroniConfig | undefined {
  const env = containerEnv(specOf(pod));
  if (!env['DCS_ENABLE_KUBERNETES_API'] || env['SCOPE'] === undefined) return undefined;
  const json = (text: string | undefined, fallback: JsonObject): JsonObject => {
    try {
      const v: unknown = JSON.parse(text ?? '');
      return isObject(v) ? v : fallback;
    } catch {
      return fallback;
    }
  };
  return {
    scope: env['SCOPE'],
    scopeLabel: env['KUBERNETES_SCOPE_LABEL'] ?? 'version',
    roleLabel: env['KUBERNETES_ROLE_LABEL'] ?? 'spilo-role',
    leaderValue: env['KUBERNETES_LEADER_LABEL_VALUE'] ?? 'master',
    labels: json(env['KUBERNETES_LABELS'], { application: 'spilo' }) as Record<string, string>,
    spilo: json(env['SPILO_CONFIGURATION'], {}),
    version: env['PGVERSION'] ?? '17',
  };
}

/** What Patroni did, in order, for assertions about how an operation went. */
export interface PatroniEvent {
  at: number;
  type: 'bootstrap' | 'failover' | 'switchover' | 'restart' | 'patch-config';
  /** The member acted on: bootstrapped, promoted, restarted, or the switchover's candidate. */
  member: string;
  /** restart: the member's role then; switchover: the former leader. */
  detail?: string;
  /** restart: members up (running) when it started, the restarted one included. */
  membersUp?: number;
}

export class PatroniSim {
  readonly events: PatroniEvent[] = [];
  private readonly scopes = new Map<string, ScopeState>();
  private readonly volumes = new Map<string, VolumeData>();
  private sysidSeq = 7_437_218_811_431_043_000;

  private readonly ctx: SimContext;
  private readonly kubelets: Kubelets;

  constructor(ctx: SimContext, kubelets: Kubelets) {
    this.ctx = ctx;
    this.kubelets = kubelets;
  }

  tick(): void {
    const seen = new Map<string, PatroniConfig>();
    for (const pod of this.ctx.store.list('Pod')) {
      const cfg = configOf(pod);
      if (cfg) seen.set(`${pod.metadata.namespace ?? ''}/${cfg.scope}`, cfg);
    }
    for (const [key, cfg] of seen) this.tickScope(this.scopeState(key, cfg), cfg);
  }

  private scopeState(key: string, cfg: PatroniConfig): ScopeState {
    let s = this.scopes.get(key);
    if (!s) {
      const namespace = key.slice(0, key.indexOf('/'));
      s = {
        namespace,
        scope: cfg.scope,
        lastRenew: this.ctx.clock.now,
        members: new Map(),
        lag: new Map(),
        failoverKey: false,
      };
      this.scopes.set(key, s);
    }
    return s;
  }

  private memberPods(s: ScopeState, cfg: PatroniConfig): KubeObject[] {
    const selector = { matchLabels: { ...cfg.labels, [cfg.scopeLabel]: s.scope } };
    return this.ctx.store.list('Pod', s.namespace).filter((p) => matches(selector, p.metadata.labels));
  }

  private tickScope(s: ScopeState, cfg: PatroniConfig): void {
    const pods = this.memberPods(s, cfg);
    const names = new Set(pods.map((p) => p.metadata.name));
    for (const name of s.members.keys()) if (!names.has(name)) s.members.delete(name);
    for (const pod of pods) this.lifecycle(s, pod);
    const leader = this.leaderName(s);
    const leaderUp = leader !== undefined && this.up(s, leader, pods);
    if (leaderUp) s.lastRenew = this.ctx.clock.now;
    for (const pod of pods) if (this.up(s, pod.metadata.name, pods)) this.progress({ s, cfg, pod, pods });
    if (this.initialized(s) && !this.lockValid(s, pods, cfg)) this.elect(s, pods, cfg);
    this.follow(s, pods);
    this.syncStandby(s, pods, cfg);
    for (const pod of pods) this.publish(s, pod, cfg);
  }

  /** Shutdowns, crashes and (re)starts, from the pods' and containers' state. */
  private lifecycle(s: ScopeState, pod: KubeObject): void {
    const m = s.members.get(pod.metadata.name);
    const lost = this.kubelets.nodeLost(pod);
    if (pod.metadata.deletionTimestamp !== undefined) {
      if (m && m.state !== 'stopped' && !lost) this.shutdown(s, m);
      return;
    }
    if (!this.kubelets.running(pod)) return;
    const pid = this.kubelets.processId(pod);
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

  private dataClaim(pod: KubeObject): KubeObject | undefined {
    const volumes = (specOf(pod)['volumes'] ?? []) as { persistentVolumeClaim?: { claimName: string } }[];
    const claim = volumes.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName;
    if (claim === undefined) return undefined;
    return this.ctx.store.get({
      kind: 'PersistentVolumeClaim',
      namespace: pod.metadata.namespace ?? '',
      name: claim,
    });
  }

  private up(s: ScopeState, name: string, pods: KubeObject[]): boolean {
    const pod = pods.find((p) => p.metadata.name === name);
    const m = s.members.get(name);
    return (
      pod !== undefined &&
      m !== undefined &&
      this.kubelets.running(pod) &&
      m.processId === this.kubelets.processId(pod)
    );
  }

  private shutdown(s: ScopeState, m: Member): void {
    this.persist(s, m);
    if (this.leaderName(s) === m.name) {
      this.writeLeader(s, undefined);
      s.releasedAt = this.ctx.clock.now;
      this.ctx.trace(`patroni: ${m.name} shut down and released the leader lock`);
    }
    m.state = 'stopped';
  }

  private endpoints(s: ScopeState, suffix: string): KubeObject | undefined {
    return this.ctx.store.get({ kind: 'Endpoints', namespace: s.namespace, name: `${s.scope}${suffix}` });
  }

  private leaderName(s: ScopeState): string | undefined {
    return this.endpoints(s, '')?.metadata.annotations?.['leader'];
  }

  private initialize(s: ScopeState): string | undefined {
    return this.endpoints(s, '-config')?.metadata.annotations?.['initialize'];
  }

  private initialized(s: ScopeState): boolean {
    return this.initialize(s) !== undefined;
  }

  /** The dynamic configuration: the `config` annotation once bootstrapped, `bootstrap.dcs` before. */
  dcsConfig(s: ScopeState, cfg: PatroniConfig): JsonObject {
    const raw = this.endpoints(s, '-config')?.metadata.annotations?.['config'];
    if (raw !== undefined) return JSON.parse(raw) as JsonObject;
    const bootstrap = cfg.spilo['bootstrap'] as { dcs?: JsonObject } | undefined;
    return bootstrap?.dcs ?? {};
  }

  private ttl(s: ScopeState, cfg: PatroniConfig): number {
    return Number(this.dcsConfig(s, cfg)['ttl'] ?? 30);
  }

  private lockValid(s: ScopeState, pods: KubeObject[], cfg: PatroniConfig): boolean {
    const leader = this.leaderName(s);
    if (leader === undefined) return false;
    if (this.up(s, leader, pods) && s.members.get(leader)?.role === 'primary') return true;
    return this.ctx.clock.now - s.lastRenew < this.ttl(s, cfg);
  }

  private progress(o: { s: ScopeState; cfg: PatroniConfig; pod: KubeObject; pods: KubeObject[] }): void {
    const { s, cfg, pod } = o;
    const m = s.members.get(pod.metadata.name);
    if (!m) return;
    const now = this.ctx.clock.now;
    if (m.state === 'starting') this.start(o, m);
    else if (m.state === 'creating replica' && now >= m.busyUntil) {
      const leader = this.leaderMember(s, o.pods);
      if (!leader) return;
      Object.assign(m, { state: 'running', role: 'replica', timeline: leader.timeline, xlog: leader.xlog });
      m.running = this.effective(s, cfg, pod);
    } else if (m.state === 'restarting' && now >= m.busyUntil) {
      m.state = 'running';
      m.running = this.effective(s, cfg, pod);
      this.ctx.trace(`patroni: ${m.name} restarted`);
    }
  }

  private leaderMember(s: ScopeState, pods: KubeObject[]): Member | undefined {
    const name = this.leaderName(s);
    if (name === undefined || !this.up(s, name, pods)) return undefined;
    const m = s.members.get(name);
    return m?.role === 'primary' && m.state !== 'starting' ? m : undefined;
  }

  private start(
    o: { s: ScopeState; cfg: PatroniConfig; pod: KubeObject; pods: KubeObject[] },
    m: Member,
  ): void {
    const { s, cfg, pod, pods } = o;
    if (!this.initialized(s)) {
      const first = pods.find(
        (p) => this.up(s, p.metadata.name, pods) && s.members.get(p.metadata.name)?.state === 'starting',
      );
      if (first?.metadata.name === m.name && this.leaderName(s) === undefined) this.bootstrap(s, cfg, m, pod);
      return;
    }
    const data = this.volumes.get(m.pvcUid);
    if (data && data.sysid === this.initialize(s)) {
      const keepsLock = this.leaderName(s) === m.name && this.lockValid(s, pods, cfg);
      Object.assign(m, {
        state: 'running',
        role: keepsLock ? 'primary' : 'replica',
        timeline: data.timeline,
        xlog: data.xlog,
      });
      m.running = this.effective(s, cfg, pod);
      return;
    }
    if (!data && this.leaderMember(s, pods)) {
      m.state = 'creating replica';
      m.busyUntil = this.ctx.clock.now + 1;
    }
  }

  private bootstrap(s: ScopeState, cfg: PatroniConfig, m: Member, pod: KubeObject): void {
    const sysid = String(++this.sysidSeq);
    const dcs = (cfg.spilo['bootstrap'] as { dcs?: JsonObject } | undefined)?.dcs ?? {};
    const labels = { ...cfg.labels, [cfg.scopeLabel]: s.scope };
    this.upsertEndpoints(s, `${s.scope}-config`, {
      labels,
      annotations: { initialize: sysid, config: JSON.stringify(dcs) },
    });
    this.ensureConfigService(s, labels);
    Object.assign(m, { state: 'running', role: 'primary', timeline: 1, xlog: INITIAL_XLOG });
    m.running = this.effective(s, cfg, pod);
    this.volumes.set(m.pvcUid, { sysid, timeline: 1, xlog: INITIAL_XLOG });
    this.writeLeader(s, m, labels);
    this.events.push({ at: this.ctx.clock.now, type: 'bootstrap', member: m.name });
    this.ctx.trace(`patroni: ${m.name} bootstrapped ${s.scope} (initialize ${sysid})`);
  }

  private ensureConfigService(s: ScopeState, labels: Record<string, string>): void {
    const name = `${s.scope}-config`;
    if (this.ctx.store.get({ kind: 'Service', namespace: s.namespace, name })) return;
    this.ctx.store.create(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: s.namespace, labels },
        spec: { clusterIP: 'None' },
      },
      PATRONI,
    );
  }

  private upsertEndpoints(
    s: ScopeState,
    name: string,
    o: { labels?: Record<string, string>; annotations: Record<string, string | null>; subsets?: unknown[] },
  ): void {
    const ref = { kind: 'Endpoints', namespace: s.namespace, name };
    const old = this.ctx.store.get(ref);
    const annotations = mergePatch(old?.metadata.annotations ?? {}, o.annotations) as Record<string, string>;
    const obj: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        ...(old?.metadata ?? { name, namespace: s.namespace }),
        annotations,
        ...(o.labels ? { labels: o.labels } : {}),
      },
      ...(o.subsets !== undefined
        ? { subsets: o.subsets }
        : old?.['subsets'] !== undefined
          ? { subsets: old['subsets'] }
          : {}),
    };
    if (old) this.ctx.store.update(obj, PATRONI);
    else this.ctx.store.create(obj, PATRONI);
  }

  /** Takes the lock for `m`, or releases it when `m` is undefined. */
  private writeLeader(s: ScopeState, m: Member | undefined, labels?: Record<string, string>): void {
    const old = this.endpoints(s, '')?.metadata.annotations ?? {};
    const now = this.ctx.clock.iso();
    if (!m) {
      this.upsertEndpoints(s, s.scope, { annotations: { leader: null, renewTime: now }, subsets: [] });
      return;
    }
    const transitions = String(Number(old['transitions'] ?? '-1') + 1);
    s.lastRenew = this.ctx.clock.now;
    this.upsertEndpoints(s, s.scope, {
      ...(labels ? { labels } : {}),
      annotations: {
        leader: m.name,
        acquireTime: now,
        renewTime: now,
        transitions,
        ttl: '30',
        optime: String(m.xlog),
      },
      subsets: [
        {
          addresses: [
            { ip: m.ip, hostname: m.name, targetRef: { kind: 'Pod', name: m.name, namespace: s.namespace } },
          ],
          ports: [{ name: 'postgresql', port: 5432, protocol: 'TCP' }],
        },
      ],
    });
  }

  /** The leader race after a released or lapsed lock. */
  private elect(s: ScopeState, pods: KubeObject[], cfg: PatroniConfig): void {
    if (s.releasedAt === this.ctx.clock.now) return;
    const dcs = this.dcsConfig(s, cfg);
    const maxLag = Number(dcs['maximum_lag_on_failover'] ?? 1_048_576);
    const healthy = [...s.members.values()].filter(
      (m) => this.up(s, m.name, pods) && m.state === 'running' && m.role === 'replica',
    );
    const best = Math.max(
      0,
      ...healthy.map((m) => m.xlog),
      ...[...s.members.values()].map((m) => (m.role === 'primary' ? m.xlog : 0)),
    );
    let candidates = healthy.filter((m) => best - m.xlog <= maxLag);
    if (dcs['synchronous_mode'] === true && s.syncStandby !== undefined) {
      candidates = candidates.filter((m) => m.name === s.syncStandby);
    }
    const winner = candidates.sort((a, b) => b.xlog - a.xlog || a.name.localeCompare(b.name))[0];
    if (!winner) return;
    this.promote(s, winner);
    this.events.push({ at: this.ctx.clock.now, type: 'failover', member: winner.name });
    this.ctx.trace(`patroni: failover, promoted ${winner.name} (timeline ${winner.timeline})`);
  }

  private promote(s: ScopeState, m: Member): void {
    for (const other of s.members.values()) if (other.role === 'primary') other.role = 'replica';
    m.role = 'primary';
    m.timeline += 1;
    this.writeLeader(s, m);
    this.persist(s, m);
  }

  /** Running replicas stream from the leader: same timeline, WAL position minus any injected lag. */
  private follow(s: ScopeState, pods: KubeObject[]): void {
    const leader = this.leaderMember(s, pods);
    if (!leader) return;
    for (const m of s.members.values()) {
      if (m === leader || m.role !== 'replica' || !this.up(s, m.name, pods) || m.state === 'starting')
        continue;
      if (m.state === 'creating replica') continue;
      m.timeline = leader.timeline;
      m.xlog = Math.max(0, leader.xlog - (s.lag.get(m.name) ?? 0));
      this.persist(s, m);
    }
    this.persist(s, leader);
  }

  private syncStandby(s: ScopeState, pods: KubeObject[], cfg: PatroniConfig): void {
    if (this.dcsConfig(s, cfg)['synchronous_mode'] !== true) return;
    const leader = this.leaderMember(s, pods);
    if (!leader) return;
    const running = [...s.members.values()]
      .filter((m) => m.role === 'replica' && m.state === 'running' && this.up(s, m.name, pods))
      .map((m) => m.name)
      .sort();
    const current =
      s.syncStandby !== undefined && running.includes(s.syncStandby) ? s.syncStandby : running[0];
    if (current === s.syncStandby && this.endpoints(s, '-sync')) return;
    if (current === undefined) delete s.syncStandby;
    else s.syncStandby = current;
    this.upsertEndpoints(s, `${s.scope}-sync`, {
      labels: { ...cfg.labels, [cfg.scopeLabel]: s.scope },
      annotations: { leader: leader.name, sync_standby: current ?? null },
    });
  }

  private persist(s: ScopeState, m: Member): void {
    const sysid = this.initialize(s);
    if (sysid !== undefined && m.pvcUid !== '' && m.state !== 'creating replica' && m.state !== 'starting') {
      this.volumes.set(m.pvcUid, { sysid, timeline: m.timeline, xlog: m.xlog });
    }
  }

  /** Parameters a member would run with if it started now. */
  private effective(s: ScopeState, cfg: PatroniConfig, pod: KubeObject): Record<string, string> {
    const dcs =
      (this.dcsConfig(s, cfg)['postgresql'] as { parameters?: Record<string, unknown> } | undefined)
        ?.parameters ?? {};
    const local =
      (configOf(pod)?.spilo['postgresql'] as { parameters?: Record<string, unknown> } | undefined)
        ?.parameters ?? {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(dcs)) if (isScalar(v)) out[k] = String(v);
    for (const [k, v] of Object.entries(local)) if (!isDcsOnlyParameter(k) && isScalar(v)) out[k] = String(v);
    return out;
  }

  private pendingRestart(s: ScopeState, cfg: PatroniConfig, pod: KubeObject, m: Member): boolean {
    return Object.keys(this.pendingReasons(s, cfg, pod, m)).length > 0;
  }

  /** Patroni 4's `pending_restart_reason`: each parameter waiting for a restart, old and new value. */
  private pendingReasons(
    s: ScopeState,
    cfg: PatroniConfig,
    pod: KubeObject,
    m: Member,
  ): Record<string, { old_value: string; new_value: string }> {
    const params = paramData((cfg.version in PG_MAJORS ? cfg.version : '17') as PgMajor).params;
    const want = this.effective(s, cfg, pod);
    const names = [...new Set([...Object.keys(want), ...Object.keys(m.running)])].sort();
    const out: Record<string, { old_value: string; new_value: string }> = {};
    for (const n of names) {
      if (params[n]?.context === 'postmaster' && want[n] !== m.running[n]) {
        out[n] = { old_value: m.running[n] ?? '', new_value: want[n] ?? '' };
      }
    }
    return out;
  }

  /** The role label and the `status` annotation of a running member, written when they change. */
  private publish(s: ScopeState, pod: KubeObject, cfg: PatroniConfig): void {
    const m = s.members.get(pod.metadata.name);
    if (!m || !this.up(s, m.name, [pod]) || m.state === 'stopped') return;
    const reasons = m.state === 'running' ? this.pendingReasons(s, cfg, pod, m) : {};
    const pending = Object.keys(reasons).length > 0;
    const status: JsonObject = {
      conn_url: `postgres://${m.ip}:5432/postgres`,
      api_url: `http://${m.ip}:8008/patroni`,
      state: m.state,
      role: m.state === 'running' || m.state === 'restarting' ? m.role : 'uninitialized',
      version: '4.0.4',
      ...(m.timeline > 0 ? { xlog_location: m.xlog, timeline: m.timeline } : {}),
      ...(pending ? { pending_restart: true, pending_restart_reason: reasons } : {}),
      ...(m.role === 'replica' && m.state === 'running' ? { replication_state: 'streaming' } : {}),
    };
    const labels = { ...pod.metadata.labels };
    // Patroni relabels on every role change, a demotion included, before PostgreSQL is back up.
    if (m.state === 'running' || m.state === 'restarting') {
      labels[cfg.roleLabel] = m.role === 'primary' ? cfg.leaderValue : 'replica';
    }
    const annotations = { ...pod.metadata.annotations, status: JSON.stringify(status) };
    this.ctx.store.update({ ...pod, metadata: { ...pod.metadata, labels, annotations } }, PATRONI);
  }

  /** Readiness probe `/readiness`: 200 on the running leader and on a running (streaming) replica. */
  ready(pod: KubeObject): boolean | undefined {
    const cfg = configOf(pod);
    if (!cfg) return undefined;
    const s = this.scopes.get(`${pod.metadata.namespace ?? ''}/${cfg.scope}`);
    const m = s?.members.get(pod.metadata.name);
    return m?.state === 'running' && m.processId === this.kubelets.processId(pod);
  }

  /**
   * When Patroni will act next without any other event: a basebackup or restart finishing, a lapsing
   * leader lock, the leader race after a released lock. Undefined when nothing is pending.
   */
  nextTimer(): number | undefined {
    const now = this.ctx.clock.now;
    const times: number[] = [];
    for (const s of this.scopes.values()) {
      for (const m of s.members.values()) {
        if ((m.state === 'creating replica' || m.state === 'restarting') && m.busyUntil >= now)
          times.push(m.busyUntil);
      }
      if (s.releasedAt === now) times.push(now + 1);
      const pod = this.ctx.store.list('Pod', s.namespace).find((p) => configOf(p)?.scope === s.scope);
      const cfg = pod ? configOf(pod) : undefined;
      const leader = this.leaderName(s);
      if (!cfg || leader === undefined) continue;
      const pods = this.memberPods(s, cfg);
      if (!this.up(s, leader, pods) && this.lockValid(s, pods, cfg))
        times.push(s.lastRenew + this.ttl(s, cfg));
    }
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  // ---- what scenarios and Jobs can do -------------------------------------------------------

  private scopeOf(
    namespace: string,
    scope: string,
  ): { s: ScopeState; cfg: PatroniConfig; pods: KubeObject[] } {
    const s = this.scopes.get(`${namespace}/${scope}`);
    const pod = this.ctx.store.list('Pod', namespace).find((p) => configOf(p)?.scope === scope);
    const cfg = pod ? configOf(pod) : undefined;
    if (!s || !cfg) throw new PatroniRestError(503, `no Patroni member of ${namespace}/${scope} is running`);
    return { s, cfg, pods: this.memberPods(s, cfg) };
  }

  /** Clients write to the primary: its WAL position moves on, the replicas follow on the next pass. */
  write(namespace: string, scope: string, bytes: number): void {
    const { s, pods } = this.scopeOf(namespace, scope);
    const leader = this.leaderMember(s, pods);
    if (leader) leader.xlog += bytes;
  }

  /** Makes a replica fall behind by `bytes` (a slow disk or network), 0 to catch up again. */
  setLag(namespace: string, o: { scope: string; member: string; bytes: number }): void {
    this.scopeOf(namespace, o.scope).s.lag.set(o.member, o.bytes);
  }

  /** What Patroni knows about a member, for assertions. */
  member(namespace: string, o: { scope: string; member: string }): Readonly<Member> | undefined {
    return this.scopes.get(`${namespace}/${o.scope}`)?.members.get(o.member);
  }

  /** Patroni's REST API of one cluster, as a Job inside the cluster would call it. */
  api(namespace: string, scope: string): PatroniApi {
    return new PatroniApi(this, { namespace, scope });
  }

  /** @internal used by PatroniApi */
  restApi(namespace: string, scope: string): RestBackend {
    const { s, cfg, pods } = this.scopeOf(namespace, scope);
    return {
      cluster: () => this.clusterView(s, pods),
      patchConfig: (patch) => {
        const next = mergePatch(this.dcsConfig(s, cfg), patch) as JsonObject;
        this.upsertEndpoints(s, `${s.scope}-config`, { annotations: { config: JSON.stringify(next) } });
        this.events.push({
          at: this.ctx.clock.now,
          type: 'patch-config',
          member: '',
          detail: JSON.stringify(patch),
        });
        this.ctx.trace(`patroni: PATCH /config ${JSON.stringify(patch)}`);
        return next;
      },
      restart: (name, pendingOnly) => this.restart({ s, cfg, pods }, name, pendingOnly),
      switchover: (leader, candidate) => {
        this.switchover({ s, cfg, pods }, leader, candidate);
      },
    };
  }

  /**
   * GET /cluster as Patroni builds it from the DCS: every member pod's `status` annotation (stale for
   * a member whose Patroni is down), the leader lock and the synchronous standby.
   */
  private clusterView(s: ScopeState, pods: KubeObject[]): ClusterMember[] {
    const leaderName = this.leaderName(s);
    const leaderXlog = this.leaderMember(s, pods)?.xlog;
    const out: ClusterMember[] = [];
    for (const pod of [...pods].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
      const raw = pod.metadata.annotations?.['status'];
      if (raw === undefined) continue;
      const st = JSON.parse(raw) as {
        state?: string;
        api_url?: string;
        timeline?: number;
        xlog_location?: number;
        pending_restart?: boolean;
      };
      const name = pod.metadata.name;
      const leader = name === leaderName;
      const role = leader ? 'leader' : name === s.syncStandby ? 'sync_standby' : 'replica';
      const state = st.state ?? 'stopped';
      const lag =
        leaderXlog !== undefined && st.xlog_location !== undefined
          ? Math.max(0, leaderXlog - st.xlog_location)
          : 0;
      out.push({
        name,
        role,
        state: !leader && state === 'running' ? 'streaming' : state,
        api_url: st.api_url ?? '',
        timeline: st.timeline ?? 0,
        lag,
        ...(st.pending_restart === true ? { pending_restart: true } : {}),
      });
    }
    return out;
  }

  private restart(
    o: { s: ScopeState; cfg: PatroniConfig; pods: KubeObject[] },
    name: string,
    pendingOnly: boolean,
  ): boolean {
    const m = o.s.members.get(name);
    const pod = o.pods.find((p) => p.metadata.name === name);
    if (!m || !pod || !this.up(o.s, name, o.pods)) throw new PatroniRestError(503, `${name} is not running`);
    if (pendingOnly && !this.pendingRestart(o.s, o.cfg, pod, m)) return false;
    const membersUp = [...o.s.members.values()].filter(
      (x) => x.state === 'running' && this.up(o.s, x.name, o.pods),
    ).length;
    this.events.push({ at: this.ctx.clock.now, type: 'restart', member: name, detail: m.role, membersUp });
    m.state = 'restarting';
    m.busyUntil = this.ctx.clock.now + 1;
    this.ctx.trace(`patroni: POST /restart ${name}`);
    return true;
  }

  private switchover(
    o: { s: ScopeState; cfg: PatroniConfig; pods: KubeObject[] },
    leader: string,
    candidate?: string,
  ): void {
    const current = this.leaderMember(o.s, o.pods);
    if (!current) throw new PatroniRestError(503, 'no leader');
    if (current.name !== leader)
      throw new PatroniRestError(412, `leader name does not match: ${current.name}`);
    let replicas = [...o.s.members.values()].filter(
      (m) => m.role === 'replica' && m.state === 'running' && this.up(o.s, m.name, o.pods),
    );
    // In synchronous mode only the synchronous standby may take over (Patroni answers 412 otherwise).
    if (this.dcsConfig(o.s, o.cfg)['synchronous_mode'] === true) {
      if (candidate !== undefined && candidate !== o.s.syncStandby) {
        throw new PatroniRestError(
          412,
          `candidate name does not match with sync_standby ${o.s.syncStandby ?? ''}`,
        );
      }
      replicas = replicas.filter((m) => m.name === o.s.syncStandby);
    }
    const target =
      candidate === undefined
        ? replicas.sort((a, b) => b.xlog - a.xlog)[0]
        : replicas.find((m) => m.name === candidate);
    if (!target)
      throw new PatroniRestError(412, `candidate ${candidate ?? '(any)'} is not a healthy replica`);
    if (!o.s.failoverKey) {
      const labels = { ...o.cfg.labels, [o.cfg.scopeLabel]: o.s.scope };
      this.upsertEndpoints(o.s, `${o.s.scope}-failover`, { labels, annotations: {} });
      o.s.failoverKey = true;
    }
    target.xlog = Math.max(target.xlog, current.xlog);
    this.promote(o.s, target);
    this.events.push({
      at: this.ctx.clock.now,
      type: 'switchover',
      member: target.name,
      detail: current.name,
    });
    current.state = 'restarting';
    current.busyUntil = this.ctx.clock.now + 1;
    // The old leader relabels itself as it demotes and the new one as it promotes: never two at once.
    for (const pod of o.pods) this.publish(o.s, pod, o.cfg);
    this.ctx.trace(`patroni: switchover ${leader} → ${target.name} (timeline ${target.timeline})`);
  }
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

const PG_MAJORS: Readonly<Record<string, true>> = {
  '13': true,
  '14': true,
  '15': true,
  '16': true,
  '17': true,
  '18': true,
};

interface RestBackend {
  cluster(): ClusterMember[];
  patchConfig(patch: JsonObject): JsonObject;
  restart(member: string, pendingOnly: boolean): boolean;
  switchover(leader: string, candidate?: string): void;
}

/** Patroni's REST endpoints, the way pgmeta's Jobs call them. Errors are PatroniRestError. */
export class PatroniApi {
  private readonly sim: PatroniSim;
  private readonly where: { namespace: string; scope: string };

  constructor(sim: PatroniSim, where: { namespace: string; scope: string }) {
    this.sim = sim;
    this.where = where;
  }

  private get backend(): RestBackend {
    return this.sim.restApi(this.where.namespace, this.where.scope);
  }

  /** GET /cluster */
  cluster(): { members: ClusterMember[] } {
    return { members: this.backend.cluster() };
  }

  /** PATCH /config */
  patchConfig(patch: JsonObject): JsonObject {
    return this.backend.patchConfig(patch);
  }

  /** POST /restart on one member; with `restart_pending` only if it needs one. */
  restart(member: string, body: { restart_pending?: boolean } = {}): boolean {
    return this.backend.restart(member, body.restart_pending === true);
  }

  /** POST /switchover */
  switchover(body: { leader: string; candidate?: string }): void {
    this.backend.switchover(body.leader, body.candidate);
  }
}
