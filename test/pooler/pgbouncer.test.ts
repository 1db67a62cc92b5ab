/**
 * The pooler as pgmeta renders it, run for real: Debian's pgbouncer with the rendered pgbouncer.ini
 * and userlist.txt, in front of a real PostgreSQL configured with the rendered pg_hba and TLS, after
 * the rendered Jobs' own scripts created the lookup role and function and the application database.
 * Proves that the application user gets through in both pool modes over TLS (and PgBouncer reaches
 * PostgreSQL over TLS, as `hostssl` demands), and that wrong passwords, plain-text connections and
 * the superuser are turned away.
 *
 * Adapted for a loopback test, and only these (asserted below): the upstream host and port (the
 * Service name resolves only inside Kubernetes), the listen address and port (a free loopback port
 * instead of every interface on 6432, which another process may hold), and the file paths of the
 * userlist and certificate (the pod mounts them from a Secret and an emptyDir at fixed paths that a
 * test cannot create without root-owned directories).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'pg';
import type { KubeObject } from '../../hooks/lib/k8s';
import { type PgbouncerIni, POOLER_PATHS, renderIni } from '../../hooks/postgrescluster/pooler/ini';
import { freePort, makeTempDir, type RealServer } from '../support/pgbin';
import { missingBinary, OPENSSL_BIN, PG_ISREADY_BIN, PGBOUNCER_BIN, PSQL_BIN } from './binaries';
import { handOver, makeCa, makeServerCert, type TestCa } from './certs';
import { startMember } from './member';
import { parseIni, startPgbouncer } from './pgbouncer';
import { child, containers, query, renderCluster, runJob, script, secretValue } from './rendered';

const missing = missingBinary(PGBOUNCER_BIN, OPENSSL_BIN, PSQL_BIN, PG_ISREADY_BIN);
if (missing) console.log(`skipped: ${missing} not installed (run bash test/pooler/install.sh)`);
const maybe = missing ? describe.skip : describe;

const MAJOR = '16';
const POOLER_HOST = 'orders-pooler.shop.svc';
const spec = (poolMode: string) => ({
  version: MAJOR,
  replicas: 1,
  storage: { size: '1Gi' },
  pgbouncer: { enabled: true, replicas: 1, poolMode },
});

/** Connects and returns the error message, or 'connected'. */
async function attempt(config: ConstructorParameters<typeof Client>[0]): Promise<string> {
  const c = new Client(config);
  try {
    await c.connect();
    await c.end();
    return 'connected';
  } catch (e) {
    return (e as Error).message;
  }
}

maybe('PgBouncer as pgmeta renders it, in front of real PostgreSQL', () => {
  let base = '';
  let ca: TestCa;
  let pg: RealServer;
  const first = renderCluster(spec('transaction'));
  const superuserPassword = secretValue(first, 'orders-superuser', 'password');

  beforeAll(async () => {
    base = makeTempDir('pooler');
    ca = makeCa(base);
    const pgCert = makeServerCert(ca, 'postgres', ['orders.shop.svc']);
    pg = await startMember(first, {
      major: MAJOR,
      base,
      settings: { ssl: 'on', ssl_cert_file: pgCert.cert, ssl_key_file: pgCert.key },
    });
    // The pooler's Job first: the application database, created next from template1, must inherit
    // the lookup function from there.
    expect(runJob(first, /^orders-pooler-auth-/, pg)).toContain(
      'installing the pooler lookup function in database template1',
    );
    runJob(first, /^orders-bootstrap-/, pg);
  }, 120_000);

  afterAll(async () => {
    await pg.stop();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  /** Starts pgbouncer from the rendered children of `children`; returns its port and CA file. */
  async function pooler(children: readonly KubeObject[]) {
    const cm = child(children, 'ConfigMap', 'orders-pooler');
    const text = (cm['data'] as Record<string, string>)['pgbouncer.ini']!;
    const ini = parseIni(text);
    expect(renderIni(ini)).toBe(text);
    // The certificate as the pod's init container makes it, into the test's directory.
    const tlsDir = join(base, 'pooler-tls');
    const init = containers(child(children, 'Deployment', 'orders-pooler'))[0]!;
    const made = spawnSync(
      '/bin/sh',
      ['-c', `mkdir -p ${tlsDir}\n${script(init).replaceAll(POOLER_PATHS.tlsDir, tlsDir)}`],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(made.stderr).not.toMatch(/error/i);
    handOver(join(tlsDir, 'tls.key'), 0o600);
    handOver(join(tlsDir, 'tls.crt'), 0o644);
    handOver(tlsDir, 0o755);
    const userlist = join(base, 'userlist.txt');
    writeFileSync(userlist, secretValue(children, 'orders-pooler', 'userlist.txt'));
    handOver(userlist, 0o600);
    const port = await freePort();
    const adapted: PgbouncerIni = {
      databases: { '*': `host=${pg.host} port=${pg.port}` },
      pgbouncer: {
        ...ini.pgbouncer,
        listen_addr: '127.0.0.1',
        listen_port: String(port),
        auth_file: userlist,
        client_tls_cert_file: join(tlsDir, 'tls.crt'),
        client_tls_key_file: join(tlsDir, 'tls.key'),
      },
    };
    expect(ini.databases).toEqual({ '*': 'host=orders.shop.svc port=5432' });
    const changed = Object.keys(adapted.pgbouncer).filter((k) => adapted.pgbouncer[k] !== ini.pgbouncer[k]);
    expect(changed.sort()).toEqual(
      ['auth_file', 'client_tls_cert_file', 'client_tls_key_file', 'listen_addr', 'listen_port'].sort(),
    );
    const iniPath = join(base, 'pgbouncer.ini');
    writeFileSync(iniPath, renderIni(adapted));
    handOver(iniPath, 0o644);
    return {
      running: await startPgbouncer(iniPath, port),
      ca: readFileSync(join(tlsDir, 'tls.crt'), 'utf8'),
      ini,
    };
  }

  const appPassword = secretValue(first, 'orders-app', 'password');

  it.each(['transaction', 'session'])(
    '%s mode: the application user connects through PgBouncer, TLS on both sides',
    async (mode) => {
      const children = renderCluster(spec(mode));
      runJob(children, /^orders-pooler-auth-/, pg); // idempotent: a rerun changes nothing
      const { running, ca: poolerCa, ini } = await pooler(children);
      try {
        expect(ini.pgbouncer['pool_mode']).toBe(mode);
        const ssl = { ca: poolerCa, servername: POOLER_HOST };
        const config = {
          host: '127.0.0.1',
          port: running.port,
          user: 'app',
          database: 'app',
          password: appPassword,
          ssl,
        };
        for (let i = 0; i < 3; i++) {
          const client = new Client(config);
          await client.connect();
          const rows = await query(
            client,
            'SELECT current_user AS user, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS ssl',
          );
          expect(rows).toEqual([{ user: 'app', ssl: true }]);
        }
      } catch (e) {
        throw new Error(`${(e as Error).message}\npgbouncer log:\n${running.log()}`, { cause: e });
      } finally {
        await running.stop();
      }
    },
    60_000,
  );

  it('turns away a wrong password, a connection without TLS, the superuser and an unknown user', async () => {
    const { running, ca: poolerCa } = await pooler(first);
    try {
      const ssl = { ca: poolerCa, servername: POOLER_HOST };
      const to = { host: '127.0.0.1', port: running.port, database: 'app' };
      expect(await attempt({ ...to, user: 'app', password: appPassword, ssl })).toBe('connected');
      expect(await attempt({ ...to, user: 'app', password: `${appPassword}x`, ssl })).toMatch(
        /authentication failed/,
      );
      expect(await attempt({ ...to, user: 'app', password: appPassword, ssl: false })).toMatch(
        /SSL required/i,
      );
      expect(await attempt({ ...to, user: 'postgres', password: superuserPassword, ssl })).toMatch(
        /no such user/,
      );
      expect(await attempt({ ...to, user: 'nobody', password: 'x', ssl })).toMatch(/no such user/);
    } finally {
      await running.stop();
    }
  }, 60_000);

  it('gives the lookup role nothing but the lookup function, which hides superusers', async () => {
    const password = secretValue(first, 'orders-pooler', 'password');
    const as = (user: string, pw: string) =>
      new Client({
        host: pg.host,
        port: pg.port,
        user,
        password: pw,
        database: 'app',
        ssl: { rejectUnauthorized: false },
      });
    const admin = as('postgres', superuserPassword);
    await admin.connect();
    expect(
      await query(
        admin,
        "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = 'pgmeta_pooler'",
      ),
    ).toEqual([
      {
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolreplication: false,
        rolbypassrls: false,
      },
    ]);
    const lookup = as('pgmeta_pooler', password);
    await lookup.connect();
    try {
      await expect(lookup.query('SELECT rolpassword FROM pg_authid')).rejects.toThrow(/permission denied/);
      const app = await lookup.query("SELECT usename, passwd FROM pgmeta.pooler_lookup('app')");
      expect(app.rows).toEqual([
        { usename: 'app', passwd: expect.stringMatching(/^SCRAM-SHA-256\$/) as unknown },
      ]);
      for (const hidden of ['postgres', 'standby', 'nobody']) {
        expect((await lookup.query('SELECT * FROM pgmeta.pooler_lookup($1)', [hidden])).rows).toEqual([]);
      }
    } finally {
      await lookup.end();
    }
    const app = as('app', appPassword);
    await app.connect();
    await expect(query(app, "SELECT * FROM pgmeta.pooler_lookup('app')")).rejects.toThrow(
      /permission denied/,
    );
  }, 60_000);
});
