/**
 * The install rendered for real by `kubectl kustomize`, when kubectl is installed: the hook service
 * alone, and the whole install with a local stand-in for the remote Metacontroller base.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { Obj } from './manifests-read';
import {
  METACONTROLLER_BASE,
  METACONTROLLER_CRDS,
  NAMESPACE,
  parseFile,
  ROOT,
  version,
  yamlFiles,
} from './manifests-read';

// ---- rendering with kubectl (kustomize), when installed --------------------------------------------

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const withKubectl = kubectl ? describe : describe.skip;
if (!kubectl) process.stdout.write('manifests.test: kubectl not installed, kustomize rendering skipped\n');

function kustomize(dir: string, anyFile = false): Obj[] {
  const flags = anyFile ? ['--load-restrictor', 'LoadRestrictionsNone'] : [];
  const run = spawnSync('kubectl', ['kustomize', ...flags, dir], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${run.stderr}`);
  return parseAllDocuments(run.stdout).map((d) => d.toJS() as Obj);
}

/**
 * A stand-in for the remote base (no network here), written for this test in the shape of upstream's
 * v4.17.2 manifests/production that the install relies on: its Namespace `metacontroller`, ServiceAccount,
 * `*` ClusterRole and its binding, the StatefulSet (a container with an args list), the three
 * Metacontroller CRDs, and the name label on everything (its kustomization's commonLabels).
 */
function stubBase(dir: string): void {
  const ns = 'metacontroller';
  const named = (kind: string, apiVersion: string, extra: Obj = {}, namespaced = true) => ({
    apiVersion,
    kind,
    metadata: { name: 'metacontroller', ...(namespaced ? { namespace: ns } : {}) },
    ...extra,
  });
  const crd = (plural: string) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.metacontroller.k8s.io` },
    spec: { group: 'metacontroller.k8s.io', names: { plural, kind: plural }, scope: 'Cluster', versions: [] },
  });
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    named('ServiceAccount', 'v1'),
    named(
      'ClusterRole',
      'rbac.authorization.k8s.io/v1',
      { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
      false,
    ),
    named(
      'ClusterRoleBinding',
      'rbac.authorization.k8s.io/v1',
      {
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'metacontroller' },
        subjects: [{ kind: 'ServiceAccount', name: 'metacontroller', namespace: ns }],
      },
      false,
    ),
    named('StatefulSet', 'apps/v1', {
      spec: {
        selector: { matchLabels: { app: 'stub' } },
        template: {
          metadata: { labels: { app: 'stub' } },
          spec: {
            serviceAccountName: 'metacontroller',
            containers: [{ name: 'metacontroller', image: 'stub', args: ['--upstream-flag'] }],
          },
        },
      },
    }),
  ];
  writeFileSync(join(dir, 'objects.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  const crds = ['compositecontrollers', 'decoratorcontrollers', 'controllerrevisions'].map(crd);
  writeFileSync(join(dir, 'metacontroller-crds-v1.yaml'), crds.map((o) => stringify(o)).join('---\n'));
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    stringify({
      resources: ['objects.yaml', 'metacontroller-crds-v1.yaml'],
      labels: [{ pairs: { 'app.kubernetes.io/name': 'metacontroller' } }],
    }),
  );
}

/** Points the install's two remote references at the stand-in. */
function useStub(work: string): void {
  const replace = (file: string, from: string, to: string) => {
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(from);
    writeFileSync(file, text.replace(from, to));
  };
  replace(
    join(work, 'manifests', 'metacontroller', 'kustomization.yaml'),
    METACONTROLLER_BASE,
    '../../upstream',
  );
  replace(
    join(work, 'manifests', 'crds', 'kustomization.yaml'),
    METACONTROLLER_CRDS,
    '../../upstream/metacontroller-crds-v1.yaml',
  );
}

withKubectl('kubectl kustomize', () => {
  let work = '';
  let rendered: Obj[] = [];
  let crdsFirst: Obj[] = [];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'pgmeta-kustomize-'));
    for (const d of ['manifests', 'crds', 'composite-controllers'])
      cpSync(join(ROOT, d), join(work, d), { recursive: true });
    mkdirSync(join(work, 'upstream'));
    stubBase(join(work, 'upstream'));
    useStub(work);
    // A remote file is always allowed; its local stand-in lies outside manifests/crds.
    rendered = kustomize(join(work, 'manifests'), true);
    crdsFirst = kustomize(join(work, 'manifests', 'crds'), true);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('renders the hook service alone, every object in pgmeta-system', () => {
    const out = kustomize(join(ROOT, 'manifests', 'hooks'));
    const clusterScoped = [
      'Namespace',
      'ClusterRole',
      'ClusterRoleBinding',
      'ValidatingWebhookConfiguration',
    ];
    const namespaced = out.filter((o) => !clusterScoped.includes(o['kind']));
    expect(namespaced.map((o) => o['metadata'].namespace)).toEqual(namespaced.map(() => NAMESPACE));
    expect(out.find((o) => o['kind'] === 'Deployment')?.['spec'].template.spec.containers[0].image).toBe(
      `ghcr.io/pgmeta/pgmeta:${version}`,
    );
  });

  it("renames Metacontroller's objects pgmeta-... in pgmeta-system, leaving any other install's alone", () => {
    const sts = rendered.find((o) => o['kind'] === 'StatefulSet');
    expect(sts?.['metadata']).toMatchObject({ name: 'pgmeta-metacontroller', namespace: NAMESPACE });
    expect(sts?.['spec'].template.spec.serviceAccountName).toBe('pgmeta-metacontroller');
    const binding = rendered.find(
      (o) => o['kind'] === 'ClusterRoleBinding' && o['metadata'].name === 'pgmeta-metacontroller',
    );
    expect(binding?.['subjects']).toEqual([
      { kind: 'ServiceAccount', name: 'pgmeta-metacontroller', namespace: NAMESPACE },
    ]);
    expect(binding?.['roleRef'].name).toBe('pgmeta-metacontroller');
    // Nothing keeps upstream's names, and one Namespace only (the hook service's).
    expect(rendered.filter((o) => o['metadata'].name === 'metacontroller')).toEqual([]);
    expect(rendered.filter((o) => o['kind'] === 'Namespace').map((o) => o['metadata'].name)).toEqual([
      NAMESPACE,
    ]);
  });

  it('appends the flags to upstream args', () => {
    const sts = rendered.find((o) => o['kind'] === 'StatefulSet');
    const args = sts?.['spec'].template.spec.containers[0].args as string[];
    expect(args[0]).toBe('--upstream-flag');
    expect(args).toContain('--apply-strategy=server-side-apply');
    expect(args).toContain('--target-label-selector=pgmeta.io/metacontroller=pgmeta');
  });

  it("replaces upstream's `*` ClusterRole with the narrowed rules", () => {
    const role = rendered.find(
      (o) => o['kind'] === 'ClusterRole' && o['metadata'].name === 'pgmeta-metacontroller',
    );
    const [narrowed] = parseFile(join(ROOT, 'manifests', 'metacontroller', 'rbac.yaml'));
    expect(role?.['rules']).toEqual(narrowed!['rules']);
  });

  it("includes every CRD once (pgmeta's and Metacontroller's), cluster-scoped, and the CRD step holds exactly them", () => {
    const names = (objs: Obj[], kind: string) =>
      objs
        .filter((o) => o['kind'] === kind)
        .map((o) => o['metadata'].name as string)
        .sort();
    const crdFiles = yamlFiles(join(ROOT, 'crds')).filter((f) => !f.endsWith('kustomization.yaml'));
    const expected = [
      ...crdFiles.flatMap(parseFile).map((c) => c['metadata'].name as string),
      'compositecontrollers.metacontroller.k8s.io',
      'controllerrevisions.metacontroller.k8s.io',
      'decoratorcontrollers.metacontroller.k8s.io',
    ].sort();
    expect(names(rendered, 'CustomResourceDefinition')).toEqual(expected);
    expect(crdsFirst.map((o) => o['kind'])).toEqual(crdsFirst.map(() => 'CustomResourceDefinition'));
    expect(names(crdsFirst, 'CustomResourceDefinition')).toEqual(expected);
    expect(names(rendered, 'CompositeController')).toContain('postgrescluster');
    for (const o of rendered.filter((x) =>
      ['CustomResourceDefinition', 'CompositeController'].includes(x['kind']),
    )) {
      expect(o['metadata'].namespace).toBeUndefined();
    }
  });
});
