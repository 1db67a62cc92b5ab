/**
 * The rendered NetworkPolicies, judged by the flows they allow and deny (test/support/netpol-eval.ts
 * evaluates NetworkPolicy semantics), for a cluster with poolers, two kinds of allowed client peers,
 * an allowed CIDR and an S3-compatible backup store.
 */
import { describe, expect, it } from '@jest/globals';
import { PATRONI_CLIENT_LABEL } from '../../../../hooks/postgrescluster/day2/job.js';
import { commonLabels, podLabels } from '../../../../hooks/postgrescluster/names.js';
import { backupStorePorts } from '../../../../hooks/postgrescluster/netpol/backup.js';
import { renderNetworkPolicies } from '../../../../hooks/postgrescluster/netpol/index.js';
import { poolerPodLabels } from '../../../../hooks/postgrescluster/pooler/names.js';
import type { ResolvedCluster } from '../../../../hooks/postgrescluster/spec/resolved.js';
import { resolvedCluster } from '../../../support/cluster-world.js';
import { lazy } from '../../../support/lazy.js';
import {
  allowed,
  type Endpoint,
  type Flow,
  type NetworkWorld,
  type Policy,
} from '../../../support/netpol-eval.js';

const SPEC = {
  version: '16',
  replicas: 3,
  storage: { size: '10Gi' },
  pgbouncer: { enabled: true, readOnlyPooler: true },
  networkPolicy: {
    enabled: true,
    allowFrom: [
      {
        namespaceSelector: { matchLabels: { team: 'web' } },
        podSelector: { matchLabels: { app: 'storefront' } },
      },
      { podSelector: { matchLabels: { app: 'admin' } } },
    ],
    allowCidrs: ['10.50.0.0/16'],
  },
};

/** The cluster archiving to MinIO (the backup feature's resolved shape, as far as egress reads it). */
const withStore = (c: ResolvedCluster, endpoint: string): ResolvedCluster =>
  ({ ...c, backup: { destination: { kind: 's3', endpoint } } }) as unknown as ResolvedCluster;

const pod = (name: string, namespace: string, labels: Record<string, string>, ip: string): Endpoint => ({
  name,
  namespace,
  labels,
  ip,
});
/** The cluster, its policies and the pods around it, built on first use (test/support/lazy.ts). */
const fixture = lazy(() => {
  const cluster = withStore(
    resolvedCluster({ ...SPEC, metrics: { enabled: true } }),
    'http://minio.storage:9000',
  );
  const policies = renderNetworkPolicies(cluster) as unknown as Policy[];
  const world: NetworkWorld = {
    policies,
    namespaces: {
      shop: {},
      web: { team: 'web' },
      evil: {},
      'kube-system': {},
      monitoring: { 'pgmeta.io/metrics-scraper': 'true' },
    },
  };

  const member = (i: number) =>
    pod(
      `member-${i}`,
      'shop',
      { ...podLabels(cluster), 'spilo-role': i === 0 ? 'master' : 'replica' },
      `10.244.1.${10 + i}`,
    );
  const pods = {
    member0: member(0),
    member1: member(1),
    pooler: pod('pooler', 'shop', poolerPodLabels(cluster, 'rw'), '10.244.2.5'),
    poolerRo: pod('pooler-ro', 'shop', poolerPodLabels(cluster, 'ro'), '10.244.2.6'),
    bootstrapJob: pod('bootstrap', 'shop', commonLabels(cluster, 'bootstrap'), '10.244.3.1'),
    poolerJob: pod('pooler-auth', 'shop', commonLabels(cluster, 'pooler'), '10.244.3.2'),
    day2Job: pod(
      'params-job',
      'shop',
      { ...commonLabels(cluster, 'operations'), [PATRONI_CLIENT_LABEL]: 'true' },
      '10.244.3.3',
    ),
    storefront: pod('storefront', 'web', { app: 'storefront' }, '10.244.4.1'),
    otherWebApp: pod('blog', 'web', { app: 'blog' }, '10.244.4.2'),
    admin: pod('admin', 'shop', { app: 'admin' }, '10.244.5.1'),
    otherShopApp: pod('cron', 'shop', { app: 'cron' }, '10.244.5.2'),
    intruder: pod('intruder', 'evil', { app: 'storefront' }, '10.244.6.6'),
    otherCluster: pod('billing-0', 'shop', { ...podLabels({ name: 'billing' }) }, '10.244.7.1'),
    kubeDns: pod('coredns', 'kube-system', { 'k8s-app': 'kube-dns' }, '10.244.0.2'),
    prometheus: pod('prometheus-0', 'monitoring', { app: 'prometheus' }, '10.244.8.1'),
  };
  return { policies, world, pods };
});
const ADDR = {
  vpn: { name: 'vpn client', ip: '10.50.3.4' },
  internet: { name: 'internet', ip: '203.0.113.9' },
  apiServer: { name: 'API server', ip: '172.18.0.2' },
  minio: { name: 'MinIO', ip: '10.96.50.1' },
};
type Pods = ReturnType<typeof fixture>['pods'];
type Name = keyof Pods | keyof typeof ADDR;
const at = (n: Name): Endpoint => {
  const { pods } = fixture();
  return n in pods ? pods[n as keyof Pods] : ADDR[n as keyof typeof ADDR];
};

const FLOWS: [string, Name, Name, number, 'TCP' | 'UDP', boolean][] = [
  ['member to member replication', 'member1', 'member0', 5432, 'TCP', true],
  ['member to member Patroni API', 'member0', 'member1', 8008, 'TCP', true],
  ['app (allowed namespace and pods) to the primary', 'storefront', 'member0', 5432, 'TCP', true],
  ['app to the pooler', 'storefront', 'pooler', 6432, 'TCP', true],
  ['app to the read-only pooler', 'storefront', 'poolerRo', 6432, 'TCP', true],
  ['app to Patroni API', 'storefront', 'member0', 8008, 'TCP', false],
  ['same-namespace peer (podSelector alone) to the primary', 'admin', 'member0', 5432, 'TCP', true],
  ['other pod of an allowed namespace', 'otherWebApp', 'member0', 5432, 'TCP', false],
  ['other pod of the cluster namespace', 'otherShopApp', 'member0', 5432, 'TCP', false],
  ['unknown namespace to the primary', 'intruder', 'member0', 5432, 'TCP', false],
  ['unknown namespace to the pooler', 'intruder', 'pooler', 6432, 'TCP', false],
  ['another cluster in the namespace to this one', 'otherCluster', 'member0', 5432, 'TCP', false],
  ['allowed CIDR to the primary', 'vpn', 'member0', 5432, 'TCP', true],
  ['allowed CIDR to the pooler', 'vpn', 'pooler', 6432, 'TCP', true],
  ['the internet to the primary', 'internet', 'member0', 5432, 'TCP', false],
  ['pooler to the primary', 'pooler', 'member0', 5432, 'TCP', true],
  ['pooler to Patroni API', 'pooler', 'member0', 8008, 'TCP', false],
  ['pooler to the API server', 'pooler', 'apiServer', 6443, 'TCP', false],
  ['pooler to DNS', 'pooler', 'kubeDns', 53, 'UDP', true],
  ['bootstrap Job to the primary', 'bootstrapJob', 'member0', 5432, 'TCP', true],
  ['day-2 Job to Patroni API', 'day2Job', 'member0', 8008, 'TCP', true],
  ["pooler's Job to the primary", 'poolerJob', 'member0', 5432, 'TCP', true],
  ["pooler's Job to Patroni API", 'poolerJob', 'member0', 8008, 'TCP', false],
  ['member to DNS over UDP', 'member0', 'kubeDns', 53, 'UDP', true],
  ['member to DNS over TCP', 'member0', 'kubeDns', 53, 'TCP', true],
  ['member to the API server (6443)', 'member0', 'apiServer', 6443, 'TCP', true],
  ['member to the API server (443)', 'member0', 'apiServer', 443, 'TCP', true],
  ['member to the backup store', 'member0', 'minio', 9000, 'TCP', true],
  ['member to the internet on another port', 'member0', 'internet', 80, 'TCP', false],
  ['member to the pooler', 'member0', 'pooler', 6432, 'TCP', false],
  ['Prometheus (a scraper namespace) to the exporter', 'prometheus', 'member0', 9187, 'TCP', true],
  ["Prometheus to Patroni's /metrics", 'prometheus', 'member1', 8008, 'TCP', true],
  ['Prometheus to PostgreSQL', 'prometheus', 'member0', 5432, 'TCP', false],
  ['another namespace to the exporter', 'storefront', 'member0', 9187, 'TCP', false],
];

describe('rendered NetworkPolicies, evaluated', () => {
  it('renders a policy for the members and one for the poolers', () => {
    expect(fixture().policies.map((p) => p.metadata.name)).toEqual(['orders', 'orders-pooler']);
  });

  it.each(FLOWS)('%s: %s → %s:%d/%s allowed=%s', (_what, from, to, port, protocol, expected) => {
    const flow: Flow = { from: at(from), to: at(to), port, protocol };
    expect(allowed(fixture().world, flow)).toBe(expected);
  });

  it('admits no scraper without spec.metrics', () => {
    const noMetrics: NetworkWorld = {
      ...fixture().world,
      policies: renderNetworkPolicies(resolvedCluster(SPEC)) as unknown as Policy[],
    };
    expect(
      allowed(noMetrics, { from: at('prometheus'), to: at('member0'), port: 8008, protocol: 'TCP' }),
    ).toBe(false);
  });

  it('opens no backup port without a backup store, and the endpoint port with one', () => {
    const plain = resolvedCluster(SPEC);
    const noStore: NetworkWorld = {
      ...fixture().world,
      policies: renderNetworkPolicies(plain) as unknown as Policy[],
    };
    expect(allowed(noStore, { from: at('member0'), to: at('minio'), port: 9000, protocol: 'TCP' })).toBe(
      false,
    );
    expect(backupStorePorts(plain)).toEqual([]);
    expect(backupStorePorts(withStore(plain, 'https://s3.example.com'))).toEqual([443]);
    expect(backupStorePorts(withStore(plain, 'http://[fd00::1]:9000'))).toEqual([9000]);
    expect(
      backupStorePorts({ ...plain, backup: { destination: { kind: 'gcs' } } } as unknown as ResolvedCluster),
    ).toEqual([443]);
  });

  it('renders nothing without spec.networkPolicy.enabled, and no pooler policy without poolers', () => {
    expect(renderNetworkPolicies(resolvedCluster({ ...SPEC, networkPolicy: { enabled: false } }))).toEqual(
      [],
    );
    const { pgbouncer: _p, ...noPooler } = SPEC;
    expect(renderNetworkPolicies(resolvedCluster(noPooler)).map((p) => p.metadata.name)).toEqual(['orders']);
  });

  it('without peers the pooler admits nobody (no rule, never an empty `from`, which would admit all)', () => {
    const closed = renderNetworkPolicies(
      resolvedCluster({ ...SPEC, networkPolicy: { enabled: true } }),
    ) as unknown as Policy[];
    const pooler = closed.find((p) => p.metadata.name === 'orders-pooler')!;
    expect(pooler.spec.ingress).toBeUndefined();
    const w = { ...fixture().world, policies: closed };
    expect(allowed(w, { from: at('storefront'), to: at('pooler'), port: 6432, protocol: 'TCP' })).toBe(false);
    expect(allowed(w, { from: at('pooler'), to: at('member0'), port: 5432, protocol: 'TCP' })).toBe(true);
  });
});

describe('the evaluator', () => {
  const target = pod('db', 'a', { app: 'db' }, '10.0.0.1');
  const client = pod('client', 'b', { app: 'client' }, '10.0.0.2');
  const flow: Flow = { from: client, to: target, port: 5432, protocol: 'TCP' };
  const policy = (spec: Policy['spec']): Policy => ({ metadata: { name: 'p', namespace: 'a' }, spec });
  const w = (...ps: Policy[]): NetworkWorld => ({ policies: ps, namespaces: { a: {}, b: { env: 'prod' } } });

  it.each<[string, Policy[], boolean]>([
    ['no policy: open', [], true],
    ['selected by a policy without rules: denied', [policy({ podSelector: {} })], false],
    [
      'a rule without peers admits everyone',
      [policy({ podSelector: {}, ingress: [{ ports: [{ port: 5432 }] }] })],
      true,
    ],
    ['a rule on another port', [policy({ podSelector: {}, ingress: [{ ports: [{ port: 5433 }] }] })], false],
    [
      'a port range',
      [policy({ podSelector: {}, ingress: [{ ports: [{ port: 5000, endPort: 6000 }] }] })],
      true,
    ],
    [
      'UDP only',
      [policy({ podSelector: {}, ingress: [{ ports: [{ port: 5432, protocol: 'UDP' }] }] })],
      false,
    ],
    [
      'podSelector alone means the policy namespace',
      [
        policy({
          podSelector: {},
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }],
        }),
      ],
      false,
    ],
    [
      'namespaceSelector and podSelector',
      [
        policy({
          podSelector: {},
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { env: 'prod' } },
                  podSelector: { matchLabels: { app: 'client' } },
                },
              ],
            },
          ],
        }),
      ],
      true,
    ],
    [
      'namespace by its name label',
      [
        policy({
          podSelector: {},
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {
                    matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['b'] }],
                  },
                },
              ],
            },
          ],
        }),
      ],
      true,
    ],
    [
      'ipBlock with an except',
      [
        policy({
          podSelector: {},
          ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/24', except: ['10.0.0.2/32'] } }] }],
        }),
      ],
      false,
    ],
    ['egress-only policy leaves ingress open', [policy({ podSelector: {}, policyTypes: ['Egress'] })], true],
    ['a policy selecting other pods', [policy({ podSelector: { matchLabels: { app: 'web' } } })], true],
  ])('%s', (_what, ps, expected) => {
    expect(allowed(w(...ps), flow)).toBe(expected);
  });

  it('applies the source pod’s egress policies too', () => {
    const egress: Policy = {
      metadata: { name: 'e', namespace: 'b' },
      spec: { podSelector: {}, policyTypes: ['Egress'] },
    };
    expect(allowed(w(egress), flow)).toBe(false);
  });
});
