/**
 * ETag caching over HTTP (issue 9): every 200 hook answer carries the strong ETag of its exact bytes,
 * and `If-None-Match` turns it into a 304 with no body only when the 200 would have been
 * byte-identical. Metacontroller then reuses the body it cached, so a wrong 304 would apply a stale
 * desired state: the matrix below sends every scenario with the ETag of every other one.
 */
import request from 'supertest';
import { etagOf } from '../../hooks/http/etag';
import { CONTROLLERS } from '../../hooks/controllers';
import { steadyWorld } from '../../scripts/bench/payloads';
import { CASES } from '../golden/postgrescluster/cases';
import { testApp } from '../support/app';
import { request as hookRequest, type World } from '../support/cluster-world';
import { echoController, echoRequest, protectedSecret } from '../support/test-controllers';

const pathOf = (w: World) => `/postgrescluster/${w.finalizing ? 'finalize' : 'sync'}`;

/** The steady 3-member world where Patroni renewed its leader lock: a new request, the same answer. */
function renewed(): World {
  const w = steadyWorld(3);
  return {
    ...w,
    related: w.related.map((o) =>
      o.kind === 'Endpoints' && o.metadata.annotations?.['renewTime'] !== undefined
        ? {
            ...o,
            metadata: {
              ...o.metadata,
              annotations: { ...o.metadata.annotations, renewTime: '2026-11-21T10:00:05Z' },
            },
          }
        : o,
    ),
  };
}

/** The steady 3-member world with one replica's pod no longer ready: the status must change. */
function replicaNotReady(): World {
  const w = steadyWorld(3);
  return {
    ...w,
    related: w.related.map((o) => {
      if (o.kind !== 'Pod' || !o.metadata.name.endsWith('-2')) return o;
      const status = o['status'] as { conditions: { type: string; status: string }[] };
      const conditions = status.conditions.map((c) =>
        c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c,
      );
      return { ...o, status: { ...status, conditions } };
    }),
  };
}

const WORLDS: Record<string, () => World> = {
  'steady 1-member': () => steadyWorld(1),
  'steady 3-member': () => steadyWorld(3),
  'steady 3-member, leader lock renewed': renewed,
  'steady 3-member, replica not ready': replicaNotReady,
  ...CASES,
};

describe('ETag on PostgresCluster hook answers', () => {
  const { app } = testApp(CONTROLLERS);
  const worlds = Object.entries(WORLDS).map(([name, make]) => {
    const w = make();
    return { name, path: pathOf(w), body: hookRequest(w) };
  });
  const answers = new Map<string, { text: string; etag: string }>();

  beforeAll(async () => {
    for (const w of worlds) {
      const res = await request(app).post(w.path).send(w.body);
      expect(res.status).toBe(200);
      answers.set(w.name, { text: res.text, etag: String(res.headers['etag']) });
    }
  });

  it.each(worlds.map((w) => w.name))('%s: 200 carries the strong ETag of the exact body bytes', (name) => {
    const a = answers.get(name)!;
    expect(a.etag).toBe(etagOf(a.text));
    expect(a.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
  });

  it('the scenarios include byte-identical answers to different requests, and different answers', () => {
    const steady = answers.get('steady 3-member')!;
    expect(answers.get('steady 3-member, leader lock renewed')!.text).toBe(steady.text);
    expect(answers.get('steady 3-member, replica not ready')!.text).not.toBe(steady.text);
    expect(new Set([...answers.values()].map((a) => a.text)).size).toBeGreaterThan(5);
  });

  // One request per pair of golden worlds: quadratic in the goldens, so it gets its own time bound.
  it('answers 304 to If-None-Match exactly when the 200 would have been byte-identical', async () => {
    const outcomes: string[] = [];
    for (const cached of worlds) {
      const tag = answers.get(cached.name)!.etag;
      for (const now of worlds) {
        const res = await request(app).post(now.path).set('If-None-Match', tag).send(now.body);
        const identical = answers.get(cached.name)!.text === answers.get(now.name)!.text;
        outcomes.push(`${cached.name} → ${now.name}: ${res.status}`);
        expect(`${cached.name} → ${now.name}: ${res.status}`).toBe(
          `${cached.name} → ${now.name}: ${identical ? 304 : 200}`,
        );
        if (res.status === 200) expect(res.text).toBe(answers.get(now.name)!.text);
      }
    }
    expect(outcomes.filter((o) => o.endsWith('304')).length).toBeGreaterThan(worlds.length);
  }, 180_000);

  it('a 304 has no body and repeats the ETag', async () => {
    const w = worlds[1]!;
    const { etag } = answers.get(w.name)!;
    const res = await request(app).post(w.path).set('If-None-Match', etag).send(w.body);
    expect(res.status).toBe(304);
    expect(res.text).toBe('');
    expect(res.headers['content-length'] ?? '0').toBe('0');
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.headers['etag']).toBe(etag);
  });

  it.each([
    ['a weak form of the tag', (t: string) => `W/${t}`],
    ['a list that holds the tag', (t: string) => `"stale", ${t}`],
    ['*', () => '*'],
  ])('304 for %s', async (_what, header) => {
    const w = worlds[1]!;
    const res = await request(app)
      .post(w.path)
      .set('If-None-Match', header(answers.get(w.name)!.etag))
      .send(w.body);
    expect(res.status).toBe(304);
  });

  it('a changed observed state gives 200 with a new ETag', async () => {
    const before = answers.get('steady 3-member')!;
    const w = worlds.find((x) => x.name === 'steady 3-member, replica not ready')!;
    const res = await request(app).post(w.path).set('If-None-Match', before.etag).send(w.body);
    expect(res.status).toBe(200);
    expect(res.headers['etag']).not.toBe(before.etag);
    expect(res.headers['etag']).toBe(etagOf(res.text));
  });

  it('a different clock that changes a condition gives 200 with a new ETag', async () => {
    const w = worlds.find((x) => x.name === 'fresh-create')!;
    const before = answers.get('fresh-create')!;
    const later = testApp(CONTROLLERS, { now: () => '2026-11-21T10:05:00Z' }).app;
    const res = await request(later).post(w.path).set('If-None-Match', before.etag).send(w.body);
    expect(res.status).toBe(200);
    expect(res.text).not.toBe(before.text);
    expect(res.headers['etag']).toBe(etagOf(res.text));
  });

  it('customize answers carry an ETag too', async () => {
    const w = worlds[1]!;
    const body = { controller: w.body['controller'], parent: w.body['parent'] };
    const res = await request(app).post('/postgrescluster/customize').send(body);
    expect(res.status).toBe(200);
    expect(res.headers['etag']).toBe(etagOf(res.text));
  });
});

describe('errors never carry an ETag and never become 304', () => {
  const { app } = testApp([echoController]);

  it.each([
    ['malformed JSON (400)', '/echo/sync', '{"parent": ', 400],
    ['an invalid hook request (400)', '/echo/sync', { hello: 'world' }, 400],
    ['an unknown hook (404)', '/echo/nope', echoRequest(), 404],
    ['a handler that throws (500)', '/echo/sync', echoRequest({ spec: { throw: 'boom' } }), 500],
    [
      'a response that would drop a protected child (500)',
      '/echo/sync',
      echoRequest({ observed: [protectedSecret('creds')], desired: [] }),
      500,
    ],
  ])('%s, even with If-None-Match: *', async (_what, path, body, status) => {
    const req = request(app).post(path).set('If-None-Match', '*').set('Content-Type', 'application/json');
    const res = await req.send(typeof body === 'string' ? body : JSON.stringify(body));
    expect(res.status).toBe(status);
    expect(res.headers['etag']).toBeUndefined();
    expect(typeof res.body.error).toBe('string');
  });
});
