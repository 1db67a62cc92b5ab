/**
 * `spec.tls` after defaults: TLS on unless disabled, and the cert-manager issuer when one is named.
 * Kept beside the feature; `resolveSpec` only calls {@link resolveTls}.
 */
import type { PostgresClusterSpec } from '../../generated/postgrescluster.types.js';

/** A cert-manager issuer reference (cert-manager's `issuerRef` fields). */
export interface IssuerRef {
  name: string;
  /** @default Issuer */
  kind: string;
  /** @default cert-manager.io */
  group: string;
}

export interface ResolvedTls {
  /** @default true */
  enabled: boolean;
  /** The issuer of the cluster's certificate; absent: Spilo's self-signed certificate. */
  issuerRef?: IssuerRef;
}

/** The resolved TLS settings (the CRD refuses an issuer with TLS disabled). */
export function resolveTls(spec: PostgresClusterSpec): ResolvedTls {
  const enabled = spec.tls?.enabled ?? true;
  const ref = spec.tls?.issuerRef;
  if (!enabled || ref === undefined) return { enabled };
  return {
    enabled,
    issuerRef: { name: ref.name, kind: ref.kind ?? 'Issuer', group: ref.group ?? 'cert-manager.io' },
  };
}
