/**
 * What every Job effect shares (see ../job-effects.ts): the world an effect may touch, the outcomes,
 * the programs' bounded waits, and reading the Job's environment and Patroni's GET /cluster.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { CLUSTER_LABEL, clusterNames } from '../../../hooks/postgrescluster/names';
import { containerEnvValues, type RenderedEnvVar } from '../../support/container-env';
import type { JsonObject } from '../lib/json';
import type { ApiStore } from '../lib/store';
import { containerEnv, specOf } from '../sim/context';
import type { JobOutcome } from '../sim/jobs';
import { PatroniRestError, type ClusterMember, type PatroniApi, type PatroniSim } from '../sim/patroni';
import type { RestAuth } from '../sim/patroni-rest';
import type { BackupStore } from '../sim/walg';

/** What a Job's effect may touch. */
export interface JobWorld {
  store: ApiStore;
  patroni: PatroniSim;
  /** The object store of the WAL-G archives. */
  backups: BackupStore;
  /** What a query returns on a restored copy of the data, by query text (restore drill checks). */
  queryResults: ReadonlyMap<string, string>;
  /** Whether a pod's container runs and its node answers (the kubelets' view). */
  podRunning(pod: KubeObject): boolean;
  /** Simulated seconds, for the programs' bounded waits. */
  now(): number;
  trace(line: string): void;
}

export interface JobEffect {
  name: string;
  matches(job: KubeObject): boolean;
  run(job: KubeObject, world: JobWorld, memory: JsonObject): JobOutcome;
}

/** The annotation day-2 Jobs carry (hooks/postgrescluster/names.ts ANNOTATIONS.operation). */
export const OPERATION = 'pgmeta.io/operation';
/** The programs' own timeouts (params RESTART_TIMEOUT, switchover TIMEOUT, rollout MEMBER_TIMEOUT, ROLLOUT_TIMEOUT). */
export const RESTART_TIMEOUT = 900;
export const SWITCHOVER_TIMEOUT = 300;
export const MEMBER_TIMEOUT = 1800;
export const ROLLOUT_TIMEOUT = 21_600;
export const UP_STATES = new Set(['running', 'streaming']);
export const LEADER_ROLES = new Set(['leader', 'standby_leader', 'master', 'primary']);

export const running = (why: string): JobOutcome => ({ running: why });
export const failed = (why: string): JobOutcome => ({ failed: why });
export const done = (message: string): JobOutcome => ({ done: true, message });

/**
 * The program's `wait_for(what, check, timeout)` while `check` still fails: keep waiting, or fail the
 * attempt once `timeout` seconds went by since this wait began (the Job then retries).
 */
export function waitFor(w: JobWorld, mem: JsonObject, o: { what: string; timeout: number }): JobOutcome {
  const key = `wait:${o.what}`;
  const since = typeof mem[key] === 'number' ? mem[key] : w.now();
  mem[key] = since;
  mem['waitUntil'] = since + o.timeout;
  if (w.now() - since >= o.timeout) return failed(`timed out after ${o.timeout}s waiting for ${o.what}`);
  return running(o.what);
}

/** The program got past its waits: the next one starts from now. */
export function moved(mem: JsonObject): void {
  for (const k of Object.keys(mem))
    if (k.startsWith('wait:') || k === 'waitUntil') Reflect.deleteProperty(mem, k);
}

export function envOf(job: KubeObject): Record<string, string> {
  return containerEnv((specOf(job)['template'] as { spec?: unknown } | undefined)?.spec);
}

export function scopeOf(job: KubeObject): string {
  return clusterNames({ name: job.metadata.labels?.[CLUSTER_LABEL] ?? '' }).scope;
}

/**
 * Patroni's REST API as the Job's program calls it: with the credentials its env reads from the
 * Secret (`PATRONI_RESTAPI_USERNAME`/`PASSWORD`, day2/python.ts `patroni()`), none if it has none.
 * Whether Patroni accepts them is the simulation's (sim/patroni-rest.ts, after Patroni v4.0.4
 * `patroni/api.py` `check_access`).
 */
export function patroniOf(job: KubeObject, world: JobWorld): PatroniApi {
  const api = world.patroni.api(job.metadata.namespace ?? '', scopeOf(job));
  const pod = (
    specOf(job)['template'] as { spec?: { containers?: { env?: RenderedEnvVar[] }[] } } | undefined
  )?.spec;
  let auth: RestAuth | undefined;
  try {
    const env = containerEnvValues(
      pod?.containers?.[0]?.env ?? [],
      world.store.list('Secret', job.metadata.namespace),
    );
    const username = env.get('PATRONI_RESTAPI_USERNAME');
    const password = env.get('PATRONI_RESTAPI_PASSWORD');
    if (username !== undefined && password !== undefined) auth = { username, password };
  } catch {
    auth = undefined; // a Secret the pod needs is missing: the kubelet would not start it either
  }
  return api.withAuth(auth);
}

/** The credentials in a cluster's REST API Secret: what an administrator's `patronictl` would use. */
export function adminAuth(store: ApiStore, namespace: string, cluster: string): RestAuth | undefined {
  const secret = store.get({
    kind: 'Secret',
    namespace,
    name: clusterNames({ name: cluster }).restApiSecret,
  });
  const data = (secret?.['data'] ?? {}) as Record<string, string>;
  const field = (k: string) => Buffer.from(data[k] ?? '', 'base64').toString('utf8');
  return secret === undefined ? undefined : { username: field('username'), password: field('password') };
}

/** GET /cluster, or undefined while no member answers. */
export function clusterOf(api: PatroniApi): ClusterMember[] | undefined {
  try {
    return api.cluster().members;
  } catch (err) {
    if (err instanceof PatroniRestError) return undefined;
    throw err;
  }
}

export const leaderOf = (members: readonly ClusterMember[]): string | undefined =>
  members.find((m) => LEADER_ROLES.has(m.role))?.name;
export const allUp = (members: readonly ClusterMember[]): boolean =>
  members.length > 0 && members.every((m) => UP_STATES.has(m.state));
