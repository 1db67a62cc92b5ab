/**
 * A certificate authority and a serving certificate for the admission webhook, made by the service
 * itself when no certificate is mounted (cert-manager's, when its component is installed). ECDSA P-256,
 * ten years: the CA exists only to let the API server check this one service, its key never leaves the
 * Secret, and a renewal is a restart after emptying that Secret (docs/admission.md).
 *
 * X.509 needs a library: node:crypto verifies and parses certificates but cannot issue one.
 * @peculiar/x509 (PeculiarVentures, on WebCrypto, no native code) is pinned in package.json.
 */
// tsyringe, inside @peculiar/x509, needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export interface WebhookCertificate {
  /** PEM: the CA the API server trusts (the webhook's caBundle). */
  caCrt: string;
  /** PEM: the serving certificate, for `dnsNames`. */
  tlsCrt: string;
  /** PEM, PKCS#8: the serving key. */
  tlsKey: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

/** A new CA and a certificate signed by it for `dnsNames`, valid from `now` for ten years. */
export async function issueWebhookCertificate(
  dnsNames: readonly string[],
  now: Date,
): Promise<WebhookCertificate> {
  // node:crypto's WebCrypto is the one the library expects (its DOM type is not loaded in this project).
  x509.cryptoProvider.set(webcrypto as never);
  const crypto = webcrypto;
  const notBefore = new Date(now.getTime() - 5 * 60 * 1000); // clock skew between nodes
  const notAfter = new Date(now.getTime() + TEN_YEARS_MS);
  const caKeys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=pgmeta admission webhook CA',
    keys: caKeys,
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const leafKeys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const leaf = await x509.X509CertificateGenerator.create({
    subject: `CN=${dnsNames[0] ?? 'pgmeta-hooks'}`,
    issuer: ca.subject,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: 'dns' as const, value }))),
    ],
  });
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
  return {
    caCrt: ca.toString('pem'),
    tlsCrt: leaf.toString('pem'),
    tlsKey: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
  };
}

/** The DNS names the API server uses to reach `service` in `namespace`. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}
