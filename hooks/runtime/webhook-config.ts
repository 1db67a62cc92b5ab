/**
 * The admission webhook's settings from the environment, and the one API write the service makes for it:
 * publishing its CA as the `caBundle` of every webhook in the ValidatingWebhookConfiguration, so that the
 * API server trusts the certificate the service issued itself. The install's RBAC allows `get` and
 * `update` on that one configuration by name, nothing else.
 */
import type { Logger } from 'pino';

export interface WebhookSettings {
  port: number;
  certDir?: string | undefined;
  service: { name: string; namespace: string };
  configurationName: string;
  secretName: string;
}

/**
 * On when PGMETA_WEBHOOK_PORT is not "0" and there is somewhere to get a certificate from (a mounted
 * directory, or the cluster's Secret); a local `npm start` serves only the hooks.
 */
export function webhookSettings(
  env: NodeJS.ProcessEnv,
  namespace: string | undefined,
): WebhookSettings | undefined {
  const port = Number(env['PGMETA_WEBHOOK_PORT'] ?? 8443);
  const dir = env['PGMETA_WEBHOOK_CERT_DIR'];
  const certDir = dir === '' ? undefined : dir;
  if (port === 0 || (certDir === undefined && namespace === undefined)) return undefined;
  return {
    port,
    certDir,
    service: {
      name: env['PGMETA_WEBHOOK_SERVICE'] ?? 'pgmeta-hooks',
      namespace: namespace ?? 'pgmeta-system',
    },
    configurationName: env['PGMETA_WEBHOOK_CONFIGURATION'] ?? 'pgmeta-validation',
    secretName: env['PGMETA_WEBHOOK_SECRET'] ?? 'pgmeta-webhook-tls',
  };
}

/** Sets `caBundle` on every webhook of the configuration; a missing configuration is only logged. */
export async function injectCaBundle(name: string, caPem: string, logger: Logger): Promise<void> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromCluster();
  const api = kc.makeApiClient(k8s.AdmissionregistrationV1Api);
  const caBundle = Buffer.from(caPem, 'utf8').toString('base64');
  for (let attempt = 0; attempt < 5; attempt++) {
    let config;
    try {
      config = await api.readValidatingWebhookConfiguration({ name });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
      logger.warn(
        { configuration: name },
        'admission webhook configuration not found: refusals happen only in status',
      );
      return;
    }
    const webhooks = config.webhooks ?? [];
    if (webhooks.every((w) => w.clientConfig.caBundle === caBundle)) return;
    for (const w of webhooks) w.clientConfig.caBundle = caBundle;
    try {
      await api.replaceValidatingWebhookConfiguration({ name, body: config });
      logger.info({ configuration: name }, "published the admission webhook's CA");
      return;
    } catch (e) {
      // Another replica updated it in between (409): read again; the Secret makes both CAs the same.
      if ((e as { code?: number }).code !== 409) throw e;
    }
  }
  throw new Error(`could not update ValidatingWebhookConfiguration ${name}: conflicts on every attempt`);
}
