/**
 * Patroni's Kubernetes DCS (Endpoints mode) for the Patroni simulation: the leader lock (Endpoints
 * `<scope>`), the `initialize` key and dynamic configuration (`<scope>-config`), and the
 * `<scope>-config` Service. Reads and writes only; the decisions are in patroni-ha.ts.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { mergePatch, type JsonObject } from '../lib/json';
import type { SimContext } from './context';
import { PATRONI, type Member, type PatroniConfig, type ScopeState } from './patroni-model';

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

  ensureConfigService(s: ScopeState, labels: Record<string, string>): void {
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
    if (old) this.ctx.store.update(obj, PATRONI);
    else this.ctx.store.create(obj, PATRONI);
  }

  /**
   * Takes the lock for `m`, or releases it when `m` is undefined (kubernetes.py `delete_leader`:
   * a voluntary release records the last WAL position in `optime`).
   */
  writeLeader(s: ScopeState, m: Member | undefined, labels?: Record<string, string>, lastLsn?: number): void {
    const old = this.endpoints(s, '')?.metadata.annotations ?? {};
    const now = this.ctx.clock.iso();
    if (!m) {
      const optime = lastLsn !== undefined ? { optime: String(lastLsn) } : {};
      this.upsertEndpoints(s, s.scope, {
        annotations: { leader: null, renewTime: now, ...optime },
        subsets: [],
      });
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
}
