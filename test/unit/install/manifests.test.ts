/**
 * The install (`kubectl apply -k manifests/`): every kustomization lists only files that exist and
 * forgets none, and Metacontroller is the pinned v4.17.2 release running server-side apply. The hook
 * service's objects are in manifests-hooks.test.ts, the kustomize rendering in manifests-kustomize.test.ts.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { invalidEntries, validateObjects } from '../../conformance/run-validate';
import {
  container,
  isRemote,
  kustomizations,
  METACONTROLLER_BASE,
  METACONTROLLER_CRDS,
  NAMESPACE,
  type Obj,
  parseFile,
  ROOT,
  version,
  yamlFiles,
} from './manifests-read';

// ---- kustomizations --------------------------------------------------------------------------------

describe('kustomizations', () => {
  const all = [...kustomizations()];
  const cases = all.map(([dir, k]) => [relative(ROOT, dir) || '.', dir, k] as const);

  it("reach the CRDs, the CompositeControllers, pgmeta's Metacontroller and the hook service from manifests/", () => {
    expect(cases.map(([name]) => name).sort()).toEqual(
      [
        'composite-controllers',
        'crds',
        'manifests',
        'manifests/crds',
        'manifests/hooks',
        'manifests/metacontroller',
      ].sort(),
    );
  });

  it('parse every YAML file under manifests/', () => {
    for (const f of yamlFiles(join(ROOT, 'manifests'))) expect(() => parseFile(f)).not.toThrow();
  });

  it.each(cases)('%s lists only local files and directories that exist', (_name, dir, k) => {
    for (const entry of (k['resources'] ?? []) as string[]) {
      if (isRemote(entry)) continue;
      const path = join(dir, entry);
      expect({ entry, exists: existsSync(path) }).toEqual({ entry, exists: true });
      if (statSync(path).isDirectory()) expect(existsSync(join(path, 'kustomization.yaml'))).toBe(true);
      // kustomize refuses a single file outside the kustomization's own directory.
      else expect(relative(dir, path).startsWith('..')).toBe(false);
    }
  });

  it.each(cases)('%s forgets no YAML file of its directory', (_name, dir, k) => {
    // A file is used as a resource, as a patch (`patches[].path`) or as a generated ConfigMap's file.
    const patchFiles = ((k['patches'] ?? []) as { path?: string }[]).flatMap((p) => p.path ?? []);
    const generated = ((k['configMapGenerator'] ?? []) as { files?: string[] }[]).flatMap(
      (g) => g.files ?? [],
    );
    const listed = new Set(
      [...((k['resources'] ?? []) as string[]), ...patchFiles, ...generated].map((e) => join(dir, e)),
    );
    const files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
      .map((f) => join(dir, f));
    expect(files.filter((f) => !listed.has(f))).toEqual([]);
  });

  it('take Metacontroller only from its v4.17.2 release: the base and its CRD file', () => {
    const remote = all.flatMap(([, k]) => ((k['resources'] ?? []) as string[]).filter(isRemote));
    expect(remote.sort()).toEqual([METACONTROLLER_BASE, METACONTROLLER_CRDS].sort());
  });

  it("run pgmeta's own Metacontroller (renamed, in pgmeta-system) and the hook service in pgmeta-system", () => {
    expect(all.find(([d]) => d === join(ROOT, 'manifests'))?.[1]['namespace']).toBeUndefined();
    expect(all.find(([d]) => d === join(ROOT, 'manifests', 'hooks'))?.[1]['namespace']).toBe(NAMESPACE);
    const mc = all.find(([d]) => d === join(ROOT, 'manifests', 'metacontroller'))?.[1];
    expect(mc?.['namespace']).toBe(NAMESPACE);
    expect(mc?.['namePrefix']).toBe('pgmeta-');
  });

  it('set the image tag to the package version, in the kustomization and the Deployment alike', () => {
    const k = all.find(([d]) => d === join(ROOT, 'manifests', 'hooks'))![1];
    expect(k['images']).toEqual([{ name: 'ghcr.io/pgmeta/pgmeta', newTag: version }]);
    expect(container['image']).toBe(`ghcr.io/pgmeta/pgmeta:${version}`);
  });
});

describe('CRDs', () => {
  it('every CRD the install lists validates against the upstream CustomResourceDefinition schema', () => {
    const dir = join(ROOT, 'crds');
    const listed = (parseFile(join(dir, 'kustomization.yaml'))[0]?.['resources'] ?? []) as string[];
    const crds = listed.flatMap((f) => parseFile(join(dir, f)));
    expect(crds.map((c) => c['kind'])).toEqual(listed.map(() => 'CustomResourceDefinition'));
    const run = validateObjects(crds);
    expect(invalidEntries(run.report)).toEqual([]);
    expect(run.report).toHaveLength(crds.length);
  });
});

describe('Metacontroller patch', () => {
  const top = parseFile(join(ROOT, 'manifests', 'metacontroller', 'kustomization.yaml'))[0]!;
  const patches = (top['patches'] ?? []) as Obj[];
  const patch = patches.find((p) => p['target']?.kind === 'StatefulSet');
  const ops = parseAllDocuments(String(patch?.['patch'] ?? ''))[0]?.toJS() as Obj[] | undefined;
  const args = (ops ?? [])
    .filter((o) => o['op'] === 'add' && o['path'] === '/spec/template/spec/containers/0/args/-')
    .map((o) => String(o['value']));
  const flag = (name: string): string | undefined =>
    args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

  it("targets upstream's StatefulSet metacontroller", () => {
    expect(patch?.['target']).toEqual({
      group: 'apps',
      version: 'v1',
      kind: 'StatefulSet',
      name: 'metacontroller',
    });
  });

  it("manages only the controllers labelled for it, which are every one of pgmeta's", () => {
    expect(flag('target-label-selector')).toBe('pgmeta.io/metacontroller=pgmeta');
    const controllers = [
      ...yamlFiles(join(ROOT, 'composite-controllers')),
      ...yamlFiles(join(ROOT, 'manifests', 'components')),
    ]
      .flatMap(parseFile)
      .filter((o) => ['CompositeController', 'DecoratorController'].includes(o['kind']));
    expect(controllers.length).toBeGreaterThanOrEqual(6);
    for (const c of controllers) expect(c['metadata'].labels?.['pgmeta.io/metacontroller']).toBe('pgmeta');
  });

  it('appends every flag to the container args (a replace would drop upstream flags)', () => {
    expect(ops?.length).toBeGreaterThan(0);
    expect(args).toHaveLength(ops!.length);
  });

  it('runs server-side apply', () => {
    expect(flag('apply-strategy')).toBe('server-side-apply');
  });

  it.each([
    ['workers', 5],
    ['client-go-qps', 5],
    ['client-go-burst', 10],
  ])('raises --%s above the default %d for many clusters', (name, upstreamDefault) => {
    expect(Number(flag(name))).toBeGreaterThan(upstreamDefault);
  });
});
