/**
 * Bootstrap in the Patroni simulation: the race for the `initialize` key, a bootstrap that takes
 * `bootstrap.seconds` (initdb, or a restore from the archive that may take hours), and its end,
 * successful or failed. Patroni writes the key empty when the race is won and the system identifier
 * only at the end; until then no member holds the leader lock.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { JsonObject } from '../lib/json';
import {
  INITIAL_XLOG,
  type Member,
  type PatroniConfig,
  type ScopeState,
  type VolumeData,
} from './patroni-model';
import { PatroniPart } from './patroni-roster';
import { PatroniStandby } from './patroni-standby';
import { walgPrefixOf } from './walg';

export const BOOTSTRAPPING: ReadonlySet<string> = new Set([
  'initializing new cluster',
  'running custom bootstrap script',
]);
/** States in which Patroni exited; Spilo's runit starts it again after {@link RUNIT_BACKOFF}. */
export const RUNIT_RESTARTS: ReadonlySet<string> = new Set([
  'initdb failed',
  'custom bootstrap failed',
  'start failed',
]);
/** Seconds Spilo's runit waits before it starts Patroni again after a failure (runit/patroni/finish). */
const RUNIT_BACKOFF = 30;

export class PatroniBootstrap extends PatroniPart {
  /**
   * Systems bootstrapped so far. A system identifier is a 64-bit number, beyond a JavaScript number's
   * 53 exact bits (`++` on 7437218811431043000 leaves it unchanged, so every system had one identifier
   * and no test could tell two systems apart): counted in BigInt.
   */
  private systems = 0n;

  /**
   * The race winner writes `initialize` empty (ha.py `Ha.bootstrap`, kubernetes.py `initialize`) and
   * runs initdb, or Spilo's clone script for a restore (bootstrap.py `_initdb` / `_custom_bootstrap`),
   * for `bootstrap.seconds`; it holds no leader lock meanwhile.
   */
  startBootstrap(s: ScopeState, cfg: PatroniConfig, m: Member): void {
    const labels = { ...cfg.labels, [cfg.scopeLabel]: s.scope };
    this.dcs.upsertEndpoints(s, `${s.scope}-config`, { labels, annotations: { initialize: '' } });
    this.dcs.ensureConfigService(s, labels);
    m.state = cfg.clone ? 'running custom bootstrap script' : 'initializing new cluster';
    m.busyUntil = this.ctx.clock.now + this.world.bootstrap.seconds;
    this.ctx.trace(`patroni: ${m.name} won the initialize race: ${m.state}`);
  }

  private standbySource(s: ScopeState, cfg: PatroniConfig): string | undefined {
    return new PatroniStandby(this.world, { dcs: this.dcs, roster: this.roster }).sourceSysid(s, cfg);
  }

  /**
   * The end of a bootstrap (ha.py `Ha.post_bootstrap`): the system identifier in `initialize`, the
   * dynamic configuration, the leader lock. A failed one removes the key and moves the data directory
   * away (`Ha.cancel_initialization`), and Patroni exits.
   */
  postBootstrap(s: ScopeState, cfg: PatroniConfig, m: Member, pod: KubeObject): void {
    if (this.world.bootstrap.failures > 0) {
      this.world.bootstrap.failures--;
      this.dcs.upsertEndpoints(s, `${s.scope}-config`, { annotations: { initialize: null } });
      this.world.volumes.delete(m.pvcUid);
      m.state = m.state === 'initializing new cluster' ? 'initdb failed' : 'custom bootstrap failed';
      m.busyUntil = this.ctx.clock.now + RUNIT_BACKOFF;
      this.ctx.trace(`patroni: ${m.name} bootstrap failed (${m.state}), initialize removed`);
      return;
    }
    this.bootstrap(s, cfg, m, pod);
  }

  /**
   * The system a clone restores: Spilo's clone_with_wale.py fetches a base backup of the archive
   * CLONE_WALG_*_PREFIX names (configure_spilo.py, `clone_with_wale` bootstrap method), and a base
   * backup is a copy of its data directory, so the clone carries that system's identifier (WAL-G
   * v3.0.5 records it in the sentinel: backup_push_handler.go). Found as the system whose members
   * archive to that prefix; undefined when the simulation runs none.
   */
  private cloneSource(s: ScopeState, cfg: PatroniConfig): string | undefined {
    if (cfg.clonePrefix === undefined) return undefined;
    for (const src of this.world.scopes.values()) {
      if (src === s) continue;
      for (const member of src.members.values()) {
        const pod = this.ctx.store.get({ kind: 'Pod', namespace: src.namespace, name: member.name });
        const sysid = this.world.volumes.get(member.pvcUid)?.sysid;
        if (pod && sysid !== undefined && walgPrefixOf(pod) === cfg.clonePrefix) return sysid;
      }
    }
    return undefined;
  }

  bootstrap(s: ScopeState, cfg: PatroniConfig, m: Member, pod: KubeObject): void {
    // A standby cluster's leader is a copy of its source (patroni-standby.ts), with its identifier;
    // so is a clone of an archive whose system the simulation runs.
    const sysid =
      this.standbySource(s, cfg) ??
      this.cloneSource(s, cfg) ??
      String(7_437_218_811_431_043_000n + ++this.systems);
    const dcs = (cfg.spilo['bootstrap'] as { dcs?: JsonObject } | undefined)?.dcs ?? {};
    const labels = { ...cfg.labels, [cfg.scopeLabel]: s.scope };
    this.dcs.upsertEndpoints(s, `${s.scope}-config`, {
      labels,
      annotations: { initialize: sysid, config: JSON.stringify(dcs) },
    });
    this.dcs.ensureConfigService(s, labels);
    Object.assign(m, { state: 'running', role: 'primary', timeline: 1, xlog: INITIAL_XLOG });
    m.running = this.roster.effective(s, cfg, pod);
    this.world.volumes.set(m.pvcUid, { sysid, role: 'primary', timeline: 1, xlog: INITIAL_XLOG });
    this.dcs.takeLeader(s, m, { ttl: this.dcs.ttl(s, cfg), labels });
    this.world.events.push({ at: this.ctx.clock.now, type: 'bootstrap', member: m.name });
    this.ctx.trace(`patroni: ${m.name} bootstrapped ${s.scope} (initialize ${sysid})`);
  }

  /**
   * A member that starts on a data directory that is not empty never runs initdb (ha.py
   * `Ha._run_cycle`: `data_directory_empty()` is false, so `Ha.bootstrap` is not called). With no
   * `initialize` key and no leader it writes the key with its own system identifier ("bootstrap", but
   * data directory is not empty) and starts PostgreSQL read-only; the leader race then promotes it. The
   * first lock holder writes the dynamic configuration when the key has none (`Ha._run_cycle`,
   * `set_config_value`).
   */
  adopt(s: ScopeState, cfg: PatroniConfig, m: Member, data: VolumeData): void {
    const labels = { ...cfg.labels, [cfg.scopeLabel]: s.scope };
    const dcs = (cfg.spilo['bootstrap'] as { dcs?: JsonObject } | undefined)?.dcs ?? {};
    const config = this.dcs.endpoints(s, '-config')?.metadata.annotations?.['config'];
    this.dcs.upsertEndpoints(s, `${s.scope}-config`, {
      labels,
      annotations: {
        initialize: data.sysid,
        ...(config === undefined ? { config: JSON.stringify(dcs) } : {}),
      },
    });
    this.dcs.ensureConfigService(s, labels);
    this.world.events.push({ at: this.ctx.clock.now, type: 'adopt', member: m.name, detail: data.sysid });
    this.ctx.trace(`patroni: ${m.name} found data (system ${data.sysid}) and no initialize key: adopted it`);
  }

  /**
   * A data directory of another system than `initialize` (ha.py `Ha._run_cycle`: "system ID
   * mismatch, node belongs to a different cluster"): Patroni exits and Spilo's runit starts it again
   * after its back-off (runit/patroni/finish), to fail the same way: a crash loop.
   */
  sysidMismatch(m: Member, data: VolumeData, initialize: string): void {
    m.state = 'start failed';
    m.busyUntil = this.ctx.clock.now + RUNIT_BACKOFF;
    this.world.events.push({
      at: this.ctx.clock.now,
      type: 'sysid-mismatch',
      member: m.name,
      detail: data.sysid,
    });
    this.ctx.trace(`patroni: ${m.name} system ID mismatch (${initialize} != ${data.sysid}): exits`);
  }
}
