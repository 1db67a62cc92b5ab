import { describe, expect, it } from '@jest/globals';
import { buildRole } from '../../../../hooks/postgrescluster/children/role.js';
import { buildRoleBinding } from '../../../../hooks/postgrescluster/children/rolebinding.js';
import { buildServiceAccount } from '../../../../hooks/postgrescluster/children/serviceaccount.js';
import { commonLabels } from '../../../../hooks/postgrescluster/names.js';
import { aCluster } from '../../../support/cluster-fixture.js';

const cluster = aCluster().withName('demo').withNamespace('prod').build();

describe('Patroni RBAC', () => {
  it('creates the ServiceAccount the pods run as', () => {
    const sa = buildServiceAccount(cluster);
    expect(sa).toMatchObject({ apiVersion: 'v1', kind: 'ServiceAccount' });
    expect(sa.metadata).toEqual({
      name: 'demo-patroni',
      namespace: 'prod',
      labels: commonLabels(cluster, 'rbac'),
    });
  });

  it('grants exactly the Kubernetes DCS permissions (spilo.md §9.4)', () => {
    const role = buildRole(cluster);
    expect(role).toMatchObject({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' });
    expect(role.metadata).toMatchObject({ name: 'demo-patroni', namespace: 'prod' });
    const crud = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
    const granted = new Map<string, string[]>();
    for (const rule of role.rules ?? []) {
      expect(rule.apiGroups).toEqual(['']);
      for (const r of rule.resources ?? []) granted.set(r, [...(granted.get(r) ?? []), ...rule.verbs]);
    }
    expect(Object.fromEntries(granted)).toEqual({
      configmaps: crud,
      endpoints: crud,
      pods: ['get', 'list', 'patch', 'update', 'watch'],
      services: ['create'],
    });
  });

  it('binds the Role to the ServiceAccount in the cluster namespace', () => {
    const rb = buildRoleBinding(cluster);
    expect(rb.metadata).toMatchObject({ name: 'demo-patroni', namespace: 'prod' });
    expect(rb.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: buildRole(cluster).metadata.name,
    });
    expect(rb.subjects).toEqual([
      { kind: 'ServiceAccount', name: buildServiceAccount(cluster).metadata.name, namespace: 'prod' },
    ]);
  });
});
