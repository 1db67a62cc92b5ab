/**
 * The reference servers are only a fair floor and a fair split if they answer exactly what the hook
 * service answers: the same bytes, through the same body parser.
 */
import { pino } from 'pino';
import request from 'supertest';
import { CONTROLLERS } from '../../hooks/controllers';
import type { DesiredState } from '../../hooks/metacontroller/types';
import { createFloorApp } from '../../scripts/bench/floor';
import { responseOf } from '../../scripts/bench/inprocess';
import { buildPayloads, SYNC_PATH } from '../../scripts/bench/payloads';
import { createZeroCostHookApp } from '../../scripts/bench/stub';
import { testApp } from '../support/app';
import { CTX } from '../support/cluster-world';

const payloads = buildPayloads();
const silent = pino({ level: 'silent' });
/** The hook service with the fixtures' clock and key, as the benchmark runs it. */
const hookApp = () => testApp(CONTROLLERS, { now: () => CTX.now, operatorKey: CTX.operatorKey }).app;

describe.each(payloads)('$name', (p) => {
  const response = responseOf(p);
  const post = (app: Parameters<typeof request>[0]) =>
    request(app).post(SYNC_PATH).set('Content-Type', 'application/json').send(p.body);

  it('the hook service answers exactly the in-process response', async () => {
    const res = await post(hookApp());
    expect(res.status).toBe(200);
    expect(res.text).toBe(response);
  });

  it('the floor answers the same bytes, so the same size, with the same content type', async () => {
    const [hook, floor] = await Promise.all([post(hookApp()), post(createFloorApp({ response }))]);
    expect(floor.status).toBe(200);
    expect(floor.text).toBe(hook.text);
    expect(floor.headers['content-length']).toBe(hook.headers['content-length']);
    expect(floor.headers['content-type']).toBe(hook.headers['content-type']);
  });

  it('the zero-cost-hook service answers the same bytes and ETag as the hook service', async () => {
    const stub = createZeroCostHookApp(JSON.parse(response) as DesiredState, silent);
    const [hook, zero] = await Promise.all([post(hookApp()), post(stub)]);
    expect(zero.status).toBe(200);
    expect(zero.text).toBe(hook.text);
    expect(zero.headers['etag']).toBe(hook.headers['etag']);
  });
});

describe('floor body parser', () => {
  const floor = createFloorApp({ response: '{}', bodyLimitBytes: 1024 });

  it('parses JSON like the hook service: malformed JSON is an error, not an answer', async () => {
    const res = await request(floor)
      .post(SYNC_PATH)
      .set('Content-Type', 'application/json')
      .send('{"parent": ');
    expect(res.status).toBe(400);
  });

  it('enforces its body limit', async () => {
    const res = await request(floor)
      .post(SYNC_PATH)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(2048) }));
    expect(res.status).toBe(413);
  });

  it('answers its /healthz, which the benchmark waits for', async () => {
    expect((await request(floor).get('/healthz')).status).toBe(200);
  });
});
