/**
 * Patroni's REST API for the Patroni simulation, the part pgmeta's Jobs call: GET /cluster (built
 * from the DCS), PATCH /config, POST /restart and POST /switchover, with Patroni's refusals as
 * PatroniRestError. The writes need the credentials of the members' `restapi.authentication`.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { containerEnvValues, type RenderedEnvVar } from '../../support/container-env';
import { isObject, mergePatch, type JsonObject } from '../lib/json';
import { PatroniRestError, type ClusterMember, type ScopeState, type ScopeView } from './patroni-model';
import { PatroniPart } from './patroni-roster';
import { PatroniSync } from './patroni-sync';

/**
 * How long PostgreSQL takes to restart (a shutdown checkpoint, then the start): longer than a
 * scenario's default pass, so the HA loop in between reports `restarting`.
 */
const RESTART_SECONDS = 6;

/** The endpoints of one scope, bound to its current state. */
export interface RestBackend {
  cluster(): ClusterMember[];
  patchConfig(patch: JsonObject): JsonObject;
  restart(member: string, pendingOnly: boolean): boolean;
  switchover(leader: string, candidate?: string): void;
  /** The REST API credentials each member runs with (see {@link restApiCredentials}). */
  credentials(): RestAuth[];
}

/** HTTP Basic credentials (`restapi.authentication`). */
export interface RestAuth {
  username: string;
  password: string;
}

/**
 * A member pod's `restapi.authentication`: its SPILO_CONFIGURATION with the `$(NAME)` references
 * expanded from its env and Secrets, as the kubelet does before Spilo writes the file. Undefined
 * when it sets none or the container could not start (a Secret missing).
 */
export function restApiCredentials(pod: KubeObject, secrets: readonly KubeObject[]): RestAuth | undefined {
  const spec = pod['spec'] as { containers?: { env?: RenderedEnvVar[] }[] } | undefined;
  let config: unknown;
  try {
    const env = containerEnvValues(spec?.containers?.[0]?.env ?? [], secrets);
    config = JSON.parse(env.get('SPILO_CONFIGURATION') ?? '{}');
  } catch {
    return undefined;
  }
  const restapi = isObject(config) ? config['restapi'] : undefined;
  const auth = isObject(restapi) ? restapi['authentication'] : undefined;
  if (!isObject(auth) || typeof auth['username'] !== 'string' || typeof auth['password'] !== 'string')
    return undefined;
  return { username: auth['username'], password: auth['password'] };
}

/** The REST endpoints' effects on the simulated scopes. */
export class PatroniRest extends PatroniPart {
  private readonly sync = new PatroniSync(this.world, { dcs: this.dcs, roster: this.roster });

  backend(o: ScopeView): RestBackend {
    const { s, cfg, pods } = o;
    return {
      cluster: () => this.clusterView(s, { pods, synchronous: this.sync.mode(s, cfg).on }),
      patchConfig: (patch) => {
        const next = mergePatch(this.dcs.dcsConfig(s, cfg), patch) as JsonObject;
        this.dcs.upsertEndpoints(s, `${s.scope}-config`, { annotations: { config: JSON.stringify(next) } });
        this.world.events.push({
          at: this.ctx.clock.now,
          type: 'patch-config',
          member: '',
          detail: JSON.stringify(patch),
        });
        this.ctx.trace(`patroni: PATCH /config ${JSON.stringify(patch)}`);
        return next;
      },
      restart: (name, pendingOnly) => this.restart(o, name, pendingOnly),
      switchover: (leader, candidate) => {
        this.switchover(o, leader, candidate);
      },
      credentials: () => {
        const secrets = this.ctx.store.list('Secret', o.pods[0]?.metadata.namespace);
        return o.pods.flatMap((p) => restApiCredentials(p, secrets) ?? []);
      },
    };
  }

  /**
   * GET /cluster as Patroni builds it from the DCS (api.py `do_GET_cluster`, utils.py
   * `cluster_as_json`): every pod with the cluster's labels is a member (kubernetes.py
   * `_cluster_from_nodes`), described by its `status` annotation, stale for a member whose Patroni is
   * down and empty for one that never wrote it. A replica's state is its `replication_state` when it
   * has one; `sync_standby` only in synchronous mode, for the members of the `-sync` key; the lag is
   * measured from the leader's last `optime`, `unknown` without a WAL position.
   */
  clusterView(s: ScopeState, o: { pods: KubeObject[]; synchronous: boolean }): ClusterMember[] {
    const leaderName = this.dcs.leaderName(s);
    const clusterLsn = this.dcs.optime(s);
    const sync = this.dcs.syncState(s).members;
    const out: ClusterMember[] = [];
    for (const pod of [...o.pods].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
      const st = statusOf(pod.metadata.annotations?.['status']);
      const name = pod.metadata.name;
      const leader = name === leaderName;
      const role = leader ? 'leader' : o.synchronous && sync.includes(name) ? 'sync_standby' : 'replica';
      const replication = leader ? undefined : st.replication_state;
      const host = /^postgres:\/\/([^:/]+):(\d+)/.exec(st.conn_url ?? '');
      out.push({
        name,
        role,
        state: replication ?? st.state ?? '',
        ...(st.api_url !== undefined ? { api_url: st.api_url } : {}),
        ...(host ? { host: host[1] ?? '', port: Number(host[2]) } : {}),
        ...(st.timeline !== undefined ? { timeline: st.timeline } : {}),
        ...(st.pending_restart === true ? { pending_restart: true } : {}),
        ...(leader
          ? {}
          : {
              lag: st.xlog_location === undefined ? 'unknown' : Math.max(0, clusterLsn - st.xlog_location),
            }),
      });
    }
    return out;
  }

  restart(o: ScopeView, name: string, pendingOnly: boolean): boolean {
    const m = o.s.members.get(name);
    const pod = o.pods.find((p) => p.metadata.name === name);
    if (!m || !pod || !this.roster.up(o.s, name, o.pods))
      throw new PatroniRestError(503, `${name} is not running`);
    if (pendingOnly && !this.roster.pendingRestart(o.s, o.cfg, pod, m)) return false;
    const membersUp = [...o.s.members.values()].filter(
      (x) => x.state === 'running' && this.roster.up(o.s, x.name, o.pods),
    ).length;
    this.world.events.push({
      at: this.ctx.clock.now,
      type: 'restart',
      member: name,
      detail: m.role,
      membersUp,
    });
    m.state = 'restarting';
    m.busyUntil = this.ctx.clock.now + RESTART_SECONDS;
    this.ctx.trace(`patroni: POST /restart ${name}`);
    return true;
  }

  /**
   * api.py `do_POST_failover` for a switchover: Patroni's own refusals (412, `is_failover_possible` in
   * api.py), then the failover key. The leader then checks again on its loop (ha.py
   * `Ha.is_failover_possible`) and cleans the key up when no candidate is good enough: lagging more
   * than `maximum_lag_on_failover`, not running, or (synchronous mode) not in the `-sync` key; the
   * call's poll (`poll_failover_result`) sees the key gone and answers 503 "Switchover failed". The
   * simulation decides that at once.
   */
  switchover(o: ScopeView, leader: string, candidate?: string): void {
    if (leader === candidate) throw new PatroniRestError(400, 'Switchover target and source are the same');
    const refusal = this.refusal(o, leader, candidate);
    if (refusal !== undefined) throw new PatroniRestError(412, refusal);
    const possible = this.roster.failoverPossible(o.s, o.pods, {
      cfg: o.cfg,
      ...(candidate !== undefined ? { candidate } : {}),
      eligible: (name) => this.sync.mayRace(o.s, o.cfg, name),
    });
    if (!possible) throw new PatroniRestError(503, 'Switchover failed');
    const current = this.roster.leaderMember(o.s, o.pods);
    if (!current) throw new PatroniRestError(503, 'Switchover failed');
    const target = candidate ?? '(any)';
    // api.py `do_POST_failover` writes the failover key and returns; the leader acts on its next HA
    // loop (patroni-ha.ts `switchoverStep`), the candidate on the one after (`elect`). The real call polls
    // the outcome for up to 20 s (api.py `poll_failover_result`); the Jobs poll GET /cluster instead.
    const labels = { ...o.cfg.labels, [o.cfg.scopeLabel]: o.s.scope };
    this.dcs.upsertEndpoints(o.s, `${o.s.scope}-failover`, {
      labels,
      annotations: { leader: current.name, member: candidate ?? null },
    });
    o.s.failoverKey = true;
    o.s.switchover = {
      leader: current.name,
      ...(candidate !== undefined ? { candidate } : {}),
      at: this.ctx.clock.now,
    };
    this.ctx.trace(`patroni: POST /switchover ${leader} → ${target} (failover key written)`);
  }

  /** api.py `RestApiHandler.is_failover_possible`: the checks made before the key is written (412). */
  private refusal(o: ScopeView, leader: string, candidate?: string): string | undefined {
    if (this.dcs.leaderName(o.s) !== leader) return 'leader name does not match';
    const synchronous = this.sync.mode(o.s, o.cfg).on;
    const sync = this.dcs.syncState(o.s).members;
    const members = o.pods.map((p) => p.metadata.name);
    if (candidate !== undefined) {
      if (synchronous && !sync.includes(candidate)) return 'candidate name does not match with sync_standby';
      return members.includes(candidate) ? undefined : 'candidate does not exists';
    }
    const others = synchronous ? sync : members.filter((n) => n !== leader);
    if (others.length === 0)
      return synchronous
        ? 'switchover is not possible: can not find sync_standby'
        : 'switchover is not possible: cluster does not have members except leader';
    // fetch_nodes_statuses: a member whose Patroni does not answer is "not reachable".
    if (!others.some((n) => this.roster.up(o.s, n, o.pods)))
      return 'switchover is not possible: no good candidates have been found';
    return undefined;
  }
}

interface MemberStatus {
  state?: string;
  api_url?: string;
  conn_url?: string;
  timeline?: number;
  xlog_location?: number;
  pending_restart?: boolean;
  replication_state?: string;
}

/** A member's `status` annotation; empty when absent or not JSON (dcs `Member.from_node`). */
function statusOf(raw: string | undefined): MemberStatus {
  try {
    const v: unknown = JSON.parse(raw ?? '');
    return isObject(v) ? v : {};
  } catch {
    return {};
  }
}

/** Patroni's REST endpoints, the way pgmeta's Jobs call them. Errors are PatroniRestError. */
export class PatroniApi {
  private readonly sim: { restApi(namespace: string, scope: string): RestBackend };
  private readonly where: { namespace: string; scope: string };
  private readonly auth: RestAuth | undefined;

  constructor(
    sim: { restApi(namespace: string, scope: string): RestBackend },
    where: { namespace: string; scope: string },
    auth?: RestAuth,
  ) {
    this.sim = sim;
    this.where = where;
    this.auth = auth;
  }

  /** The same API, calling with these credentials (a Job's, or an administrator's). */
  withAuth(auth: RestAuth | undefined): PatroniApi {
    return new PatroniApi(this.sim, this.where, auth);
  }

  private get backend(): RestBackend {
    return this.sim.restApi(this.where.namespace, this.where.scope);
  }

  /**
   * The writes are behind Patroni's `check_access`: with `restapi.authentication` set, a request
   * without the same user and password gets 401 (Patroni v4.0.4 patroni/api.py `check_access`,
   * `RestApiServer.check_auth_header`). Simplified: every member that sets credentials must accept
   * them (the Jobs reach any member through the headless Service).
   */
  private write(): RestBackend {
    const backend = this.backend;
    const a = this.auth;
    const ok = (c: RestAuth) => c.username === a?.username && c.password === a.password;
    if (!backend.credentials().every(ok)) throw new PatroniRestError(401, 'not authenticated');
    return backend;
  }

  /** GET /cluster */
  cluster(): { members: ClusterMember[] } {
    return { members: this.backend.cluster() };
  }

  /** PATCH /config */
  patchConfig(patch: JsonObject): JsonObject {
    return this.write().patchConfig(patch);
  }

  /** POST /restart on one member; with `restart_pending` only if it needs one. */
  restart(member: string, body: { restart_pending?: boolean } = {}): boolean {
    return this.write().restart(member, body.restart_pending === true);
  }

  /** POST /switchover */
  switchover(body: { leader: string; candidate?: string }): void {
    this.write().switchover(body.leader, body.candidate);
  }
}
