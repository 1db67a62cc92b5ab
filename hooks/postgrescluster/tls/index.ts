/**
 * The cluster's TLS certificate and where each part of pgmeta finds it.
 *
 * Without an issuer, every member serves the self-signed certificate Spilo generates at its first
 * start (`/run/certs`), and status says so. With `spec.tls.issuerRef` the cert-manager component's
 * DecoratorController creates a Certificate whose Secret `<name>-tls` the members mount read-only at
 * `/tls`, named to Spilo through `SSL_CERTIFICATE_FILE`, `SSL_PRIVATE_KEY_FILE` and, when the issuer
 * wrote a CA, `SSL_CA_FILE` (ca.ts).
 * Spilo then never writes there, and its `SSL_TEST_RELOAD` cron (on whenever the key file variable is
 * set) reloads PostgreSQL within five minutes of the kubelet updating the files, so a renewal needs
 * no restart.
 *
 * The volume is NOT optional: a member must not start before cert-manager has issued the Secret.
 * With `optional: true` the directory would be empty and read-only; Spilo would try to write its own
 * certificate there, fail, and crash-loop (and a member that did start would serve another
 * certificate than the one clients verify). Without it the kubelet keeps the pod in
 * ContainerCreating, retrying the mount, until the Secret exists; status.tls says it is awaited.
 * @see docs/contract.md (what Spilo does with each variable, with its upstream file and function)
 */
import type { V1EnvVar, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { KubeObject, Plain } from '../../lib/k8s.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import type { IssuerRef } from '../spec/tls.js';

/** Where the members mount the cert-manager Secret. */
export const SPILO_TLS_DIR = '/tls';
const VOLUME = 'tls';

/** The Secret cert-manager writes the cluster's certificate to (`tls.crt`, `tls.key`, `ca.crt`). */
export function tlsSecretName(id: { name: string }): string {
  return `${id.name}-tls`;
}

/** Every DNS name a client may use for a Service: short, with namespace, with `svc`, fully qualified. */
export function serviceDnsNames(cluster: { namespace: string }, service: string): string[] {
  const ns = cluster.namespace;
  return [service, `${service}.${ns}`, `${service}.${ns}.svc`, `${service}.${ns}.svc.cluster.local`];
}

/** The issuer, when the cluster's certificate comes from cert-manager. */
export function issuerOf(cluster: Pick<ResolvedCluster, 'tls'>): IssuerRef | undefined {
  return cluster.tls.enabled ? cluster.tls.issuerRef : undefined;
}

/**
 * Spilo's certificate variables; none without an issuer (Spilo's defaults, self-signed). The CA file
 * only when the issued Secret carries one (`withCa`, decided in ca.ts): PostgreSQL refuses to start
 * with an `ssl_ca_file` it cannot load.
 */
export function spiloTlsEnv(cluster: ResolvedCluster, withCa: boolean): Plain<V1EnvVar>[] {
  if (!issuerOf(cluster)) return [];
  return [
    ...(withCa ? [{ name: 'SSL_CA_FILE', value: `${SPILO_TLS_DIR}/ca.crt` }] : []),
    { name: 'SSL_CERTIFICATE_FILE', value: `${SPILO_TLS_DIR}/tls.crt` },
    { name: 'SSL_PRIVATE_KEY_FILE', value: `${SPILO_TLS_DIR}/tls.key` },
  ];
}

/**
 * The Secret volume of the members. Mode 0640 with the pod's fsGroup (Spilo's postgres group):
 * PostgreSQL accepts a root-owned key file only when it is not readable by others.
 */
export function spiloTlsVolumes(cluster: ResolvedCluster): Plain<V1Volume>[] {
  if (!issuerOf(cluster)) return [];
  return [{ name: VOLUME, secret: { secretName: tlsSecretName(cluster), defaultMode: 0o640 } }];
}

/** The mount of {@link spiloTlsVolumes} (a whole directory: subPath mounts never see renewals). */
export function spiloTlsMounts(cluster: ResolvedCluster): Plain<V1VolumeMount>[] {
  if (!issuerOf(cluster)) return [];
  return [{ name: VOLUME, mountPath: SPILO_TLS_DIR, readOnly: true }];
}

/** What status says about the certificate. */
export interface TlsStatus {
  mode: 'Disabled' | 'SelfSigned' | 'CertManager';
  /** `<kind>/<name>` of the issuer (CertManager). */
  issuer?: string;
  /** The Secret the members mount (CertManager). */
  secretName?: string;
  /** Whether cert-manager has written that Secret; members wait for it. */
  secretReady?: boolean;
}

/** Whether the observed Secret holds an issued certificate (both files the members need). */
export function hasCertificate(secret: KubeObject | undefined): secret is KubeObject {
  const data = secret?.['data'] as Record<string, unknown> | undefined;
  return typeof data?.['tls.crt'] === 'string' && typeof data['tls.key'] === 'string';
}

/** The `tls` status field; `secret` is the observed `<name>-tls` Secret, if any. */
export function tlsStatus(
  cluster: Pick<ResolvedCluster, 'tls' | 'name'>,
  secret: KubeObject | undefined,
): TlsStatus {
  if (!cluster.tls.enabled) return { mode: 'Disabled' };
  const issuer = issuerOf(cluster);
  if (!issuer) return { mode: 'SelfSigned' };
  const secretName = tlsSecretName(cluster);
  return {
    mode: 'CertManager',
    issuer: `${issuer.kind}/${issuer.name}`,
    secretName,
    secretReady: hasCertificate(secret),
  };
}
