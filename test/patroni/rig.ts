/**
 * Three (or N) real Patroni members and one etcd on loopback, configured from pgmeta's rendered
 * children (see config.ts for what differs from a pod and why).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../support/pgbin.js';
import { PATRONI_BIN } from './binaries.js';
import { BASEBACKUP_STANDIN, basebackupStandinPath, patroniConfig, type MemberPlacement } from './config.js';
import { startEtcd, type Etcd } from './etcd.js';
import {
  killAll,
  killPostmaster,
  makeServerDir,
  makeServerTempDir,
  signalGroup,
  startProcess,
  trackDataDir,
  type Proc,
} from './procs.js';
import { getCluster, type RigCluster, type RigMember } from './rest.js';
import type { Credentials, RigSource } from './source.js';
import { waitFor } from './wait.js';

export interface Member extends MemberPlacement {
  /** Patroni REST base URL. */
  api: string;
  configFile: string;
  logFile: string;
  proc?: Proc;
}

export interface Rig {
  dir: string;
  source: RigSource;
  etcd: Etcd;
  members: Member[];
}

/** Creates the rig's directories, ports and member configurations, and starts etcd. */
export async function createRig(source: RigSource): Promise<Rig> {
  const dir = makeServerTempDir('patroni');
  const etcd = await startEtcd(dir);
  const members: Member[] = [];
  for (let ordinal = 0; ordinal < source.replicas; ordinal++) {
    const name = `${source.statefulSet}-${ordinal}`;
    const memberDir = makeServerDir(join(dir, name));
    const placement: MemberPlacement = {
      name,
      dir: memberDir,
      dataDir: join(memberDir, 'data'),
      pgPort: await freePort(),
      apiPort: await freePort(),
      etcd: etcd.endpoint,
    };
    const configFile = join(memberDir, 'patroni.yml');
    writeFileSync(configFile, JSON.stringify(patroniConfig(source, placement), null, 2), { mode: 0o644 });
    writeFileSync(basebackupStandinPath(placement), BASEBACKUP_STANDIN, { mode: 0o755 });
    trackDataDir(placement.dataDir);
    members.push({
      ...placement,
      api: `http://127.0.0.1:${placement.apiPort}`,
      configFile,
      logFile: join(dir, `${name}.log`),
    });
  }
  return { dir, source, etcd, members };
}

/** Starts (or restarts) the Patroni of one member. */
export function startMember(m: Member): void {
  m.proc = startProcess({
    name: m.name,
    command: PATRONI_BIN,
    args: [m.configFile],
    cwd: m.dir,
    logFile: m.logFile,
    // No locale in the rendered initdb options: in a pod initdb takes it from the image's LC_ALL.
    env: { PATH: '/usr/bin:/bin', HOME: m.dir, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
  });
}

/** SIGKILLs the member's Patroni, then its PostgreSQL: a node lost without any warning. */
export async function killMember(m: Member): Promise<void> {
  await killPatroni(m);
  await killPostmaster(m.dataDir);
}

/** Kills everything the rig started and removes its files. */
export async function destroyRig(rig: Rig | undefined): Promise<void> {
  await killAll();
  if (rig) rmSync(rig.dir, { recursive: true, force: true });
}

/** `GET /cluster` from the first member that answers. */
export async function clusterState(rig: Rig): Promise<RigCluster> {
  let last: unknown;
  for (const m of rig.members) {
    if (!m.proc?.running()) continue;
    try {
      return await getCluster(m.api);
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`no member answered GET /cluster: ${String(last)}`);
}

export function memberNamed(rig: Rig, name: string): Member {
  const m = rig.members.find((x) => x.name === name);
  if (!m) throw new Error(`no member ${name}`);
  return m;
}

/** The running leader as `/cluster` reports it. */
export function leaderIn(cluster: RigCluster): RigMember | undefined {
  return cluster.members.find((m) => m.role === 'leader' && m.state === 'running');
}

/** Waits until some member is the running leader and returns it. */
export async function waitForLeader(rig: Rig, timeoutMs: number): Promise<Member> {
  const leader = await waitFor('a running leader', async () => leaderIn(await clusterState(rig)), {
    timeoutMs,
  });
  return memberNamed(rig, leader.name);
}

/**
 * SIGKILLs the member's Patroni only: its PostgreSQL, outside Patroni's process group, keeps running
 * (a Patroni process that crashed or hung while its server did not). {@link startMember} restarts it.
 */
export async function killPatroni(m: Member): Promise<void> {
  if (m.proc) {
    signalGroup(m.proc, 'SIGKILL');
    await m.proc.exited;
  }
}

/**
 * A connected client to one member over TCP (or over its Unix socket when `socketDir` is given).
 * Errors of a connection whose server dies are swallowed here and surface on the next query.
 */
export async function connect(
  m: Pick<Member, 'pgPort'>,
  creds: Credentials,
  o: { database?: string; replication?: boolean; timeoutMs?: number; socketDir?: string } = {},
): Promise<Client> {
  const client = new Client({
    host: o.socketDir ?? '127.0.0.1',
    port: m.pgPort,
    user: creds.username,
    password: creds.password,
    database: o.database ?? 'postgres',
    connectionTimeoutMillis: o.timeoutMs ?? 3000,
    query_timeout: o.timeoutMs ?? 5000,
    ...(o.replication ? { replication: 'true' } : {}),
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  return client;
}

/** Runs one query on a member and closes the connection. */
export async function query<R extends Record<string, unknown>>(
  m: Pick<Member, 'pgPort'>,
  creds: Credentials,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = await connect(m, creds);
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}
