/**
 * The operator key adapter with the real @kubernetes/client-node against a fake API server on
 * loopback: 404 on read leads to a create, 409 on create means another replica won; an empty Secret
 * (as the install creates it) is filled with a replace that carries the resourceVersion read.
 */
import { execFileSync, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const secrets = new Map<string, unknown>();
const requests: string[] = [];
let server: Server;
let url = '';

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'hooks', 'runtime', 'operator-key.js'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT });
  }
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      requests.push(`${req.method ?? ''} ${path}`);
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET') {
        const found = secrets.get(path);
        res.statusCode = found ? 200 : 404;
        res.end(JSON.stringify(found ?? { kind: 'Status', code: 404, reason: 'NotFound' }));
        return;
      }
      const obj = JSON.parse(body) as { metadata: { name: string; resourceVersion?: string } };
      if (req.method === 'PUT') {
        const current = secrets.get(path) as { metadata: { resourceVersion: string } } | undefined;
        const same = current?.metadata.resourceVersion === obj.metadata.resourceVersion;
        if (same) secrets.set(path, { ...obj, metadata: { ...obj.metadata, resourceVersion: '2' } });
        res.statusCode = same ? 200 : 409;
        res.end(JSON.stringify(same ? obj : { kind: 'Status', code: 409, reason: 'Conflict' }));
        return;
      }
      const key = `${path}/${obj.metadata.name}`;
      const exists = secrets.has(key);
      if (!exists) secrets.set(key, obj);
      res.statusCode = exists ? 409 : 201;
      res.end(JSON.stringify(exists ? { kind: 'Status', code: 409, reason: 'AlreadyExists' } : obj));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}, 120_000);

const EMPTY = '/api/v1/namespaces/pgmeta-system/secrets/pgmeta-empty';
const EMPTY_AUTH = '/api/v1/namespaces/pgmeta-system/secrets/pgmeta-empty-auth';
for (const [path, name] of [
  [EMPTY, 'pgmeta-empty'],
  [EMPTY_AUTH, 'pgmeta-empty-auth'],
] as const) {
  secrets.set(path, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'pgmeta-system', resourceVersion: '1' },
    type: 'Opaque',
  });
}

afterAll(
  () =>
    new Promise<void>((r) =>
      server.close(() => {
        r();
      }),
    ),
);

it('creates the Secrets on a 404, reads the same key and token after, reports a second create as "exists", fills an empty Secret', async () => {
  const out = await new Promise<string>((done, fail) => {
    execFile(process.execPath, [join(__dirname, 'operator-key-check.mjs'), url], (err, stdout, stderr) => {
      if (err) fail(new Error(`${err.message}\n${stderr}`));
      else done(stdout);
    });
  });
  const seen = JSON.parse(out) as {
    key: string;
    again: string;
    secondCreate: string;
    token: string;
    tokenAgain: string;
    filled: string;
    secondFill: string;
    tokenFilled: string;
  };
  expect(Buffer.from(seen.key, 'base64')).toHaveLength(32);
  expect(seen.again).toBe(seen.key);
  expect(seen.secondCreate).toBe('exists');
  // The bearer token Secret goes the same way, and its token survives the round trip through `data`.
  expect(seen.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(seen.tokenAgain).toBe(seen.token);
  expect(requests).toContain('POST /api/v1/namespaces/pgmeta-system/secrets');
  expect(requests).toContain('GET /api/v1/namespaces/pgmeta-system/secrets/pgmeta-hooks-auth');
  expect(requests.slice(0, 3)).toEqual([
    'GET /api/v1/namespaces/pgmeta-system/secrets/pgmeta-operator-key',
    'POST /api/v1/namespaces/pgmeta-system/secrets',
    'GET /api/v1/namespaces/pgmeta-system/secrets/pgmeta-operator-key',
  ]);
  // The empty Secret: read, then filled by a replace (no create), then refused a second fill.
  expect(Buffer.from(seen.filled, 'base64')).toHaveLength(32);
  expect((secrets.get(EMPTY) as { data: { key: string } }).data.key).toBe(seen.filled);
  expect(seen.secondFill).toBe('taken');
  expect(requests.filter((r) => r.endsWith('pgmeta-empty'))).toEqual([
    `GET ${EMPTY}`,
    `GET ${EMPTY}`,
    `PUT ${EMPTY}`,
    `GET ${EMPTY}`,
  ]);
  // The install's token Secret (no `token` key): filled by a replace, never created.
  expect(seen.tokenFilled).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const stored = (secrets.get(EMPTY_AUTH) as { data: { token: string } }).data.token;
  expect(Buffer.from(stored, 'base64').toString()).toBe(seen.tokenFilled);
  // (the fill reads the resourceVersion again, then replaces conditionally on it)
  expect(requests.filter((r) => r.endsWith('pgmeta-empty-auth'))).toEqual([
    `GET ${EMPTY_AUTH}`,
    `GET ${EMPTY_AUTH}`,
    `PUT ${EMPTY_AUTH}`,
  ]);
});
