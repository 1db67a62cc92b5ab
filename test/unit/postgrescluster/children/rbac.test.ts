import { describe, expect, it } from '@jest/globals';
import { buildRole } from '../../../../hooks/postgrescluster/children/role.js';
import { buildRoleBinding } from '../../../../hooks/postgrescluster/children/rolebinding.js';
import { buildServiceAccount } from '../../../../hooks/postgrescluster/children/serviceaccount.js';
import { commonLabels } from '../../../../hooks/postgrescluster/names.js';
import { aCluster } from '../../../support/cluster-fixture.js';
import { allows, describeRequest, expand, type ApiRequest } from '../../../support/rbac-eval.js';

const cluster = aCluster().withName('demo').withNamespace('prod').withReplicas(3).build();

/**
 * The Kubernetes API calls of Patroni v4.0.4's Kubernetes DCS in Endpoints mode, read in
 * patroni/dcs/kubernetes.py (scope `demo`, pgmeta's labels, `bypass_api_service` off):
 * `K8sClient.rest.CoreV1Api.__getattr__` maps `<action>_namespaced_<kind>` to the HTTP verb, and
 * `CoreV1ApiProxy.__getattr__` maps `*_kind` to endpoints when `use_endpoints` is set.
 */
function patroniCalls(members: string[]): (ApiRequest & { fn: string })[] {
  const call = (fn: string, resource: string, verb: string, name?: string) => ({
    fn,
    group: '',
    resource,
    verb,
    ...(name === undefined ? {} : { name }),
  });
  return [
    // Kubernetes.__init__: two ObjectCache threads, each list then watch (ObjectCache._list, ._watch)
    call('ObjectCache._list (kinds: list_namespaced_kind)', 'endpoints', 'list'),
    call('ObjectCache._watch (kinds)', 'endpoints', 'watch'),
    call('ObjectCache._list (pods: list_namespaced_pod)', 'pods', 'list'),
    call('ObjectCache._watch (pods)', 'pods', 'watch'),
    // Kubernetes._patch_or_create: create_namespaced_kind when no resource_version is known
    call('Kubernetes._patch_or_create (create)', 'endpoints', 'create'),
    // ... patch_namespaced_kind otherwise, on each DCS object
    call('attempt_to_acquire_leader / update_leader / delete_leader', 'endpoints', 'patch', 'demo'),
    call('initialize / set_config_value / set_history_value', 'endpoints', 'patch', 'demo-config'),
    call('write_sync_state / delete_sync_state', 'endpoints', 'patch', 'demo-sync'),
    call('manual_failover', 'endpoints', 'patch', 'demo-failover'),
    // _update_leader_with_retry: read_namespaced_kind of the leader after a 409
    call('_update_leader_with_retry (read_namespaced_kind)', 'endpoints', 'get', 'demo'),
    // touch_member: patch_namespaced_pod of its own pod (role label, status annotation)
    ...members.map((m) => call('touch_member (patch_namespaced_pod)', 'pods', 'patch', m)),
    // patch_or_create_config / touch_member: _create_config_service (create_namespaced_service)
    call('_create_config_service', 'services', 'create'),
  ];
}

/**
 * The same calls in ConfigMaps mode (`use_endpoints` unset, Spilo's `KUBERNETES_USE_CONFIGMAPS`):
 * `CoreV1ApiProxy.__getattr__` maps `*_kind` to config_map, `Kubernetes.leader_path` keeps `-leader`,
 * and `_create_config_service` is never called (`_should_create_config_service` follows
 * `use_endpoints`, and `patch_or_create_config` calls it only with Endpoints).
 */
function patroniConfigMapCalls(members: string[]): (ApiRequest & { fn: string })[] {
  return patroniCalls(members)
    .filter((c) => c.resource !== 'services')
    .map((c) =>
      c.resource !== 'endpoints'
        ? c
        : { ...c, resource: 'configmaps', ...(c.name === 'demo' ? { name: 'demo-leader' } : {}) },
    );
}

describe('Patroni RBAC in ConfigMaps mode', () => {
  const configMaps = aCluster()
    .withName('demo')
    .withNamespace('prod')
    .withReplicas(3)
    .withDcs('configmaps')
    .build();

  it('grants every call Patroni v4.0.4 makes on ConfigMaps, and nothing else (no Endpoints, no Services)', () => {
    const rules = buildRole(configMaps).rules ?? [];
    const calls = patroniConfigMapCalls(['demo-0', 'demo-1', 'demo-2']);
    for (const c of calls) expect([c.fn, allows(rules, c)]).toEqual([c.fn, true]);
    const needed = new Set(calls.map(describeRequest));
    expect(
      rules
        .flatMap(expand)
        .map(describeRequest)
        .filter((r) => !needed.has(r)),
    ).toEqual([]);
    expect(allows(rules, { group: '', resource: 'endpoints', verb: 'create' })).toBe(false);
    expect(allows(rules, { group: '', resource: 'services', verb: 'create' })).toBe(false);
  });
});

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

  it('grants every call Patroni v4.0.4 makes, and nothing else', () => {
    const rules = buildRole(cluster).rules ?? [];
    const role = buildRole(cluster);
    expect(role).toMatchObject({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' });
    expect(role.metadata).toMatchObject({ name: 'demo-patroni', namespace: 'prod' });
    const calls = patroniCalls(['demo-0', 'demo-1', 'demo-2']);
    for (const c of calls) expect([c.fn, allows(rules, c)]).toEqual([c.fn, true]);
    // Nothing more: every permission the Role grants is one of those calls.
    const needed = new Set(calls.map(describeRequest));
    expect(
      rules
        .flatMap(expand)
        .map(describeRequest)
        .filter((r) => !needed.has(r)),
    ).toEqual([]);
  });

  it.each([
    ['another pod of the namespace', { resource: 'pods', verb: 'patch', name: 'someone-else' }],
    ['a member of another cluster', { resource: 'pods', verb: 'patch', name: 'other-0' }],
    ['any ConfigMap', { resource: 'configmaps', verb: 'patch', name: 'demo-config' }],
    ['the Endpoints of another Service', { resource: 'endpoints', verb: 'patch', name: 'web' }],
    ['deleting its own Endpoints', { resource: 'endpoints', verb: 'delete', name: 'demo' }],
    ['deleting every Endpoints', { resource: 'endpoints', verb: 'deletecollection' }],
    ['replacing a pod', { resource: 'pods', verb: 'update', name: 'demo-0' }],
    ['reading Secrets', { resource: 'secrets', verb: 'get', name: 'demo-superuser' }],
  ])('refuses %s', (_what, req) => {
    expect(allows(buildRole(cluster).rules ?? [], { group: '', ...req })).toBe(false);
  });

  it('names as many member pods as asked, never fewer than the spec has', () => {
    const pods = (members: number) =>
      (buildRole(cluster, members).rules ?? []).find((r) => r.resources?.includes('pods') && r.resourceNames)
        ?.resourceNames;
    expect(pods(5)).toEqual(['demo-0', 'demo-1', 'demo-2', 'demo-3', 'demo-4']);
    expect(pods(0)).toEqual(['demo-0', 'demo-1', 'demo-2']);
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
