import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { commonLabels } from '../../../../hooks/postgrescluster/names.js';
import { CHILD_TYPES, renderChildren } from '../../../../hooks/postgrescluster/render.js';
import { aCluster } from '../../../support/cluster-fixture.js';

const KEY = new Uint8Array(32).fill(5);
const inputs = { operatorKey: KEY, observedSecrets: {}, specJson: '{"version":"17"}' };

const kindsOf = (children: KubeObject[]): string[] =>
  children.map((c) => `${c.kind}/${c.metadata.name}`).sort();

/**
 * Every path in `value` that holds null, undefined or an empty string. The one legitimate empty
 * string is the name of the core API group in a Role rule (`apiGroups: [""]`).
 */
function emptyValues(value: unknown, path = ''): string[] {
  if (value === '' && /\.apiGroups\[\d+\]$/.test(path)) return [];
  if (value === null || value === undefined || value === '') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => emptyValues(v, `${path}[${i}]`));
  if (typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => emptyValues(v, `${path}.${k}`));
  return [];
}

const clusters = fc.record({
  name: fc.stringMatching(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/),
  replicas: fc.integer({ min: 1, max: 100 }),
  tls: fc.boolean(),
  type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'),
});

describe('renderChildren', () => {
  it('renders every child of a cluster', () => {
    const children = renderChildren(aCluster().withName('demo').build(), inputs);
    const job = children.find((c) => c.kind === 'Job')!.metadata.name;
    expect(kindsOf(children)).toEqual(
      [
        'ServiceAccount/demo-patroni',
        'Role/demo-patroni',
        'RoleBinding/demo-patroni',
        'Secret/demo-superuser',
        'Secret/demo-replication',
        'Secret/demo-app',
        'Secret/demo-patroni-api',
        'Service/demo',
        'Service/demo-ro',
        'Service/demo-members',
        'StatefulSet/demo',
        'PodDisruptionBudget/demo',
        `Job/${job}`,
        // The Job's own Secret: the verifier of the owner's password (issue 15).
        `Secret/${job}`,
      ].sort(),
    );
  });

  it('gives every child identity, the cluster namespace and the common labels, for any cluster', () => {
    fc.assert(
      fc.property(clusters, ({ name, replicas, tls, type }) => {
        const cluster = aCluster()
          .withName(name)
          .withNamespace('ns-1')
          .withReplicas(replicas)
          .withTls(tls)
          .withService({ type })
          .build();
        const children = renderChildren(cluster, inputs);
        for (const child of children) {
          expect(typeof child.apiVersion).toBe('string');
          expect(typeof child.kind).toBe('string');
          expect(child.metadata.name.length).toBeGreaterThan(0);
          expect(child.metadata.name.length).toBeLessThanOrEqual(63);
          expect(child.metadata.namespace).toBe('ns-1');
          const component = child.metadata.labels?.['app.kubernetes.io/component'] ?? '';
          expect(child.metadata.labels).toEqual(commonLabels(cluster, component as 'database'));
        }
        expect(new Set(children.map((c) => `${c.kind}/${c.metadata.name}`)).size).toBe(children.length);
      }),
      { numRuns: 100 },
    );
  });

  it('renders only declared child types, with the declared apiVersion', () => {
    const declared = new Set(CHILD_TYPES.map((t) => `${t.kind}.${t.apiVersion}`));
    for (const child of renderChildren(aCluster().withTls(false).build(), inputs)) {
      expect(declared).toContain(`${child.kind}.${child.apiVersion}`);
    }
  });

  it('emits no null, undefined or empty string anywhere', () => {
    const cluster = aCluster()
      .withTls(false)
      .withReplicas(3)
      .withSynchronous('sync')
      .withParams({ work_mem: '4MB', max_connections: '200' })
      .withHba(['host all all 10.0.0.0/8 scram-sha-256'])
      .withService({
        type: 'LoadBalancer',
        loadBalancerSourceRanges: ['10.0.0.0/8'],
        externalTrafficPolicy: 'Local',
      })
      .build();
    for (const tls of [true, false]) {
      const children = renderChildren({ ...cluster, tls: { enabled: tls } }, inputs);
      expect(children.flatMap((c) => emptyValues(c, `${c.kind}/${c.metadata.name}`))).toEqual([]);
    }
  });

  it('is deterministic: the same inputs give byte-identical children', () => {
    const cluster = aCluster().withReplicas(3).withParams({ work_mem: '4MB' }).build();
    expect(JSON.stringify(renderChildren(cluster, inputs))).toBe(
      JSON.stringify(renderChildren(structuredClone(cluster), inputs)),
    );
  });

  it('renders the same children when its own Secrets come back as observed (fixpoint for credentials)', () => {
    const cluster = aCluster().build();
    const first = renderChildren(cluster, inputs);
    const observedSecrets = Object.fromEntries(
      first.filter((c) => c.kind === 'Secret').map((s) => [s.metadata.name, s]),
    );
    expect(renderChildren(cluster, { ...inputs, observedSecrets })).toEqual(first);
  });

  it('marks the StatefulSet, the credential Secrets and the primary Service protected, nothing else', () => {
    const protectedChildren = renderChildren(aCluster().withName('demo').build(), inputs)
      .filter((c) => c.metadata.annotations?.['pgmeta.io/protected'] === 'true')
      .map((c) => `${c.kind}/${c.metadata.name}`)
      .sort();
    expect(protectedChildren).toEqual(
      [
        'StatefulSet/demo',
        'Secret/demo-superuser',
        'Secret/demo-replication',
        'Secret/demo-app',
        'Service/demo',
      ].sort(),
    );
  });
});

describe('CHILD_TYPES', () => {
  it('declares each rendered kind once, with its plural resource', () => {
    expect(CHILD_TYPES.map((t) => [t.kind, t.apiVersion, t.resource])).toEqual([
      ['ServiceAccount', 'v1', 'serviceaccounts'],
      ['Role', 'rbac.authorization.k8s.io/v1', 'roles'],
      ['RoleBinding', 'rbac.authorization.k8s.io/v1', 'rolebindings'],
      ['Secret', 'v1', 'secrets'],
      ['Service', 'v1', 'services'],
      ['StatefulSet', 'apps/v1', 'statefulsets'],
      ['PodDisruptionBudget', 'policy/v1', 'poddisruptionbudgets'],
      ['Job', 'batch/v1', 'jobs'],
      ['Deployment', 'apps/v1', 'deployments'],
      ['ConfigMap', 'v1', 'configmaps'],
      ['NetworkPolicy', 'networking.k8s.io/v1', 'networkpolicies'],
    ]);
  });

  it('never rewrites credentials or Job templates (OnDelete), updates the rest in place', () => {
    const strategies = Object.fromEntries(CHILD_TYPES.map((t) => [t.kind, t.updateStrategy]));
    expect(strategies).toEqual({
      ServiceAccount: 'InPlace',
      Role: 'InPlace',
      RoleBinding: 'InPlace',
      Secret: 'OnDelete',
      Service: 'InPlace',
      StatefulSet: 'InPlace',
      PodDisruptionBudget: 'InPlace',
      Job: 'OnDelete',
      Deployment: 'InPlace',
      ConfigMap: 'InPlace',
      NetworkPolicy: 'InPlace',
    });
  });

  it('never declares Pods or PersistentVolumeClaims (docs/architecture.md rule 4)', () => {
    expect(CHILD_TYPES.map((t) => t.kind)).not.toContain('PersistentVolumeClaim');
    expect(CHILD_TYPES.map((t) => t.kind)).not.toContain('Pod');
  });
});
