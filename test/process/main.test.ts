/**
 * The real service process: start-up line, key warning, and graceful shutdown. The slow request is a
 * slow upload: half the body, SIGTERM, the other half; the answer must still arrive complete.
 */
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort } from '../support/pgbin';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'hooks', 'main.js');

beforeAll(() => {
  if (!existsSync(MAIN)) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT });
}, 120_000);

interface Running {
  child: ChildProcessWithoutNullStreams;
  port: number;
  metricsPort: number;
  output: () => string;
  exited: Promise<number | null>;
}

async function start(env: Record<string, string> = {}, until = 'listening on'): Promise<Running> {
  const port = await freePort();
  const metricsPort = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      HOST: '127.0.0.1',
      ...env,
    },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((done) =>
    child.on('exit', (code) => {
      done(code);
    }),
  );
  const deadline = Date.now() + 15_000;
  while (!out.includes(until)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, port, metricsPort, output: () => out, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const customizeBody = JSON.stringify({
  controller: {
    apiVersion: 'metacontroller.k8s.io/v1alpha1',
    kind: 'CompositeController',
    metadata: { name: 'postgrescluster' },
  },
  parent: {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'db', namespace: 'ns1', uid: 'u1', generation: 1 },
    spec: { version: '16', storage: { size: '1Gi' } },
  },
  padding: 'x'.repeat(200_000),
});

describe('the service process', () => {
  it('prints a clear start-up line and warns about an ephemeral key', async () => {
    const svc = await start();
    try {
      expect(svc.output()).toContain(`pgmeta hook service listening on http://127.0.0.1:${svc.port}`);
      expect(svc.output()).toContain('using an ephemeral key');
    } finally {
      svc.child.kill('SIGKILL');
      await svc.exited;
    }
  });

  it('finishes an in-flight request after SIGTERM, then exits 0', async () => {
    const svc = await start({ PGMETA_OPERATOR_KEY: 'k'.repeat(32) });
    expect(svc.output()).not.toContain('ephemeral');
    const response = new Promise<{ status: number; body: string }>((done, fail) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: svc.port,
          method: 'POST',
          path: '/postgrescluster/customize',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(customizeBody) },
        },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => {
            done({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('error', fail);
      const half = Math.floor(customizeBody.length / 2);
      req.write(customizeBody.slice(0, half));
      void (async () => {
        await sleep(300);
        svc.child.kill('SIGTERM');
        await sleep(500);
        req.end(customizeBody.slice(half));
      })();
    });
    const res = await response;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toHaveProperty('relatedResources');
    expect(await svc.exited).toBe(0);
    expect(svc.output()).toContain('shutting down: finishing in-flight requests');
  });

  it('refuses to listen on a non-loopback address without a token, and says why', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env['PATH'] ?? '', PORT: String(await freePort()), HOST: '0.0.0.0' },
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.resume();
    // A service that listened instead (the old behaviour) is killed after 10 s, so no test leaves it running.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(err).toContain('refusing to listen on 0.0.0.0 without a bearer token');
  });

  it('serves /metrics on its own port only, and hooks only with the token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgmeta-main-'));
    writeFileSync(join(dir, 'token'), 't'.repeat(43));
    const svc = await start({ PGMETA_AUTH_TOKEN_FILE: join(dir, 'token') });
    try {
      expect(svc.output()).toContain(`metrics on port ${svc.metricsPort}`);
      const metrics = await fetch(`http://127.0.0.1:${svc.metricsPort}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('pgmeta_process_cpu_user_seconds_total');
      expect((await fetch(`http://127.0.0.1:${svc.port}/metrics`)).status).toBe(404);
      const hook = (auth?: string) =>
        fetch(`http://127.0.0.1:${svc.port}/postgrescluster/customize`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
          body: customizeBody,
        });
      expect((await hook()).status).toBe(401);
      expect((await hook(`Bearer ${'t'.repeat(43)}`)).status).toBe(200);
    } finally {
      svc.child.kill('SIGKILL');
      await svc.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
