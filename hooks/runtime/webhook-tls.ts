/**
 * Where the admission webhook's certificate comes from, in this order:
 * 1. files in PGMETA_WEBHOOK_CERT_DIR (`tls.crt`, `tls.key`): cert-manager's Certificate, mounted by
 *    the cert-manager component, whose CA injector also writes the webhook's caBundle;
 * 2. in a cluster, the Secret `pgmeta-webhook-tls`, which the install ships empty: the first replica to
 *    start fills it with a CA and a serving certificate it issues (runtime/webhook-cert.ts), the others
 *    read what it wrote (a replace carrying the resourceVersion, as for the operator key);
 * 3. outside a cluster, a certificate issued for this run only (local tests of the HTTPS listener).
 * In cases 2 and 3 the service also tells the caller the CA to inject into the webhook configuration.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SecretApi, SecretRef } from './operator-key.js';
import { issueWebhookCertificate, serviceDnsNames, type WebhookCertificate } from './webhook-cert.js';

export interface WebhookTls {
  cert: string;
  key: string;
  /** The CA to publish as the webhook's caBundle; absent when cert-manager injects it. */
  caToInject?: string;
}

export interface WebhookTlsConfig {
  certDir?: string | undefined;
  /** The webhook Service's name and namespace: the certificate's DNS names. */
  service: { name: string; namespace: string };
  secret?: SecretRef | undefined;
}

const CA = 'ca.crt';
const CRT = 'tls.crt';
const KEY = 'tls.key';

export async function resolveWebhookTls(
  config: WebhookTlsConfig,
  deps: { logger: Logger; now: () => Date; secrets?: () => Promise<SecretApi> },
): Promise<WebhookTls> {
  if (config.certDir !== undefined) {
    return {
      cert: readFileSync(join(config.certDir, CRT), 'utf8'),
      key: readFileSync(join(config.certDir, KEY), 'utf8'),
    };
  }
  const dnsNames = serviceDnsNames(config.service.name, config.service.namespace);
  if (config.secret === undefined || deps.secrets === undefined) {
    deps.logger.warn(
      'admission webhook: no certificate configured and not in a cluster; using one issued for this run',
    );
    return fromIssued(await issueWebhookCertificate(dnsNames, deps.now()));
  }
  return fromIssued(await readOrFillSecret(await deps.secrets(), config.secret, { ...deps, dnsNames }));
}

async function readOrFillSecret(
  api: SecretApi,
  ref: SecretRef,
  o: { logger: Logger; now: () => Date; dnsNames: string[] },
): Promise<WebhookCertificate> {
  const stored = fromSecretData(await api.read(ref));
  if (stored) return stored;
  const issued = await issueWebhookCertificate(o.dnsNames, o.now());
  const data = {
    [CA]: b64(issued.caCrt),
    [CRT]: b64(issued.tlsCrt),
    [KEY]: b64(issued.tlsKey),
  };
  const found = await api.read(ref);
  const outcome = found ? await api.fill(ref, data) : await api.create(ref, data);
  if (outcome === 'created' || outcome === 'filled') {
    o.logger.info({ secret: ref.secretName }, `${outcome} the admission webhook's certificate Secret`);
    return issued;
  }
  // Another replica wrote it first: serve with its certificate, which is the one the CA bundle names.
  const winner = fromSecretData(await api.read(ref));
  if (!winner) throw new Error(`Secret ${ref.namespace}/${ref.secretName} lacks ${CA}, ${CRT} or ${KEY}`);
  return winner;
}

function fromSecretData(data: Record<string, string> | undefined): WebhookCertificate | undefined {
  const [ca, crt, key] = [data?.[CA], data?.[CRT], data?.[KEY]];
  if (!ca || !crt || !key) return undefined;
  return { caCrt: unb64(ca), tlsCrt: unb64(crt), tlsKey: unb64(key) };
}

function fromIssued(c: WebhookCertificate): WebhookTls {
  return { cert: c.tlsCrt, key: c.tlsKey, caToInject: c.caCrt };
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');
