/**
 * The part of the Kubernetes API the rotation Job calls, on loopback: Secrets of one namespace, read
 * with GET and changed with a JSON merge patch (RFC 7386, `application/merge-patch+json`), as the
 * API server applies it to a Secret's `data` and `metadata.annotations` (keys set to null are
 * removed, others replaced, the rest kept). Every call is logged; a missing bearer token is refused
 * as the API server would (401).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../../hooks/lib/k8s';

export interface SecretsApi {
  url: string;
  secrets: Map<string, KubeObject>;
  calls: { method: string; path: string; contentType: string; body: unknown }[];
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Json =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Json) } : {};
  const removed = new Set(
    Object.entries(patch as Json)
      .filter(([, v]) => v === null)
      .map(([k]) => k),
  );
  const kept = Object.entries(out).filter(([k]) => !removed.has(k));
  const changed = Object.entries(patch as Json)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => [k, mergePatch(out[k], v)] as const);
  return { ...Object.fromEntries(kept), ...Object.fromEntries(changed) };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function handle(
  api: SecretsApi,
  namespace: string,
  req: IncomingMessage,
  raw: string,
  res: ServerResponse,
): void {
  const path = req.url ?? '';
  const contentType = req.headers['content-type'] ?? '';
  const body: unknown = raw === '' ? undefined : JSON.parse(raw);
  api.calls.push({ method: req.method ?? '', path, contentType, body });
  if (!(req.headers.authorization ?? '').startsWith('Bearer ')) {
    answer(res, 401, { reason: 'Unauthorized' });
    return;
  }
  const m = new RegExp(`^/api/v1/namespaces/${namespace}/secrets/([a-z0-9.-]+)$`).exec(path);
  const current = m ? api.secrets.get(m[1]!) : undefined;
  if (!m || !current) {
    answer(res, 404, { reason: 'NotFound' });
    return;
  }
  if (req.method === 'GET') {
    answer(res, 200, current);
    return;
  }
  if (req.method !== 'PATCH') {
    answer(res, 405, { reason: 'MethodNotAllowed' });
    return;
  }
  if (contentType !== 'application/merge-patch+json') {
    answer(res, 415, { reason: 'UnsupportedMediaType' });
    return;
  }
  const next = mergePatch(current, body) as KubeObject;
  api.secrets.set(m[1]!, next);
  answer(res, 200, next);
}

/** Starts the fake with these Secrets (by name) in `namespace`. */
export async function startSecretsApi(
  namespace: string,
  secrets: readonly KubeObject[],
): Promise<SecretsApi> {
  const api: SecretsApi = {
    url: '',
    secrets: new Map(secrets.map((s) => [s.metadata.name, structuredClone(s)])),
    calls: [],
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      handle(api, namespace, req, raw, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  api.close = () =>
    new Promise((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  return api;
}

/** A Secret's `data` decoded. */
export function decodedData(secret: KubeObject | undefined): Record<string, string> {
  const data = (secret?.['data'] ?? {}) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}
