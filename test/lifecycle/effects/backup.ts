/**
 * The effect of a PostgresBackup's Job (postgresbackup/job.ts): `pg_isready` until the Service has a
 * backend that accepts connections, then one psql session that runs `wal-g backup-push` on that
 * server and reports the backup `wal-g backup-list` shows (details in ../job-effects.ts).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { BACKUP_LABEL } from '../../../hooks/postgresbackup/names';
import type { JsonObject } from '../lib/json';
import { matches as selects } from '../lib/selectors';
import { containerEnv, hasCondition, specOf } from '../sim/context';
import { logLine, type JobOutcome } from '../sim/jobs';
import type { PatroniSim } from '../sim/patroni';
import { baseBackupName, toNextSegment, walgPrefixOf } from '../sim/walg';
import { envOf, running, type JobEffect, type JobWorld } from './common';

/** How long `wal-g backup-push` takes in the simulation (a small database's base backup). */
export const BASE_BACKUP_SECONDS = 20;
/** psql's exit code when the connection is lost (the script's `set -e` passes it on). */
const PSQL_CONNECTION_LOST = 2;
/** daemontools' `envdir` exit code when it cannot read its directory. */
const ENVDIR_FATAL = 111;

type Member = NonNullable<ReturnType<PatroniSim['member']>>;

/** A PostgreSQL server a client reached: the member pod and what Patroni runs in it. */
export interface Server {
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
  // The psql input that runs the program (an earlier one only checks for a running attempt).
  const inputs = [...script.matchAll(/<<'SQL'\n([\s\S]*?)\nSQL\n/g)].map((x) => (x[1] ?? '').split('\n'));
  const sql = inputs.find((lines) => lines.some((l) => l.includes('TO PROGRAM'))) ?? [];
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
export function serverAt(world: JobWorld, host: string): Server | undefined {
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
export const backup: JobEffect = {
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
export function walgLogTime(world: JobWorld): string {
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
    // The simulation's data is as large as its WAL position; WAL-G compresses it to about a third.
    uncompressed_size: push.server.member.xlog,
    compressed_size: Math.round(push.server.member.xlog / 3),
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
