/**
 * What each Job pgmeta renders would do inside a real cluster, carried out on the simulation: the
 * one place that maps a Job to its effect. Each effect follows its Job's own program step by step
 * (one step per pass, since every step of those programs waits for the cluster to react), reading
 * exactly the inputs the program reads (its container environment), and calling Patroni's REST API or
 * the Kubernetes API under the Job's own RBAC (sim/rbac.ts): a Role that is too narrow fails the Job
 * here as it would in a cluster.
 *
 * Programs mirrored (hooks/postgrescluster/...):
 * - children/bootstrap-job.ts: wait for the primary, then idempotent SQL;
 * - day2/params-script.ts: PATCH /config, then restart pending members one at a time, replicas first;
 * - day2/switchover-script.ts: POST /switchover once a leader and a running candidate exist;
 * - day2/rollout-script.ts: replace stale pods one at a time, replicas first, then switch over (or
 *   replace) the primary;
 * - day2/resize-script.ts: patch each claim's storage request;
 * - day2/cleanup.ts: delete Patroni's leftover Endpoints and Service;
 * - postgresbackup/job.ts: `pg_isready` until the Service (primary, or replicas with
 *   backupFromReplica) has a backend whose PostgreSQL accepts connections, then one psql session
 *   that has that server run `wal-g backup-push` (COPY ... TO PROGRAM) with the WAL-G configuration
 *   Spilo gave that member pod, and reports the backup `wal-g backup-list` shows with its id. This
 *   program calls no Kubernetes API (its pod mounts no token), so no Role is checked; what it needs
 *   is checked instead: the Service's backends, the member's PostgreSQL, the member's WAL-G envdir
 *   and the object store (sim/walg.ts). Its superuser credentials come from secretKeyRefs, which the
 *   kubelet resolves before the container starts (sim/kubelet.ts); it has no timeout of its own
 *   besides the Job's activeDeadlineSeconds (sim/jobs.ts).
 * A Job nothing here matches fails the scenario loudly: a new kind of Job needs its effect written.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { BACKUP_LABEL } from '../../hooks/postgresbackup/names';
import { CLUSTER_LABEL, clusterNames } from '../../hooks/postgrescluster/names';
import { RESTART_REQUEST, planRestarts } from '../../hooks/postgrescluster/patroni/restart-plan';
import type { JsonObject } from './lib/json';
import { ApiError, type ApiStore } from './lib/store';
import { matches as selects } from './lib/selectors';
import { containerEnv, hasCondition, specOf, statusOf } from './sim/context';
import { logLine, type JobOutcome } from './sim/jobs';
import { PatroniRestError, type ClusterMember, type PatroniApi, type PatroniSim } from './sim/patroni';
import { authorized, jobIdentity } from './sim/rbac';
import { baseBackupName, toNextSegment, walgPrefixOf, type BackupStore } from './sim/walg';

/** What a Job's effect may touch. */
export interface JobWorld {
  store: ApiStore;
  patroni: PatroniSim;
  /** The object store of the WAL-G archives. */
  backups: BackupStore;
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
const OPERATION = 'pgmeta.io/operation';
/** The programs' own timeouts (params RESTART_TIMEOUT, switchover TIMEOUT, rollout MEMBER_TIMEOUT, ROLLOUT_TIMEOUT). */
const RESTART_TIMEOUT = 900;
const SWITCHOVER_TIMEOUT = 300;
const MEMBER_TIMEOUT = 1800;
const ROLLOUT_TIMEOUT = 21_600;
const UP_STATES = new Set(['running', 'streaming']);
const LEADER_ROLES = new Set(['leader', 'standby_leader', 'master', 'primary']);

const running = (why: string): JobOutcome => ({ running: why });
const failed = (why: string): JobOutcome => ({ failed: why });
const done = (message: string): JobOutcome => ({ done: true, message });

/**
 * The program's `wait_for(what, check, timeout)` while `check` still fails: keep waiting, or fail the
 * attempt once `timeout` seconds went by since this wait began (the Job then retries).
 */
function waitFor(w: JobWorld, mem: JsonObject, o: { what: string; timeout: number }): JobOutcome {
  const key = `wait:${o.what}`;
  const since = typeof mem[key] === 'number' ? mem[key] : w.now();
  mem[key] = since;
  mem['waitUntil'] = since + o.timeout;
  if (w.now() - since >= o.timeout) return failed(`timed out after ${o.timeout}s waiting for ${o.what}`);
  return running(o.what);
}

/** The program got past its waits: the next one starts from now. */
function moved(mem: JsonObject): void {
  for (const k of Object.keys(mem))
    if (k.startsWith('wait:') || k === 'waitUntil') Reflect.deleteProperty(mem, k);
}

function envOf(job: KubeObject): Record<string, string> {
  return containerEnv((specOf(job)['template'] as { spec?: unknown } | undefined)?.spec);
}

function scopeOf(job: KubeObject): string {
  return clusterNames({ name: job.metadata.labels?.[CLUSTER_LABEL] ?? '' }).scope;
}

function patroniOf(job: KubeObject, world: JobWorld): PatroniApi {
  return world.patroni.api(job.metadata.namespace ?? '', scopeOf(job));
}

/** GET /cluster, or undefined while no member answers. */
function clusterOf(api: PatroniApi): ClusterMember[] | undefined {
  try {
    return api.cluster().members;
  } catch (err) {
    if (err instanceof PatroniRestError) return undefined;
    throw err;
  }
}

const leaderOf = (members: readonly ClusterMember[]): string | undefined =>
  members.find((m) => LEADER_ROLES.has(m.role))?.name;
const allUp = (members: readonly ClusterMember[]): boolean =>
  members.length > 0 && members.every((m) => UP_STATES.has(m.state));

const KINDS: Readonly<Record<string, { kind: string; group: string }>> = {
  pods: { kind: 'Pod', group: '' },
  persistentvolumeclaims: { kind: 'PersistentVolumeClaim', group: '' },
  endpoints: { kind: 'Endpoints', group: '' },
  services: { kind: 'Service', group: '' },
  statefulsets: { kind: 'StatefulSet', group: 'apps' },
};

/** The Kubernetes API as the Job's pod sees it: its ServiceAccount, its namespace, HTTP-like answers. */
class JobKube {
  private readonly sa: string | undefined;
  private readonly ns: string;
  private readonly store: ApiStore;

  constructor(job: KubeObject, store: ApiStore) {
    this.store = store;
    this.sa = jobIdentity(job);
    this.ns = job.metadata.namespace ?? '';
  }

  private allowed(resource: string, verb: string, name: string): number {
    const kind = KINDS[resource];
    if (!kind) throw new Error(`job-effects: unknown resource ${resource}`);
    if (this.sa === undefined) return 401;
    const ok = authorized(this.store, this.sa, {
      namespace: this.ns,
      group: kind.group,
      resource,
      verb,
      name,
    });
    return ok ? 200 : 403;
  }

  get(resource: string, name: string): { status: number; body?: KubeObject } {
    const code = this.allowed(resource, 'get', name);
    if (code !== 200) return { status: code };
    const body = this.store.get({ kind: KINDS[resource]?.kind ?? '', namespace: this.ns, name });
    return body ? { status: 200, body } : { status: 404 };
  }

  delete(resource: string, name: string, uid?: string): number {
    const code = this.allowed(resource, 'delete', name);
    if (code !== 200) return code;
    try {
      this.store.delete(
        { kind: KINDS[resource]?.kind ?? '', namespace: this.ns, name },
        {
          actor: `job:${this.sa ?? ''}`,
          ...(uid === undefined ? {} : { uid }),
        },
      );
      return 200;
    } catch (err) {
      if (err instanceof ApiError) return err.code;
      throw err;
    }
  }

  /** A JSON merge patch of one claim's storage request. */
  patchStorage(name: string, size: string): { status: number; message?: string } {
    const code = this.allowed('persistentvolumeclaims', 'patch', name);
    if (code !== 200) return { status: code };
    const pvc = this.store.get({ kind: 'PersistentVolumeClaim', namespace: this.ns, name });
    if (!pvc) return { status: 404 };
    const spec = specOf(pvc);
    const resources = (spec['resources'] ?? {}) as { requests?: Record<string, string> };
    pvc['spec'] = {
      ...spec,
      resources: { ...resources, requests: { ...resources.requests, storage: size } },
    };
    try {
      this.store.update(pvc, `job:${this.sa ?? ''}`);
      return { status: 200 };
    } catch (err) {
      if (err instanceof ApiError) return { status: err.code, message: err.message };
      throw err;
    }
  }
}

const bootstrap: JobEffect = {
  name: 'bootstrap',
  matches: (job) => {
    const cluster = job.metadata.labels?.[CLUSTER_LABEL];
    return (
      cluster !== undefined &&
      job.metadata.name.startsWith(`${clusterNames({ name: cluster }).bootstrapJobPrefix}-`)
    );
  },
  run(job, world) {
    const members = clusterOf(patroniOf(job, world)) ?? [];
    const leader = members.find((m) => LEADER_ROLES.has(m.role) && m.state === 'running');
    return leader ? done(`owner and database created on ${leader.name}`) : running('waiting for the primary');
  },
};

/** params-script.ts */
const params: JobEffect = {
  name: 'params',
  matches: (job) => job.metadata.annotations?.[OPERATION] === 'params',
  run(job, world, mem) {
    const api = patroniOf(job, world);
    if (mem['patched'] !== true) {
      try {
        api.patchConfig(JSON.parse(envOf(job)['DCS_PATCH'] ?? '{}') as JsonObject);
      } catch (err) {
        if (err instanceof PatroniRestError)
          return waitFor(world, mem, { what: 'PATCH /config to succeed', timeout: 600 });
        throw err;
      }
      moved(mem);
      mem['patched'] = true;
      return running('members pick the new values up');
    }
    const members = clusterOf(api);
    if (!members) return waitFor(world, mem, { what: 'GET /cluster', timeout: 600 });
    const current = mem['restarting'];
    if (typeof current === 'string') {
      if (!members.some((m) => m.name === current && UP_STATES.has(m.state))) {
        return waitFor(world, mem, { what: `${current} to run again`, timeout: RESTART_TIMEOUT });
      }
      moved(mem);
      delete mem['restarting'];
    }
    const plan = planRestarts({ members });
    const step = plan[0];
    if (!step) {
      const left = members.filter((m) => m.pending_restart === true).map((m) => m.name);
      return left.length > 0
        ? failed(`still pending a restart: ${left.join(', ')}`)
        : done('parameters applied');
    }
    if (!allUp(members)) {
      return waitFor(world, mem, {
        what: `every member to run before restarting ${step.member}`,
        timeout: RESTART_TIMEOUT,
      });
    }
    moved(mem);
    const restarts = Number(mem['restarts'] ?? 0) + 1;
    if (restarts > 3 * members.length) return failed('restarts do not clear pending_restart');
    mem['restarts'] = restarts;
    try {
      api.restart(step.member, RESTART_REQUEST);
    } catch (err) {
      if (err instanceof PatroniRestError)
        return failed(`POST /restart on ${step.member}: ${err.status} ${err.message}`);
      throw err;
    }
    mem['restarting'] = step.member;
    return running(`restarting ${step.member}`);
  },
};

/** switchover-script.ts */
const switchover: JobEffect = {
  name: 'switchover',
  matches: (job) => job.metadata.annotations?.[OPERATION] === 'switchover',
  run(job, world, mem) {
    const env = envOf(job);
    const from = env['LEADER'] ?? '';
    const candidate = env['CANDIDATE'];
    const api = patroniOf(job, world);
    const members = clusterOf(api) ?? [];
    const leader = leaderOf(members);
    const isDone = leader !== undefined && (candidate !== undefined ? leader === candidate : leader !== from);
    if (isDone) return done(`the leader is ${leader}`);
    if (mem['requested'] === true)
      return waitFor(world, mem, { what: 'the new leader', timeout: SWITCHOVER_TIMEOUT });
    const candidateUp = members.some(
      (m) => (candidate !== undefined ? m.name === candidate : m.name !== leader) && UP_STATES.has(m.state),
    );
    if (leader === undefined || !candidateUp) {
      return waitFor(world, mem, { what: 'a leader and a running candidate', timeout: SWITCHOVER_TIMEOUT });
    }
    moved(mem);
    try {
      api.switchover({ leader, ...(candidate !== undefined ? { candidate } : {}) });
    } catch (err) {
      if (err instanceof PatroniRestError) return failed(`switchover refused: ${err.status} ${err.message}`);
      throw err;
    }
    mem['requested'] = true;
    return waitFor(world, mem, { what: 'the new leader', timeout: SWITCHOVER_TIMEOUT });
  },
};

const labelsOf = (p: KubeObject | undefined): Record<string, string> => p?.metadata.labels ?? {};
const podReady = (p: KubeObject | undefined): boolean =>
  p !== undefined && p.metadata.deletionTimestamp === undefined && hasCondition(p, 'Ready');
const isPrimary = (p: KubeObject | undefined): boolean => labelsOf(p)['spilo-role'] === 'master';

/** rollout-script.ts: one replacement or switchover per pass, never two members down. */
const rollout: JobEffect = {
  name: 'rollout',
  matches: (job) => job.metadata.annotations?.[OPERATION] === 'rollout',
  run(job, world, mem) {
    const env = envOf(job);
    const target = env['TARGET_REVISION'] ?? '';
    const kube = new JobKube(job, world.store);
    const stsAnswer = kube.get('statefulsets', env['STATEFULSET'] ?? '');
    if (stsAnswer.status !== 200 && stsAnswer.status !== 404)
      return failed(`GET statefulset: ${stsAnswer.status}`);
    const sts = stsAnswer.body;
    const snapshot = { what: 'the StatefulSet and its pods', timeout: MEMBER_TIMEOUT };
    if (!sts) return waitFor(world, mem, snapshot);
    const status = statusOf(sts);
    if (Number(status['observedGeneration'] ?? -1) < (sts.metadata.generation ?? 0))
      return waitFor(world, mem, snapshot);
    const pods = new Map<string, KubeObject | undefined>();
    for (let i = 0; i < Number(specOf(sts)['replicas'] ?? 0); i++) {
      const name = `${sts.metadata.name}-${i}`;
      const answer = kube.get('pods', name);
      if (answer.status !== 200 && answer.status !== 404) return failed(`GET pods ${name}: ${answer.status}`);
      pods.set(name, answer.body);
    }
    const updateRevision =
      typeof status['updateRevision'] === 'string' ? status['updateRevision'] : undefined;
    const wait = waitingRollout({ world, mem, pods, target, updateRevision });
    if (wait) return wait;
    if (status['updateRevision'] !== target) {
      return done(`superseded: the StatefulSet now updates to ${String(status['updateRevision'])}`);
    }
    return rolloutStep({
      job,
      world,
      kube,
      mem,
      pods,
      target,
      method: env['PRIMARY_UPDATE_METHOD'] ?? 'switchover',
    });
  },
};

/** The wait at the end of `replace()` and `switch_away()` in the script. */
function waitingRollout(o: {
  world: JobWorld;
  mem: JsonObject;
  pods: Map<string, KubeObject | undefined>;
  target: string;
  /** The StatefulSet's current update revision: a newer one supersedes this rollout. */
  updateRevision: string | undefined;
}): JobOutcome | undefined {
  const { world, mem, pods, target } = o;
  const superseded = o.updateRevision !== undefined && o.updateRevision !== target;
  const replacing = mem['replacing'] as { name: string; uid: string } | undefined;
  if (replacing) {
    const p = pods.get(replacing.name);
    const back =
      p !== undefined &&
      p.metadata.uid !== replacing.uid &&
      (labelsOf(p)['controller-revision-hash'] === target || superseded) &&
      podReady(p);
    if (!back) {
      return waitFor(world, mem, {
        what: `${replacing.name} to run ${target} and be ready`,
        timeout: MEMBER_TIMEOUT,
      });
    }
    moved(mem);
    delete mem['replacing'];
  }
  const switching = mem['switching'];
  if (typeof switching === 'string') {
    if (isPrimary(pods.get(switching))) {
      return waitFor(world, mem, { what: `${switching} to hand the leader over`, timeout: MEMBER_TIMEOUT });
    }
    moved(mem);
    delete mem['switching'];
  }
  return undefined;
}

function rolloutStep(o: {
  job: KubeObject;
  world: JobWorld;
  kube: JobKube;
  mem: JsonObject;
  pods: Map<string, KubeObject | undefined>;
  target: string;
  method: string;
}): JobOutcome {
  const updated = (p: KubeObject | undefined) => labelsOf(p)['controller-revision-hash'] === o.target;
  const stale = [...o.pods].filter(([, p]) => p !== undefined && !updated(p)).map(([n]) => n);
  if (stale.length === 0) return done(`every member runs ${o.target}`);
  const down = [...o.pods].filter(([, p]) => !podReady(p)).map(([n]) => n);
  const replace = (name: string): JobOutcome => {
    const pod = o.pods.get(name)!;
    const code = o.kube.delete('pods', name, pod.metadata.uid ?? '');
    if (![200, 202, 404, 409].includes(code)) return failed(`DELETE pod ${name}: ${code}`);
    moved(o.mem);
    o.mem['replacing'] = { name, uid: pod.metadata.uid ?? '' };
    o.world.trace(`job ${o.job.metadata.name}: deleted ${name} to move it to ${o.target}`);
    return running(`${name} to come back`);
  };
  const [first] = down;
  if (down.length === 1 && first !== undefined && stale.includes(first) && !isPrimary(o.pods.get(first)))
    return replace(first);
  if (down.length > 0)
    return waitFor(o.world, o.mem, { what: 'every member to be ready', timeout: ROLLOUT_TIMEOUT });
  const replicas = stale.filter((n) => !isPrimary(o.pods.get(n)));
  if (replicas[0] !== undefined) return replace(replicas[0]);
  const primary = stale[0]!;
  if (o.method === 'switchover' && o.pods.size > 1) {
    try {
      patroniOf(o.job, o.world).switchover({ leader: primary });
    } catch (err) {
      if (!(err instanceof PatroniRestError)) throw err;
      return running(`POST /switchover from ${primary}: ${err.status}`);
    }
    moved(o.mem);
    o.mem['switching'] = primary;
    return running(`${primary} to hand the leader over`);
  }
  return replace(primary);
}

/** resize-script.ts */
const resize: JobEffect = {
  name: 'resize',
  matches: (job) => job.metadata.annotations?.[OPERATION] === 'resize',
  run(job, world) {
    const env = envOf(job);
    const size = env['SIZE'] ?? '';
    const kube = new JobKube(job, world.store);
    for (const name of (env['CLAIMS'] ?? '').split(' ').filter((c) => c !== '')) {
      const answer = kube.get('persistentvolumeclaims', name);
      if (answer.status === 404) continue;
      if (answer.status !== 200) return failed(`GET ${name}: ${answer.status}`);
      const requested = (specOf(answer.body!)['resources'] as { requests?: { storage?: string } } | undefined)
        ?.requests?.storage;
      if (requested === size) continue;
      const patched = kube.patchStorage(name, size);
      if (patched.status !== 200)
        return failed(`PATCH ${name} to ${size}: ${patched.status} ${patched.message ?? ''}`);
    }
    return done(`claims request ${size}`);
  },
};

/** cleanup.ts */
const cleanup: JobEffect = {
  name: 'cleanup',
  matches: (job) => job.metadata.annotations?.[OPERATION] === 'cleanup',
  run(job, world) {
    const kube = new JobKube(job, world.store);
    for (const target of (envOf(job)['DELETE'] ?? '').split(' ').filter((t) => t !== '')) {
      const [resource = '', name = ''] = target.split('/');
      const code = kube.delete(resource, name);
      if (![200, 202, 404].includes(code)) return failed(`DELETE ${target}: ${code}`);
    }
    return done('Patroni leftovers deleted');
  },
};

/** How long `wal-g backup-push` takes in the simulation (a small database's base backup). */
export const BASE_BACKUP_SECONDS = 20;
/** psql's exit code when the connection is lost (the script's `set -e` passes it on). */
const PSQL_CONNECTION_LOST = 2;
/** daemontools' `envdir` exit code when it cannot read its directory. */
const ENVDIR_FATAL = 111;

type Member = NonNullable<ReturnType<PatroniSim['member']>>;

/** A PostgreSQL server a client reached: the member pod and what Patroni runs in it. */
interface Server {
  pod: KubeObject;
  scope: string;
  member: Member;
}

/** What the backup program's text says: where the server runs WAL-G, and the sentinel's user data. */
interface BackupProgram {
  envdir: string;
  userData: Record<string, unknown>;
  /** The line of psql's input that runs the program (psql's error messages name it). */
  copyLine: number;
}

function backupProgram(job: KubeObject, env: Record<string, string>): BackupProgram {
  const m = /WALG_SENTINEL_USER_DATA='([^']*)' envdir (\S+) wal-g backup-push /.exec(
    env['BACKUP_PROGRAM'] ?? '',
  );
  const template = specOf(job)['template'] as
    { spec?: { containers?: { command?: string[] }[] } } | undefined;
  const containers = template?.spec?.containers;
  const script = containers?.[0]?.command?.at(-1) ?? '';
  const sql = /<<'SQL'\n([\s\S]*?)\nSQL\n/.exec(script)?.[1]?.split('\n') ?? [];
  const copyLine = sql.findIndex((l) => l.includes('TO PROGRAM')) + 1;
  if (!m?.[1] || !m[2] || copyLine === 0) {
    throw new Error(
      `job-effects: the backup Job's program changed (${job.metadata.name}): update its effect`,
    );
  }
  return { envdir: m[2], userData: JSON.parse(m[1]) as Record<string, unknown>, copyLine };
}

/** The pods behind a Service: its selector's ready pods, or the addresses of its own Endpoints. */
function backends(world: JobWorld, ns: string, service: string): KubeObject[] {
  const svc = world.store.get({ kind: 'Service', namespace: ns, name: service });
  if (!svc) return [];
  const selector = specOf(svc)['selector'] as Record<string, string> | undefined;
  if (selector) {
    return world.store
      .list('Pod', ns)
      .filter(
        (p) =>
          selects({ matchLabels: selector }, p.metadata.labels) &&
          p.metadata.deletionTimestamp === undefined &&
          hasCondition(p, 'Ready'),
      );
  }
  const endpoints = world.store.get({ kind: 'Endpoints', namespace: ns, name: service });
  const subsets = (endpoints?.['subsets'] ?? []) as { addresses?: { targetRef?: { name?: string } }[] }[];
  return subsets
    .flatMap((s) => s.addresses ?? [])
    .map((a) => world.store.get({ kind: 'Pod', namespace: ns, name: a.targetRef?.name ?? '' }))
    .filter((p): p is KubeObject => p !== undefined);
}

/** The server behind `<service>.<namespace>.svc` whose PostgreSQL accepts connections (pg_isready). */
function serverAt(world: JobWorld, host: string): Server | undefined {
  const [service = '', ns = '', svc] = host.split('.');
  if (svc !== 'svc') throw new Error(`job-effects: PGHOST ${host} is not a Service's DNS name`);
  for (const pod of backends(world, ns, service)) {
    const scope = containerEnv(specOf(pod))['SCOPE'] ?? '';
    const member = world.patroni.member(ns, { scope, member: pod.metadata.name });
    if (member?.state === 'running' && world.podRunning(pod) && pod.metadata.deletionTimestamp === undefined)
      return { pod, scope, member: { ...member } };
  }
  return undefined;
}

/** The session's server still runs the same PostgreSQL, in the same role, as when the backup began. */
function sameServer(world: JobWorld, then: Server): boolean {
  const ns = then.pod.metadata.namespace ?? '';
  const pod = world.store.get({ kind: 'Pod', namespace: ns, name: then.pod.metadata.name });
  const now = world.patroni.member(ns, { scope: then.scope, member: then.pod.metadata.name });
  if (!pod) return false;
  return (
    pod.metadata.uid === then.pod.metadata.uid &&
    pod.metadata.deletionTimestamp === undefined &&
    world.podRunning(pod) &&
    now?.state === 'running' &&
    now.processId === then.member.processId &&
    now.role === then.member.role
  );
}

/** PostgreSQL's text form of `json_build_object(...)`. */
const jsonBuildObject = (pairs: Record<string, string>): string =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${JSON.stringify(k)} : ${JSON.stringify(v)}`)
    .join(', ')}}`;

/** The script's end: what it prints and writes for the line the SQL returned. */
function scriptResult(mem: JsonObject, result: string): JobOutcome {
  if (result.startsWith('ok ')) {
    logLine(mem, `backup taken: ${result.slice(3)}`);
    return { done: true, message: result, terminationMessage: result.slice(3) };
  }
  logLine(mem, `backup failed: ${result}`);
  return { failed: result, terminationMessage: result.slice('failed '.length, 'failed '.length + 3000) };
}

interface Push {
  server: Server;
  prefix: string;
  name: string;
  startedAt: string;
  finishAt: number;
}

/** postgresbackup/job.ts: one base backup, through one psql session on the Service's server. */
const backup: JobEffect = {
  name: 'backup',
  matches: (job) => job.metadata.labels?.[BACKUP_LABEL] !== undefined,
  run(job, world, mem) {
    const env = envOf(job);
    const program = backupProgram(job, env);
    const push = mem['push'] as Push | undefined;
    if (push) return pushing({ world, mem, env, program, push });
    const host = env['PGHOST'] ?? '';
    const server = serverAt(world, host);
    if (!server) {
      logLine(mem, `waiting for PostgreSQL at ${host}:${env['PGPORT'] ?? ''}`);
      return running(`waiting for PostgreSQL at ${host}`);
    }
    // psql connected: COPY ... TO PROGRAM runs the program in the member's container.
    const prefix = walgPrefixOf(server.pod);
    if (prefix === undefined) {
      const log = `envdir: fatal: unable to switch to directory ${program.envdir}: file does not exist`;
      return scriptResult(mem, `failed wal-g backup-push exited with ${ENVDIR_FATAL}: ${log}`);
    }
    if (world.backups.outage !== undefined) {
      const log = `ERROR: ${walgLogTime(world)} failed to upload the backup to ${prefix}: ${world.backups.outage}`;
      return scriptResult(mem, `failed wal-g backup-push exited with 1: ${log}`);
    }
    const started: Push = {
      server,
      prefix,
      name: baseBackupName(server.member.timeline, server.member.xlog),
      startedAt: world.store.clock.iso(),
      finishAt: world.now() + BASE_BACKUP_SECONDS,
    };
    mem['push'] = started;
    mem['waitUntil'] = started.finishAt;
    world.trace(`job ${job.metadata.name}: wal-g backup-push ${started.name} on ${server.pod.metadata.name}`);
    return running(`wal-g backup-push on ${server.pod.metadata.name}`);
  },
};

/** WAL-G's log time format. */
function walgLogTime(world: JobWorld): string {
  return world.store.clock.iso().replace('T', ' ').replace(/-/g, '/').replace('Z', '.000000');
}

/** backup-push runs; at its end the session lists the backups and picks this one. */
function pushing(o: {
  world: JobWorld;
  mem: JsonObject;
  env: Record<string, string>;
  program: BackupProgram;
  push: Push;
}): JobOutcome {
  const { world, mem, push } = o;
  if (!sameServer(world, push.server)) {
    const at = `psql:<stdin>:${o.program.copyLine}:`;
    for (const line of [
      `${at} server closed the connection unexpectedly`,
      '\tThis probably means the server terminated abnormally',
      '\tbefore or while processing the request.',
      `${at} error: connection to server was lost`,
    ])
      logLine(mem, line);
    return {
      failed: `the connection to ${push.server.pod.metadata.name} was lost`,
      exitCode: PSQL_CONNECTION_LOST,
    };
  }
  if (world.now() < push.finishAt) return running(`wal-g backup-push on ${push.server.pod.metadata.name}`);
  const ns = push.server.pod.metadata.namespace ?? '';
  world.backups.push(push.prefix, {
    backup_name: push.name,
    start_time: push.startedAt,
    finish_time: world.store.clock.iso(),
    hostname: push.server.pod.metadata.name,
    start_lsn: push.server.member.xlog,
    user_data: o.program.userData,
  });
  // pg_backup_stop switches to a new WAL segment on a primary, so the next backup starts in it.
  if (push.server.member.role === 'primary')
    world.patroni.write(ns, push.server.scope, toNextSegment(push.server.member.xlog));
  const listed = world.backups
    .list(push.prefix)
    .find((b) => b.user_data?.['pgmeta.io/backup'] === o.env['BACKUP_ID']);
  if (!listed) return scriptResult(mem, 'failed the new backup is missing from wal-g backup-list: ');
  const result = jsonBuildObject({
    backupName: listed.backup_name,
    startTime: listed.start_time,
    finishTime: listed.finish_time,
  });
  return scriptResult(mem, `ok ${result}`);
}

/** The backup effect first: its label is its own, while a backup may be named like a bootstrap Job. */
export const JOB_EFFECTS: readonly JobEffect[] = [
  backup,
  bootstrap,
  params,
  switchover,
  rollout,
  resize,
  cleanup,
];

/** Runs the effect of `job`; throws for a Job no effect matches. */
export function runJob(job: KubeObject, world: JobWorld, memory: JsonObject): JobOutcome {
  const effect = JOB_EFFECTS.find((e) => e.matches(job));
  if (!effect) {
    throw new Error(
      `cluster-sim: no effect known for Job ${job.metadata.namespace ?? ''}/${job.metadata.name}: ` +
        'describe what its program does in test/lifecycle/job-effects.ts',
    );
  }
  return effect.run(job, world, memory);
}
