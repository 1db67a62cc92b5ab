import request from 'supertest';
import { cm, echoController, echoRequest, protectedSecret } from '../support/test-controllers';
import { testApp } from '../support/app';

const noStack = (text: string) => {
  expect(text).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
};

describe('hook routes', () => {
  it('round-trips a valid sync request', async () => {
    const { app } = testApp([echoController]);
    const res = await request(app)
      .post('/echo/sync')
      .send(echoRequest({ desired: [cm('b'), cm('a')] }));
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expect(Object.keys(res.body)).toEqual(['status', 'children']);
    expect(res.body.children.map((c: { metadata: { name: string } }) => c.metadata.name)).toEqual(['a', 'b']);
  });

  it.each(['v1', 'v2'] as const)('reads %s child keys', async (keys) => {
    const { app } = testApp([echoController]);
    const body = echoRequest({ observed: [cm('x'), cm('y')], keys, desired: [cm('x'), cm('y')] });
    const res = await request(app).post('/echo/sync').send(body);
    expect(res.body.status).toEqual({ configMaps: ['x', 'y'], secrets: [] });
  });

  it('answers 400 to malformed JSON', async () => {
    const { app } = testApp([echoController]);
    const res = await request(app)
      .post('/echo/sync')
      .set('Content-Type', 'application/json')
      .send('{"parent": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'malformed JSON body' });
    noStack(res.text);
  });

  it.each([
    ['a JSON array', []],
    ['an object that is not a hook request', { hello: 'world' }],
    ['a parent without metadata', { controller: {}, parent: { apiVersion: 'v1', kind: 'X' }, children: {} }],
  ])('answers 400 to %s', async (_name, body) => {
    const { app } = testApp([echoController]);
    const res = await request(app).post('/echo/sync').send(body);
    expect(res.status).toBe(400);
    expect(typeof res.body.error).toBe('string');
  });

  it('answers 400 when the body is not JSON at all', async () => {
    const { app } = testApp([echoController]);
    const res = await request(app).post('/echo/sync').set('Content-Type', 'text/plain').send('hi');
    expect(res.status).toBe(400);
  });

  it('accepts 3 MiB bodies and answers 413 above the 4 MiB limit', async () => {
    const { app } = testApp([echoController]);
    const big = (size: number) => ({ ...echoRequest(), padding: 'x'.repeat(size) });
    expect(
      (
        await request(app)
          .post('/echo/sync')
          .send(big(3 * 1024 * 1024))
      ).status,
    ).toBe(200);
    const res = await request(app)
      .post('/echo/sync')
      .send(big(5 * 1024 * 1024));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'request body too large' });
  });

  it('answers 404 with JSON for an unknown controller or hook', async () => {
    const { app } = testApp([echoController]);
    expect((await request(app).post('/nope/sync').send({})).status).toBe(404);
    const res = await request(app).post('/echo/explode').send({});
    expect(res.status).toBe(404);
    expect(res.body.error).toContain('no hook');
  });

  it('answers 500 with no children when the handler throws', async () => {
    const { app, logs } = testApp([echoController]);
    const res = await request(app)
      .post('/echo/sync')
      .send(echoRequest({ spec: { throw: 'kaput\n  at x (y.ts:1:2)' } }));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'kaput' });
    expect(res.body).not.toHaveProperty('children');
    noStack(res.text);
    expect(logs.join('')).toContain('"reason":"Internal"');
  });

  it('answers 500 when the deletion guard trips', async () => {
    const { app } = testApp([echoController]);
    const res = await request(app)
      .post('/echo/sync')
      .send(echoRequest({ observed: [protectedSecret('pg-superuser')] }));
    expect(res.status).toBe(500);
    expect(res.body.error).toBe('refusing to delete protected child Secret ns1/pg-superuser');
    expect(res.body).not.toHaveProperty('children');
  });
});

describe('authentication', () => {
  const token = 's3cr3t-token';

  it.each([
    [undefined, 401],
    ['Bearer wrong', 401],
    [`Basic ${token}`, 401],
    [`Bearer ${token}`, 200],
  ])('Authorization %s gives %d', async (header, code) => {
    const { app, logs } = testApp([echoController], { authToken: token });
    const req = request(app).post('/echo/sync');
    if (header) void req.set('Authorization', header);
    const res = await req.send(echoRequest());
    expect(res.status).toBe(code);
    if (code === 401) expect(res.body).toEqual({ error: 'unauthorized' });
    expect(logs.join('')).not.toContain(token);
  });

  it.each([
    [`Bearer ${token}`, 200],
    ['Bearer the-previous-one', 200],
    ['Bearer neither', 401],
  ])('during a token rotation, %s gives %d', async (header, code) => {
    const { app } = testApp([echoController], { authToken: token, previousAuthToken: 'the-previous-one' });
    const res = await request(app).post('/echo/sync').set('Authorization', header).send(echoRequest());
    expect(res.status).toBe(code);
  });

  it('leaves health and metrics open (probes and Prometheus carry no token)', async () => {
    const { app, metricsApp } = testApp([echoController], { authToken: token });
    expect((await request(app).get('/healthz')).status).toBe(200);
    expect((await request(metricsApp).get('/metrics')).status).toBe(200);
  });

  it('serves /metrics only on the metrics listener, not on the hook port', async () => {
    const { app, metricsApp } = testApp([echoController], { authToken: token });
    expect((await request(app).get('/metrics')).status).toBe(404);
    expect((await request(metricsApp).post('/echo/sync').send(echoRequest())).status).toBe(404);
  });
});

describe('health, readiness, metrics, logs', () => {
  it('reports readiness from the shutdown flag', async () => {
    let ready = true;
    const { app } = testApp([echoController], { isReady: () => ready });
    expect((await request(app).get('/readyz')).status).toBe(200);
    ready = false;
    expect((await request(app).get('/readyz')).status).toBe(503);
  });

  it('exposes request counters, error reasons, durations and process metrics', async () => {
    const { app, metricsApp } = testApp([echoController]);
    await request(app).post('/echo/sync').send(echoRequest());
    await request(app)
      .post('/echo/sync')
      .send(echoRequest({ observed: [protectedSecret('s')] }));
    await request(app).post('/zzz/sync').send({});
    const text = (await request(metricsApp).get('/metrics')).text;
    expect(text).toContain('pgmeta_hook_requests_total{controller="echo",hook="sync",code="200"} 1');
    expect(text).toContain('pgmeta_hook_requests_total{controller="echo",hook="sync",code="500"} 1');
    expect(text).toContain('pgmeta_hook_requests_total{controller="unknown",hook="sync",code="404"} 1');
    expect(text).toContain(
      'pgmeta_hook_errors_total{controller="echo",hook="sync",reason="ProtectedChildOmitted"} 1',
    );
    expect(text).toMatch(/pgmeta_hook_duration_seconds_bucket\{le="10",controller="echo",hook="sync"\} 2/);
    expect(text).toContain('pgmeta_process_cpu_user_seconds_total');
  });

  it('logs one structured line per request without the body or Secret data', async () => {
    const { app, logs } = testApp([echoController]);
    const secret = protectedSecret('s');
    await request(app)
      .post('/echo/sync')
      .send(echoRequest({ observed: [secret], desired: [secret] }));
    expect(logs).toHaveLength(1);
    const line = JSON.parse(logs[0]!);
    expect(line).toMatchObject({
      controller: 'echo',
      hook: 'sync',
      namespace: 'ns1',
      name: 'p1',
      generation: 3,
      code: 200,
    });
    expect(typeof line.durationMs).toBe('number');
    expect(logs[0]).not.toContain('c2VjcmV0');
  });
});
