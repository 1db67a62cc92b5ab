/**
 * `spec.patroni.dcs` and `spec.platform` in the builders and in spec checking: the Services, Patroni's
 * Role, the Spilo environment, the cleanup on delete, and the default decided once per cluster.
 */
import { describe, expect, it } from '@jest/globals';
import { buildPrimaryService } from '../../../../hooks/postgrescluster/children/services';
import { buildRole } from '../../../../hooks/postgrescluster/children/role';
import { podSecurityContext } from '../../../../hooks/postgrescluster/children/pod-template';
import { cleanupChildren, patroniLeftovers } from '../../../../hooks/postgrescluster/day2/cleanup';
import { checkSpec, type SpecResult } from '../../../../hooks/postgrescluster/spec/index';
import { spiloEnv } from '../../../../hooks/postgrescluster/spilo/env';
import { patroniObject } from '../../../../hooks/postgrescluster/observe';
import { aCluster } from '../../../support/cluster-fixture';

const envOf = (c: Parameters<typeof spiloEnv>[0]) =>
  Object.fromEntries(spiloEnv(c).map((e) => [e.name, e.value ?? e.valueFrom]));

describe('Endpoints mode (the default on Kubernetes)', () => {
  const cluster = aCluster().build();

  it('renders the primary Service without a selector (Patroni writes its Endpoints)', () => {
    expect(buildPrimaryService(cluster).spec).not.toHaveProperty('selector');
  });

  it('grants Patroni Endpoints and the -config Service, no ConfigMaps', () => {
    const resources = buildRole(cluster).rules!.flatMap((r) => r.resources);
    expect(new Set(resources)).toEqual(new Set(['endpoints', 'pods', 'services']));
  });

  it('leaves KUBERNETES_USE_CONFIGMAPS out: any value, even "false", would select ConfigMaps', () => {
    expect(envOf(cluster)).not.toHaveProperty('KUBERNETES_USE_CONFIGMAPS');
  });

  it('deletes the -config Service and three Endpoints; the leader goes with the primary Service', () => {
    expect(patroniLeftovers(cluster)).toEqual([
      'services/demo-config',
      'endpoints/demo-config',
      'endpoints/demo-sync',
      'endpoints/demo-failover',
    ]);
  });
});

describe('ConfigMaps mode', () => {
  const cluster = aCluster().withReplicas(2).withDcs('configmaps').build();

  it('ConfigMaps mode sets KUBERNETES_USE_CONFIGMAPS so Spilo renders no use_endpoints', () => {
    expect(envOf(cluster)['KUBERNETES_USE_CONFIGMAPS']).toBe('true');
  });

  it('selects the pod Patroni labels leader in the primary Service', () => {
    expect(buildPrimaryService(cluster).spec?.selector).toEqual({
      'app.kubernetes.io/component': 'database',
      'pgmeta.io/cluster': 'demo',
      'spilo-role': 'master',
    });
  });

  it("grants exactly Patroni's ConfigMap calls: no Endpoints, no Service", () => {
    expect(buildRole(cluster).rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'list', 'watch'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['demo-leader'], verbs: ['get', 'patch'] },
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['demo-config', 'demo-failover', 'demo-sync'],
        verbs: ['patch'],
      },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], resourceNames: ['demo-0', 'demo-1'], verbs: ['patch'] },
    ]);
  });

  it('deletes all four ConfigMaps on delete, the leader too, with a Role for exactly those', () => {
    expect(patroniLeftovers(cluster)).toEqual([
      'configmaps/demo-leader',
      'configmaps/demo-config',
      'configmaps/demo-sync',
      'configmaps/demo-failover',
    ]);
    const role = cleanupChildren(cluster).find((c) => c.kind === 'Role') as unknown as {
      rules: { resources: string[]; resourceNames: string[]; verbs: string[] }[];
    };
    expect(role.rules).toEqual([
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['demo-config', 'demo-failover', 'demo-leader', 'demo-sync'],
        verbs: ['delete'],
      },
    ]);
  });
});

describe('spec.platform: openshift', () => {
  const cluster = aCluster().withPlatform('openshift').withDcs('configmaps').build();

  it('OpenShift sets HOME to the image home (the assigned user has no passwd entry at start)', () => {
    expect(envOf(cluster)['HOME']).toBe('/home/postgres');
    expect(envOf(aCluster().build())).not.toHaveProperty('HOME');
  });

  it('leaves runAsUser, runAsGroup and fsGroup to the platform', () => {
    expect(podSecurityContext('openshift')).toEqual({
      fsGroupChangePolicy: 'OnRootMismatch',
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(podSecurityContext('kubernetes')).toMatchObject({ runAsUser: 101, runAsGroup: 103, fsGroup: 103 });
  });
});

/** The DCS a spec resolves to, given the last valid spec stored on the StatefulSet (if any). */
function dcs(spec: Record<string, unknown>, previous?: Record<string, unknown>): SpecResult {
  const parent = {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'db' },
    spec,
  };
  return checkSpec(parent, previous);
}
const BASE = { version: '16', storage: { size: '1Gi' } };
const dcsOf = (r: SpecResult) => (r.ok ? r.resolved.patroni.dcs : r.errors);

describe('the DCS default, decided once per cluster', () => {
  it('is endpoints on Kubernetes and configmaps on OpenShift for a new cluster, and is recorded', () => {
    expect(dcsOf(dcs(BASE))).toBe('endpoints');
    const openshift = dcs({ ...BASE, platform: 'openshift' });
    expect(dcsOf(openshift)).toBe('configmaps');
    expect(openshift.ok && openshift.spec.patroni).toEqual({ dcs: 'configmaps' });
  });

  it('keeps endpoints for a cluster whose stored spec predates the field', () => {
    expect(dcsOf(dcs(BASE, BASE))).toBe('endpoints');
  });

  it('keeps the recorded value when the spec names none, whatever the platform default says', () => {
    const recorded = { ...BASE, platform: 'openshift', patroni: { dcs: 'configmaps' } };
    expect(dcsOf(dcs({ ...BASE, platform: 'openshift' }, recorded))).toBe('configmaps');
    expect(dcsOf(dcs(BASE, { ...BASE, patroni: { dcs: 'configmaps' } }))).toBe('configmaps');
  });

  it('refuses a change at spec.patroni.dcs, also from the unrecorded endpoints of an old cluster', () => {
    for (const [spec, previous] of [
      [{ ...BASE, patroni: { dcs: 'configmaps' } }, BASE],
      [
        { ...BASE, patroni: { dcs: 'endpoints' } },
        { ...BASE, patroni: { dcs: 'configmaps' } },
      ],
    ] as const) {
      const r = dcs(spec, previous);
      expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual(['spec.patroni.dcs']);
    }
  });

  it('refuses a platform change at spec.platform', () => {
    const r = dcs({ ...BASE, platform: 'openshift' }, BASE);
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual(['spec.platform']);
  });
});

describe("observing Patroni's objects of either kind", () => {
  const parent = {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'db', namespace: 'ns' },
  };
  const obj = (kind: string, name: string, annotations: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind,
    metadata: { name, namespace: 'ns', annotations },
  });

  it("prefers the ConfigMap: in that mode the endpoints controller's Endpoints `<scope>` carries no lock", () => {
    const related = {
      'Endpoints.v1': { 'ns/db': obj('Endpoints', 'db') },
      'ConfigMap.v1': { 'ns/db-leader': obj('ConfigMap', 'db-leader', { leader: 'db-1' }) },
    };
    expect(patroniObject({ parent, related }, 'leader')?.metadata.annotations?.['leader']).toBe('db-1');
  });

  it('reads the Endpoints of a cluster in Endpoints mode', () => {
    const related = {
      'Endpoints.v1': { 'ns/db-sync': obj('Endpoints', 'db-sync', { sync_standby: 'db-2' }) },
    };
    expect(patroniObject({ parent, related }, 'sync')?.metadata.annotations?.['sync_standby']).toBe('db-2');
    expect(patroniObject({ parent, related }, 'leader')).toBeUndefined();
  });
});
