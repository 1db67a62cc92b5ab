/**
 * The data of the Patroni simulation (see patroni.ts): members, their volumes' contents, the state
 * kept per scope, Spilo's reading of a pod's environment, the events recorded for assertions, and
 * the error type of the REST API. Shared by the modules that make up the simulation.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { isObject, type JsonObject } from '../lib/json';
import { containerEnv, specOf, type SimContext } from './context';
import type { Kubelets } from './kubelet';

export const PATRONI = 'patroni';
export const INITIAL_XLOG = 50_331_648;

/**
 * Patroni's member states the simulation goes through (patroni/postgresql/__init__.py and
 * bootstrap.py `set_state`; the list in patroni/utils.py `cluster_as_json`).
 */
export type State =
  | 'starting'
  /** PostgreSQL died under a running Patroni (ha.py `Ha._run_cycle`); the next loop starts it again. */
  | 'crashed'
  /** A restart whose start failed (postgresql/__init__.py `Postgresql.restart` appends the state). */
  | 'restart failed (start failed)'
  | 'creating replica'
  | 'running'
  | 'restarting'
  | 'stopped'
  | 'initializing new cluster'
  | 'running custom bootstrap script'
  | 'initdb failed'
  | 'custom bootstrap failed'
  /** Patroni exited at start (a system ID mismatch) and waits for Spilo's runit to start it again. */
  | 'start failed';

/** States that end by themselves at `busyUntil`. */
export const TIMED_STATES: ReadonlySet<State> = new Set<State>([
  'creating replica',
  'restarting',
  'initializing new cluster',
  'running custom bootstrap script',
  'initdb failed',
  'custom bootstrap failed',
  'start failed',
  'crashed',
  'restart failed (start failed)',
]);

export interface Member {
  name: string;
  processId: string;
  state: State;
  role: 'primary' | 'replica';
  timeline: number;
  xlog: number;
  /** Parameters PostgreSQL runs with (fixed at start). */
  running: Record<string, string>;
  busyUntil: number;
  /** PostgreSQL died under this Patroni; its next HA loop notices (`crashed`). */
  postgresDied?: boolean;
  ip: string;
  pvcUid: string;
}

export interface VolumeData {
  sysid: string;
  /** What the data directory says on the next start (postgresql/__init__.py `get_postgres_role_from_data_directory`). */
  role: 'primary' | 'replica';
  timeline: number;
  xlog: number;
}

export interface ScopeState {
  namespace: string;
  scope: string;
  /** The kind Patroni keeps its keys in, fixed when the scope's first member starts. */
  dcs: 'endpoints' | 'configmaps';
  lastRenew: number;
  members: Map<string, Member>;
  lag: Map<string, number>;
  /** Members whose next restart fails to start PostgreSQL (set by scenarios). */
  failRestart: Set<string>;
  failoverKey: boolean;
  /**
   * A switchover asked for over the REST API and not carried out yet (the `-failover` key): the
   * leader demotes on its next HA loop, the candidate takes the lock on the one after.
   */
  switchover?: { leader: string; candidate?: string; at: number };
  /** When the leader lock was released: the others race on their next HA loop, not this one. */
  releasedAt?: number;
  /** The standby leader of a standby cluster (patroni-standby.ts), until it is promoted. */
  standbyLeader?: string;
}

/** Spilo's reading of a pod's environment. */
export interface PatroniConfig {
  scope: string;
  scopeLabel: string;
  roleLabel: string;
  leaderValue: string;
  labels: Record<string, string>;
  spilo: JsonObject;
  version: string;
  /** Spilo clones from an archive (CLONE_METHOD): Patroni runs a custom bootstrap script. */
  clone: boolean;
  /**
   * Patroni keeps its keys in ConfigMaps: `KUBERNETES_USE_CONFIGMAPS` is non-empty, so Spilo's
   * `configure_spilo.py` `get_dcs_config` leaves `use_endpoints` out (Patroni's own default, false).
   */
  configMaps: boolean;
  /** The archive a clone restores (`CLONE_WALG_S3_PREFIX` and the like), when it clones. */
  clonePrefix?: string;
}

/** One scope as an operation sees it: its state, its configuration and its member pods. */
export interface ScopeView {
  s: ScopeState;
  cfg: PatroniConfig;
  pods: KubeObject[];
}

/** What the simulation's modules share: the simulated world and the data on the volumes (by PVC uid). */
export interface PatroniWorld {
  /**
   * How long a bootstrap takes (seconds; initdb or a restore from the archive) and how many of the
   * next bootstraps fail, set by scenarios.
   */
  bootstrap: { seconds: number; failures: number };
  ctx: SimContext;
  kubelets: Kubelets;
  events: PatroniEvent[];
  volumes: Map<string, VolumeData>;
  /** Every scope by `<namespace>/<scope>`: a standby cluster finds its source there. */
  scopes: Map<string, ScopeState>;
}

export class PatroniRestError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** One member of `GET /cluster` (patroni/utils.py `cluster_as_json`). */
export interface ClusterMember {
  name: string;
  role: string;
  /** The member's state, or a replica's `replication_state` (`streaming`, `in archive recovery`). */
  state: string;
  api_url?: string;
  host?: string;
  port?: number;
  timeline?: number;
  /** Not on the leader; `unknown` for a member that reports no WAL position. */
  lag?: number | 'unknown';
  pending_restart?: boolean;
}

export function configOf(pod: KubeObject): PatroniConfig | undefined {
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
    clone: env['CLONE_METHOD'] !== undefined,
    configMaps: (env['KUBERNETES_USE_CONFIGMAPS'] ?? '') !== '',
    ...clonePrefixOf(env),
  };
}

/** The clone's archive: the prefix variables configure_spilo.py reads with CLONE_ in front. */
function clonePrefixOf(env: Record<string, string>): { clonePrefix?: string } {
  const names = ['WALG_S3_PREFIX', 'WALE_S3_PREFIX', 'WALG_GS_PREFIX', 'WALE_GS_PREFIX', 'WALG_AZ_PREFIX'];
  const prefix = names.map((n) => env[`CLONE_${n}`]).find((v) => v !== undefined && v !== '');
  return prefix === undefined ? {} : { clonePrefix: prefix };
}

/** What Patroni did, in order, for assertions about how an operation went. */
export interface PatroniEvent {
  at: number;
  type:
    | 'bootstrap'
    | 'failover'
    | 'switchover'
    | 'restart'
    | 'patch-config'
    | 'adopt'
    | 'sysid-mismatch'
    | 'standby-promotion';
  /** The member acted on: bootstrapped, promoted, restarted, or the switchover's candidate. */
  member: string;
  /** restart: the member's role then; switchover: the former leader. */
  detail?: string;
  /** restart: members up (running) when it started, the restarted one included. */
  membersUp?: number;
}

export function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

export const PG_MAJORS: Readonly<Record<string, true>> = {
  '13': true,
  '14': true,
  '15': true,
  '16': true,
  '17': true,
  '18': true,
};

/**
 * What a standby leader reports instead of a primary's role, and how it replays (patroni-standby.ts
 * says where Patroni does this); undefined for any other member.
 */
export function standbyReport(
  s: ScopeState,
  dcs: JsonObject,
  m: Member,
): { role: string; replication: string } | undefined {
  const section = dcs['standby_cluster'];
  if (!isObject(section) || s.standbyLeader !== m.name || m.role !== 'primary') return undefined;
  return {
    role: 'standby_leader',
    replication: typeof section['host'] === 'string' ? 'streaming' : 'in archive recovery',
  };
}
