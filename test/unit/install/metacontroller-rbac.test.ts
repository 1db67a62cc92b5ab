/**
 * Metacontroller's ClusterRole (manifests/metacontroller/rbac.yaml, a patch of upstream's `*` on
 * everything, and one ClusterRole per optional component) grants exactly what pgmeta's controllers
 * make Metacontroller v4.17.2 call, derived here from the controllers' own declarations:
 * - its own objects (the calls named in the patch's comments, read in the v4.17.2 source);
 * - every parent: watched, updated (finalizer), status and finalizers subresources;
 * - every child and attachment type of composite-controllers/*.yaml and manifests/components/*;
 * - every related type the customize hooks return, for every golden request's parent;
 * - what the Roles pgmeta renders grant, so creating and binding them needs no `escalate`/`bind`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CONTROLLERS } from '../../../hooks/controllers';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { buildRole } from '../../../hooks/postgrescluster/children/role';
import { aCluster } from '../../support/cluster-fixture';
import { CTX } from '../../support/cluster-world';
import {
  describeRequest,
  expand,
  uncovered,
  type ApiRequest,
  type PolicyRule,
} from '../../support/rbac-eval';
import { validateObjects } from '../../conformance/run-validate';
import { objects as hookObjects, parseFile, ROOT, yamlFiles, type Obj } from './manifests-read';

const CHILD_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const READ = ['get', 'list', 'watch'];
const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const grants = (apiVersion: string, resource: string, verbs: readonly string[]): ApiRequest[] =>
  verbs.map((verb) => ({ group: groupOf(apiVersion), resource, verb }));

/** Metacontroller's calls for itself (v4.17.2): see the comments of manifests/metacontroller/rbac.yaml. */
const OWN: ApiRequest[] = [
  ...grants('metacontroller.k8s.io/v1alpha1', 'compositecontrollers', READ),
  ...grants('metacontroller.k8s.io/v1alpha1', 'decoratorcontrollers', READ),
  ...grants('metacontroller.k8s.io/v1alpha1', 'controllerrevisions', [...READ, 'create', 'update', 'delete']),
  ...grants('apiextensions.k8s.io/v1', 'customresourcedefinitions', READ),
  ...grants('v1', 'namespaces', READ),
  ...grants('v1', 'events', ['create', 'patch', 'update']),
];

const components = readdirSync(join(ROOT, 'manifests', 'components')).sort();
const componentObjects = (c: string): Obj[] =>
  yamlFiles(join(ROOT, 'manifests', 'components', c)).flatMap(parseFile);
const composites = yamlFiles(join(ROOT, 'composite-controllers'))
  .flatMap(parseFile)
  .filter((o) => o['kind'] === 'CompositeController');

/** Kind of a parent resource, from the CRDs. */
const crds = yamlFiles(join(ROOT, 'crds'))
  .flatMap(parseFile)
  .filter((o) => o['kind'] === 'CustomResourceDefinition');
const kindOf = (resource: string): string =>
  crds.find((c) => c['spec'].names.plural === resource)!['spec'].names.kind as string;

const parentGrants = (apiVersion: string, resource: string): ApiRequest[] => [
  ...grants(apiVersion, resource, [...READ, 'update']),
  ...grants(apiVersion, `${resource}/status`, ['update']),
  ...grants(apiVersion, `${resource}/finalizers`, ['update']),
];

/** Every parent object in the golden requests (composite `parent`, decorator `object`). */
let parentsRead: KubeObject[] | undefined;
function goldenParents(): KubeObject[] {
  if (parentsRead) return parentsRead;
  const dir = join(ROOT, 'test', 'golden');
  parentsRead = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('request.yaml'))
    .flatMap((f) => parseFile(join(dir, f)))
    .flatMap((r) => (r['parent'] ?? r['object'] ?? []) as KubeObject | never[]);
  return parentsRead;
}

/** Related types the customize hooks of the named controllers return for every golden parent. */
function relatedGrants(names: readonly string[], parentKind: (name: string) => string): ApiRequest[] {
  const parents = goldenParents();
  return CONTROLLERS.filter((d) => names.includes(d.name) && d.customize).flatMap((d) =>
    parents
      .filter((p) => p.kind === parentKind(d.name))
      .flatMap(
        (parent) =>
          d.customize!(
            { controller: { apiVersion: 'v1', kind: 'x', metadata: { name: d.name } }, parent },
            CTX,
          ).relatedResources,
      )
      .flatMap((r) => grants(r.apiVersion, r.resource, READ)),
  );
}

/** Every Role pgmeta renders: Patroni's, and the day-2 Jobs' (from the goldens' answers). */
let rolesRead: PolicyRule[][] | undefined;
function renderedRoles(): PolicyRule[][] {
  if (rolesRead) return rolesRead;
  const dir = join(ROOT, 'test', 'golden');
  const fromGoldens = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('response.yaml'))
    .flatMap((f) => parseFile(join(dir, f)))
    .flatMap((r) => (r['children'] ?? r['attachments'] ?? []) as Obj[])
    .filter((c) => c['kind'] === 'Role')
    .map((c) => c['rules'] as PolicyRule[]);
  rolesRead = [
    buildRole(aCluster().withName('db').withReplicas(5).build()).rules as PolicyRule[],
    ...fromGoldens,
  ];
  return rolesRead;
}

const key = (r: ApiRequest) => describeRequest(r);
const sortedKeys = (reqs: readonly ApiRequest[]) => [...new Set(reqs.map(key))].sort();
const rulesOf = (objs: readonly Obj[]): PolicyRule[] =>
  objs.filter((o) => o['kind'] === 'ClusterRole').flatMap((o) => o['rules'] as PolicyRule[]);

const patch = parseFile(join(ROOT, 'manifests', 'metacontroller', 'rbac.yaml'));
const base = rulesOf(patch);

describe("the base install: pgmeta's CompositeControllers", () => {
  const names = composites.map((c) => c['metadata'].name as string);
  const parentOf = (name: string) =>
    kindOf(composites.find((c) => c['metadata'].name === name)!['spec'].parentResource.resource as string);
  const roleGrants = renderedRoles().flatMap((rules) => rules.flatMap(expand).map(({ name: _n, ...r }) => r));
  const expected = [
    ...OWN,
    ...composites.flatMap((c) =>
      parentGrants(c['spec'].parentResource.apiVersion, c['spec'].parentResource.resource),
    ),
    ...composites.flatMap((c) =>
      (c['spec'].childResources as Obj[]).flatMap((t) => grants(t['apiVersion'], t['resource'], CHILD_VERBS)),
    ),
    ...relatedGrants(names, parentOf),
    ...roleGrants,
  ];

  it("patches upstream's ClusterRole `metacontroller` and nothing else", () => {
    expect(patch.map((o) => `${o['kind']}/${o['metadata'].name}`)).toEqual(['ClusterRole/metacontroller']);
  });

  it('grants exactly the calls the controllers make Metacontroller do', () => {
    expect(sortedKeys(base.flatMap(expand))).toEqual(sortedKeys(expected));
  });

  it('holds every permission of every Role pgmeta renders (no escalate or bind needed)', () => {
    for (const rules of renderedRoles()) expect(uncovered(base, rules).map(key)).toEqual([]);
  });

  it('grants no wildcard, escalate, bind or impersonate', () => {
    const words = base.flatMap((r) => [...(r.apiGroups ?? []), ...(r.resources ?? []), ...r.verbs]);
    expect(words.filter((w) => ['*', 'escalate', 'bind', 'impersonate'].includes(w))).toEqual([]);
    expect(base.filter((r) => r.nonResourceURLs)).toEqual([]);
  });
});

describe.each(components)('the %s component', (c) => {
  const objs = componentObjects(c);
  const dcs = objs.filter((o) => o['kind'] === 'DecoratorController');
  const rules = rulesOf(objs);

  it('grants Metacontroller exactly its attachment types; the base holds its parents and related types', () => {
    const attachments = dcs.flatMap((dc) =>
      (dc['spec'].attachments as Obj[]).flatMap((t) => grants(t['apiVersion'], t['resource'], CHILD_VERBS)),
    );
    expect(sortedKeys(rules.flatMap(expand))).toEqual(sortedKeys(attachments));
    const names = dcs.map((dc) => dc['metadata'].name as string);
    const parents = dcs.flatMap((dc) =>
      (dc['spec'].resources as Obj[]).flatMap((r) => parentGrants(r['apiVersion'], r['resource'])),
    );
    const related = relatedGrants(names, () => 'PostgresCluster');
    expect(related.length).toBeGreaterThan(0);
    const missing = [...parents, ...related].filter(
      (r) => !base.flatMap(expand).some((g) => key(g) === key(r)),
    );
    expect(missing.map(key)).toEqual([]);
  });

  it("binds its ClusterRole to pgmeta's Metacontroller's ServiceAccount", () => {
    const binding = objs.find((o) => o['kind'] === 'ClusterRoleBinding')!;
    const role = objs.find((o) => o['kind'] === 'ClusterRole')!;
    expect(binding['roleRef']).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: role['metadata'].name,
    });
    expect(binding['subjects']).toEqual([
      { kind: 'ServiceAccount', name: 'pgmeta-metacontroller', namespace: 'pgmeta-system' },
    ]);
  });
});

it('ships RBAC objects and Secrets that validate against the Kubernetes schemas (kubernetes-models)', () => {
  const shipped = [
    ...patch,
    ...components.flatMap(componentObjects).filter((o) => (o['kind'] as string).startsWith('ClusterRole')),
    ...hookObjects.filter((o) => ['Role', 'RoleBinding', 'ServiceAccount', 'Secret'].includes(o['kind'])),
  ];
  const run = validateObjects(shipped);
  expect(run.report.filter((r) => !r.ok)).toEqual([]);
  expect(run.report).toHaveLength(shipped.length);
});

it('reads the golden parents (the related types above are not vacuous)', () => {
  expect(goldenParents().map((p) => p.kind)).toEqual(
    expect.arrayContaining(['PostgresCluster', 'PostgresDatabase', 'PostgresBackup']),
  );
  expect(readFileSync(join(ROOT, 'manifests', 'metacontroller', 'kustomization.yaml'), 'utf8')).toMatch(
    /- path: rbac\.yaml/,
  );
});
