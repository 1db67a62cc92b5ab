/**
 * Issue 15, findings 1 and 2, tried as an attacker in the cluster would: the sync hook as a password
 * oracle, and memory exhaustion through large, streamed, slow or many bodies. Everything runs on a
 * real loopback server with the service's own settings (hooks/http/listen.ts).
 */
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { pino } from 'pino';
import request from 'supertest';
import { parse } from 'yaml';
import { CONTROLLERS } from '../../hooks/controllers';
import { DEFAULT_BODY_LIMIT } from '../../hooks/http/body';
import { checkExposure } from '../../hooks/runtime/auth-token';
import { testApp } from '../support/app';
import { echoController, echoRequest } from '../support/test-controllers';
import { chunked, RawClient, serve, type Running } from './real-server';

const MiB = 1024 * 1024;
const TOKEN = 'a-token-of-the-kind-the-service-creates-43ch';
const victim = parse(
  readFileSync(join(__dirname, '..', 'golden', 'postgrescluster', 'fresh-create', 'request.yaml'), 'utf8'),
) as object;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the sync hook is no password oracle', () => {
  it('answers a request carrying only a victim UID with 401 and no Secret, without the token', async () => {
    const { app } = testApp(CONTROLLERS, { authToken: TOKEN });
    const res = await request(app).post('/postgrescluster/sync').send(victim);
    expect(res.status).toBe(401);
    expect(res.text).toBe('{"error":"unauthorized"}');
    // ... while the same request with the token does carry the derived passwords.
    const ok = await request(app)
      .post('/postgrescluster/sync')
      .set('Authorization', `Bearer ${TOKEN}`)
      .send(victim);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('"kind":"Secret"');
  });

  it('refuses to listen on a non-loopback address without a token', () => {
    const logger = pino({ level: 'silent' });
    for (const host of ['0.0.0.0', '::', '10.1.2.3']) {
      expect(() => {
        checkExposure({ host, token: false, insecure: false, logger });
      }).toThrow(/refusing to listen/);
      expect(() => {
        checkExposure({ host, token: true, insecure: false, logger });
      }).not.toThrow();
    }
    for (const host of ['127.0.0.1', 'localhost', '::1']) {
      expect(() => {
        checkExposure({ host, token: false, insecure: false, logger });
      }).not.toThrow();
    }
  });

  it('listens without a token only when told to, with a warning', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
    checkExposure({ host: '0.0.0.0', token: false, insecure: true, logger });
    expect(lines.join('')).toMatch(/"level":40.*WITHOUT authentication/);
  });
});

describe('bodies are bounded before they are read', () => {
  let svc: Running;
  let logs: string[];
  beforeEach(async () => {
    const t = testApp([echoController], { authToken: TOKEN });
    logs = t.logs;
    svc = await serve(t.app);
  });
  afterEach(() => svc.close());
  const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

  it('answers eight parallel 15 MiB declared bodies 413 at once, having read none of them', async () => {
    const clients = Array.from({ length: 8 }, () =>
      new RawClient(svc.port).start('/echo/sync', { ...auth, 'Content-Length': 15 * MiB }, '{"a":'),
    );
    const answers = await Promise.all(clients.map((c) => c.response));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(413));
    expect(Math.max(...answers.map((a) => a.afterMs))).toBeLessThan(3000);
    expect(answers[0]!.head).toMatch(/connection: close/i);
    await Promise.all(clients.map((c) => c.closed));
    await sleep(50);
    expect(svc.bytesRead).toHaveLength(8);
    for (const n of svc.bytesRead) expect(n).toBeLessThan(64 * 1024);
  });

  it('cuts a chunked body off at the 4 MiB limit and closes the connection', async () => {
    const client = new RawClient(svc.port).start('/echo/sync', { ...auth, 'Transfer-Encoding': 'chunked' });
    const sent = client.stream(24 * MiB, 64 * 1024, chunked);
    // The server answers 413 and closes while the client is still writing; closing a socket with
    // unread data makes the kernel send a reset, which may overtake the answer on the client side.
    const status = await client.response.then(
      (r) => r.status,
      () => 'reset',
    );
    expect([413, 'reset']).toContain(status);
    await client.closed;
    expect(await sent).toBeLessThan(24 * MiB);
    await sleep(50);
    expect(svc.bytesRead[0]).toBeLessThan(DEFAULT_BODY_LIMIT + 1 * MiB);
    expect(logs.join('')).toContain('"code":413');
  });

  it.each([
    ['an unknown controller', '/nope/sync', auth, 404],
    ['an unknown hook', '/echo/explode', auth, 404],
    ['a request without the token', '/echo/sync', { 'Content-Type': 'application/json' }, 401],
  ])('refuses %s before reading its body', async (_what, path, headers, status) => {
    const client = new RawClient(svc.port).start(path, { ...headers, 'Content-Length': 3 * MiB });
    const res = await client.response;
    expect(res.status).toBe(status);
    await client.closed;
    await sleep(50);
    expect(svc.bytesRead[0]).toBeLessThan(64 * 1024);
    expect(logs.join('')).not.toContain(TOKEN);
  });
});

describe('requests in flight are capped, and /healthz answers anyway', () => {
  it('answers 429 with Retry-After over the default cap of 32, and /healthz 200 meanwhile', async () => {
    const svc = await serve(testApp([echoController]).app);
    const body = JSON.stringify(echoRequest());
    const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
    try {
      // Thirty-two slow uploads hold every slot: half a body each, the rest later.
      const holders = Array.from({ length: 32 }, () =>
        new RawClient(svc.port).start('/echo/sync', headers, body.slice(0, 10)),
      );
      await sleep(300);
      const over = await new RawClient(svc.port).start('/echo/sync', headers, body).response;
      expect(over.status).toBe(429);
      expect(over.head).toMatch(/\r\nretry-after: 1\r\n/i);
      expect(await healthz(svc.port)).toBe(200);
      for (const h of holders) h.socket.write(body.slice(10));
      expect((await Promise.all(holders.map((h) => h.response))).map((r) => r.status)).toEqual(
        Array(32).fill(200),
      );
      // The slots are free again.
      expect((await new RawClient(svc.port).start('/echo/sync', headers, body).response).status).toBe(200);
    } finally {
      await svc.close();
    }
  });
});

describe('slow clients lose their socket', () => {
  it('uses 15 s header and request timeouts and keeps idle connections above Go’s 90 s', async () => {
    const svc = await serve(testApp([echoController]).app);
    try {
      expect(svc.server.headersTimeout).toBe(15_000);
      expect(svc.server.requestTimeout).toBe(15_000);
      expect(svc.server.keepAliveTimeout).toBeGreaterThan(90_000);
    } finally {
      await svc.close();
    }
  });

  it('closes a request whose body stalls, and frees its in-flight slot', async () => {
    const timeouts = { keepAliveMs: 95_000, headersMs: 400, requestMs: 400, checkEveryMs: 50 };
    const svc = await serve(testApp([echoController], { maxInFlight: 1 }).app, timeouts);
    const body = JSON.stringify(echoRequest());
    const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
    try {
      const stalled = new RawClient(svc.port).start('/echo/sync', headers, body.slice(0, 10));
      await sleep(100);
      expect((await new RawClient(svc.port).start('/echo/sync', headers, body).response).status).toBe(429);
      await stalled.closed;
      expect((await new RawClient(svc.port).start('/echo/sync', headers, body).response).status).toBe(200);
    } finally {
      await svc.close();
    }
  });
});

describe('idle keep-alive connections are not slow clients', () => {
  it('serves a second request on a connection idle for longer than the header timeout', async () => {
    const timeouts = { keepAliveMs: 5_000, headersMs: 300, requestMs: 300, checkEveryMs: 50 };
    const svc = await serve(testApp([echoController]).app, timeouts);
    const body = JSON.stringify(echoRequest());
    const req = `POST /echo/sync HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    try {
      const client = new RawClient(svc.port);
      let received = '';
      client.socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
      client.socket.write(req);
      await sleep(1000);
      client.socket.write(req);
      await sleep(300);
      expect(received.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
      client.socket.destroy();
    } finally {
      await svc.close();
    }
  });
});

function healthz(port: number): Promise<number> {
  return new Promise((done, fail) => {
    get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    }).on('error', fail);
  });
}
