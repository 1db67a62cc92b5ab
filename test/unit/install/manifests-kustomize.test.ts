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
import { METACONTROLLER_BASE, NAMESPACE, parseFile, ROOT, version, yamlFiles } from './manifests-read';

// ---- rendering with kubectl (kustomize), when installed --------------------------------------------

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const withKubectl = kubectl ? describe : describe.skip;
if (!kubectl) process.stdout.write('manifests.test: kubectl not installed, kustomize rendering skipped\n');

function kustomize(dir: string): Obj[] {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${run.stderr}`);
  return parseAllDocuments(run.stdout).map((d) => d.toJS() as Obj);
}

/**
 * A stand-in for the remote base (no network here): the shape of upstream's StatefulSet that the patch
 * relies on (namespace, name, a container with an args list), and its `*` ClusterRole that
 * manifests/metacontroller-rbac.yaml narrows, written for this test.
 */
function stubBase(dir: string): void {
  const sts = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'metacontroller', namespace: 'metacontroller' },
    spec: {
      selector: { matchLabels: { app: 'stub' } },
      template: {
        metadata: { labels: { app: 'stub' } },
        spec: { containers: [{ name: 'metacontroller', image: 'stub', args: ['--upstream-flag'] }] },
      },
    },
  };
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'metacontroller' },
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  };
  writeFileSync(join(dir, 'statefulset.yaml'), stringify(sts));
  writeFileSync(join(dir, 'clusterrole.yaml'), stringify(role));
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    stringify({ resources: ['statefulset.yaml', 'clusterrole.yaml'] }),
  );
}

withKubectl('kubectl kustomize', () => {
  let work = '';
  let rendered: Obj[] = [];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'pgmeta-kustomize-'));
    for (const d of ['manifests', 'crds', 'composite-controllers'])
      cpSync(join(ROOT, d), join(work, d), { recursive: true });
    mkdirSync(join(work, 'upstream'));
    stubBase(join(work, 'upstream'));
    const top = join(work, 'manifests', 'kustomization.yaml');
    const text = readFileSync(top, 'utf8');
    expect(text).toContain(METACONTROLLER_BASE);
    writeFileSync(top, text.replace(METACONTROLLER_BASE, '../upstream'));
    rendered = kustomize(join(work, 'manifests'));
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

  it('appends the flags to upstream args, and leaves Metacontroller in its namespace', () => {
    const sts = rendered.find((o) => o['kind'] === 'StatefulSet');
    expect(sts?.['metadata'].namespace).toBe('metacontroller');
    const args = sts?.['spec'].template.spec.containers[0].args as string[];
    expect(args[0]).toBe('--upstream-flag');
    expect(args).toContain('--apply-strategy=server-side-apply');
  });

  it("replaces upstream's `*` ClusterRole with the narrowed rules", () => {
    const role = rendered.find((o) => o['kind'] === 'ClusterRole' && o['metadata'].name === 'metacontroller');
    const [narrowed] = parseFile(join(ROOT, 'manifests', 'metacontroller-rbac.yaml'));
    expect(role?.['rules']).toEqual(narrowed!['rules']);
  });

  it('includes every CRD and CompositeController file, cluster-scoped', () => {
    const names = (kind: string) =>
      rendered.filter((o) => o['kind'] === kind).map((o) => o['metadata'].name as string);
    const crdFiles = yamlFiles(join(ROOT, 'crds')).filter((f) => !f.endsWith('kustomization.yaml'));
    expect(names('CustomResourceDefinition').sort()).toEqual(
      crdFiles
        .flatMap(parseFile)
        .map((c) => c['metadata'].name as string)
        .sort(),
    );
    expect(names('CompositeController')).toContain('postgrescluster');
    for (const o of rendered.filter((x) =>
      ['CustomResourceDefinition', 'CompositeController'].includes(x['kind']),
    )) {
      expect(o['metadata'].namespace).toBeUndefined();
    }
  });
});
