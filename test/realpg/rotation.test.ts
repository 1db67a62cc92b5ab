/**
 * Issue 17, part 5, on real PostgreSQL: rotating the application owner's (and the superuser's)
 * password with `spec.credentialRotation`. The hook's own answer is used as it is: its rotation Job's
 * Python program runs with the environment the kubelet would give it (every secretKeyRef read from
 * the Secrets of the same world: the observed credential Secrets and the Job's own plan Secret),
 * host psql standing in for the Spilo image's, against a real server that admits every role by
 * SCRAM only, and a fake Kubernetes API holding the observed Secrets (test/support/fake-secrets-api.ts).
 *
 * Shown: the old password is refused and the new one accepted; the Secret's `password`, `uri` and
 * `jdbc-uri` all carry the new password and its generation annotation; the server never saw the
 * plain text (log_statement = all, pg_stat_statements); a second run (a retried Job, with the
 * superuser's Secret already rewritten or not) changes nothing.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../hooks/lib/k8s';
import { rotatedPassword } from '../../hooks/postgrescluster/children/secrets';
import { GENERATION_ANNOTATION } from '../../hooks/postgrescluster/rotation/generations';
import { CTX } from '../support/cluster-world';
import { containerEnvValues, type RenderedEnvVar } from '../support/container-env';
import { world, sync } from '../support/day2-world';
import { decodedData, startSecretsApi, type SecretsApi } from '../support/fake-secrets-api';
import { initdb, makeTempDir, startServer, type Major, type RealServer } from '../support/pgbin';
import { findPsql } from '../support/realpg';
import { runScript, serviceAccountDir } from '../unit/postgrescluster/day2/run-script';

jest.setTimeout(180_000);

const psql = findPsql();
const maybe = psql !== undefined ? describe : describe.skip;
if (psql === undefined) console.log('skipped: psql 15+ not installed');

/** The oldest and the newest supported major: the statements are the same on all. */
const MAJORS: Major[] = ['13', '18'];

const BEFORE = {
  version: '16',
  replicas: 1,
  storage: { size: '1Gi' },
  bootstrap: { owner: 'orders_owner', database: 'orders' },
};
const ROTATE = { ...BEFORE, credentialRotation: { app: 1, superuser: 1 } };

const secretNamed = (objs: readonly KubeObject[], name: string) =>
  objs.find((c) => c.kind === 'Secret' && c.metadata.name === name);

async function logsIn(server: RealServer, user: string, password: string, database = 'postgres') {
  try {
    const c = await server.connect({ user, password, database });
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** The server as Patroni and the bootstrap Job leave it: both roles with their generation-0 passwords. */
async function seed(server: RealServer, observed: readonly KubeObject[]): Promise<void> {
  const c = await server.connect();
  const su = decodedData(secretNamed(observed, 'orders-superuser'))['password']!;
  const app = decodedData(secretNamed(observed, 'orders-app'))['password']!;
  await c.query(`ALTER ROLE postgres PASSWORD '${su}'`);
  await c.query(`CREATE ROLE orders_owner LOGIN PASSWORD '${app}'`);
  await c.query('CREATE EXTENSION pg_stat_statements');
  writeFileSync(join(server.dataDir, 'pg_hba.conf'), 'host all all 127.0.0.1/32 scram-sha-256\n');
  await c.query('SELECT pg_reload_conf()');
  await c.end();
  await new Promise((r) => setTimeout(r, 300));
}

/** The program of a day-2 Job (`python3 -c <program>`). */
const scriptOf = (job: KubeObject): string =>
  (job['spec'] as { template: { spec: { containers: { command: string[] }[] } } }).template.spec
    .containers[0]!.command[2]!;

function jobEnv(job: KubeObject, secrets: readonly KubeObject[], o: { server: RealServer; api: SecretsApi }) {
  const container = (job['spec'] as { template: { spec: { containers: { env: RenderedEnvVar[] }[] } } })
    .template.spec.containers[0]!;
  const env = Object.fromEntries(containerEnvValues(container.env, secrets));
  return {
    ...env,
    PGHOST: o.server.host,
    PGPORT: String(o.server.port),
    // The cluster requires TLS (PGSSLMODE=require); the test server has no certificate.
    PGSSLMODE: 'disable',
    KUBERNETES_API: o.api.url,
    SERVICEACCOUNT_DIR: serviceAccountDir(),
    PATH: `${join(psql ?? '/usr/bin/psql', '..')}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
  };
}

maybe.each(MAJORS)('PostgreSQL %s: rotating the application and superuser passwords', (major) => {
  let server: RealServer;
  let base: string;
  let api: SecretsApi;
  const w = world({ spec: ROTATE, before: BEFORE });
  const observed = w.children.filter((c) => c.kind === 'Secret');
  const answer = sync(w);
  const job = answer.children.find((c) => c.kind === 'Job' && c.metadata.name.startsWith('orders-rotate-'));
  const planSecret = answer.children.find(
    (c) => c.kind === 'Secret' && c.metadata.name === job?.metadata.name,
  );
  const uid = w.parent.metadata.uid!;
  const newApp = rotatedPassword(CTX.operatorKey, uid, { purpose: 'app', generation: 1 });
  const newSu = rotatedPassword(CTX.operatorKey, uid, { purpose: 'superuser', generation: 1 });
  const oldApp = decodedData(secretNamed(observed, 'orders-app'))['password']!;
  const oldSu = decodedData(secretNamed(observed, 'orders-superuser'))['password']!;

  beforeAll(async () => {
    base = makeTempDir(`rot${major}`);
    await initdb(major, join(base, 'data'));
    server = await startServer(major, {
      dataDir: join(base, 'data'),
      settings: {
        password_encryption: 'scram-sha-256',
        shared_preload_libraries: 'pg_stat_statements',
        'pg_stat_statements.track_utility': 'on',
        logging_collector: 'on',
        log_directory: 'log',
        log_filename: 'postgresql.log',
        log_statement: 'all',
      },
    });
    await seed(server, observed);
    api = await startSecretsApi('shop', observed);
  });
  afterAll(async () => {
    await api.close();
    await server.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('the hook answers with one rotation Job and its plan; the credential Secrets stay as they are', () => {
    expect(job).toBeDefined();
    expect(planSecret).toMatchObject({ immutable: true });
    expect(decodedData(secretNamed(answer.children, 'orders-app'))['password']).toBe(oldApp);
    expect(newApp).not.toBe(oldApp);
  });

  it('the Job sets both passwords, then writes every key of both Secrets', async () => {
    expect(await logsIn(server, 'orders_owner', oldApp)).toBe(true);
    const run = await runScript(
      scriptOf(job!),
      jobEnv(job!, [...observed, planSecret!], { server, api }),
      60_000,
    );
    if (run.code !== 0) console.log(run.stdout, run.stderr);
    expect(run).toMatchObject({ code: 0 });
    expect(await logsIn(server, 'orders_owner', oldApp, 'postgres')).toBe(false);
    expect(await logsIn(server, 'orders_owner', newApp, 'postgres')).toBe(true);
    expect(await logsIn(server, 'postgres', oldSu)).toBe(false);
    expect(await logsIn(server, 'postgres', newSu)).toBe(true);

    const app = api.secrets.get('orders-app')!;
    const data = decodedData(app);
    expect(data['password']).toBe(newApp);
    const encoded = encodeURIComponent(newApp);
    expect(data['uri']).toBe(`postgresql://orders_owner:${encoded}@orders.shop.svc:5432/orders`);
    expect(data['jdbc-uri']).toBe(
      `jdbc:postgresql://orders.shop.svc:5432/orders?user=orders_owner&password=${encoded}`,
    );
    for (const v of Object.values(data)) expect(v).not.toContain(oldApp);
    expect(app.metadata.annotations?.[GENERATION_ANNOTATION]).toBe('1');
    expect(decodedData(api.secrets.get('orders-superuser'))['password']).toBe(newSu);
    // The app Secret before the superuser's: the Job logs in as the superuser until the end.
    const patched = api.calls.filter((c) => c.method === 'PATCH').map((c) => c.path.split('/').pop());
    expect(patched).toEqual(['orders-app', 'orders-superuser']);
  });

  it('the server never saw a plain password', async () => {
    const c = await server.connect({ password: newSu });
    const rows = (await c.query('SELECT query FROM pg_stat_statements')).rows as { query: string }[];
    await c.end();
    const logDir = join(server.dataDir, 'log');
    const logs = existsSync(logDir)
      ? readdirSync(logDir).map((f) => readFileSync(join(logDir, f), 'utf8'))
      : [];
    const seen = [...rows.map((r) => r.query), ...logs].join('\n');
    expect(seen).toContain('SELECT pg_catalog.pg_is_in_recovery()');
    for (const pw of [newApp, newSu]) expect(seen).not.toContain(pw);
  });

  it('a role its own Job has not created yet is left to that Job; the Secret is still rewritten', async () => {
    const metrics = { ...BEFORE, metrics: { enabled: true } };
    const mw = world({ spec: { ...metrics, credentialRotation: { monitoring: 1 } }, before: metrics });
    const secrets = mw.children.filter((c) => c.kind === 'Secret');
    const res = sync(mw);
    const mjob = res.children.find((c) => c.kind === 'Job' && c.metadata.name.startsWith('orders-rotate-'))!;
    const mplan = res.children.find((c) => c.kind === 'Secret' && c.metadata.name === mjob.metadata.name)!;
    const mapi = await startSecretsApi('shop', secrets);
    try {
      // The superuser's Secret of this world still holds generation 0; the server has generation 1.
      const env = { ...jobEnv(mjob, [...secrets, mplan], { server, api: mapi }), PGPASSWORD: newSu };
      const run = await runScript(scriptOf(mjob), env, 60_000);
      if (run.code !== 0) console.log(run.stdout, run.stderr);
      expect(run).toMatchObject({ code: 0 });
      expect(run.stdout).toContain('monitoring: role pgmeta_monitor does not exist yet');
      const monitoring = mapi.secrets.get('orders-monitoring')!;
      expect(decodedData(monitoring)['password']).toBe(
        rotatedPassword(CTX.operatorKey, uid, { purpose: 'monitoring', generation: 1 }),
      );
      expect(monitoring.metadata.annotations?.[GENERATION_ANNOTATION]).toBe('1');
    } finally {
      await mapi.close();
    }
  });

  it('a retried Job whose pod still has the old superuser password logs in with the new one and redoes both', async () => {
    const run = await runScript(
      scriptOf(job!),
      jobEnv(job!, [...observed, planSecret!], { server, api }),
      60_000,
    );
    if (run.code !== 0) console.log(run.stdout, run.stderr);
    expect(run).toMatchObject({ code: 0 });
    expect(await logsIn(server, 'orders_owner', newApp)).toBe(true);
    expect(await logsIn(server, 'postgres', newSu)).toBe(true);
  });
});
