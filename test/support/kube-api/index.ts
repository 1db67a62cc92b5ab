/**
 * The lifecycle emulator's ApiStore served over HTTP as the Kubernetes REST API, so that real clients
 * (@kubernetes/client-node, kubectl-like tools) can talk to a simulated cluster:
 *
 *   const api = await KubeApiServer.start(scenario.store);
 *   const kubeconfig = api.writeKubeconfig(dir, { namespace: 'shop' });
 *   ...
 *   await api.stop();
 *
 * Paths `/api/v1/...` and `/apis/GROUP/VERSION/...` (resources.ts), verbs GET (one or a list, with
 * label and field selectors), `?watch=true` (watch.ts), POST, PUT, PATCH (patch.ts), DELETE, the
 * `status` subresource (crud.ts), `pods/NAME/log` (logs.ts) and `pods/NAME/exec` over WebSocket
 * (exec.ts). Every error is a `Status` object with `reason` and `code` (status.ts). Plain HTTP on
 * 127.0.0.1 and no authentication: a test server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { ApiStore } from '../../lifecycle/lib/store';
import {
  createObject,
  deleteObject,
  getObject,
  listAnswer,
  listObjects,
  patchObject,
  replaceObject,
  type Answer,
} from './crud';
import { execServer, runExec, type ExecHandler } from './exec';
import { LogBook } from './logs';
import { parsePath, type Route } from './resources';
import { fieldSelector, labelSelector } from './selectors';
import { failureStatus, StatusError } from './status';
import { WatchHub } from './watch';

export { LogBook } from './logs';
export type { ExecHandler, ExecIo } from './exec';

export interface KubeApiOptions {
  /** Who the store records as the writer of every change made through HTTP. */
  actor?: string;
  /** What a `pods/exec` runs; without one, exec answers 400 as for a pod with no such container. */
  exec?: ExecHandler;
}

export class KubeApiServer {
  readonly logs = new LogBook();
  /** Every request as `METHOD path?query` (and the patch content type), for assertions. */
  readonly requests: string[] = [];
  readonly url: string;
  private readonly watch: WatchHub;

  readonly store: ApiStore;
  private readonly server: Server;
  private readonly o: KubeApiOptions;

  private constructor(store: ApiStore, server: Server, o: KubeApiOptions) {
    this.store = store;
    this.server = server;
    this.o = o;
    const addr = server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    this.watch = new WatchHub(store);
  }

  static async start(store: ApiStore, o: KubeApiOptions = {}): Promise<KubeApiServer> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const api = new KubeApiServer(store, server, o);
    server.on('request', (req, res) => {
      void api.handle(req, res);
    });
    const ws = execServer();
    server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
      api.upgrade(req, socket, head, ws);
    });
    return api;
  }

  async stop(): Promise<void> {
    this.watch.closeAll();
    this.logs.endFollowers();
    this.server.closeAllConnections();
    await new Promise<void>((r) =>
      this.server.close(() => {
        r();
      }),
    );
  }

  /** A kubeconfig file for this server (one cluster, one user with no credentials, one context). */
  writeKubeconfig(dir: string, o: { namespace?: string } = {}): string {
    const path = join(dir, 'kubeconfig');
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      // client-node refuses plain HTTP unless TLS verification is off (there is no TLS to verify here).
      clusters: [{ name: 'emulated', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'tester', user: {} }],
      contexts: [
        {
          name: 'emulated',
          context: {
            cluster: 'emulated',
            user: 'tester',
            ...(o.namespace ? { namespace: o.namespace } : {}),
          },
        },
      ],
      'current-context': 'emulated',
    };
    writeFileSync(path, JSON.stringify(config, null, 2));
    return path;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    this.requests.push(`${req.method ?? ''} ${url.pathname}${url.search}`);
    try {
      const route = parsePath(url.pathname);
      if (!route) throw new StatusError('NotFound', 'the server could not find the requested resource');
      const body = await readBody(req);
      if (req.method === 'GET' && this.stream(route, url.searchParams, res)) return;
      const answer = this.dispatch(route, {
        method: req.method ?? '',
        query: url.searchParams,
        body,
        contentType: req.headers['content-type'] ?? '',
      });
      res.writeHead(answer.code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    } catch (e) {
      const status = e instanceof StatusError ? e.toStatus() : failureStatus('BadRequest', String(e));
      res.writeHead(status['code'] as number, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status));
    }
  }

  /** Watches and logs: answers that stream. True when it answered. */
  private stream(route: Route, q: URLSearchParams, res: ServerResponse): boolean {
    if (route.name === undefined && (q.get('watch') === 'true' || q.get('watch') === '1')) {
      const rv = q.get('resourceVersion');
      const fromRv = rv === null || rv === '' || rv === '0' ? undefined : Number(rv);
      const initial = listObjects(this.store, route, q);
      const labels = labelSelector(q.get('labelSelector'));
      const fields = fieldSelector(q.get('fieldSelector'));
      // The API server filters a watch by the object in each event, a DELETED one by its last state.
      const accept = (o: KubeObject): boolean =>
        o.kind === route.resource.kind &&
        (route.namespace === undefined || o.metadata.namespace === route.namespace) &&
        labels(o) &&
        fields(o);
      const timeout = q.get('timeoutSeconds');
      this.watch.serve(res, {
        initial,
        fromRv,
        accept,
        ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
      });
      return true;
    }
    if (route.resource.plural === 'pods' && route.subresource === 'log' && route.name !== undefined) {
      const pod = getObject(this.store, route, route.name);
      const tail = q.get('tailLines');
      this.logs.serve(res, {
        namespace: route.namespace ?? '',
        pod: route.name,
        container: q.get('container') ?? firstContainer(pod),
        follow: q.get('follow') === 'true',
        ...(tail ? { tailLines: Number(tail) } : {}),
      });
      return true;
    }
    return false;
  }

  private dispatch(
    route: Route,
    r: { method: string; query: URLSearchParams; body: unknown; contentType: string },
  ): Answer {
    const actor = this.o.actor ?? 'kube-api';
    if (route.subresource !== undefined && (route.subresource !== 'status' || !route.resource.status))
      throw new StatusError('NotFound', 'the server could not find the requested resource');
    if (route.name === undefined) {
      if (r.method === 'GET') return listAnswer(this.store, route, listObjects(this.store, route, r.query));
      if (r.method === 'POST') return createObject(this.store, route, r.body as KubeObject, actor);
      throw new StatusError(
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      );
    }
    switch (r.method) {
      case 'GET':
        return { code: 200, body: getObject(this.store, route, route.name) };
      case 'PUT':
        return replaceObject(this.store, route, r.body as KubeObject, actor);
      case 'PATCH':
        return patchObject(this.store, route, { contentType: r.contentType, body: r.body, actor });
      case 'DELETE':
        return deleteObject(this.store, route, { body: r.body as undefined, actor });
      default:
        throw new StatusError(
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
    }
  }

  private upgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    ws: ReturnType<typeof execServer>,
  ): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    this.requests.push(`UPGRADE ${url.pathname}${url.search}`);
    const route = parsePath(url.pathname);
    const pod =
      route?.name !== undefined && route.subresource === 'exec' && route.resource.plural === 'pods'
        ? this.store.get({ kind: 'Pod', namespace: route.namespace ?? '', name: route.name })
        : undefined;
    const handler = this.o.exec;
    const container = url.searchParams.get('container') ?? (pod ? firstContainer(pod) : '');
    if (!pod || !handler || !containerNames(pod).includes(container)) {
      const status = pod
        ? failureStatus('BadRequest', `container ${container} is not valid for pod ${pod.metadata.name}`)
        : failureStatus('NotFound', 'pods not found');
      socket.end(
        `HTTP/1.1 ${String(status['code'])} ${String(status['reason'])}\r\ncontent-type: application/json\r\n\r\n${JSON.stringify(status)}`,
      );
      return;
    }
    ws.handleUpgrade(req, socket, head, (sock) => {
      runExec(sock, {
        pod,
        container,
        command: url.searchParams.getAll('command'),
        tty: url.searchParams.get('tty') === 'true',
        stdin: url.searchParams.get('stdin') === 'true',
        handler,
      });
    });
  }
}

function containerNames(pod: KubeObject): string[] {
  const spec = pod['spec'] as { containers?: { name: string }[] } | undefined;
  return (spec?.containers ?? []).map((c) => c.name);
}

function firstContainer(pod: KubeObject): string {
  return containerNames(pod)[0] ?? '';
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new StatusError('BadRequest', 'the request body is not JSON');
  }
}
