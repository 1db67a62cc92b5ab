/**
 * SSL_CA_FILE only when the issued certificate carries a CA (issue 14, item 6). Spilo 4.0-p3
 * configure_spilo.py `TEMPLATE` writes `ssl_ca_file` whenever SSL_CA_FILE is set, and PostgreSQL
 * does not start when it cannot load that file; cert-manager writes `ca.crt` only for issuers that
 * know their CA (not ACME).
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { certificateCa, holdUntilIssued } from '../../../../hooks/postgrescluster/tls/ca.js';
import { aCluster } from '../../../support/cluster-fixture.js';
import { appliedChildren, parentFrom, sync } from '../../../support/cluster-world.js';

const ISSUER = { name: 'acme', kind: 'ClusterIssuer', group: 'cert-manager.io' };
const withIssuer = { ...aCluster().build(), tls: { enabled: true, issuerRef: ISSUER } };

const secret = (data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'demo-tls' },
  data,
});
const issued = (ca?: string) =>
  secret({ 'tls.crt': 'eA==', 'tls.key': 'eA==', ...(ca === undefined ? {} : { 'ca.crt': ca }) });
const sts = (replicas: number, ca: boolean): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'demo' },
  spec: {
    replicas,
    template: {
      spec: {
        containers: [{ name: 'postgres', env: ca ? [{ name: 'SSL_CA_FILE', value: '/tls/ca.crt' }] : [] }],
      },
    },
  },
});

describe('whether the members name a CA file', () => {
  it.each<[string, { tlsSecret?: KubeObject; statefulSet?: KubeObject }, boolean | undefined]>([
    ['issued with ca.crt', { tlsSecret: issued('Q0E=') }, true],
    ['issued without ca.crt (ACME)', { tlsSecret: issued() }, false],
    ['issued with an empty ca.crt', { tlsSecret: issued('') }, false],
    ['the Secret decides over the StatefulSet', { tlsSecret: issued(), statefulSet: sts(3, true) }, false],
    ['not observed, members running with a CA', { statefulSet: sts(3, true) }, true],
    ['not observed, members running without', { statefulSet: sts(3, false) }, false],
    [
      'not issued yet (no tls.key), members running',
      { tlsSecret: secret({ 'tls.crt': 'eA==' }), statefulSet: sts(2, true) },
      true,
    ],
    ['a new cluster, nothing issued', {}, undefined],
    ['a StatefulSet still at zero members', { statefulSet: sts(0, false) }, undefined],
  ])('%s', (_what, observed, expected) => {
    expect(certificateCa(withIssuer, observed)).toBe(expected);
  });

  it('is false without an issuer, whatever is observed', () => {
    expect(certificateCa(aCluster().build(), {})).toBe(false);
    expect(certificateCa(aCluster().withTls(false).build(), { tlsSecret: issued('Q0E=') })).toBe(false);
  });

  it('holds only the StatefulSet at zero members while unknown', () => {
    const children = [sts(3, false), secret({})];
    expect(
      holdUntilIssued(children, undefined).map(
        (c) => (c['spec'] as { replicas?: number } | undefined)?.replicas,
      ),
    ).toEqual([0, undefined]);
    expect(holdUntilIssued(children, false)).toEqual(children);
  });
});

describe('a new cluster with an issuer', () => {
  const spec = { version: '17', replicas: 3, storage: { size: '1Gi' }, tls: { issuerRef: { name: 'acme' } } };
  const statefulSetOf = (children: KubeObject[]) => children.find((c) => c.kind === 'StatefulSet')!;
  const spiloEnvNames = (s: KubeObject) =>
    (
      s['spec'] as { template: { spec: { containers: { name: string; env: { name: string }[] }[] } } }
    ).template.spec.containers[0]!.env.map((e) => e.name);

  it('creates its StatefulSet at zero members until the certificate is issued, and says why', () => {
    const parent = parentFrom(spec);
    const res = sync({ parent, children: [], related: [] });
    expect((statefulSetOf(res.children)['spec'] as { replicas: number }).replicas).toBe(0);
    const ready = (res.status['conditions'] as { type: string; reason: string; message: string }[]).find(
      (c) => c.type === 'Ready',
    );
    expect(ready).toMatchObject({ reason: 'CertificatePending' });
    expect(ready?.message).toContain('orders-tls');
  });

  it('stays held while the certificate is awaited (fixpoint)', () => {
    const parent = parentFrom(spec);
    const children = appliedChildren(parent);
    expect((statefulSetOf(children)['spec'] as { replicas: number }).replicas).toBe(0);
    const again = sync({ parent, children, related: [] }).children;
    expect(JSON.stringify(statefulSetOf(again)['spec'])).toBe(
      JSON.stringify(statefulSetOf(sync({ parent, children: [], related: [] }).children)['spec']),
    );
  });

  it('then runs its members, naming the CA only when the Secret has one', () => {
    const parent = parentFrom(spec);
    const acme = { ...issued(), metadata: { name: 'orders-tls', namespace: 'shop' } };
    const res = sync({ parent, children: [], related: [acme] });
    const s = statefulSetOf(res.children);
    expect((s['spec'] as { replicas: number }).replicas).toBe(3);
    expect(spiloEnvNames(s)).not.toContain('SSL_CA_FILE');
    expect(spiloEnvNames(s)).toContain('SSL_CERTIFICATE_FILE');
  });
});
