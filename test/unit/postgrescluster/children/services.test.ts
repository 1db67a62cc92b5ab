import { describe, expect, it } from '@jest/globals';
import {
  buildHeadlessService,
  buildPrimaryService,
  buildReplicaService,
  buildServices,
} from '../../../../hooks/postgrescluster/children/services.js';
import { podLabels } from '../../../../hooks/postgrescluster/names.js';
import { aCluster } from '../../../support/cluster-fixture.js';
import { lazy } from '../../../support/lazy.js';

const pgPort = { name: 'postgresql', port: 5432, protocol: 'TCP', targetPort: 5432 };

describe('primary Service', () => {
  const primary = lazy(() => buildPrimaryService(aCluster().withName('demo').build()));

  it("is named after Patroni's scope and has no selector (its Endpoints are Patroni's leader lock)", () => {
    expect(primary().metadata.name).toBe('demo');
    expect(primary().spec).not.toHaveProperty('selector');
  });

  it('exposes the port under the name Patroni writes into its Endpoints', () => {
    expect(primary().spec?.ports).toEqual([pgPort]);
  });

  it('is protected from being dropped', () => {
    expect(primary().metadata.annotations).toEqual({ 'pgmeta.io/protected': 'true' });
  });

  it("keeps the protection even if the user's annotations try to set it", () => {
    const s = buildPrimaryService(
      aCluster()
        .withService({ annotations: { 'pgmeta.io/protected': 'false', 'example.com/x': 'y' } })
        .build(),
    );
    expect(s.metadata.annotations).toEqual({ 'pgmeta.io/protected': 'true', 'example.com/x': 'y' });
  });
});

describe('replica Service', () => {
  it('selects database pods Patroni labels as replicas', () => {
    const cluster = aCluster().withName('demo').build();
    const svc = buildReplicaService(cluster);
    expect(svc.metadata.name).toBe('demo-ro');
    expect(svc.spec?.selector).toEqual({
      'pgmeta.io/cluster': 'demo',
      'app.kubernetes.io/component': 'database',
      'spilo-role': 'replica',
    });
    expect(svc.spec?.ports).toEqual([pgPort]);
    // A replica pod = the template labels plus what Patroni adds.
    const replicaPod: Record<string, string> = { ...podLabels(cluster), 'spilo-role': 'replica' };
    expect(Object.entries(svc.spec?.selector ?? {}).every(([k, v]) => replicaPod[k] === v)).toBe(true);
    const primaryPod: Record<string, string> = { ...podLabels(cluster), 'spilo-role': 'master' };
    expect(Object.entries(svc.spec?.selector ?? {}).every(([k, v]) => primaryPod[k] === v)).toBe(false);
  });

  it('is not protected (it holds no state)', () => {
    expect(buildReplicaService(aCluster().build()).metadata).not.toHaveProperty('annotations');
  });
});

describe('headless Service', () => {
  it('gives members stable DNS, published while not ready, on both ports', () => {
    const cluster = aCluster().withName('demo').build();
    const svc = buildHeadlessService(cluster);
    expect(svc.metadata.name).toBe('demo-members');
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: { 'pgmeta.io/cluster': 'demo', 'app.kubernetes.io/component': 'database' },
      ports: [pgPort, { name: 'patroni', port: 8008, protocol: 'TCP', targetPort: 8008 }],
    });
  });
});

describe("the user's exposure settings", () => {
  it.each([
    [
      { type: 'ClusterIP', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['10.0.0.0/8'] },
      { type: 'ClusterIP' },
    ],
    [
      { type: 'NodePort', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['10.0.0.0/8'] },
      { type: 'NodePort', externalTrafficPolicy: 'Local' },
    ],
    [
      { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', loadBalancerSourceRanges: ['10.0.0.0/8'] },
      { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', loadBalancerSourceRanges: ['10.0.0.0/8'] },
    ],
    [{ type: 'LoadBalancer', loadBalancerSourceRanges: [] }, { type: 'LoadBalancer' }],
  ] as const)('%j applies as %j to the primary and replica Services', (service, expected) => {
    const cluster = aCluster()
      .withService({ ...service, loadBalancerSourceRanges: [...service.loadBalancerSourceRanges] })
      .build();
    for (const svc of [buildPrimaryService(cluster), buildReplicaService(cluster)]) {
      const { ports: _p, selector: _s, ...exposure } = svc.spec ?? {};
      expect(exposure).toEqual(expected);
    }
    expect(buildHeadlessService(cluster).spec?.type).toBe('ClusterIP');
  });

  it('copies annotations to the client-facing Services only', () => {
    const cluster = aCluster()
      .withService({ annotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' } })
      .build();
    expect(buildReplicaService(cluster).metadata.annotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
    });
    expect(buildHeadlessService(cluster).metadata).not.toHaveProperty('annotations');
  });
});

describe('buildServices', () => {
  it('returns the three Services in the cluster namespace', () => {
    const services = buildServices(aCluster().withName('demo').withNamespace('prod').build());
    expect(services.map((s) => s.metadata.name)).toEqual(['demo', 'demo-ro', 'demo-members']);
    for (const s of services) expect(s.metadata.namespace).toBe('prod');
  });
});
