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

/**
 * The Secret cert-manager writes once the Certificate is issued: with `ca.crt` when the issuer has a
 * CA (CA, Vault, self-signed), without it for an ACME issuer.
 */
function issuedSecret(o: { ca?: boolean } = {}): KubeObject {
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
    data: { ...(o.ca === false ? {} : { 'ca.crt': 'Q0E=' }), 'tls.crt': 'Q0VSVA==', 'tls.key': 'S0VZ' },
  };
}

/** The children as applied once the certificate was issued (the StatefulSet waits for it). */
function issuedChildren(parent: KubeObject, o: { ca?: boolean } = {}): KubeObject[] {
  return appliedChildren(parent, { related: [issuedSecret(o)] });
}

/** `children` with the StatefulSet's Spilo container naming a CA file, as pgmeta before it checked. */
function namingCa(children: KubeObject[]): KubeObject[] {
  return children.map((c) => {
    if (c.kind !== 'StatefulSet') return c;
    const sts = structuredClone(c) as KubeObject & {
      spec: {
        template: { spec: { containers: { name: string; env: { name: string; value?: string }[] }[] } };
      };
    };
    const spilo = sts.spec.template.spec.containers.find((k) => k.name === 'postgres')!;
    spilo.env = [...spilo.env, { name: 'SSL_CA_FILE', value: '/tls/ca.crt' }].sort((a, b) =>
      a.name < b.name ? -1 : 1,
    );
    return sts;
  });
}

/** Composite (PostgresCluster sync) cases. */
export const SYNC_CASES: Record<string, () => World> = {
  // A new cluster: the StatefulSet waits until the issued Secret says whether it carries a CA.
  'tls-issuer-awaited': () => {
    const parent = parentFrom(ISSUED);
    return { parent, children: appliedChildren(parent), related: [] };
  },
  // The certificate was issued after the rest: the StatefulSet is created, naming the CA.
  'tls-issuer-issued': () => {
    const parent = parentFrom(ISSUED);
    return { parent, children: appliedChildren(parent), related: [issuedSecret()] };
  },
  'tls-issuer-ready': () => {
    const parent = parentFrom(ISSUED);
    return {
      parent,
      children: issuedChildren(parent),
      related: [...relatedFor(parent, healthy, [], { podsFrom: issuedChildren(parent) }), issuedSecret()],
    };
  },
  // An ACME issuer writes no ca.crt: a StatefulSet naming one (as pgmeta did) drops SSL_CA_FILE.
  'tls-issuer-acme': () => {
    const parent = parentFrom(ISSUED);
    const children = namingCa(issuedChildren(parent, { ca: false }));
    return {
      parent,
      children,
      related: [...relatedFor(parent, healthy, [], { podsFrom: children }), issuedSecret({ ca: false })],
    };
  },
  // The Secret is not observed (reissued, a stale cache): the StatefulSet keeps naming the CA.
  'tls-issuer-secret-unseen': () => {
    const parent = parentFrom(ISSUED);
    const children = issuedChildren(parent);
    return { parent, children, related: relatedFor(parent, healthy, [], { podsFrom: children }) };
  },
};

export interface DecoratorCase {
  object: KubeObject;
  attachments: KubeObject[];
  related: KubeObject[];
}

/** The cluster's StatefulSet as observed (it carries the last valid spec). */
function statefulSet(parent: KubeObject): KubeObject {
  return issuedChildren(parent).find((c) => c.kind === 'StatefulSet')!;
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
