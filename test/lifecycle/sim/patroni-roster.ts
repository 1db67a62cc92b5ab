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
import { walgPrefixOf } from './walg';
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
  standbyReport,
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

  promote(s: ScopeState, m: Member, ttl: number): void {
    for (const other of s.members.values()) if (other.role === 'primary') other.role = 'replica';
    m.role = 'primary';
    m.timeline += 1;
    this.dcs.takeLeader(s, m, { ttl });
    this.persist(s, m);
  }

  /**
   * ha.py `Ha.is_failover_possible` as the leader checks a switchover: some candidate (the named one,
   * else any other member `eligible` allows: `get_failover_candidates`) answers on its REST API, runs,
   * and is no more than `maximum_lag_on_failover` behind the last recorded position (`Ha.is_lagging`
   * against `optime`).
   */
  failoverPossible(
    s: ScopeState,
    pods: KubeObject[],
    o: { cfg: PatroniConfig; candidate?: string; eligible: (name: string) => boolean },
  ): boolean {
    const maxLag = Number(this.dcs.dcsConfig(s, o.cfg)['maximum_lag_on_failover'] ?? 1_048_576);
    const lastLsn = this.dcs.optime(s);
    return [...s.members.values()].some(
      (m) =>
        m.role === 'replica' &&
        m.state === 'running' &&
        this.up(s, m.name, pods) &&
        (o.candidate !== undefined ? m.name === o.candidate : o.eligible(m.name)) &&
        lastLsn - m.xlog <= maxLag,
    );
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
      this.world.volumes.set(m.pvcUid, { sysid, role: m.role, timeline: m.timeline, xlog: m.xlog });
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

  /**
   * The role label and the `status` annotation, written when they change (ha.py `Ha.touch_member`) by
   * a member whose Patroni runs, and once more by one that stops (`Ha.shutdown`).
   */
  publish(s: ScopeState, pod: KubeObject, cfg: PatroniConfig, o: { stopping?: boolean } = {}): void {
    const m = s.members.get(pod.metadata.name);
    if (!m || (!o.stopping && (!this.up(s, m.name, [pod]) || m.state === 'stopped'))) return;
    const reasons = m.state === 'running' ? this.pendingReasons(s, cfg, pod, m) : {};
    const pending = Object.keys(reasons).length > 0;
    const standby = standbyReport(s, this.dcs.dcsConfig(s, cfg), m);
    const replication = standby?.replication ?? this.replicationState(s, pod, m);
    const status: JsonObject = {
      conn_url: `postgres://${m.ip}:5432/postgres`,
      api_url: `http://${m.ip}:8008/patroni`,
      state: m.state,
      role: standby?.role ?? this.statusRole(m),
      version: '4.0.4',
      ...(m.timeline > 0 && WAL_STATES.has(m.state) ? { xlog_location: m.xlog, timeline: m.timeline } : {}),
      ...(pending ? { pending_restart: true, pending_restart_reason: reasons } : {}),
      ...(replication !== undefined ? { replication_state: replication } : {}),
    };
    // kubernetes.py `touch_member`: the lock holder is labelled leader whatever PostgreSQL's state, a
    // running non-primary `replica`; any other member (starting, restarting, stopped, demoted) loses
    // the label.
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

  /**
   * Patroni 4's `role` in the status (postgresql/__init__.py `Postgresql.role`): `primary` or `replica`
   * once PostgreSQL ran; before it runs, what the data directory says
   * (`get_postgres_role_from_data_directory`), `uninitialized` without data.
   */
  private statusRole(m: Member): string {
    if (RAN_STATES.has(m.state)) return m.role;
    return this.world.volumes.get(m.pvcUid)?.role ?? 'uninitialized';
  }

  /**
   * A running replica's `replication_state` (postgresql/__init__.py
   * `replication_state_from_parameters`): `streaming` while a leader runs to stream from, else `in
   * archive recovery` when Spilo set a `restore_command` (a WAL archive), else none.
   */
  private replicationState(s: ScopeState, pod: KubeObject, m: Member): string | undefined {
    if (m.role !== 'replica' || m.state !== 'running') return undefined;
    const leader = this.dcs.leaderName(s);
    const source = leader !== undefined ? s.members.get(leader) : undefined;
    if (source && source !== m && source.role === 'primary' && source.state === 'running') return 'streaming';
    return walgPrefixOf(pod) !== undefined ? 'in archive recovery' : undefined;
  }
}

/** States in which Patroni reports a WAL position (ha.py `Ha.touch_member`). */
const WAL_STATES: ReadonlySet<string> = new Set(['running', 'restarting', 'starting']);
/** States after PostgreSQL ran under this Patroni: the role is the one it ran with. */
const RAN_STATES: ReadonlySet<string> = new Set([
  'running',
  'restarting',
  'stopped',
  'crashed',
  'restart failed (start failed)',
]);

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
