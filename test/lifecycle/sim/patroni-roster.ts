/**
 * The members of a Patroni scope for the Patroni simulation: which pods are members and up, the
 * leader member, the lock's validity, what a member's volume holds, promotion, the parameters a
 * member would run with (and which wait for a restart), and what it publishes on its pod (the role
 * label and the `status` annotation).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { paramData } from '../../../hooks/postgrescluster/spec/params';
import type { PgMajor } from '../../../hooks/postgrescluster/spec/resolved';
import { isDcsOnlyParameter } from '../../../hooks/postgrescluster/spilo/parameters';
import { patroniEffectiveValue } from '../../../hooks/postgrescluster/spilo/patroni-validators';
import type { JsonObject } from '../lib/json';
import { matches } from '../lib/selectors';
import type { SimContext } from './context';
import type { Kubelets } from './kubelet';
import type { PatroniDcs } from './patroni-dcs';
import {
  configOf,
  isScalar,
  PATRONI,
  PG_MAJORS,
  type Member,
  type PatroniConfig,
  type PatroniWorld,
  type ScopeState,
} from './patroni-model';

/** Member-level reads and writes, shared by the HA loop and the REST API. */
export class PatroniRoster {
  private readonly ctx: SimContext;
  private readonly kubelets: Kubelets;
  private readonly world: PatroniWorld;
  private readonly dcs: PatroniDcs;

  constructor(world: PatroniWorld, dcs: PatroniDcs) {
    this.ctx = world.ctx;
    this.kubelets = world.kubelets;
    this.world = world;
    this.dcs = dcs;
  }

  memberPods(s: ScopeState, cfg: PatroniConfig): KubeObject[] {
    const selector = { matchLabels: { ...cfg.labels, [cfg.scopeLabel]: s.scope } };
    // Unbound (being deleted), Patroni keeps its last list: the check only catches a Role that refuses.
    this.dcs.authorize(s, 'pods', 'list', '');
    return this.ctx.store.list('Pod', s.namespace).filter((p) => matches(selector, p.metadata.labels));
  }

  up(s: ScopeState, name: string, pods: KubeObject[]): boolean {
    const pod = pods.find((p) => p.metadata.name === name);
    const m = s.members.get(name);
    return (
      pod !== undefined &&
      m !== undefined &&
      this.kubelets.running(pod) &&
      m.processId === this.kubelets.processId(pod)
    );
  }

  lockValid(s: ScopeState, pods: KubeObject[], cfg: PatroniConfig): boolean {
    const leader = this.dcs.leaderName(s);
    if (leader === undefined) return false;
    if (this.up(s, leader, pods) && s.members.get(leader)?.role === 'primary') return true;
    return this.ctx.clock.now - s.lastRenew < this.dcs.ttl(s, cfg);
  }

  leaderMember(s: ScopeState, pods: KubeObject[]): Member | undefined {
    const name = this.dcs.leaderName(s);
    if (name === undefined || !this.up(s, name, pods)) return undefined;
    const m = s.members.get(name);
    return m?.role === 'primary' && m.state !== 'starting' ? m : undefined;
  }

  promote(s: ScopeState, m: Member): void {
    for (const other of s.members.values()) if (other.role === 'primary') other.role = 'replica';
    m.role = 'primary';
    m.timeline += 1;
    this.dcs.writeLeader(s, m);
    this.persist(s, m);
  }

  /**
   * What a member that ran leaves on its volume. Data keeps the system identifier it was created
   * with (a member on another system's data never runs: patroni-ha.ts `start`); a new replica's is
   * the cluster's.
   */
  persist(s: ScopeState, m: Member): void {
    const sysid = this.world.volumes.get(m.pvcUid)?.sysid ?? this.dcs.initialize(s);
    const ran = !['creating replica', 'starting', 'start failed'].includes(m.state);
    if (sysid !== undefined && m.pvcUid !== '' && ran) {
      this.world.volumes.set(m.pvcUid, { sysid, timeline: m.timeline, xlog: m.xlog });
    }
  }

  /** Parameters a member would run with if it started now. */
  effective(s: ScopeState, cfg: PatroniConfig, pod: KubeObject): Record<string, string> {
    const dcs =
      (this.dcs.dcsConfig(s, cfg)['postgresql'] as { parameters?: Record<string, unknown> } | undefined)
        ?.parameters ?? {};
    const local =
      (configOf(pod)?.spilo['postgresql'] as { parameters?: Record<string, unknown> } | undefined)
        ?.parameters ?? {};
    const out: Record<string, string> = {};
    // config.py Config._process_postgresql_parameters: a DCS value that fails its CMDLINE_OPTIONS
    // validator is dropped with a warning, and Patroni's default runs instead.
    for (const [k, v] of Object.entries(dcs)) if (isScalar(v)) out[k] = patroniEffectiveValue(k, String(v));
    for (const [k, v] of Object.entries(local)) if (!isDcsOnlyParameter(k) && isScalar(v)) out[k] = String(v);
    return out;
  }

  pendingRestart(s: ScopeState, cfg: PatroniConfig, pod: KubeObject, m: Member): boolean {
    return Object.keys(this.pendingReasons(s, cfg, pod, m)).length > 0;
  }

  /** Patroni 4's `pending_restart_reason`: each parameter waiting for a restart, old and new value. */
  pendingReasons(
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
  publish(s: ScopeState, pod: KubeObject, cfg: PatroniConfig): void {
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
    // kubernetes.py `touch_member`: the lock holder is labelled leader whatever PostgreSQL's state, a
    // running non-primary `replica`; any other member (starting, restarting, demoted) loses the label.
    const role =
      this.dcs.leaderName(s) === m.name
        ? cfg.leaderValue
        : m.state === 'running' && m.role !== 'primary'
          ? 'replica'
          : undefined;
    const labels = Object.fromEntries(
      Object.entries(pod.metadata.labels ?? {}).filter(([k]) => k !== cfg.roleLabel),
    );
    if (role !== undefined) labels[cfg.roleLabel] = role;
    const annotations = { ...pod.metadata.annotations, status: JSON.stringify(status) };
    if (!this.dcs.authorize(s, 'pods', 'patch', pod.metadata.name)) return;
    this.ctx.store.update({ ...pod, metadata: { ...pod.metadata, labels, annotations } }, PATRONI);
  }
}

/** The wiring of the parts that act through the roster: the HA loop and the REST API. */
export abstract class PatroniPart {
  protected readonly ctx: SimContext;
  protected readonly world: PatroniWorld;
  protected readonly dcs: PatroniDcs;
  protected readonly roster: PatroniRoster;

  constructor(world: PatroniWorld, o: { dcs: PatroniDcs; roster: PatroniRoster }) {
    this.ctx = world.ctx;
    this.world = world;
    this.dcs = o.dcs;
    this.roster = o.roster;
  }
}
