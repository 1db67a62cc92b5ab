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
  backend(o: ScopeView): RestBackend {
    const { s, cfg, pods } = o;
    return {
      cluster: () => this.clusterView(s, pods),
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
   * GET /cluster as Patroni builds it from the DCS: every member pod's `status` annotation (stale for
   * a member whose Patroni is down), the leader lock and the synchronous standby.
   */
  clusterView(s: ScopeState, pods: KubeObject[]): ClusterMember[] {
    const leaderName = this.dcs.leaderName(s);
    const leaderXlog = this.roster.leaderMember(s, pods)?.xlog;
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
    m.busyUntil = this.ctx.clock.now + 1;
    this.ctx.trace(`patroni: POST /restart ${name}`);
    return true;
  }

  switchover(o: ScopeView, leader: string, candidate?: string): void {
    const current = this.roster.leaderMember(o.s, o.pods);
    if (!current) throw new PatroniRestError(503, 'no leader');
    if (current.name !== leader)
      throw new PatroniRestError(412, `leader name does not match: ${current.name}`);
    let replicas = [...o.s.members.values()].filter(
      (m) => m.role === 'replica' && m.state === 'running' && this.roster.up(o.s, m.name, o.pods),
    );
    // In synchronous mode only the synchronous standby may take over (Patroni answers 412 otherwise).
    if (this.dcs.dcsConfig(o.s, o.cfg)['synchronous_mode'] === true) {
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
    this.ctx.trace(`patroni: POST /switchover ${leader} → ${target.name} (failover key written)`);
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
