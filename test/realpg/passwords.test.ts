/**
 * Issue 15, finding 5, on real servers of every supported major: the scripts pgmeta renders set
 * passwords without the plain text reaching the server. Everything runs as in the cluster: the hook's
 * own children (PostgresDatabase SQL Job and its script; the bootstrap, pooler and monitoring Jobs of a
 * PostgresCluster) with their environment resolved from the Secrets the same response renders, the
 * host's psql (15) standing in for the Spilo image's. The server records every statement it can:
 * pg_stat_statements with utility statements, and a log with log_statement = all.
 *
 * Then each role logs in with its plain password over SCRAM, and no password appears in
 * pg_stat_statements or the server log.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../hooks/lib/k8s';
import { runHook } from '../../hooks/metacontroller/dispatch';
import type { SyncResponse } from '../../hooks/metacontroller/types';
import { renderChildren } from '../../hooks/postgrescluster/render';
import { checkSpec as checkClusterSpec } from '../../hooks/postgrescluster/spec/index';
import { postgresDatabaseController } from '../../hooks/postgresdatabase/controller';
import { SCRIPT_KEY } from '../../hooks/postgresdatabase/job';
import { PG_MAJORS, initdb, makeTempDir, startServer, type Major, type RealServer } from '../support/pgbin';
import { findPsql, runPsql } from '../support/realpg';
import { CTX, parent, request } from '../golden/postgresdatabase/requests';

jest.setTimeout(120_000);

const psql = findPsql();
const haveClients = psql !== undefined && existsSync('/usr/bin/pg_isready');
if (!haveClients) console.log('skipped: psql 15+ and pg_isready not installed');
const maybe = haveClients ? describe : describe.skip;

interface Env {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

/** A container's environment, each secretKeyRef read from the Secrets of the same response. */
function resolveEnv(job: KubeObject, secrets: readonly KubeObject[]): Record<string, string> {
  const spec = job['spec'] as { template: { spec: { containers: { env?: Env[] }[] } } };
  const out: Record<string, string> = {};
  for (const e of spec.template.spec.containers[0]?.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref === undefined) {
      if (e.value !== undefined) out[e.name] = e.value;
      continue;
    }
    const data = secrets.find((s) => s.metadata.name === ref.name)?.['data'] as
      Record<string, string> | undefined;
    const encoded = data?.[ref.key];
    if (encoded !== undefined) out[e.name] = Buffer.from(encoded, 'base64').toString('utf8');
  }
  return out;
}

/** The Job's own variables: the connection ones (PG*) point at the test server instead. */
function jobVariables(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(([k]) => !k.startsWith('PG') || k.startsWith('PGMETA_')),
  );
}

const passwordOf = (s: KubeObject): string =>
  Buffer.from((s['data'] as Record<string, string>)['password'] ?? '', 'base64').toString('utf8');

const DATABASE_SPEC = {
  clusterRef: { name: 'dev' },
  database: { name: 'shop', owner: 'shop_owner' },
  roles: [
    { name: 'shop_owner' },
    { name: 'shop_app', inRoles: ['shop_readers'] },
    { name: 'shop_readers', login: false },
  ],
  schemas: [{ name: 'shop' }],
};

const CLUSTER_SPEC = {
  version: '16',
  replicas: 1,
  storage: { size: '1Gi' },
  bootstrap: { owner: 'orders_owner', database: 'orders' },
  pgbouncer: { enabled: true },
  metrics: { enabled: true },
};

function clusterChildren(): KubeObject[] {
  const checked = checkClusterSpec({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'dev', namespace: 'apps', uid: 'uid-dev' },
    spec: CLUSTER_SPEC,
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked));
  return renderChildren(checked.resolved, {
    operatorKey: CTX.operatorKey,
    observedSecrets: {},
    specJson: '{}',
  });
}

async function query<T>(server: RealServer, sql: string): Promise<T[]> {
  const c = await server.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

async function logsIn(
  server: RealServer,
  user: string,
  password: string,
  database: string,
): Promise<boolean> {
  try {
    const c = await server.connect({ user, password, database });
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** Where each password could show: every statement pg_stat_statements kept, and the server log. */
async function recorded(server: RealServer): Promise<string> {
  const rows = await query<{ query: string }>(server, 'SELECT query FROM pg_stat_statements');
  const logDir = join(server.dataDir, 'log');
  const logs = readdirSync(logDir).map((f) => readFileSync(join(logDir, f), 'utf8'));
  return [...rows.map((r) => r.query), ...logs].join('\n');
}

maybe.each(PG_MAJORS)('PostgreSQL %s: passwords never in clear text on the server', (major: Major) => {
  let server: RealServer;
  let base: string;

  beforeAll(async () => {
    base = makeTempDir(`pw${major}`);
    const dataDir = join(base, 'data');
    await initdb(major, dataDir);
    // The superuser over trust (as the Jobs, which have its password), everyone else by SCRAM only.
    writeFileSync(
      join(dataDir, 'pg_hba.conf'),
      'host all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n',
    );
    server = await startServer(major, {
      dataDir,
      settings: {
        password_encryption: 'scram-sha-256',
        shared_preload_libraries: 'pg_stat_statements',
        'pg_stat_statements.track_utility': 'on',
        logging_collector: 'on',
        log_directory: 'log',
        log_filename: 'postgresql.log',
        log_statement: 'all',
        log_min_duration_statement: '0',
      },
    });
    await query(server, 'CREATE EXTENSION pg_stat_statements');
  });
  afterAll(async () => {
    await server.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it("a PostgresDatabase's SQL Job", async () => {
    const body = request({
      parent: parent({ spec: DATABASE_SPEC, generation: 1 }),
      children: [],
      clusterReady: true,
    });
    const res = runHook({ def: postgresDatabaseController, hook: 'sync', body, ctx: CTX }) as SyncResponse;
    const job = res.children.find((c) => c.kind === 'Job')!;
    const script = (res.children.find((c) => c.kind === 'ConfigMap')!['data'] as Record<string, string>)[
      SCRIPT_KEY
    ]!;
    const secrets = res.children.filter((c) => c.kind === 'Secret');
    const run = await runPsql(server, script, jobVariables(resolveEnv(job, secrets)));
    expect(run).toMatchObject({ code: 0 });
    const roles = secrets.filter((s) => s.metadata.annotations?.['pgmeta.io/role'] !== undefined);
    expect(roles).toHaveLength(3);
    for (const s of roles) {
      const role = s.metadata.annotations!['pgmeta.io/role']!;
      expect(await logsIn(server, role, passwordOf(s), 'shop')).toBe(role !== 'shop_readers');
    }
    const seen = await recorded(server);
    expect(seen).toContain('ALTER ROLE'); // the statements were recorded
    for (const s of roles) expect(seen).not.toContain(passwordOf(s));
  });

  it("a PostgresCluster's bootstrap, pooler and monitoring Jobs", async () => {
    const children = clusterChildren();
    const secrets = children.filter((c) => c.kind === 'Secret');
    const jobs = children.filter(
      (c) => c.kind === 'Job' && /-(bootstrap|pooler-auth|monitoring)-/.test(c.metadata.name),
    );
    expect(jobs).toHaveLength(3);
    for (const job of jobs) {
      const command = (job['spec'] as { template: { spec: { containers: { command: string[] }[] } } })
        .template.spec.containers[0]!.command;
      const res = spawnSync('/bin/sh', ['-c', command[2]!], {
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          ...jobVariables(resolveEnv(job, secrets)),
          PGHOST: server.host,
          PGPORT: String(server.port),
          PGUSER: 'postgres',
          PGDATABASE: 'postgres',
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect({ job: job.metadata.name, status: res.status, err: res.stderr }).toMatchObject({ status: 0 });
    }
    const logins = ['dev-app', 'dev-pooler', 'dev-monitoring'].map((name) => {
      const s = secrets.find((x) => x.metadata.name === name)!;
      const user = Buffer.from((s['data'] as Record<string, string>)['username']!, 'base64').toString('utf8');
      return { user, password: passwordOf(s) };
    });
    for (const l of logins) expect(await logsIn(server, l.user, l.password, 'postgres')).toBe(true);
    const seen = await recorded(server);
    expect(seen).toContain('ALTER ROLE');
    for (const l of logins) expect(seen).not.toContain(l.password);
  });
});
