/**
 * Patroni's Kubernetes DCS for the Patroni simulation: the leader lock, the `initialize` key and
 * dynamic configuration (`<scope>-config`), and in Endpoints mode the `<scope>-config` Service. Reads
 * and writes only; the decisions are in patroni-ha.ts.
 *
 * Both modes of patroni/dcs/kubernetes.py (v4.0.4), chosen per scope (`ScopeState.dcs`):
 * - Endpoints (`use_endpoints`): the lock is the Endpoints `<scope>` (`Kubernetes.leader_path` drops
 *   `-leader`), and `_patch_or_create` writes the holder's address into its subsets in the same body
 *   (`_map_subsets`), so the selector-less primary Service follows the lock; `patch_or_create_config`
 *   creates the `<scope>-config` Service (`_create_config_service`).
 * - ConfigMaps (the default without `use_endpoints`): `CoreV1ApiProxy.__getattr__` turns every `*_kind`
 *   call into the ConfigMap call, the lock is `<scope>-leader`, the body is a bare `V1ConfigMap` with
 *   the annotations (no addresses), and no Service is created (`_should_create_config_service` follows
 *   `use_endpoints`). The primary Service then routes by the role label `touch_member` patches onto
 *   the holder's pod, the same in both modes (patroni-roster.ts `publish`).
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

  /** The kind and API resource of the scope's keys. */
  private kind(s: ScopeState): { kind: 'Endpoints' | 'ConfigMap'; resource: 'endpoints' | 'configmaps' } {
    return s.dcs === 'configmaps'
      ? { kind: 'ConfigMap', resource: 'configmaps' }
      : { kind: 'Endpoints', resource: 'endpoints' };
  }

  /** The object name of a key (`Kubernetes.leader_path`: `<scope>-leader` only on ConfigMaps). */
  private objectName(s: ScopeState, name: string): string {
    return s.dcs === 'configmaps' && name === s.scope ? `${s.scope}-leader` : name;
  }

  /** The key `<scope><suffix>` ('' for the leader) as the API server holds it, of either kind. */
  endpoints(s: ScopeState, suffix: string): KubeObject | undefined {
    const name = this.objectName(s, `${s.scope}${suffix}`);
    return this.ctx.store.get({ kind: this.kind(s).kind, namespace: s.namespace, name });
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
  authorize(
    s: ScopeState,
    resource: 'endpoints' | 'configmaps' | 'pods' | 'services',
    verb: string,
    name: string,
  ): boolean {
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
    if (s.dcs === 'configmaps') return;
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
    const { kind, resource } = this.kind(s);
    const objectName = this.objectName(s, name);
    const ref = { kind, namespace: s.namespace, name: objectName };
    const old = this.ctx.store.get(ref);
    const annotations = mergePatch(old?.metadata.annotations ?? {}, o.annotations) as Record<string, string>;
    // Only an Endpoints body carries addresses (`_patch_or_create`: `_map_subsets` with use_endpoints).
    const subsets = kind === 'Endpoints' ? (o.subsets ?? old?.['subsets']) : undefined;
    const obj: KubeObject = {
      apiVersion: 'v1',
      kind,
      metadata: {
        ...(old?.metadata ?? { name: objectName, namespace: s.namespace }),
        annotations,
        ...(o.labels ? { labels: o.labels } : {}),
      },
      ...(subsets !== undefined ? { subsets } : {}),
    };
    if (!this.authorize(s, resource, old ? 'patch' : 'create', old ? objectName : '')) return;
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
    (c.kind === 'Endpoints' || c.kind === 'ConfigMap') &&
    c.verb === 'update' &&
    (c.paths ?? []).length > 0 &&
    (c.paths ?? []).every((p) => RENEWAL_PATHS.has(p))
  );
}
