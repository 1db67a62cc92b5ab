/**
 * Who reaches the members through the rendered NetworkPolicies (issue 15, finding 8): the
 * PostgresDatabase SQL Jobs and KEDA's operator reach PostgreSQL; a pod that only carries the
 * cluster's label reaches neither PostgreSQL nor Patroni's API; the members' egress to the API server
 * is limited to `apiServerCidrs` when given. Pod labels come from the real builders.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { buildOperationJob } from '../../../../hooks/postgrescluster/day2/job.js';
import { CLUSTER_LABEL, podLabels } from '../../../../hooks/postgrescluster/names.js';
import { renderNetworkPolicies } from '../../../../hooks/postgrescluster/netpol/index.js';
import { childLabels, COMPONENTS } from '../../../../hooks/postgresdatabase/names.js';
import type { ResolvedCluster } from '../../../../hooks/postgrescluster/spec/resolved.js';
import { resolvedCluster } from '../../../support/cluster-world.js';
import { lazy } from '../../../support/lazy.js';
import { allowed, type Endpoint, type NetworkWorld, type Policy } from '../../../support/netpol-eval.js';

const SPEC = {
  version: '16',
  replicas: 3,
  storage: { size: '10Gi' },
  networkPolicy: { enabled: true },
};
const worldOf = (spec: Record<string, unknown>): NetworkWorld => ({
  policies: renderNetworkPolicies(resolvedCluster(spec)) as unknown as Policy[],
  namespaces: { shop: {}, keda: {}, evil: {} },
});

const pod = (name: string, namespace: string, labels: Record<string, string>, ip: string): Endpoint => ({
  name,
  namespace,
  labels,
  ip,
});
const templateLabels = (job: KubeObject): Record<string, string> =>
  (job['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
const opJob = (cluster: ResolvedCluster, patroniClient: boolean) =>
  buildOperationJob(cluster, {
    operation: patroniClient ? 'switchover' : 'cleanup',
    hash: 'abcdef01',
    script: 'pass',
    env: [],
    annotations: {},
    deadlineSeconds: 60,
    patroniClient,
    kubernetesApi: !patroniClient,
  });

/** The cluster's primary and the pods around it, built on first use (test/support/lazy.ts). */
const fixture = lazy(() => {
  const cluster = resolvedCluster(SPEC);
  const primary = pod('orders-0', 'shop', { ...podLabels(cluster), 'spilo-role': 'master' }, '10.244.1.10');
  const pods = {
    sqlJob: pod('orders-db-apply', 'shop', childLabels(COMPONENTS.sql), '10.244.3.4'),
    switchoverJob: pod('switchover', 'shop', templateLabels(opJob(cluster, true)), '10.244.3.5'),
    cleanupJob: pod('cleanup', 'shop', templateLabels(opJob(cluster, false)), '10.244.3.6'),
    kedaOperator: pod('keda-operator', 'keda', { app: 'keda-operator' }, '10.244.9.1'),
    kedaOther: pod('keda-admission', 'keda', { app: 'keda-admission-webhooks' }, '10.244.9.2'),
    impostorInKeda: pod('x', 'evil', { app: 'keda-operator' }, '10.244.6.1'),
    // A user's app that carries the cluster's label, e.g. to be placed near the database.
    labelledApp: pod('web', 'shop', { app: 'web', [CLUSTER_LABEL]: cluster.name }, '10.244.5.3'),
  };
  return { world: worldOf(SPEC), primary, pods };
});
const PODS = (): ReturnType<typeof fixture>['pods'] => fixture().pods;
const primary = (): Endpoint => fixture().primary;
const to = (from: Endpoint, target: Endpoint, port: number, w = fixture().world) =>
  allowed(w, { from, to: target, port, protocol: 'TCP' });

describe('PostgreSQL (5432) and Patroni (8008) of the members', () => {
  it.each([
    ['a PostgresDatabase SQL Job', 5432, true, 'sqlJob' as const],
    ['a PostgresDatabase SQL Job, to Patroni', 8008, false, 'sqlJob' as const],
    ['a day-2 Job that calls Patroni', 8008, true, 'switchoverJob' as const],
    ['a day-2 Job that does not call Patroni', 8008, false, 'cleanupJob' as const],
    ['a day-2 Job, to PostgreSQL', 5432, true, 'cleanupJob' as const],
    ['a pod that only carries the cluster label', 5432, false, 'labelledApp' as const],
    ['a pod that only carries the cluster label, to Patroni', 8008, false, 'labelledApp' as const],
    ['KEDA without scaling', 5432, false, 'kedaOperator' as const],
  ])('%s → %d allowed=%s', (_what, port, expected, from) => {
    expect(to(PODS()[from], primary(), port)).toBe(expected);
  });

  it("admits KEDA's operator (namespace keda) with scaling, and no other pod of keda or elsewhere", () => {
    const scaled = worldOf({ ...SPEC, scaling: { enabled: true, maxReplicas: 5 } });
    expect(to(PODS().kedaOperator, primary(), 5432, scaled)).toBe(true);
    expect(to(PODS().kedaOperator, primary(), 8008, scaled)).toBe(false);
    expect(to(PODS().kedaOther, primary(), 5432, scaled)).toBe(false);
    expect(to(PODS().impostorInKeda, primary(), 5432, scaled)).toBe(false);
  });
});

describe("the members' egress to the API server", () => {
  const apiServer = { name: 'API server', ip: '172.18.0.2' };
  const elsewhere = { name: 'elsewhere', ip: '203.0.113.9' };

  it('is open to every address on 443 and 6443 without apiServerCidrs (documented)', () => {
    expect(to(primary(), apiServer, 6443)).toBe(true);
    expect(to(primary(), elsewhere, 443)).toBe(true);
  });

  it('is limited to apiServerCidrs when given', () => {
    const w = worldOf({ ...SPEC, networkPolicy: { enabled: true, apiServerCidrs: ['172.18.0.2/32'] } });
    expect(to(primary(), apiServer, 6443, w)).toBe(true);
    expect(to(primary(), apiServer, 443, w)).toBe(true);
    expect(to(primary(), elsewhere, 443, w)).toBe(false);
    expect(to(primary(), elsewhere, 6443, w)).toBe(false);
  });
});
