/**
 * The process: configuration, logger, operator key, listen, graceful shutdown. The only module with
 * side effects at start-up; everything it wires is a pure function or a factory.
 */
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from './config.js';
import { CONTROLLERS } from './controllers.js';
import { resolveOperatorKey } from './runtime/operator-key.js';
import { createApp } from './server.js';

/** Above Go's 90 s idle-connection timeout, so Metacontroller never reuses a socket we just closed. */
const KEEP_ALIVE_MS = 95_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.logLevel, base: { service: 'pgmeta-hooks' } });
  const operatorKey = await resolveOperatorKey(config, logger);
  let ready = true;
  const app = createApp({
    controllers: CONTROLLERS,
    logger,
    now: () => new Date().toISOString(),
    operatorKey,
    authToken: config.authToken,
    previousAuthToken: config.previousAuthToken,
    isReady: () => ready,
  });
  const server = app.listen(config.port, config.host, () => {
    const previous = config.previousAuthToken ? ' (and the previous one, rotation under way)' : '';
    const auth = config.authToken ? `bearer token required${previous}` : 'no authentication';
    logger.info(
      { port: config.port, controllers: CONTROLLERS.map((c) => c.name) },
      `pgmeta hook service listening on http://${config.host}:${config.port} (${auth})`,
    );
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  const stop = (signal: string): void => {
    ready = false;
    shutdown(server, { logger, config, signal });
  };
  process.once('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.once('SIGINT', () => {
    stop('SIGINT');
  });
}

/** Stop accepting, let in-flight requests finish, close idle keep-alive sockets, exit. */
function shutdown(server: Server, o: { logger: Logger; config: Config; signal: string }): void {
  o.logger.info({ signal: o.signal }, 'shutting down: finishing in-flight requests');
  server.close(() => {
    o.logger.info('stopped');
    process.exit(0);
  });
  const idle = setInterval(() => {
    server.closeIdleConnections();
  }, 100);
  idle.unref();
  setTimeout(() => {
    o.logger.error({ timeoutMs: o.config.shutdownTimeoutMs }, 'in-flight requests did not finish; exiting');
    process.exit(1);
  }, o.config.shutdownTimeoutMs).unref();
}

main().catch((err: unknown) => {
  process.stderr.write(`pgmeta: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
