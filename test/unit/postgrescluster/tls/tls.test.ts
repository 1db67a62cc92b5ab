import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { buildStatefulSet } from '../../../../hooks/postgrescluster/children/statefulset.js';
import { customizeCluster } from '../../../../hooks/postgrescluster/customize.js';
import { pgbouncerIni, type PooledCluster } from '../../../../hooks/postgrescluster/pooler/ini.js';
import { renderPooler } from '../../../../hooks/postgrescluster/pooler/index.js';
import { resolvePgbouncer } from '../../../../hooks/postgrescluster/spec/pooler.js';
import type { ResolvedCluster } from '../../../../hooks/postgrescluster/spec/resolved.js';
import { resolveTls } from '../../../../hooks/postgrescluster/spec/tls.js';
import { buildCertificate, certificateDnsNames } from '../../../../hooks/postgrescluster/tls/certificate.js';
import { tlsStatus } from '../../../../hooks/postgrescluster/tls/index.js';
import { aCluster, envMap } from '../../../support/cluster-fixture.js';
import { CTX } from '../../../support/cluster-world.js';

const ISSUER = { name: 'pgmeta-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' };
const issued = (o: { pooled?: boolean } = {}): ResolvedCluster => {
  const base = {
    ...aCluster().withName('orders').withNamespace('shop').build(),
    tls: { enabled: true, issuerRef: ISSUER },
  };
  if (!o.pooled) return base;
  const pool = resolvePgbouncer({
    version: '17',
    storage: { size: '1Gi' },
    pgbouncer: { enabled: true, readOnlyPooler: true },
  })!;
  return { ...base, pgbouncer: pool };
};

interface PodSpec {
  volumes: { name: string; secret?: { secretName: string; defaultMode?: number; optional?: boolean } }[];
  containers: {
    name: string;
    env: { name: string; value?: string }[];
    volumeMounts: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
  }[];
}
const podSpec = (cluster: ResolvedCluster, certificateCa = true) =>
  (
    buildStatefulSet(cluster, { specJson: '{}', certificateCa }).spec as unknown as {
      template: { spec: PodSpec };
    }
  ).template.spec;

describe('spec.tls resolution', () => {
  const base = { version: '17' as const, storage: { size: '1Gi' } };
  it.each([
    ['no tls section', {}, { enabled: true }],
    ['disabled', { tls: { enabled: false } }, { enabled: false }],
    [
      'an issuer with defaults',
      { tls: { issuerRef: { name: 'ca' } } },
      { enabled: true, issuerRef: { name: 'ca', kind: 'Issuer', group: 'cert-manager.io' } },
    ],
    [
      'an external issuer',
      { tls: { issuerRef: { name: 'v', kind: 'VaultIssuer', group: 'vault.example.com' } } },
      { enabled: true, issuerRef: { name: 'v', kind: 'VaultIssuer', group: 'vault.example.com' } },
    ],
  ])('%s', (_what, spec, resolved) => {
    expect(resolveTls({ ...base, ...spec })).toEqual(resolved);
  });
});

describe('the members with a cert-manager certificate', () => {
  it('mount its Secret read-only at /tls, group-readable only, without optional, and name the files to Spilo', () => {
    const spec = podSpec(issued());
    expect(spec.volumes.find((v) => v.name === 'tls')).toEqual({
      name: 'tls',
      secret: { secretName: 'orders-tls', defaultMode: 0o640 },
    });
    const postgres = spec.containers[0]!;
    expect(postgres.volumeMounts).toContainEqual({ name: 'tls', mountPath: '/tls', readOnly: true });
    expect(postgres.volumeMounts.every((m) => m.subPath === undefined)).toBe(true);
    expect(envMap(postgres.env)).toMatchObject({
      SSL_CERTIFICATE_FILE: '/tls/tls.crt',
      SSL_PRIVATE_KEY_FILE: '/tls/tls.key',
      SSL_CA_FILE: '/tls/ca.crt',
    });
  });

  it('name no CA file when the issued certificate carries none (an ACME issuer)', () => {
    const env = envMap(podSpec(issued(), false).containers[0]!.env);
    expect(env).toMatchObject({ SSL_CERTIFICATE_FILE: '/tls/tls.crt', SSL_PRIVATE_KEY_FILE: '/tls/tls.key' });
    expect(env).not.toHaveProperty('SSL_CA_FILE');
  });

  it.each([
    ['self-signed (no issuer)', aCluster().build()],
    ['TLS disabled', aCluster().withTls(false).build()],
  ])('%s: no Secret volume and no SSL_*_FILE variables', (_what, cluster) => {
    const spec = podSpec(cluster);
    expect(spec.volumes.map((v) => v.name)).not.toContain('tls');
    expect(Object.keys(envMap(spec.containers[0]!.env)).filter((k) => k.startsWith('SSL_'))).toEqual([]);
  });
});

describe('the Certificate', () => {
  it('names every Service with and without the namespace and svc suffixes, and the members by wildcard', () => {
    const names = certificateDnsNames(issued({ pooled: true }));
    for (const svc of ['orders', 'orders-ro', 'orders-members', 'orders-pooler', 'orders-pooler-ro']) {
      expect(names).toEqual(
        expect.arrayContaining([svc, `${svc}.shop`, `${svc}.shop.svc`, `${svc}.shop.svc.cluster.local`]),
      );
    }
    expect(names).toEqual(
      expect.arrayContaining(['*.orders-members.shop.svc', '*.orders-members.shop.svc.cluster.local']),
    );
    expect(new Set(names).size).toBe(names.length);
    expect(certificateDnsNames(issued()).some((n) => n.includes('pooler'))).toBe(false);
  });

  it('writes the Secret the members mount and asks the named issuer', () => {
    const cert = buildCertificate(issued()) as KubeObject & { spec: Record<string, unknown> };
    expect(cert).toMatchObject({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'orders-tls', namespace: 'shop' },
    });
    expect(cert.spec['secretName']).toBe('orders-tls');
    expect(cert.spec['issuerRef']).toEqual(ISSUER);
    expect(buildCertificate(aCluster().build())).toBeUndefined();
    expect(buildCertificate({ ...issued(), tls: { enabled: false, issuerRef: ISSUER } })).toBeUndefined();
  });
});

describe('the poolers with a cert-manager certificate', () => {
  const cluster = issued({ pooled: true }) as PooledCluster;

  it('verify PostgreSQL against the issuer CA and present the issued certificate', () => {
    expect(pgbouncerIni(cluster, 'rw').pgbouncer).toMatchObject({
      server_tls_sslmode: 'verify-full',
      server_tls_ca_file: '/etc/pgbouncer-tls/ca.crt',
      client_tls_cert_file: '/etc/pgbouncer-tls/tls.crt',
    });
    const deployment = renderPooler(cluster, { operatorKey: new Uint8Array(32), observedSecrets: {} }).find(
      (c) => c.kind === 'Deployment',
    )!;
    const spec = (
      deployment['spec'] as {
        template: {
          spec: {
            initContainers?: unknown[];
            volumes: { name: string; secret?: { secretName: string } }[];
            containers: { command: string[] }[];
          };
        };
      }
    ).template.spec;
    expect(spec.initContainers).toBeUndefined();
    expect(spec.volumes.find((v) => v.name === 'tls')?.secret?.secretName).toBe('orders-tls');
    expect(spec.containers[0]!.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(spec.containers[0]!.command[2]).toContain('kill -HUP');
  });
});

describe('status.tls', () => {
  const secret = (data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'orders-tls' },
    data,
  });
  it.each([
    ['self-signed', aCluster().build(), undefined, { mode: 'SelfSigned' }],
    ['disabled', aCluster().withTls(false).build(), undefined, { mode: 'Disabled' }],
    [
      'issued, Secret awaited',
      issued(),
      undefined,
      {
        mode: 'CertManager',
        issuer: 'ClusterIssuer/pgmeta-ca',
        secretName: 'orders-tls',
        secretReady: false,
      },
    ],
    [
      'issued, Secret written',
      issued(),
      secret({ 'tls.crt': 'eA==', 'tls.key': 'eA==' }),
      { mode: 'CertManager', issuer: 'ClusterIssuer/pgmeta-ca', secretName: 'orders-tls', secretReady: true },
    ],
    [
      'issued, Secret without a key yet',
      issued(),
      secret({ 'tls.crt': 'eA==' }),
      {
        mode: 'CertManager',
        issuer: 'ClusterIssuer/pgmeta-ca',
        secretName: 'orders-tls',
        secretReady: false,
      },
    ],
  ])('%s', (_what, cluster, observed, expected) => {
    expect(tlsStatus(cluster, observed)).toEqual(expected);
  });

  it('observes the Secret through a related rule only when an issuer is set', () => {
    const parent = (spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresCluster',
      metadata: { name: 'orders', namespace: 'shop' },
      spec,
    });
    const rules = (spec: Record<string, unknown>) =>
      customizeCluster({ controller: parent({}), parent: parent(spec) }, CTX).relatedResources.filter(
        (r) => r.resource === 'secrets' && r.names?.includes('orders-tls'),
      );
    expect(rules({ tls: { issuerRef: { name: 'ca' } } })).toEqual([
      { apiVersion: 'v1', resource: 'secrets', namespace: 'shop', names: ['orders-tls'] },
    ]);
    expect(rules({})).toEqual([]);
    expect(rules({ tls: { enabled: false, issuerRef: { name: 'ca' } } })).toEqual([]);
  });
});
