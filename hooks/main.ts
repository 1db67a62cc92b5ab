/**
 * The process: configuration, logger, operator key and bearer token, the two listeners (hooks and
 * metrics), graceful shutdown. The only module with side effects at start-up; everything it wires is
 * a pure function or a factory.
 */
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from './config.js';
import { CONTROLLERS } from './controllers.js';
import { createHttpServer, listen } from './http/listen.js';
import { createMetrics } from './http/metrics.js';
import { checkExposure, resolveAuthTokens } from './runtime/auth-token.js';
import { inClusterSecretApi, resolveOperatorKey, type SecretApi } from './runtime/operator-key.js';
import { createApp, createMetricsApp } from './server.js';
import { createAdmissionApp } from './admission/app.js';
import { injectCaBundle, webhookSettings } from './runtime/webhook-config.js';
import { resolveWebhookTls } from './runtime/webhook-tls.js';
import { loadImagesFile } from './runtime/images-file.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.logLevel, base: { service: 'pgmeta-hooks' } });
  const secretApi = once(inClusterSecretApi);
  const operatorKey = await resolveOperatorKey(config, logger, secretApi);
  const tokens = await resolveAuthTokens(config, logger, secretApi);
  checkExposure({
    host: config.host,
    token: tokens.authToken !== undefined,
    insecure: config.insecure,
    logger,
  });
  const images = loadImagesFile(process.env['PGMETA_IMAGES_FILE']);
  let ready = true;
  const metrics = createMetrics();
  const app = createApp({
    controllers: CONTROLLERS,
    logger,
    now: () => new Date().toISOString(),
    operatorKey,
    images: () => images,
    ...tokens,
    maxInFlight: config.maxInFlight,
    metrics,
    isReady: () => ready,
  });
  const server = createHttpServer(app);
  const metricsServer = createHttpServer(createMetricsApp(metrics));
  await listen(server, config.port, config.host);
  await listen(metricsServer, config.metricsPort, config.host);
  logger.info(
    { port: config.port, metricsPort: config.metricsPort, controllers: CONTROLLERS.map((c) => c.name) },
    `pgmeta hook service listening on http://${config.host}:${config.port} (${authSummary(tokens)}), ` +
      `metrics on port ${config.metricsPort}`,
  );
  const admission = await startAdmission(config, logger, secretApi);
  const stop = (signal: string): void => {
    ready = false;
    metricsServer.close();
    admission?.close();
    shutdown(server, { logger, config, signal });
  };
  process.once('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.once('SIGINT', () => {
    stop('SIGINT');
  });
}

function authSummary(t: { authToken?: string; previousAuthToken?: string }): string {
  if (!t.authToken) return 'no authentication';
  return `bearer token required${t.previousAuthToken ? ' (and the previous one, rotation under way)' : ''}`;
}

/**
 * The validating admission webhook (docs/admission.md) on its own HTTPS port, when configured. Its
 * failure to start is logged, not fatal: the webhook's `failurePolicy: Ignore` lets requests through and
 * the sync hook still reports an invalid spec in status, so the hooks must keep serving.
 */
async function startAdmission(
  config: Config,
  logger: Logger,
  secretApi: () => Promise<SecretApi>,
): Promise<Server | undefined> {
  const settings = webhookSettings(process.env, config.inCluster?.namespace);
  if (!settings) return undefined;
  try {
    const secret = config.inCluster
      ? { namespace: config.inCluster.namespace, secretName: settings.secretName }
      : undefined;
    const tls = await resolveWebhookTls(
      { certDir: settings.certDir, service: settings.service, secret },
      { logger, now: () => new Date(), secrets: secretApi },
    );
    if (tls.caToInject !== undefined && config.inCluster) {
      await injectCaBundle(settings.configurationName, tls.caToInject, logger);
    }
    const server = createHttpsServer({ cert: tls.cert, key: tls.key }, createAdmissionApp({ logger }));
    await listen(server, settings.port, config.host);
    logger.info(
      { port: settings.port },
      `admission webhook listening on https://${config.host}:${settings.port}`,
    );
    return server;
  } catch (err) {
    logger.error({ err: err instanceof Error ? err.message : String(err) }, 'admission webhook not started');
    return undefined;
  }
}

/** The Kubernetes client is made at most once, and only when a Secret is needed. */
function once(make: () => Promise<SecretApi>): () => Promise<SecretApi> {
  let made: Promise<SecretApi> | undefined;
  return () => (made ??= make());
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
