/**
 * Whether the members name the certificate's CA to PostgreSQL (`SSL_CA_FILE=/tls/ca.crt`).
 *
 * cert-manager writes `ca.crt` into the Certificate's Secret only when the issuer knows the CA (CA,
 * Vault and self-signed issuers do); an ACME issuer writes `tls.crt` and `tls.key` alone. Spilo puts
 * `SSL_CA_FILE` into `ssl_ca_file` whenever it is set (configure_spilo.py `TEMPLATE`, the
 * `{{#SSL_CA_FILE}}` section), and PostgreSQL refuses to start when that file cannot be loaded. The
 * choice cannot be made from the spec (an issuer's kind does not say whether it is ACME), so it is
 * made from what cert-manager wrote: the `<name>-tls` Secret, observed read-only (tls/customize.ts).
 *
 * - The Secret is observed with its certificate: the CA is named iff it has a non-empty `ca.crt`.
 * - It is not (being reissued, or a stale cache) but members run: the StatefulSet keeps the choice
 *   it has, so a passing gap never rolls the members.
 * - Neither (a new cluster whose certificate is not issued yet): the choice is unknown, and the
 *   StatefulSet is kept at zero members until it is known (see {@link holdUntilIssued}). The members
 *   could not start earlier anyway (they wait for the Secret's volume), and members created with the
 *   wrong choice would either crash-loop (a CA named but not written) or, with `OnDelete`, need a
 *   full rollout right after the bootstrap (a CA written but not named). The StatefulSet itself is
 *   created at once, so it carries the last valid spec as usual.
 */
import type { KubeObject } from '../../lib/k8s.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { hasCertificate, issuerOf, tlsSecretName } from './index.js';

/** The Secret key cert-manager writes the issuing CA to, when the issuer has one. */
export const CA_KEY = 'ca.crt';

/** The Spilo variable that names the CA file. */
export const CA_FILE_VAR = 'SSL_CA_FILE';

/** The container of the StatefulSet that runs Spilo. */
const SPILO_CONTAINER = 'postgres';

function secretData(secret: KubeObject): Record<string, unknown> {
  const data = secret['data'];
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
}

/** Whether an issued Secret carries a CA (an empty value would be an empty file: no CA either). */
export function carriesCa(secret: KubeObject): boolean {
  const ca = secretData(secret)[CA_KEY];
  return typeof ca === 'string' && ca !== '';
}

interface StatefulSetShape {
  replicas?: number;
  template?: { spec?: { containers?: { name: string; env?: { name: string }[] }[] } };
}

function statefulSetSpec(statefulSet: KubeObject): StatefulSetShape {
  return statefulSet['spec'] ?? {};
}

/** Whether a StatefulSet's Spilo container names a CA file. */
export function namesCa(statefulSet: KubeObject): boolean {
  const spilo = statefulSetSpec(statefulSet).template?.spec?.containers?.find(
    (c) => c.name === SPILO_CONTAINER,
  );
  return spilo?.env?.some((e) => e.name === CA_FILE_VAR) ?? false;
}

/** Whether a StatefulSet runs members (its choice then stands until the Secret says otherwise). */
function hasMembers(statefulSet: KubeObject | undefined): statefulSet is KubeObject {
  return statefulSet !== undefined && (statefulSetSpec(statefulSet).replicas ?? 0) > 0;
}

/** What the CA choice is read from. */
export interface CaObserved {
  tlsSecret?: KubeObject;
  statefulSet?: KubeObject;
}

/**
 * Whether the members name a CA file: false without an issuer, undefined while it cannot be known
 * (a new cluster whose certificate is not issued yet).
 */
export function certificateCa(
  cluster: Pick<ResolvedCluster, 'tls'>,
  observed: CaObserved,
): boolean | undefined {
  if (!issuerOf(cluster)) return false;
  if (hasCertificate(observed.tlsSecret)) return carriesCa(observed.tlsSecret);
  if (hasMembers(observed.statefulSet)) return namesCa(observed.statefulSet);
  return undefined;
}

/**
 * The children with the StatefulSet at zero members while the CA choice is unknown (`ca` undefined).
 * Applied last, after the day-2 size, which would otherwise set the spec's.
 */
export function holdUntilIssued(children: readonly KubeObject[], ca: boolean | undefined): KubeObject[] {
  if (ca !== undefined) return [...children];
  return children.map((c) =>
    c.kind === 'StatefulSet' ? { ...c, spec: { ...(c['spec'] as object), replicas: 0 } } : c,
  );
}

/** Why a new cluster has no members yet, when it waits for its certificate; else undefined. */
export function awaitedCertificate(
  cluster: Pick<ResolvedCluster, 'tls' | 'name'> | undefined,
  observed: CaObserved,
): string | undefined {
  if (cluster === undefined || certificateCa(cluster, observed) !== undefined) return undefined;
  return (
    `waiting for cert-manager to issue the Secret ${tlsSecretName(cluster)}: ` +
    'the members are created once it shows whether the certificate carries a CA'
  );
}
