/**
 * Patroni's Kubernetes DCS (Endpoints mode) for the Patroni simulation: the leader lock (Endpoints
 * `<scope>`), the `initialize` key and dynamic configuration (`<scope>-config`), and the
 * `<scope>-config` Service. Reads and writes only; the decisions are in patroni-ha.ts.
 *
 * Every write goes through the RBAC of the members' ServiceAccount, as the real API server would
 * decide it for the call Patroni makes (patroni/dcs/kubernetes.py: `_patch_or_create` creates or
 * patches Endpoints, `_create_config_service` creates the Service, `touch_member` patches its pod):
 * a call the rendered Role does not allow stops the simulation, since real Patroni would fail it.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { mergePatch, type JsonObject } from '../lib/json';
import type { SimContext } from './context';
import { configOf, PATRONI, type Member, type PatroniConfig, type ScopeState } from './patroni-model';
import { authorized } from './rbac';

/** The DCS objects of every scope, in the simulated API store. */
export class PatroniDcs {
  private readonly ctx: SimContext;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
  }

  endpoints(s: ScopeState, suffix: string): KubeObject | undefined {
    return this.ctx.store.get({ kind: 'Endpoints', namespace: s.namespace, name: `${s.scope}${suffix}` });
  }

  leaderName(s: ScopeState): string | undefined {
    return this.endpoints(s, '')?.metadata.annotations?.['leader'];
  }

  initialize(s: ScopeState): string | undefined {
    return this.endpoints(s, '-config')?.metadata.annotations?.['initialize'];
  }

  /** Bootstrap is over: the key holds the system identifier (empty while the winner bootstraps). */
  initialized(s: ScopeState): boolean {
    const sysid = this.initialize(s);
    return sysid !== undefined && sysid !== '';
  }

  /** The dynamic configuration: the `config` annotation once bootstrapped, `bootstrap.dcs` before. */
  dcsConfig(s: ScopeState, cfg: PatroniConfig): JsonObject {
    const raw = this.endpoints(s, '-config')?.metadata.annotations?.['config'];
    if (raw !== undefined) return JSON.parse(raw) as JsonObject;
    const bootstrap = cfg.spilo['bootstrap'] as { dcs?: JsonObject } | undefined;
    return bootstrap?.dcs ?? {};
  }

  ttl(s: ScopeState, cfg: PatroniConfig): number {
    return Number(this.dcsConfig(s, cfg)['ttl'] ?? 30);
  }

  /**
   * Whether the members' ServiceAccount may make this call (`name` empty: a create or a list). False
   * while no RoleBinding names the account (the garbage collector deleted it before the pods, in a
   * foreground deletion): real Patroni gets 403 then and writes nothing. Throws when a bound Role
   * refuses the call: that is the rendered Role missing something Patroni needs.
   */
  authorize(s: ScopeState, resource: 'endpoints' | 'pods' | 'services', verb: string, name: string): boolean {
    const pod = this.ctx.store.list('Pod', s.namespace).find((p) => configOf(p)?.scope === s.scope);
    const sa =
      (pod?.['spec'] as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? 'default';
    const bound = this.ctx.store
      .list('RoleBinding', s.namespace)
      .some((b) => ((b['subjects'] ?? []) as { name: string }[]).some((x) => x.name === sa));
    if (!bound) return false;
    const access = { namespace: s.namespace, group: '', resource, verb, name };
    if (!authorized(this.ctx.store, sa, access))
      throw new Error(`Patroni of ${s.scope} (${sa}) may not ${verb} ${resource}/${name}: 403 from its Role`);
    return true;
  }

  ensureConfigService(s: ScopeState, labels: Record<string, string>): void {
    const name = `${s.scope}-config`;
    if (this.ctx.store.get({ kind: 'Service', namespace: s.namespace, name })) return;
    if (!this.authorize(s, 'services', 'create', '')) return;
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

  upsertEndpoints(
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
    if (!this.authorize(s, 'endpoints', old ? 'patch' : 'create', old ? name : '')) return;
    if (old) this.ctx.store.update(obj, PATRONI);
    else this.ctx.store.create(obj, PATRONI);
  }

  /**
   * Takes the lock for `m` (kubernetes.py `Kubernetes.attempt_to_acquire_leader`): `transitions` grows
   * only when the last recorded holder was someone else (a released lock has none), and a holder that
   * takes its own lock again keeps its `acquireTime`.
   */
  takeLeader(s: ScopeState, m: Member, o: { ttl: number; labels?: Record<string, string> }): void {
    const old = this.endpoints(s, '')?.metadata.annotations ?? {};
    const now = this.ctx.clock.iso();
    const previous = Number.parseInt(old['transitions'] ?? '', 10);
    const counted = Number.isNaN(previous) ? 0 : previous;
    const same = old['leader'] === m.name;
    const transitions = this.endpoints(s, '') === undefined ? 0 : same ? counted : counted + 1;
    s.lastRenew = this.ctx.clock.now;
    this.upsertEndpoints(s, s.scope, {
      ...(o.labels ? { labels: o.labels } : {}),
      annotations: {
        leader: m.name,
        acquireTime: same ? (old['acquireTime'] ?? now) : now,
        renewTime: now,
        transitions: String(transitions),
        ttl: String(o.ttl),
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

  /**
   * The holder's renewal on its HA loop (kubernetes.py `Kubernetes.update_leader`): `renewTime`, `ttl`
   * and the WAL position in `optime`; `acquireTime` and `transitions` stay.
   */
  renewLeader(s: ScopeState, m: Member, ttl: number): void {
    s.lastRenew = this.ctx.clock.now;
    this.upsertEndpoints(s, s.scope, {
      annotations: { renewTime: this.ctx.clock.iso(), ttl: String(ttl), optime: String(m.xlog) },
    });
  }

  /**
   * Releases the lock (kubernetes.py `Kubernetes.delete_leader`): only `leader` is removed and the last
   * WAL position written to `optime`; the addresses go.
   */
  releaseLeader(s: ScopeState, lastLsn: number): void {
    this.upsertEndpoints(s, s.scope, {
      annotations: { leader: null, ...(lastLsn > 0 ? { optime: String(lastLsn) } : {}) },
      subsets: [],
    });
  }

  /** The last WAL position the leader recorded (`optime`: patroni/dcs/__init__.py `Status.from_node`). */
  optime(s: ScopeState): number {
    return Number(this.endpoints(s, '')?.metadata.annotations?.['optime'] ?? 0) || 0;
  }

  /** The `-sync` key: its leader and synchronous standbys (patroni/dcs/__init__.py `SyncState`). */
  syncState(s: ScopeState): { leader?: string; members: string[] } {
    const a = this.endpoints(s, '-sync')?.metadata.annotations ?? {};
    const members = (a['sync_standby'] ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    return { ...(a['leader'] ? { leader: a['leader'] } : {}), members };
  }

  /**
   * Writes the `-sync` key (kubernetes.py `Kubernetes.write_sync_state`, dcs `AbstractDCS.sync_state`):
   * the standbys sorted and joined by commas, quorum 0; all three null to clear it
   * (`delete_sync_state`).
   */
  writeSync(s: ScopeState, o: { labels: Record<string, string>; leader?: string; members?: string[] }): void {
    const members = [...(o.members ?? [])].sort();
    this.upsertEndpoints(s, `${s.scope}-sync`, {
      labels: o.labels,
      annotations:
        o.leader === undefined
          ? { leader: null, sync_standby: null, quorum: null }
          : { leader: o.leader, sync_standby: members.length > 0 ? members.join(',') : null, quorum: '0' },
    });
  }
}

const RENEWAL_PATHS: ReadonlySet<string> = new Set([
  'metadata.annotations.renewTime',
  'metadata.annotations.optime',
  'metadata.annotations.ttl',
]);

/**
 * A lock holder's renewal (`renewLeader`): it moves every `loop_wait` in a healthy cluster, so a
 * check for a quiet cluster leaves it out.
 */
export function isLeaseRenewal(c: {
  actor: string;
  kind: string;
  verb: string;
  paths?: readonly string[];
}): boolean {
  return (
    c.actor === PATRONI &&
    c.kind === 'Endpoints' &&
    c.verb === 'update' &&
    (c.paths ?? []).length > 0 &&
    (c.paths ?? []).every((p) => RENEWAL_PATHS.has(p))
  );
}
