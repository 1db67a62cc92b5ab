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
import { resolvedCluster } from '../../../support/cluster-world.js';
import { allowed, type Endpoint, type NetworkWorld, type Policy } from '../../../support/netpol-eval.js';

const SPEC = {
  version: '16',
  replicas: 3,
  storage: { size: '10Gi' },
  networkPolicy: { enabled: true },
};
const cluster = resolvedCluster(SPEC);
const worldOf = (spec: Record<string, unknown>): NetworkWorld => ({
  policies: renderNetworkPolicies(resolvedCluster(spec)) as unknown as Policy[],
  namespaces: { shop: {}, keda: {}, evil: {} },
});
const world = worldOf(SPEC);

const pod = (name: string, namespace: string, labels: Record<string, string>, ip: string): Endpoint => ({
  name,
  namespace,
  labels,
  ip,
});
const templateLabels = (job: KubeObject): Record<string, string> =>
  (job['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
const opJob = (patroniClient: boolean) =>
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

const primary = pod('orders-0', 'shop', { ...podLabels(cluster), 'spilo-role': 'master' }, '10.244.1.10');
const PODS = {
  sqlJob: pod('orders-db-apply', 'shop', childLabels(COMPONENTS.sql), '10.244.3.4'),
  switchoverJob: pod('switchover', 'shop', templateLabels(opJob(true)), '10.244.3.5'),
  cleanupJob: pod('cleanup', 'shop', templateLabels(opJob(false)), '10.244.3.6'),
  kedaOperator: pod('keda-operator', 'keda', { app: 'keda-operator' }, '10.244.9.1'),
  kedaOther: pod('keda-admission', 'keda', { app: 'keda-admission-webhooks' }, '10.244.9.2'),
  impostorInKeda: pod('x', 'evil', { app: 'keda-operator' }, '10.244.6.1'),
  // A user's app that carries the cluster's label, e.g. to be placed near the database.
  labelledApp: pod('web', 'shop', { app: 'web', [CLUSTER_LABEL]: cluster.name }, '10.244.5.3'),
};
const to = (from: Endpoint, target: Endpoint, port: number, w = world) =>
  allowed(w, { from, to: target, port, protocol: 'TCP' });

describe('PostgreSQL (5432) and Patroni (8008) of the members', () => {
  it.each([
    ['a PostgresDatabase SQL Job', 5432, true, PODS.sqlJob],
    ['a PostgresDatabase SQL Job, to Patroni', 8008, false, PODS.sqlJob],
    ['a day-2 Job that calls Patroni', 8008, true, PODS.switchoverJob],
    ['a day-2 Job that does not call Patroni', 8008, false, PODS.cleanupJob],
    ['a day-2 Job, to PostgreSQL', 5432, true, PODS.cleanupJob],
    ['a pod that only carries the cluster label', 5432, false, PODS.labelledApp],
    ['a pod that only carries the cluster label, to Patroni', 8008, false, PODS.labelledApp],
    ['KEDA without scaling', 5432, false, PODS.kedaOperator],
  ])('%s → %d allowed=%s', (_what, port, expected, from) => {
    expect(to(from, primary, port)).toBe(expected);
  });

  it("admits KEDA's operator (namespace keda) with scaling, and no other pod of keda or elsewhere", () => {
    const scaled = worldOf({ ...SPEC, scaling: { enabled: true, maxReplicas: 5 } });
    expect(to(PODS.kedaOperator, primary, 5432, scaled)).toBe(true);
    expect(to(PODS.kedaOperator, primary, 8008, scaled)).toBe(false);
    expect(to(PODS.kedaOther, primary, 5432, scaled)).toBe(false);
    expect(to(PODS.impostorInKeda, primary, 5432, scaled)).toBe(false);
  });
});

describe("the members' egress to the API server", () => {
  const apiServer = { name: 'API server', ip: '172.18.0.2' };
  const elsewhere = { name: 'elsewhere', ip: '203.0.113.9' };

  it('is open to every address on 443 and 6443 without apiServerCidrs (documented)', () => {
    expect(to(primary, apiServer, 6443)).toBe(true);
    expect(to(primary, elsewhere, 443)).toBe(true);
  });

  it('is limited to apiServerCidrs when given', () => {
    const w = worldOf({ ...SPEC, networkPolicy: { enabled: true, apiServerCidrs: ['172.18.0.2/32'] } });
    expect(to(primary, apiServer, 6443, w)).toBe(true);
    expect(to(primary, apiServer, 443, w)).toBe(true);
    expect(to(primary, elsewhere, 443, w)).toBe(false);
    expect(to(primary, elsewhere, 6443, w)).toBe(false);
  });
});
