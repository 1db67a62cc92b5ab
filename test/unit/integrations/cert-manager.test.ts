import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../hooks/lib/k8s.js';
import { certManagerDecorator } from '../../../hooks/integrations/cert-manager.js';
import { runHook } from '../../../hooks/metacontroller/dispatch.js';
import { HookError } from '../../../hooks/metacontroller/errors.js';
import { CTX, parentFrom, sync } from '../../support/cluster-world.js';

const SPEC = { version: '16', replicas: 3, storage: { size: '10Gi' }, tls: { issuerRef: { name: 'ca' } } };
const CERT_KEY = 'Certificate.cert-manager.io/v1';

function decorate(o: { object: KubeObject; attachments?: KubeObject[]; related?: KubeObject[] }) {
  const byKey = (objs: KubeObject[] = []) =>
    Object.fromEntries(objs.map((x) => [`${x.metadata.namespace ?? ''}/${x.metadata.name}`, x]));
  const body = {
    controller: {
      apiVersion: 'metacontroller.k8s.io/v1alpha1',
      kind: 'DecoratorController',
      metadata: { name: 'postgrescluster-cert-manager' },
    },
    object: o.object,
    attachments: { [CERT_KEY]: byKey(o.attachments) },
    related: { 'StatefulSet.apps/v1': byKey(o.related) },
    finalizing: false,
  };
  return runHook({ def: certManagerDecorator, hook: 'sync', body, ctx: CTX }) as {
    attachments: KubeObject[];
    status?: unknown;
  };
}

/** The cluster's StatefulSet as the composite hook renders it (it carries the last valid spec). */
function statefulSetOf(parent: KubeObject): KubeObject {
  return sync({ parent, children: [], related: [] }).children.find((c) => c.kind === 'StatefulSet')!;
}

describe('the cert-manager decorator', () => {
  it('attaches one Certificate to a cluster with an issuer, and writes no status', () => {
    const res = decorate({ object: parentFrom(SPEC) });
    expect(res.attachments.map((a) => `${a.kind}/${a.metadata.namespace}/${a.metadata.name}`)).toEqual([
      'Certificate/shop/orders-tls',
    ]);
    expect(res.status).toBeUndefined();
  });

  it.each([
    ['no issuer', { ...SPEC, tls: {} }],
    ['TLS disabled', { ...SPEC, tls: { enabled: false } }],
  ])('attaches nothing with %s (and so removes a former Certificate)', (_what, spec) => {
    const former = decorate({ object: parentFrom(SPEC) }).attachments;
    expect(decorate({ object: parentFrom(spec), attachments: former }).attachments).toEqual([]);
  });

  it('keeps the Certificate of the last valid spec while the spec is invalid', () => {
    const valid = parentFrom(SPEC);
    const former = decorate({ object: valid }).attachments;
    const invalid = parentFrom({ ...SPEC, tls: { issuerRef: { name: 'other' } }, replicas: 0 });
    const res = decorate({ object: invalid, attachments: former, related: [statefulSetOf(valid)] });
    expect(res.attachments).toEqual(former);
  });

  it('refuses (500) rather than drop a Certificate when the spec is invalid and nothing valid is recorded', () => {
    const former = decorate({ object: parentFrom(SPEC) }).attachments;
    const invalid = parentFrom({ ...SPEC, replicas: 0 });
    expect(() => decorate({ object: invalid, attachments: former })).toThrow(HookError);
    expect(decorate({ object: invalid }).attachments).toEqual([]);
  });

  it('asks for the cluster StatefulSet only, by name', () => {
    const res = runHook({
      def: certManagerDecorator,
      hook: 'customize',
      body: { controller: {}, parent: parentFrom(SPEC) },
      ctx: CTX,
    });
    expect(res).toEqual({
      relatedResources: [
        { apiVersion: 'apps/v1', resource: 'statefulsets', namespace: 'shop', names: ['orders'] },
      ],
    });
  });
});
