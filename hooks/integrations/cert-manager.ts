/**
 * The `postgrescluster-cert-manager` DecoratorController: the cert-manager Certificate of every
 * PostgresCluster with `spec.tls.issuerRef` (none for the others). A DecoratorController in its own
 * kustomize component, manifests/components/cert-manager, because a controller whose child type is
 * not served fails as a whole: clusters without cert-manager keep working.
 */
import type { DecoratorControllerDef } from '../metacontroller/controller.js';
import type { DecoratorDesiredState, DecoratorRequest } from '../metacontroller/types.js';
import { buildCertificate } from '../postgrescluster/tls/certificate.js';
import { customizeDecorator, decoratorCluster } from './plan.js';

export function syncCertificates(req: DecoratorRequest): DecoratorDesiredState {
  const cluster = decoratorCluster(req);
  const certificate = cluster ? buildCertificate(cluster) : undefined;
  return { attachments: certificate ? [certificate] : [] };
}

export const certManagerDecorator: DecoratorControllerDef = {
  kind: 'decorator',
  name: 'postgrescluster-cert-manager',
  parent: { apiVersion: 'pgmeta.io/v1alpha1', kind: 'PostgresCluster' },
  attachmentTypes: [
    {
      kind: 'Certificate',
      apiVersion: 'cert-manager.io/v1',
      resource: 'certificates',
      // A changed spec (issuer, a new pooler's names) updates the Certificate; cert-manager reissues.
      updateStrategy: 'InPlace',
    },
  ],
  sync: syncCertificates,
  customize: customizeDecorator,
};
