/**
 * The service's answer memo (hooks/http/answer-memo.ts, hooks/postgrescluster/facts.ts): a remembered
 * answer is only ever the answer the hook would give, byte for byte, and the memo stays bounded.
 */
import fc from 'fast-check';
import { pino } from 'pino';
import request from 'supertest';
import { AnswerMemo, memoKey } from '../../../hooks/http/answer-memo';
import { runHook } from '../../../hooks/metacontroller/dispatch';
import { postgresClusterController } from '../../../hooks/postgrescluster/controller';
import { clusterSyncFacts } from '../../../hooks/postgrescluster/facts';
import { createApp } from '../../../hooks/server';
import { buildPayloads } from '../../../scripts/bench/payloads';
import { loopRequest } from '../../../scripts/bench/varied';
import { CTX } from '../../support/cluster-world';

const payload = buildPayloads().find((p) => p.name === '3-member')!;
const answerOf = (body: unknown) =>
  JSON.stringify(runHook({ def: postgresClusterController, hook: 'sync', body, ctx: CTX }));
const digestOf = (body: unknown) => memoKey('postgrescluster/sync', clusterSyncFacts(body), body)?.digest;

describe('postgrescluster sync facts', () => {
  it("are none for a standby cluster, whose status carries its leader's raw WAL position", () => {
    const standby = buildPayloads().find((x) => x.name === '1-member')!;
    const spec = (JSON.parse(standby.body) as { parent: { spec: { standby?: unknown } } }).parent.spec;
    expect(spec.standby).toBeDefined();
    // Two loops differ only in WAL positions, and a standby's answers differ with them.
    expect(answerOf(loopRequest(standby, 0))).not.toBe(answerOf(loopRequest(standby, 1)));
    expect(digestOf(loopRequest(standby, 0))).toBeUndefined();
  });

  it('are the same for loops that differ only in renewals, resourceVersions and WAL within the reported lag', () => {
    // loops 0..47 are healthy (every replica under 1 MiB behind); 48 and 49 have a replica 3 MiB behind
    const healthy = [0, 1, 2, 7, 30, 47].map((i) => loopRequest(payload, i));
    expect(new Set(healthy.map(digestOf)).size).toBe(1);
    expect(new Set(healthy.map(answerOf)).size).toBe(1);
    expect(digestOf(loopRequest(payload, 48))).not.toBe(digestOf(healthy[0]));
    expect(answerOf(loopRequest(payload, 48))).not.toBe(answerOf(healthy[0]));
  });

  it('same facts, same answer: for any two loops and any resourceVersions or renewal times', () => {
    const body = (i: number, rv: number, renew: number) => {
      const req = loopRequest(payload, i) as { parent: { metadata: Record<string, unknown> } };
      req.parent.metadata['resourceVersion'] = String(rv);
      req.parent.metadata['managedFields'] = [{ manager: `m${rv}` }];
      return { ...req, related: withRenewal(req, renew) };
    };
    const loop = fc.record({
      i: fc.nat(120),
      rv: fc.nat(1_000_000),
      renew: fc.nat(10_000_000),
    });
    fc.assert(
      fc.property(loop, loop, (a, b) => {
        const [x, y] = [body(a.i, a.rv, a.renew), body(b.i, b.rv, b.renew)];
        if (digestOf(x) === digestOf(y)) expect(answerOf(x)).toBe(answerOf(y));
      }),
      { numRuns: 40 },
    );
  });

  it('keep which member is ahead only while a scale-down may choose by it', () => {
    const req = loopRequest(payload, 0) as unknown as Body;
    const swapped = swapWal(req, 1, 2);
    expect(digestOf(swapped)).toBe(digestOf(req));
    expect(answerOf(swapped)).toBe(answerOf(req));
    const down = (b: Body): Body => ({
      ...b,
      parent: { ...b.parent, spec: { ...b.parent.spec, replicas: 2 } },
    });
    expect(digestOf(down(swapped))).not.toBe(digestOf(down(req)));
  });
});

interface Body {
  parent: { spec: Record<string, unknown> };
  related: Record<
    string,
    Record<string, { metadata: { name: string; annotations: Record<string, string> } }>
  >;
}

/** The request with the WAL positions of members `a` and `b` exchanged. */
function swapWal(req: Body, a: number, b: number): Body {
  const out = structuredClone(req);
  const pods = Object.values(out.related['Pod.v1'] ?? {});
  const status = (i: number) =>
    JSON.parse(pods[i]?.metadata.annotations['status'] ?? '{}') as Record<string, unknown>;
  const [x, y] = [status(a), status(b)];
  pods[a]!.metadata.annotations['status'] = JSON.stringify({ ...x, xlog_location: y['xlog_location'] });
  pods[b]!.metadata.annotations['status'] = JSON.stringify({ ...y, xlog_location: x['xlog_location'] });
  return out;
}

function withRenewal(req: unknown, renew: number): unknown {
  const related = structuredClone(
    (
      req as {
        related: Record<string, Record<string, { metadata: { annotations?: Record<string, string> } }>>;
      }
    ).related,
  );
  for (const e of Object.values(related['Endpoints.v1'] ?? {})) {
    if (e.metadata.annotations?.['renewTime'] !== undefined)
      e.metadata.annotations['renewTime'] = new Date(renew * 1000).toISOString();
  }
  return related;
}

describe('the answer memo of the hook service', () => {
  const counting = (o: { withNow?: boolean } = {}) => {
    let calls = 0;
    const def = {
      ...postgresClusterController,
      sync: (req: Parameters<typeof postgresClusterController.sync>[0], ctx: typeof CTX) => {
        calls++;
        const desired = postgresClusterController.sync(req, ctx);
        return o.withNow ? { ...desired, status: { ...desired.status, seenAt: ctx.now } } : desired;
      },
    };
    let t = 0;
    const app = createApp({
      controllers: [def],
      logger: pino({ level: 'silent' }),
      now: () => `2026-12-01T10:00:${String(t++ % 60).padStart(2, '0')}Z`,
      operatorKey: CTX.operatorKey,
    });
    return { app, calls: () => calls };
  };
  const post = (app: ReturnType<typeof createApp>, body: unknown) =>
    request(app)
      .post('/postgrescluster/sync')
      .set('content-type', 'application/json')
      .send(JSON.stringify(body));

  it('answers a loop with the same facts from memory, with the bytes the hook gives', async () => {
    const { app, calls } = counting();
    const first = await post(app, loopRequest(payload, 1));
    const second = await post(app, loopRequest(payload, 2));
    expect(calls()).toBe(1);
    expect(second.text).toBe(first.text);
    expect(second.text).toBe(answerOf(loopRequest(payload, 2)));
    const slow = await post(app, loopRequest(payload, 48));
    expect(calls()).toBe(2);
    expect(slow.text).toBe(answerOf(loopRequest(payload, 48)));
  });

  it('never keeps an answer that carries the request time', async () => {
    const { app, calls } = counting({ withNow: true });
    await post(app, loopRequest(payload, 1));
    await post(app, loopRequest(payload, 2));
    expect(calls()).toBe(2);
  });

  it('stays within its byte budget, dropping the least recently answered parent first', () => {
    const memo = new AnswerMemo(300);
    const o = (c: string) => ({ payload: c.repeat(100), now: '2026-11-21T10:00:00Z' });
    memo.set('a', 'd', o('a'));
    memo.set('b', 'd', o('b'));
    expect(memo.get('a', 'd')).toBe('a'.repeat(100));
    memo.set('c', 'd', o('c'));
    expect(memo.usedBytes).toBeLessThanOrEqual(300);
    expect(memo.get('b', 'd')).toBeUndefined();
    expect(memo.get('a', 'd')).toBeDefined();
    expect(memo.get('a', 'other facts')).toBeUndefined();
  });
});
