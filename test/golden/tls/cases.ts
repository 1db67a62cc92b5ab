/**
 * Golden scenarios of TLS with a cert-manager issuer: the PostgresCluster sync (members mount the
 * certificate's Secret; status says whether it was issued) and the cert-manager DecoratorController
 * (the Certificate; an invalid spec keeps the last valid one's).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { fakeUid, T0 } from '../../support/apiserver';
import { appliedChildren, parentFrom, relatedFor, type World } from '../../support/cluster-world';

export const ISSUED = {
  version: '16',
  replicas: 3,
  storage: { size: '10Gi' },
  tls: { issuerRef: { name: 'pgmeta-ca', kind: 'ClusterIssuer' } },
  pgbouncer: { enabled: true },
};
const healthy = [
  { ordinal: 0, role: 'master' as const },
  { ordinal: 1, role: 'replica' as const },
  { ordinal: 2, role: 'replica' as const },
];

/** The Secret cert-manager writes once the Certificate is issued. */
function issuedSecret(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'orders-tls',
      namespace: 'shop',
      uid: fakeUid('Secret/shop/orders-tls'),
      resourceVersion: '4100',
      creationTimestamp: T0,
      annotations: {
        'cert-manager.io/certificate-name': 'orders-tls',
        'cert-manager.io/issuer-kind': 'ClusterIssuer',
      },
      ownerReferences: [],
    },
    type: 'kubernetes.io/tls',
    data: { 'ca.crt': 'Q0E=', 'tls.crt': 'Q0VSVA==', 'tls.key': 'S0VZ' },
  };
}

/** Composite (PostgresCluster sync) cases. */
export const SYNC_CASES: Record<string, () => World> = {
  'tls-issuer-awaited': () => {
    const parent = parentFrom(ISSUED);
    return { parent, children: appliedChildren(parent), related: [] };
  },
  'tls-issuer-ready': () => {
    const parent = parentFrom(ISSUED);
    return {
      parent,
      children: appliedChildren(parent),
      related: [...relatedFor(parent, healthy), issuedSecret()],
    };
  },
};

export interface DecoratorCase {
  object: KubeObject;
  attachments: KubeObject[];
  related: KubeObject[];
}

/** The cluster's StatefulSet as observed (it carries the last valid spec). */
function statefulSet(parent: KubeObject): KubeObject {
  return appliedChildren(parent).find((c) => c.kind === 'StatefulSet')!;
}

/** Decorator (cert-manager) cases; `attachments` are rendered by a first call. */
export const DECORATOR_CASES: Record<
  string,
  (certificate: (object: KubeObject) => KubeObject[]) => DecoratorCase
> = {
  'certificate-create': () => ({ object: parentFrom(ISSUED), attachments: [], related: [] }),
  'certificate-invalid-spec-keeps-last-valid': (certificate) => {
    const valid = parentFrom(ISSUED);
    const invalid = parentFrom(
      { ...ISSUED, tls: { issuerRef: { name: 'other' } }, replicas: 0 },
      { generation: 2 },
    );
    return { object: invalid, attachments: certificate(valid), related: [statefulSet(valid)] };
  },
};
