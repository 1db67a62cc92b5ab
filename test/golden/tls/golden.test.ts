/**
 * Whole-hook goldens of TLS with a cert-manager issuer: the PostgresCluster sync and the
 * cert-manager decorator (`UPDATE_GOLDEN=1 npx jest test/golden` rewrites them).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { certManagerDecorator } from '../../../hooks/integrations/cert-manager';
import { runHook } from '../../../hooks/metacontroller/dispatch';
import { applied, fakeUid } from '../../support/apiserver';
import { CTX, clusterHook, request, sync } from '../../support/cluster-world';
import { describeGoldens } from '../../support/golden';
import { DECORATOR_CASES, type DecoratorCase, SYNC_CASES } from './cases';

describeGoldens({ dir: __dirname, cases: SYNC_CASES, request, answer: clusterHook });

const KEY = 'Certificate.cert-manager.io/v1';
const byKey = (objs: readonly KubeObject[]) =>
  Object.fromEntries(objs.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));

function decoratorRequest(c: DecoratorCase): Record<string, unknown> {
  return {
    controller: {
      apiVersion: 'metacontroller.k8s.io/v1alpha1',
      kind: 'DecoratorController',
      metadata: { name: 'postgrescluster-cert-manager', uid: fakeUid('dc'), generation: 1 },
    },
    object: c.object,
    attachments: { [KEY]: byKey(c.attachments) },
    related: { 'StatefulSet.apps/v1': byKey(c.related) },
    finalizing: false,
  };
}

/** The Certificate the decorator attaches to `object`, as the API server stores it. */
function certificate(object: KubeObject): KubeObject[] {
  const res = runHook({
    def: certManagerDecorator,
    hook: 'sync',
    body: decoratorRequest({ object, attachments: [], related: [] }),
    ctx: CTX,
  });
  return (res as { attachments: KubeObject[] }).attachments.map((a) => applied(a, object));
}

describeGoldens({
  dir: __dirname,
  cases: Object.fromEntries(
    Object.entries(DECORATOR_CASES).map(([name, build]) => [
      name,
      () => decoratorRequest(build(certificate)),
    ]),
  ),
  answer: (body) => runHook({ def: certManagerDecorator, hook: 'sync', body, ctx: CTX }),
});

describe('status.tls', () => {
  it('says the certificate is awaited, then issued', () => {
    const tls = (name: string) => sync(SYNC_CASES[name]!()).status['tls'];
    expect(tls('tls-issuer-awaited')).toEqual({
      mode: 'CertManager',
      issuer: 'ClusterIssuer/pgmeta-ca',
      secretName: 'orders-tls',
      secretReady: false,
    });
    expect(tls('tls-issuer-ready')).toMatchObject({ mode: 'CertManager', secretReady: true });
  });

  it('keeps the last valid Certificate while the spec is invalid', () => {
    const c = DECORATOR_CASES['certificate-invalid-spec-keeps-last-valid']!(certificate);
    const res = runHook({ def: certManagerDecorator, hook: 'sync', body: decoratorRequest(c), ctx: CTX }) as {
      attachments: KubeObject[];
    };
    const issuer = (o: KubeObject) => (o['spec'] as { issuerRef: { name: string } }).issuerRef.name;
    expect(res.attachments.map(issuer)).toEqual(['pgmeta-ca']);
  });
});
