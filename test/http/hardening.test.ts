/**
 * Issue 15, finding 9 (the HTTP parts): a malformed request is the client's fault (400, not 500), a
 * client that goes away is not an error, and nothing a request carries is logged without a bound.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type RequestListener } from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { CONTROLLERS } from '../../hooks/controllers';
import { testApp } from '../support/app';
import { echoController, echoRequest } from '../support/test-controllers';
import { RawClient, serve } from './real-server';

const golden = (name: string): Record<string, unknown> =>
  parse(
    readFileSync(join(__dirname, '..', 'golden', 'postgrescluster', name, 'request.yaml'), 'utf8'),
  ) as Record<string, unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** supertest would re-serialize a Buffer sent as JSON: these bytes go out exactly as given. */
async function postBytes(
  app: RequestListener,
  encoding: string,
  bytes: Buffer,
): Promise<{ status: number; body: string }> {
  const svc = await serve(app);
  try {
    return await new Promise((done, fail) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: svc.port,
          method: 'POST',
          path: '/echo/sync',
          headers: { 'content-type': 'application/json', 'content-encoding': encoding },
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
      req.end(bytes);
    });
  } finally {
    await svc.close();
  }
}

describe('400 for what the client got wrong', () => {
  it.each([
    ['gzip', Buffer.from('this is not gzip at all')],
    ['gzip', gzipSync(Buffer.from(JSON.stringify(echoRequest()))).subarray(0, 40)],
    ['br', Buffer.from('not brotli either, not even close')],
    ['deflate', Buffer.from('nor deflate')],
  ])('a body that is not valid %s', async (encoding, bytes) => {
    const { app, logs } = testApp([echoController]);
    const res = await postBytes(app, encoding, bytes);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: 'body does not match its Content-Encoding' });
    expect(logs.join('')).not.toContain('"level":50');
  });

  it.each([
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ])('still reads a valid %s body', async (encoding, compress) => {
    const { app } = testApp([echoController]);
    const res = await postBytes(app, encoding, compress(Buffer.from(JSON.stringify(echoRequest()))));
    expect(res.status).toBe(200);
  });

  it.each(['/echo/%E0%A4%A', '/%ZZ/sync', '/echo/sy%'])(
    'a malformed percent-encoding in %s',
    async (path) => {
      const { app, logs } = testApp([echoController]);
      const res = await request(app).post(path).send(echoRequest());
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'malformed request path' });
      expect(logs.join('')).not.toContain('"level":50');
    },
  );

  it.each([
    ['postgrescluster', 'sync'],
    ['postgrescluster', 'customize'],
  ])('a %s %s request whose parent has no namespace', async (controller, hook) => {
    const { app } = testApp(CONTROLLERS);
    const body = golden('fresh-create');
    const parent = body['parent'] as { metadata: Record<string, unknown> };
    delete parent.metadata['namespace'];
    const res = await request(app).post(`/${controller}/${hook}`).send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'parent.metadata.namespace is required' });
  });

  it.each(['PostgresDatabase', 'Pod'])('a postgrescluster request whose parent is a %s', async (kind) => {
    const { app } = testApp(CONTROLLERS);
    const body = golden('fresh-create');
    (body['parent'] as { kind: string }).kind = kind;
    const res = await request(app).post('/postgrescluster/sync').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^parent must be PostgresCluster/);
  });

  it('a decorator request whose object is of another kind', async () => {
    const { app } = testApp(CONTROLLERS);
    const res = await request(app)
      .post('/postgrescluster-prometheus/sync')
      .send({
        controller: {
          apiVersion: 'metacontroller.k8s.io/v1alpha1',
          kind: 'DecoratorController',
          metadata: { name: 'x' },
        },
        object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns1' } },
        attachments: {},
      });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^object must be PostgresCluster/);
  });
});

describe('logs', () => {
  it('logs no error when the client goes away mid-body', async () => {
    const { app, logs } = testApp([echoController]);
    const svc = await serve(app);
    try {
      const client = new RawClient(svc.port).start(
        '/echo/sync',
        { 'Content-Type': 'application/json', 'Content-Length': 100_000 },
        '{"parent":',
      );
      await sleep(100);
      client.socket.destroy();
      await sleep(200);
      expect(logs.join('')).not.toContain('"level":50');
      expect(logs.join('')).toContain('client closed the connection before its body ended');
    } finally {
      await svc.close();
    }
  });

  it('caps what it logs of a 1 MiB name', async () => {
    const { app, logs } = testApp([echoController]);
    const name = 'n'.repeat(1024 * 1024);
    const body = echoRequest();
    (body['parent'] as { metadata: Record<string, unknown> }).metadata['name'] = name;
    (body['parent'] as { metadata: Record<string, unknown> }).metadata['namespace'] = name;
    await request(app).post('/echo/sync').send(body);
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) expect(line.length).toBeLessThan(2048);
    expect(logs.join('')).toContain('(1048576 chars)');
  });
});
