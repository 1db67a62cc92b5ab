import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { buildPodDisruptionBudgets } from '../../../../hooks/postgrescluster/children/pdb.js';
import { buildServices } from '../../../../hooks/postgrescluster/children/services.js';
import { buildStatefulSet } from '../../../../hooks/postgrescluster/children/statefulset.js';
import {
  patroniLabels,
  podLabels,
  podSelector,
  roleSelector,
} from '../../../../hooks/postgrescluster/names.js';
import { POOLER_AUTH_SCRIPT, POOLER_FUNCTION_SQL } from '../../../../hooks/postgrescluster/pooler/auth.js';
import { configHash } from '../../../../hooks/postgrescluster/pooler/deployment.js';
import {
  type PooledCluster,
  pgbouncerIni,
  renderIni,
  userlistLine,
} from '../../../../hooks/postgrescluster/pooler/ini.js';
import { renderPooler } from '../../../../hooks/postgrescluster/pooler/index.js';
import {
  POOLER_ROLES,
  poolerPodLabels,
  poolerSelector,
} from '../../../../hooks/postgrescluster/pooler/names.js';
import { renderChildren } from '../../../../hooks/postgrescluster/render.js';
import { defaultPodAntiAffinity } from '../../../../hooks/postgrescluster/spec/defaults.js';
import { resolvePgbouncer } from '../../../../hooks/postgrescluster/spec/pooler.js';
import type { ResolvedCluster } from '../../../../hooks/postgrescluster/spec/resolved.js';
import { aCluster } from '../../../support/cluster-fixture.js';
import { lazy } from '../../../support/lazy.js';

const KEY = new Uint8Array(32).fill(5);
const inputs = { operatorKey: KEY, observedSecrets: {} };
/** Resolved on first use (test/support/lazy.ts). */
const POOL = lazy(() =>
  resolvePgbouncer({ version: '17', storage: { size: '1Gi' }, pgbouncer: { enabled: true } })!,
);

function pooled(o: { name?: string; tls?: boolean; pool?: Partial<PooledCluster['pgbouncer']> } = {}) {
  const base = aCluster()
    .withName(o.name ?? 'demo')
    .withTls(o.tls ?? true)
    .build();
  return { ...base, pgbouncer: { ...POOL(), ...o.pool } } satisfies PooledCluster;
}

interface Spec {
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> } };
}

const selects = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

const find = (children: KubeObject[], kind: string, name: string) =>
  children.find((c) => c.kind === kind && c.metadata.name === name);

describe('spec.pgbouncer resolution', () => {
  it('is absent unless enabled, so clusters without poolers render as before', () => {
    const spec = { version: '17' as const, storage: { size: '1Gi' } };
    expect(resolvePgbouncer(spec)).toBeUndefined();
    expect(resolvePgbouncer({ ...spec, pgbouncer: { enabled: false, replicas: 3 } })).toBeUndefined();
    const plain = aCluster().build();
    expect(renderPooler(plain, inputs)).toEqual([]);
    const all = renderChildren(plain, { ...inputs, specJson: '{}' });
    expect(all.filter((c) => c.metadata.name.includes('pooler'))).toEqual([]);
  });

  it('fills the defaults, and canonical quantities for given resources', () => {
    expect(POOL()).toEqual({
      replicas: 2,
      poolMode: 'transaction',
      maxClientConn: 1000,
      defaultPoolSize: 20,
      maxDbConnections: 0,
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      readOnlyPooler: false,
    });
    const given = resolvePgbouncer({
      version: '17',
      storage: { size: '1Gi' },
      pgbouncer: { enabled: true, resources: { requests: { cpu: 0.5, memory: '1024Mi' } } },
    });
    expect(given?.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' } });
  });
});

describe('pooler children', () => {
  it.each([
    [false, ['demo-pooler']],
    [true, ['demo-pooler', 'demo-pooler-ro']],
  ])(
    'readOnlyPooler %s: a ConfigMap, Deployment, Service and PDB per pooler, one Secret and one Job with its Secret',
    (ro, names) => {
      const children = renderPooler(pooled({ pool: { readOnlyPooler: ro } }), inputs);
      const expected = names.flatMap((n) =>
        ['ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget'].map((k) => `${k}/${n}`),
      );
      const job = children.find((c) => c.kind === 'Job')!;
      expect(job.metadata.name).toMatch(/^demo-pooler-auth-[0-9a-f]{8}$/);
      expect(children.map((c) => `${c.kind}/${c.metadata.name}`).sort()).toEqual(
        [...expected, 'Secret/demo-pooler', `Job/${job.metadata.name}`, `Secret/${job.metadata.name}`].sort(),
      );
    },
  );

  it('forwards the read-write pooler to the primary Service and the read-only one to the replicas', () => {
    const cluster = pooled({ pool: { readOnlyPooler: true } });
    expect(pgbouncerIni(cluster, 'rw').databases).toEqual({ '*': 'host=demo.databases.svc port=5432' });
    expect(pgbouncerIni(cluster, 'ro').databases).toEqual({ '*': 'host=demo-ro.databases.svc port=5432' });
  });

  it.each([
    ['poolMode', { poolMode: 'session' as const }, 'pool_mode', 'session'],
    ['maxClientConn', { maxClientConn: 5000 }, 'max_client_conn', '5000'],
    ['defaultPoolSize', { defaultPoolSize: 7 }, 'default_pool_size', '7'],
    ['maxDbConnections', { maxDbConnections: 90 }, 'max_db_connections', '90'],
  ])('renders %s into pgbouncer.ini', (_field, pool, key, value) => {
    expect(pgbouncerIni(pooled({ pool }), 'rw').pgbouncer[key]).toBe(value);
  });

  it('authenticates through auth_query as the lookup role, never with a stored user password', () => {
    const ini = pgbouncerIni(pooled(), 'rw').pgbouncer;
    expect(ini).toMatchObject({
      auth_type: 'scram-sha-256',
      auth_user: 'pgmeta_pooler',
      auth_query: 'SELECT usename, passwd FROM pgmeta.pooler_lookup($1)',
      auth_file: '/etc/pgbouncer-auth/userlist.txt',
    });
    const children = renderChildren(pooled(), { ...inputs, specJson: '{}' });
    const superuser = find(children, 'Secret', 'demo-superuser')!['data'] as Record<string, string>;
    const poolerSecret = JSON.stringify(find(children, 'Secret', 'demo-pooler'));
    const config = JSON.stringify(children.filter((c) => c.metadata.name.startsWith('demo-pooler')));
    expect(config).not.toContain(superuser['password']);
    expect(config).not.toContain(Buffer.from(superuser['password']!, 'base64').toString());
    const userlist = Buffer.from(
      (JSON.parse(poolerSecret) as { data: Record<string, string> }).data['userlist.txt']!,
      'base64',
    ).toString();
    expect(userlist).toMatch(/^"pgmeta_pooler" "[A-Za-z0-9_-]{43}"\n$/);
  });

  it('requires TLS from clients and to PostgreSQL when TLS is on, and sets none when off', () => {
    expect(pgbouncerIni(pooled(), 'rw').pgbouncer).toMatchObject({
      client_tls_sslmode: 'require',
      client_tls_cert_file: '/etc/pgbouncer-tls/tls.crt',
      client_tls_key_file: '/etc/pgbouncer-tls/tls.key',
      server_tls_sslmode: 'require',
    });
    const off = pgbouncerIni(pooled({ tls: false }), 'rw').pgbouncer;
    expect(Object.keys(off).filter((k) => k.includes('tls'))).toEqual([]);
    const deployment = renderPooler(pooled({ tls: false }), inputs).find((c) => c.kind === 'Deployment')!;
    expect(JSON.stringify(deployment)).not.toContain('pgbouncer-tls');
  });

  it('renders sorted ini text with every key once; an empty value has no trailing blank', () => {
    const text = renderIni(pgbouncerIni(pooled(), 'rw'));
    expect(text.startsWith('[databases]\n* = host=')).toBe(true);
    expect(text).toContain('\nunix_socket_dir =\n');
    const keys = text
      .split('\n')
      .filter((l) => l.includes(' = '))
      .map((l) => l.split(' = ')[0]!);
    expect(keys.slice(1)).toEqual([...keys.slice(1)].sort());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('quotes a userlist entry the way PgBouncer reads it (doubled quotes)', () => {
    expect(userlistLine('a"b', 'p"w')).toBe('"a""b" "p""w"\n');
  });

  it('rolls the pods when pgbouncer.ini changes and only then', () => {
    const hash = configHash(pooled(), 'rw');
    expect(configHash(pooled(), 'rw')).toBe(hash);
    expect(configHash(pooled({ pool: { poolMode: 'session' } }), 'rw')).not.toBe(hash);
    expect(configHash(pooled({ pool: { replicas: 5 } }), 'rw')).toBe(hash);
  });

  it('renames the Job when the lookup password changes, so it runs again', () => {
    const job = (secrets: Record<string, KubeObject>) =>
      renderPooler(pooled(), { ...inputs, observedSecrets: secrets }).find((c) => c.kind === 'Job')!.metadata
        .name;
    const observed = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'demo-pooler' },
      data: { password: Buffer.from('rotated').toString('base64') },
    };
    expect(job({})).toBe(job({}));
    expect(job({ 'demo-pooler': observed })).not.toBe(job({}));
  });

  it('installs the function in every database that accepts connections, with a pinned search_path', () => {
    expect(POOLER_AUTH_SCRIPT).toContain('WHERE datallowconn');
    expect(POOLER_FUNCTION_SQL).toContain('SECURITY DEFINER');
    expect(POOLER_FUNCTION_SQL).toContain('SET search_path = pg_catalog, pg_temp');
    expect(POOLER_FUNCTION_SQL).toContain('REVOKE ALL ON FUNCTION pgmeta.pooler_lookup(text) FROM PUBLIC');
  });
});

describe('pooler pods and database selectors', () => {
  const names = fc.stringMatching(/^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/);

  /** Every selector that picks database pods: StatefulSet, Services, PDB, Patroni, anti-affinity. */
  function databaseSelectors(cluster: ResolvedCluster): Record<string, string>[] {
    const sts = buildStatefulSet(cluster, { specJson: '{}' });
    const services = buildServices(cluster).flatMap((s) => (s.spec?.selector ? [s.spec.selector] : []));
    const affinity =
      defaultPodAntiAffinity(cluster.name).preferredDuringSchedulingIgnoredDuringExecution ?? [];
    return [
      podSelector(cluster),
      roleSelector(cluster, 'primary'),
      roleSelector(cluster, 'replica'),
      patroniLabels(cluster),
      sts.spec!.selector.matchLabels!,
      ...buildPodDisruptionBudgets(cluster, { primaryReady: true }).map(
        (b) => b.spec!.selector!.matchLabels!,
      ),
      ...services,
      ...affinity.map((t) => t.podAffinityTerm.labelSelector!.matchLabels!),
    ];
  }

  it('no database selector matches a pooler pod, and no pooler selector a database or Job pod', () => {
    fc.assert(
      fc.property(names, (name) => {
        const cluster = pooled({ name, pool: { readOnlyPooler: true } });
        const selectors = databaseSelectors(cluster);
        expect(selectors.length).toBeGreaterThanOrEqual(9);
        for (const role of POOLER_ROLES) {
          const labels = poolerPodLabels(cluster, role);
          expect(selectors.filter((s) => selects(s, labels))).toEqual([]);
          expect(labels['application']).toBeUndefined();
          expect(selects(poolerSelector(cluster, role), podLabels(cluster))).toBe(false);
          const job = renderPooler(cluster, inputs).find((c) => c.kind === 'Job')!;
          const jobLabels = (job['spec'] as { template: { metadata: { labels: Record<string, string> } } })
            .template.metadata.labels;
          expect(selects(poolerSelector(cluster, role), jobLabels)).toBe(false);
        }
        expect(selects(poolerSelector(cluster, 'rw'), poolerPodLabels(cluster, 'ro'))).toBe(false);
        expect(selects(poolerSelector(cluster, 'ro'), poolerPodLabels(cluster, 'rw'))).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('selects its own pods: Deployment, Service and PDB selectors match the pod template', () => {
    const children = renderPooler(pooled({ pool: { readOnlyPooler: true } }), inputs);
    for (const name of ['demo-pooler', 'demo-pooler-ro']) {
      const deployment = find(children, 'Deployment', name)!['spec'] as Spec;
      const labels = deployment.template.metadata.labels;
      expect(selects(deployment.selector.matchLabels, labels)).toBe(true);
      const service = (find(children, 'Service', name)!['spec'] as { selector: Record<string, string> })
        .selector;
      expect(selects(service, labels)).toBe(true);
      const pdb = (find(children, 'PodDisruptionBudget', name)!['spec'] as Spec).selector.matchLabels;
      expect(selects(pdb, labels)).toBe(true);
    }
  });

  it('derives only valid DNS labels within 63 characters from any accepted cluster name', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/), (name) => {
        const cluster = pooled({ name, pool: { readOnlyPooler: true } });
        for (const c of renderPooler(cluster, inputs)) {
          expect(c.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
          expect(c.metadata.name.length).toBeLessThanOrEqual(63);
        }
      }),
      { numRuns: 50 },
    );
  });
});
