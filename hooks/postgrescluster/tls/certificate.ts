/**
 * The cert-manager Certificate of a cluster with `spec.tls.issuerRef`: one certificate for every
 * Service a client may connect to (primary, replicas, members, poolers), each name in all the forms
 * cluster DNS resolves: short, with the namespace, with `svc`, and fully qualified. The members' own
 * DNS names (`<pod>.<name>-members...`) are covered by wildcards. It is rendered by the cert-manager
 * DecoratorController (hooks/integrations/cert-manager.ts), never by the CompositeController, so a
 * cluster without cert-manager's CRDs keeps working.
 * @see https://cert-manager.io/docs/usage/certificate/
 */
import type { KubeObject } from '../../lib/k8s.js';
import { childMetadata } from '../children/metadata.js';
import { clusterNames, COMPONENTS } from '../names.js';
import { isPooled, poolerRoles } from '../pooler/ini.js';
import { poolerNames } from '../pooler/names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { issuerOf, serviceDnsNames, tlsSecretName } from './index.js';

/** The Services a client may connect to. */
export function clientServices(cluster: ResolvedCluster): string[] {
  const names = clusterNames(cluster);
  const poolers = isPooled(cluster) ? poolerRoles(cluster).map((r) => poolerNames(cluster, r).name) : [];
  return [names.primaryService, names.replicaService, names.headlessService, ...poolers];
}

/** Every DNS name the certificate covers, in a stable order. */
export function certificateDnsNames(cluster: ResolvedCluster): string[] {
  const members = clusterNames(cluster).headlessService;
  const ns = cluster.namespace;
  return [
    ...clientServices(cluster).flatMap((s) => serviceDnsNames(cluster, s)),
    `*.${members}.${ns}.svc`,
    `*.${members}.${ns}.svc.cluster.local`,
  ];
}

/** The Certificate, or undefined when the cluster has no issuer. */
export function buildCertificate(cluster: ResolvedCluster): KubeObject | undefined {
  const issuer = issuerOf(cluster);
  if (!issuer) return undefined;
  const name = tlsSecretName(cluster);
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: childMetadata(cluster, { name, component: COMPONENTS.database }),
    spec: {
      secretName: name,
      issuerRef: { name: issuer.name, kind: issuer.kind, group: issuer.group },
      dnsNames: certificateDnsNames(cluster),
      usages: ['server auth', 'digital signature', 'key encipherment'],
      // A new key at every renewal: a leaked key expires with its certificate.
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    },
  };
}
