/**
 * TLS with a cert-manager issuer, run for real. The cert-manager DecoratorController's Certificate
 * is "issued" by a test CA (openssl) for exactly the DNS names it lists, into a directory standing
 * for the Secret; PostgreSQL starts with the settings Spilo derives from the StatefulSet's rendered
 * SSL_*_FILE variables (configure_spilo.py's template: ssl on, ssl_cert_file, ssl_key_file,
 * ssl_ca_file), with the rendered pg_hba. libpq's psql then connects with sslmode=verify-full to the
 * Service names through hostaddr=127.0.0.1, and is refused for a name the certificate does not list
 * and for a server its CA did not sign. PgBouncer, as rendered for an issued certificate, verifies
 * PostgreSQL (verify-full) and, under the rendered reload loop, serves a renewed certificate
 * without a restart.
 *
 * Adapted for a loopback test, and only these: the Secret's mount directory (a test directory), the
 * hosts and ports (Service names resolve only in Kubernetes: libpq gets hostaddr, PgBouncer, which has
 * no hostaddr, connects to 127.0.0.1, for which the test certificate also carries an IP name), and
 * the reload interval (one second instead of five minutes).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'pg';
import type { KubeObject } from '../../hooks/lib/k8s';
import { syncCertificates } from '../../hooks/integrations/cert-manager';
import { RELOAD_INTERVAL_SECONDS } from '../../hooks/postgrescluster/pooler/deployment';
import { type PgbouncerIni, POOLER_PATHS, renderIni } from '../../hooks/postgrescluster/pooler/ini';
import { SPILO_TLS_DIR } from '../../hooks/postgrescluster/tls/index';
import { parentFrom } from '../support/cluster-world';
import { freePort, makeTempDir, unprivileged, type RealServer } from '../support/pgbin';
import { missingBinary, OPENSSL_BIN, PG_ISREADY_BIN, PGBOUNCER_BIN, PSQL_BIN } from './binaries';
import { handOver, makeCa, makeServerCert, type TestCa } from './certs';
import { startMember } from './member';
import { parseIni } from './pgbouncer';
import { child, containers, renderCluster, runJob, script, secretValue } from './rendered';

const missing = missingBinary(PGBOUNCER_BIN, OPENSSL_BIN, PSQL_BIN, PG_ISREADY_BIN);
if (missing) console.log(`skipped: ${missing} not installed (run bash test/pooler/install.sh)`);
const maybe = missing ? describe.skip : describe;

const MAJOR = '16';
const SPEC = {
  version: MAJOR,
  replicas: 1,
  storage: { size: '1Gi' },
  tls: { issuerRef: { name: 'pgmeta-ca', kind: 'ClusterIssuer' } },
  pgbouncer: { enabled: true, replicas: 1 },
};

/** The Certificate the cert-manager decorator attaches to the cluster. */
function renderedCertificate(): KubeObject {
  const object = parentFrom(SPEC);
  const res = syncCertificates({
    controller: { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' } },
    object,
    attachments: {},
    related: {},
    finalizing: false,
  });
  expect(res.attachments).toHaveLength(1);
  return res.attachments[0]!;
}

/** configure_spilo.py's template: the SSL settings Spilo gives PostgreSQL from its environment. */
function spiloSslSettings(env: Readonly<Record<string, string>>): Record<string, string> {
  return {
    ssl: 'on',
    ssl_cert_file: env['SSL_CERTIFICATE_FILE'] ?? '/run/certs/server.crt',
    ssl_key_file: env['SSL_PRIVATE_KEY_FILE'] ?? '/run/certs/server.key',
    ...(env['SSL_CA_FILE'] ? { ssl_ca_file: env['SSL_CA_FILE'] } : {}),
  };
}

/** What cert-manager writes into the Secret: tls.crt, tls.key and ca.crt for the Certificate's names. */
function issue(ca: TestCa, dir: string, dnsNames: readonly string[], serial: string): void {
  const files = makeServerCert(ca, `issued-${serial}`, dnsNames, ['127.0.0.1']);
  // Replaced by rename, as the kubelet swaps a Secret volume's files atomically.
  for (const [from, to] of [
    [files.cert, 'tls.crt'],
    [files.key, 'tls.key'],
    [ca.cert, 'ca.crt'],
  ] as const) {
    copyFileSync(from, join(dir, `.${to}`));
    handOver(join(dir, `.${to}`), to === 'tls.key' ? 0o600 : 0o644);
    renameSync(join(dir, `.${to}`), join(dir, to));
  }
}

function psql(o: { name: string; port: number; rootCert: string; password: string }): {
  ok: boolean;
  output: string;
} {
  const conninfo = `host=${o.name} hostaddr=127.0.0.1 port=${o.port} user=postgres dbname=postgres sslmode=verify-full sslrootcert=${o.rootCert} connect_timeout=10`;
  const res = spawnSync(
    PSQL_BIN,
    ['--no-psqlrc', '-At', '-c', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()', conninfo],
    {
      env: { PATH: '/usr/bin:/bin', PGPASSWORD: o.password },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return { ok: res.status === 0 && res.stdout.trim() === 't', output: `${res.stdout}${res.stderr}` };
}

maybe('TLS with a cert-manager issuer, on real PostgreSQL and PgBouncer', () => {
  const children = renderCluster(SPEC);
  const certificate = renderedCertificate();
  const spec = certificate['spec'] as { secretName: string; dnsNames: string[] };
  const password = secretValue(children, 'orders-superuser', 'password');
  let base = '';
  let secretDir = '';
  let ca: TestCa;
  let pg: RealServer;

  beforeAll(async () => {
    base = makeTempDir('tls');
    const caDir = join(base, 'ca');
    const other = join(base, 'other');
    secretDir = join(base, 'secret');
    for (const d of [caDir, other, secretDir]) {
      spawnSync('mkdir', ['-p', d]);
      handOver(d, 0o755);
    }
    ca = makeCa(caDir);
    makeCa(other, 'another CA');
    issue(ca, secretDir, spec.dnsNames, '1');
    // The StatefulSet mounts the Certificate's Secret where its SSL_*_FILE variables point.
    const sts = child(children, 'StatefulSet', 'orders');
    const pod = (
      sts['spec'] as { template: { spec: { volumes: { name: string; secret?: { secretName: string } }[] } } }
    ).template.spec;
    const container = containers(sts)[0]!;
    const mount = (
      container as unknown as { volumeMounts: { name: string; mountPath: string }[] }
    ).volumeMounts.find((m) => m.mountPath === SPILO_TLS_DIR)!;
    expect(pod.volumes.find((v) => v.name === mount.name)?.secret?.secretName).toBe(spec.secretName);
    const env = Object.fromEntries(
      (container.env ?? []).flatMap((v) => (v.value === undefined ? [] : [[v.name, v.value]])),
    );
    const settings = spiloSslSettings(env);
    expect(
      Object.values(settings)
        .filter((v) => v.startsWith('/'))
        .every((v) => v.startsWith(`${SPILO_TLS_DIR}/`)),
    ).toBe(true);
    const adapted = Object.fromEntries(
      Object.entries(settings).map(([k, v]) => [k, v.replace(SPILO_TLS_DIR, secretDir)]),
    );
    pg = await startMember(children, { major: MAJOR, base, settings: adapted });
    runJob(children, /^orders-pooler-auth-/, pg);
    runJob(children, /^orders-bootstrap-/, pg);
  }, 120_000);

  afterAll(async () => {
    await pg.stop();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('accepts sslmode=verify-full for every Service name the Certificate lists', () => {
    const names = spec.dnsNames.filter((n) => !n.startsWith('*.'));
    expect(names).toEqual(
      expect.arrayContaining([
        'orders',
        'orders.shop',
        'orders.shop.svc',
        'orders-ro.shop.svc',
        'orders-pooler.shop.svc.cluster.local',
      ]),
    );
    for (const name of [...names, 'orders-0.orders-members.shop.svc']) {
      expect({
        name,
        ...psql({ name, port: pg.port, rootCert: join(secretDir, 'ca.crt'), password }),
      }).toMatchObject({ name, ok: true });
    }
  });

  it('refuses a name the Certificate does not list, and a server another CA signed', () => {
    const wrongName = psql({
      name: 'orders.other.svc',
      port: pg.port,
      rootCert: join(secretDir, 'ca.crt'),
      password,
    });
    expect(wrongName.ok).toBe(false);
    expect(wrongName.output).toMatch(/does not match host name/);
    const wrongCa = psql({
      name: 'orders.shop.svc',
      port: pg.port,
      rootCert: join(base, 'other', 'ca.crt'),
      password,
    });
    expect(wrongCa.ok).toBe(false);
    expect(wrongCa.output).toMatch(/certificate verify failed/);
  });

  it('PgBouncer verifies PostgreSQL and serves a renewed certificate without a restart', async () => {
    const ini = parseIni(
      (child(children, 'ConfigMap', 'orders-pooler')['data'] as Record<string, string>)['pgbouncer.ini']!,
    );
    expect(ini.pgbouncer).toMatchObject({
      server_tls_sslmode: 'verify-full',
      server_tls_ca_file: POOLER_PATHS.tlsCa,
    });
    const port = await freePort();
    const userlist = join(base, 'userlist.txt');
    writeFileSync(userlist, secretValue(children, 'orders-pooler', 'userlist.txt'));
    handOver(userlist, 0o600);
    const adapted: PgbouncerIni = {
      databases: { '*': `host=127.0.0.1 port=${pg.port}` },
      pgbouncer: {
        ...Object.fromEntries(
          Object.entries(ini.pgbouncer).map(([k, v]) => [k, v.replace(POOLER_PATHS.tlsDir, secretDir)]),
        ),
        listen_addr: '127.0.0.1',
        listen_port: String(port),
        auth_file: userlist,
      },
    };
    const iniPath = join(base, 'pgbouncer.ini');
    writeFileSync(iniPath, renderIni(adapted));
    handOver(iniPath, 0o644);
    // The pod's command, pointed at Debian's binary and this file, reloading every second.
    const command = containers(child(children, 'Deployment', 'orders-pooler')).at(-1)!.command!;
    expect(command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    const loop = script({ name: 'pgbouncer', command })
      .replace('/usr/bin/pgbouncer', PGBOUNCER_BIN)
      .replace(POOLER_PATHS.config, iniPath)
      .replace(`sleep ${RELOAD_INTERVAL_SECONDS}`, 'sleep 1');
    const id = unprivileged();
    const shell = spawn('/bin/sh', ['-c', loop], {
      ...(id ? { uid: id.uid, gid: id.gid } : {}),
      cwd: base,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    shell.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const appPassword = secretValue(children, 'orders-app', 'password');
    const ssl = { ca: readFileSync(join(secretDir, 'ca.crt'), 'utf8'), servername: 'orders-pooler.shop.svc' };
    const fingerprint = async (): Promise<string> => {
      const c = new Client({
        host: '127.0.0.1',
        port,
        user: 'app',
        database: 'app',
        password: appPassword,
        ssl,
      });
      await c.connect();
      const stream = (
        c as unknown as { connection: { stream: { getPeerCertificate(): { fingerprint256: string } } } }
      ).connection.stream;
      const fp = stream.getPeerCertificate().fingerprint256;
      const rows = (await c.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'))
        .rows as unknown[];
      await c.end();
      expect(rows).toEqual([{ ssl: true }]);
      return fp;
    };
    try {
      const until = async <T>(f: () => Promise<T>, ok: (v: T) => boolean): Promise<T> => {
        const deadline = Date.now() + 15_000;
        for (;;) {
          try {
            const v = await f();
            if (ok(v)) return v;
          } catch (e) {
            if (Date.now() > deadline) throw e;
          }
          if (Date.now() > deadline) throw new Error(`timed out; pgbouncer log:\n${log}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      const before = await until(fingerprint, () => true);
      issue(ca, secretDir, spec.dnsNames, '2');
      const after = await until(fingerprint, (fp) => fp !== before);
      expect(after).not.toBe(before);
    } finally {
      const exited = new Promise((r) => shell.once('exit', r));
      shell.kill('SIGTERM');
      const timer = setTimeout(() => shell.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  }, 60_000);
});
