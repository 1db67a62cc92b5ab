/**
 * The related-object rule that lets status see the cert-manager Secret: by name, read-only, and only
 * for a cluster with an issuer. It depends on the parent's spec alone, as customize rules must.
 */
import type { KubeObject } from '../../lib/k8s.js';
import type { RelatedResourceRule } from '../../metacontroller/types.js';
import { tlsSecretName } from './index.js';

function hasIssuer(parent: KubeObject): boolean {
  const tls = (parent['spec'] as { tls?: { enabled?: unknown; issuerRef?: unknown } } | undefined)?.tls;
  return tls?.enabled !== false && typeof tls?.issuerRef === 'object' && tls.issuerRef !== null;
}

/** The `<name>-tls` Secret rule, or none. */
export function tlsRelatedRules(parent: KubeObject): RelatedResourceRule[] {
  if (!hasIssuer(parent)) return [];
  const namespace = parent.metadata.namespace ?? 'default';
  return [{ apiVersion: 'v1', resource: 'secrets', namespace, names: [tlsSecretName(parent.metadata)] }];
}
