/**
 * The optional integrations' kustomize components (manifests/components/<name>/): each is a
 * kustomize Component listing every file of its directory, and each DecoratorController in it is
 * the other half of a decorator the hook service serves: same attachment types and update
 * strategies, hooks for exactly the functions the decorator has, URLs that reach served routes.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import { CONTROLLERS } from '../../../hooks/controllers';
import type { DecoratorControllerDef } from '../../../hooks/metacontroller/controller';
import { testApp } from '../../support/app';

const ROOT = join(__dirname, '..', '..', '..');
const DIR = join(ROOT, 'manifests', 'components');
const HOOK_BASE = 'http://pgmeta-hooks.pgmeta-system';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML; assertions check its shape
type Obj = Record<string, any>;

const parse = (path: string): Obj[] =>
  parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as Obj | null)
    .filter((d): d is Obj => d !== null);

const components = readdirSync(DIR)
  .filter((d) => statSync(join(DIR, d)).isDirectory())
  .sort();
const files = (c: string) =>
  readdirSync(join(DIR, c)).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
const ROOT_DIR = resolve(__dirname, '../../..');
const patchFiles = (c: string): string[] =>
  ((parse(join(DIR, c, 'kustomization.yaml'))[0]!['patches'] ?? []) as { path: string }[]).map((p) => p.path);
const objects = components.flatMap((c) =>
  files(c).flatMap((f) => parse(join(DIR, c, f)).map((o) => ({ c, f, o }))),
);
const decorators = objects
  .filter(({ o }) => o['kind'] === 'DecoratorController')
  .map(({ c, o }) => [c, o] as const);
const served = (name: string) =>
  CONTROLLERS.find((d): d is DecoratorControllerDef => d.kind === 'decorator' && d.name === name);

describe('manifests/components', () => {
  it('holds the cert-manager component', () => {
    expect(components).toEqual(expect.arrayContaining(['cert-manager']));
  });

  it.each(components)('%s is a kustomize Component listing every YAML file of its directory', (c) => {
    const [k] = parse(join(DIR, c, 'kustomization.yaml'));
    expect(k).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component' });
    expect([...(k!['resources'] as string[]), ...patchFiles(c)].sort()).toEqual(files(c).sort());
  });

  it('has a DecoratorController for every decorator the service serves', () => {
    const names = CONTROLLERS.filter((d) => d.kind === 'decorator').map((d) => d.name);
    expect(decorators.map(([, o]) => o['metadata'].name as string).sort()).toEqual([...names].sort());
  });
});

describe.each(decorators)('%s DecoratorController', (_c, dc) => {
  const def = served(dc['metadata'].name as string);

  it('decorates PostgresClusters with exactly the attachment types the decorator renders', () => {
    expect(dc['apiVersion']).toBe('metacontroller.k8s.io/v1alpha1');
    // ignoreStatusChanges is decided per decorator (status-changes.test.ts)
    expect(dc['spec'].resources).toEqual([
      expect.objectContaining({ apiVersion: 'pgmeta.io/v1alpha1', resource: 'postgresclusters' }),
    ]);
    expect(Object.keys(dc['spec'].resources[0]).sort()).toEqual(
      ['apiVersion', 'ignoreStatusChanges', 'resource'].filter((k) => k in dc['spec'].resources[0]),
    );
    const declared = (dc['spec'].attachments as Obj[]).map(
      (a) => `${a['apiVersion']} ${a['resource']} ${a['updateStrategy']?.method}`,
    );
    expect(declared.sort()).toEqual(
      def!.attachmentTypes.map((t) => `${t.apiVersion} ${t.resource} ${t.updateStrategy}`).sort(),
    );
  });

  it('names a v2 webhook for each hook function of the decorator, at its served route', () => {
    const hooks = dc['spec'].hooks as Record<string, Obj>;
    const expected = [
      'sync',
      ...(def!.finalize ? ['finalize'] : []),
      ...(def!.customize ? ['customize'] : []),
    ];
    expect(Object.keys(hooks).sort()).toEqual(expected.sort());
    for (const [name, hook] of Object.entries(hooks)) {
      expect(hook).toEqual({
        version: 'v2',
        webhook: { url: `${HOOK_BASE}/${def!.name}/${name}`, timeout: '10s' },
      });
    }
  });

  it('reaches served routes (400 for an empty request, not 404)', async () => {
    const { app } = testApp(CONTROLLERS);
    for (const hook of Object.values(dc['spec'].hooks as Record<string, Obj>)) {
      const res = await request(app)
        .post(new URL(hook['webhook'].url as string).pathname)
        .send({});
      expect(res.status).toBe(400);
    }
  });
});

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
(kubectl ? describe : describe.skip)('kubectl kustomize', () => {
  // Rendered on top of the hook service, as a user's overlay does: a component's patches (the
  // cert-manager one patches the webhook configuration and the hook Deployment) need their targets.
  it.each(components)('renders the %s component over the hook service', (c) => {
    const overlay = mkdtempSync(join(tmpdir(), 'pgmeta-overlay-'));
    const rel = (p: string) => relative(overlay, join(ROOT_DIR, p));
    writeFileSync(
      join(overlay, 'kustomization.yaml'),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [${rel('manifests/hooks')}]\ncomponents: [${rel(`manifests/components/${c}`)}]\n`,
    );
    const run = spawnSync('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', overlay], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const base = spawnSync('kubectl', ['kustomize', join(ROOT_DIR, 'manifests/hooks')], { encoding: 'utf8' });
    const added = objects.filter((x) => x.c === c && !patchFiles(c).includes(x.f)).length;
    expect(parseAllDocuments(run.stdout).length).toBe(parseAllDocuments(base.stdout).length + added);
  });
});
