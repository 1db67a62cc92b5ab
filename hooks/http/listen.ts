/**
 * The service's sockets: the hook port and the metrics port, each with the same timeouts.
 *
 * - keepAliveTimeout 95 s: above Go's 90 s idle-connection timeout (net/http DefaultTransport
 *   `IdleConnTimeout`), so Metacontroller never reuses a socket the service just closed.
 * - headersTimeout and requestTimeout 15 s: a client that trickles its headers or body loses its
 *   socket instead of holding a slot of the in-flight cap. Metacontroller's own webhook timeout is
 *   10 s, so none of its calls is cut.
 * - connectionsCheckingInterval 1 s: Node checks those two timeouts only at this interval (30 s by
 *   default, which would let a slow request live 45 s).
 */
import { createServer, type RequestListener, type Server } from 'node:http';

export interface ServerTimeouts {
  keepAliveMs: number;
  headersMs: number;
  requestMs: number;
  checkEveryMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  keepAliveMs: 95_000,
  headersMs: 15_000,
  requestMs: 15_000,
  checkEveryMs: 1_000,
};

export function createHttpServer(handler: RequestListener, t: ServerTimeouts = DEFAULT_TIMEOUTS): Server {
  const server = createServer(
    {
      headersTimeout: t.headersMs,
      requestTimeout: t.requestMs,
      connectionsCheckingInterval: t.checkEveryMs,
    },
    handler,
  );
  server.keepAliveTimeout = t.keepAliveMs;
  return server;
}

/** Listens and resolves once the socket accepts connections (or rejects, e.g. address in use). */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
