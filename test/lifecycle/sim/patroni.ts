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
 * - Each pass writes the role label (`master`/`replica`, none for a member that neither holds the
 *   lock nor runs) and the `status` annotation (role, state, xlog_location, timeline,
 *   replication_state, pending_restart) of members whose Patroni runs, when they change; a member
 *   that stops writes `stopped` once more. The holder renews the lock (`renewTime`, `optime`) every
 *   `loop_wait`; scenarios do not count renewals as changes (patroni-dcs.ts `isLeaseRenewal`).
 * - Synchronous mode: the `-sync` key (patroni-sync.ts).
 * - `pending_restart`: a parameter of context `postmaster` whose effective value (DCS parameters
 *   overridden by local ones, except the DCS-only ones) differs from the value the member started with.
 * - The REST API (`api()`): GET /cluster, PATCH /config, POST /restart, POST /switchover; readiness
 *   (`ready()`) as `/readiness` answers. Each behaviour and its upstream source: UPSTREAM.md.
 *
 * The simulation is split by responsibility: patroni-model.ts (data), patroni-dcs.ts (the DCS
 * objects), patroni-roster.ts (members), patroni-ha.ts (the HA loop), patroni-sync.ts (synchronous
 * replication), patroni-rest.ts (the REST API).
 * This module ties them together and is what the rest of the emulator uses.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { SimContext } from './context';
import type { Kubelets } from './kubelet';
import { PatroniDcs } from './patroni-dcs';
import { PatroniHa } from './patroni-ha';
import {
  configOf,
  PatroniRestError,
  TIMED_STATES,
  type Member,
  type PatroniConfig,
  type PatroniEvent,
  type PatroniWorld,
  type ScopeState,
  type ScopeView,
} from './patroni-model';
import { PatroniApi, PatroniRest, type RestBackend } from './patroni-rest';
import { PatroniRoster } from './patroni-roster';
import { PatroniSync } from './patroni-sync';

export { PATRONI, PatroniRestError, type ClusterMember, type PatroniEvent } from './patroni-model';
export { PatroniApi } from './patroni-rest';

export class PatroniSim {
  readonly events: PatroniEvent[] = [];
  /** Bootstrap duration (seconds) and failures to come: scenarios set them before the cluster exists. */
  readonly bootstrap = { seconds: 0, failures: 0 };
  private readonly scopes = new Map<string, ScopeState>();

  private readonly ctx: SimContext;
  private readonly kubelets: Kubelets;
  private readonly dcs: PatroniDcs;
  private readonly roster: PatroniRoster;
  private readonly ha: PatroniHa;
  private readonly rest: PatroniRest;
  private readonly sync: PatroniSync;

  constructor(ctx: SimContext, kubelets: Kubelets) {
    this.ctx = ctx;
    this.kubelets = kubelets;
    const world: PatroniWorld = {
      ctx,
      kubelets,
      events: this.events,
      volumes: new Map(),
      bootstrap: this.bootstrap,
      scopes: this.scopes,
    };
    this.dcs = new PatroniDcs(ctx);
    this.roster = new PatroniRoster(world, this.dcs);
    this.ha = new PatroniHa(world, { dcs: this.dcs, roster: this.roster });
    this.rest = new PatroniRest(world, { dcs: this.dcs, roster: this.roster });
    this.sync = new PatroniSync(world, { dcs: this.dcs, roster: this.roster });
  }

  tick(): void {
    const seen = new Map<string, PatroniConfig>();
    for (const pod of this.ctx.store.list('Pod')) {
      const cfg = configOf(pod);
      if (cfg) seen.set(`${pod.metadata.namespace ?? ''}/${cfg.scope}`, cfg);
    }
    for (const [key, cfg] of seen) this.ha.tickScope(this.scopeState(key, cfg), cfg);
  }

  private scopeState(key: string, cfg: PatroniConfig): ScopeState {
    let s = this.scopes.get(key);
    if (!s) {
      const namespace = key.slice(0, key.indexOf('/'));
      s = {
        namespace,
        scope: cfg.scope,
        dcs: cfg.configMaps ? 'configmaps' : 'endpoints',
        lastRenew: this.ctx.clock.now,
        members: new Map(),
        lag: new Map(),
        failRestart: new Set(),
        failoverKey: false,
      };
      this.scopes.set(key, s);
    }
    return s;
  }

  /**
   * Readiness probe `/readiness` (api.py `do_GET_readiness`): 200 on the lock holder whatever
   * PostgreSQL's state (`Ha.is_leader`: it keeps renewing the lock while PostgreSQL restarts or
   * starts after a crash), and on any member whose PostgreSQL runs.
   */
  ready(pod: KubeObject): boolean | undefined {
    const cfg = configOf(pod);
    if (!cfg) return undefined;
    const s = this.scopes.get(`${pod.metadata.namespace ?? ''}/${cfg.scope}`);
    const m = s?.members.get(pod.metadata.name);
    if (!s || m?.processId !== this.kubelets.processId(pod) || m.state === 'stopped') return false;
    const holder = this.dcs.leaderName(s) === m.name && m.role === 'primary';
    return holder || m.state === 'running';
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
        if (TIMED_STATES.has(m.state) && m.busyUntil >= now) times.push(m.busyUntil);
      }
      if (s.releasedAt === now) times.push(now + 1);
      if (s.switchover && s.switchover.leader === this.dcs.leaderName(s)) times.push(now + 1);
      const pod = this.ctx.store.list('Pod', s.namespace).find((p) => configOf(p)?.scope === s.scope);
      const cfg = pod ? configOf(pod) : undefined;
      const leader = this.dcs.leaderName(s);
      if (!cfg || leader === undefined) continue;
      const pods = this.roster.memberPods(s, cfg);
      if (!this.roster.up(s, leader, pods) && this.roster.lockValid(s, pods, cfg))
        times.push(s.lastRenew + this.dcs.ttl(s, cfg));
    }
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  // ---- what scenarios and Jobs can do -------------------------------------------------------

  private scopeOf(namespace: string, scope: string): ScopeView {
    const s = this.scopes.get(`${namespace}/${scope}`);
    const pod = this.ctx.store.list('Pod', namespace).find((p) => configOf(p)?.scope === scope);
    const cfg = pod ? configOf(pod) : undefined;
    if (!s || !cfg) throw new PatroniRestError(503, `no Patroni member of ${namespace}/${scope} is running`);
    return { s, cfg, pods: this.roster.memberPods(s, cfg) };
  }

  /**
   * Clients write to the primary: its WAL position moves on, the replicas follow on the next pass.
   * False when the write cannot commit: no primary, or strict synchronous mode without a synchronous
   * standby (patroni-sync.ts `writesBlocked`).
   */
  write(namespace: string, scope: string, bytes: number): boolean {
    const { s, cfg, pods } = this.scopeOf(namespace, scope);
    const leader = this.roster.leaderMember(s, pods);
    if (leader?.state !== 'running' || this.sync.writesBlocked(s, cfg)) return false;
    // A standby leader is in recovery: read-only (patroni-standby.ts).
    if (s.standbyLeader === leader.name) return false;
    leader.xlog += bytes;
    return true;
  }

  /** PostgreSQL dies under a running Patroni (an OOM kill of the postmaster, say); Patroni starts it again. */
  crashPostgres(namespace: string, o: { scope: string; member: string }): void {
    const m = this.scopeOf(namespace, o.scope).s.members.get(o.member);
    if (m?.state !== 'running') throw new Error(`${o.member} does not run PostgreSQL`);
    m.postgresDied = true;
    this.ctx.trace(`patroni: PostgreSQL on ${o.member} crashed`);
  }

  /** The next `POST /restart` of `member` fails to start PostgreSQL again. */
  failNextRestart(namespace: string, o: { scope: string; member: string }): void {
    this.scopeOf(namespace, o.scope).s.failRestart.add(o.member);
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
    return this.rest.backend(this.scopeOf(namespace, scope));
  }
}
