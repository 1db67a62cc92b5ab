/**
 * The emulated API server keeps the REST conventions real clients rely on (API concepts, API
 * conventions): paths per group/version, List kinds with a resourceVersion, `Status` errors with
 * reason and code, optimistic concurrency on resourceVersion, merge and JSON patch, the status
 * subresource writing status only, selectors, and watches that replay from a resourceVersion.
 */
import { KUBERNETES_RULES } from '../../lifecycle/lib/apiserver-rules';
import { SimClock } from '../../lifecycle/lib/clock';
import { ApiStore } from '../../lifecycle/lib/store';
import { KubeApiServer } from '../../support/kube-api';

const PGC = '/apis/pgmeta.io/v1alpha1/namespaces/shop/postgresclusters';
const cluster = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'pgmeta.io/v1alpha1',
  kind: 'PostgresCluster',
  metadata: { name, labels },
  spec: { version: '16' },
});

let api: KubeApiServer;
beforeEach(async () => {
  api = await KubeApiServer.start(new ApiStore(new SimClock(), KUBERNETES_RULES));
});
afterEach(async () => {
  await api.stop();
});

async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { 'content-type': contentType },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { code: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

it('creates, reads and lists; a second create is AlreadyExists, a missing object NotFound, as Status objects', async () => {
  expect((await call('POST', PGC, cluster('orders'))).code).toBe(201);
  const again = await call('POST', PGC, cluster('orders'));
  expect(again).toEqual({
    code: 409,
    body: expect.objectContaining({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'AlreadyExists',
      code: 409,
    }),
  });
  expect((await call('GET', `${PGC}/nope`)).body).toMatchObject({
    kind: 'Status',
    reason: 'NotFound',
    code: 404,
    details: { name: 'nope', group: 'pgmeta.io', kind: 'postgresclusters' },
  });
  const list = await call('GET', PGC);
  expect(list.body).toMatchObject({
    kind: 'PostgresClusterList',
    apiVersion: 'pgmeta.io/v1alpha1',
    metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
  });
  expect(list.body['items'].map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(['orders']);
  expect((await call('GET', '/apis/pgmeta.io/v1alpha1/namespaces/shop/nothings')).body['reason']).toBe(
    'NotFound',
  );
  expect((await call('POST', PGC, { ...cluster('x'), kind: 'Pod' })).body['reason']).toBe('BadRequest');
});

it('PUT with a stale resourceVersion is a Conflict; merge and JSON patches apply; status is its own subresource', async () => {
  const created = (await call('POST', PGC, cluster('orders'))).body;
  expect(
    (await call('PATCH', `${PGC}/orders`, { spec: { replicas: 3 } }, 'application/merge-patch+json')).code,
  ).toBe(200);
  const put = await call('PUT', `${PGC}/orders`, { ...created, spec: { version: '17' } });
  expect(put.body).toMatchObject({ reason: 'Conflict', code: 409 });
  const json = await call(
    'PATCH',
    `${PGC}/orders`,
    [
      { op: 'add', path: '/metadata/annotations', value: { 'a/b': 'c' } },
      { op: 'replace', path: '/spec/replicas', value: 2 },
    ],
    'application/json-patch+json',
  );
  expect(json.body).toMatchObject({
    metadata: { annotations: { 'a/b': 'c' }, generation: 3 },
    spec: { replicas: 2 },
  });
  const removed = await call(
    'PATCH',
    `${PGC}/orders`,
    [{ op: 'remove', path: '/metadata/annotations/a~1b' }],
    'application/json-patch+json',
  );
  expect(removed.body['metadata'].annotations).toEqual({});
  expect((await call('PATCH', `${PGC}/orders`, {}, 'application/strategic-merge-patch+json')).code).toBe(415);
  // A status write changes status only; a main-resource write cannot change status.
  const status = await call(
    'PATCH',
    `${PGC}/orders/status`,
    { status: { phase: 'Running' }, spec: { replicas: 9 } },
    'application/merge-patch+json',
  );
  expect(status.body).toMatchObject({ status: { phase: 'Running' }, spec: { replicas: 2 } });
  const main = await call(
    'PATCH',
    `${PGC}/orders`,
    { status: { phase: 'Failed' } },
    'application/merge-patch+json',
  );
  expect(main.body['status']).toEqual({ phase: 'Running' });
});

it('selects by label and field; deletes answer a Success Status', async () => {
  await call('POST', PGC, cluster('a', { tier: 'gold' }));
  await call('POST', PGC, cluster('b', { tier: 'silver' }));
  const names = async (q: string) =>
    (await call('GET', `${PGC}?${q}`)).body['items'].map(
      (o: { metadata: { name: string } }) => o.metadata.name,
    );
  expect(await names('labelSelector=tier%3Dgold')).toEqual(['a']);
  expect(await names('labelSelector=tier%20in%20(gold,silver)')).toEqual(['a', 'b']);
  expect(await names('labelSelector=tier!%3Dgold')).toEqual(['b']);
  expect(await names('fieldSelector=metadata.name%3Db')).toEqual(['b']);
  expect((await call('GET', `${PGC}?fieldSelector=spec.version%3D16`)).body['reason']).toBe('BadRequest');
  expect((await call('DELETE', `${PGC}/a`)).body).toMatchObject({
    kind: 'Status',
    status: 'Success',
    details: { name: 'a' },
  });
  expect(await names('')).toEqual(['b']);
});

it('watches: current objects first without a resourceVersion, replay after one, then live events', async () => {
  const created = (await call('POST', PGC, cluster('orders'))).body;
  await call('PATCH', `${PGC}/orders`, { spec: { replicas: 2 } }, 'application/merge-patch+json');
  const events: { type: string; rv: string }[] = [];
  const controller = new AbortController();
  const res = await fetch(
    `${api.url}${PGC}?watch=true&resourceVersion=${created['metadata'].resourceVersion as string}`,
    { signal: controller.signal },
  );
  const reader = res.body!.getReader();
  const read = async (n: number) => {
    let buf = '';
    while (events.length < n) {
      const { value } = await reader.read();
      buf += new TextDecoder().decode(value);
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines)
        events.push({ type: JSON.parse(l).type, rv: JSON.parse(l).object.metadata.resourceVersion });
    }
  };
  await read(1);
  expect(events.map((e) => e.type)).toEqual(['MODIFIED']);
  await call('DELETE', `${PGC}/orders`);
  await read(2);
  expect(events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
  controller.abort();
  const fresh = await fetch(`${api.url}${PGC}?watch=1&timeoutSeconds=1`);
  expect(await fresh.text()).toBe('');
});
