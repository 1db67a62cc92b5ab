/**
 * The CompositeController YAML is the other half of each controller module: Metacontroller only
 * observes and deletes the child types it declares, and only calls the hooks it names. These tests tie
 * every file in composite-controllers/ to the controller definition the service actually serves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import { CONTROLLERS } from '../../../hooks/controllers';
import type { CompositeControllerDef, ControllerDef } from '../../../hooks/metacontroller/controller';
import { HOOK_NAMES } from '../../../hooks/metacontroller/dispatch';
import { CHILD_TYPES } from '../../../hooks/postgrescluster/render';
import { testApp } from '../../support/app';

const ROOT = join(__dirname, '..', '..', '..');
const DIR = join(ROOT, 'composite-controllers');
/** The hook Service, as manifests/hooks/service.yaml defines it: port 80, so no port in the URL. */
const HOOK_HOST = 'pgmeta-hooks.pgmeta-system';

interface ChildResource {
  apiVersion: string;
  resource: string;
  updateStrategy?: { method?: string };
}

interface Hook {
  version?: string;
  webhook?: {
    url?: string;
    timeout?: string;
    service?: unknown;
    path?: string;
    etag?: { enabled?: boolean; cacheTimeoutSeconds?: number; cacheCleanupSeconds?: number };
  };
}

interface CompositeController {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    generateSelector?: boolean;
    resyncPeriodSeconds?: number;
    parentResource: { apiVersion: string; resource: string };
    childResources: ChildResource[];
    hooks: Record<string, Hook>;
  };
}

function controllerFiles(): string[] {
  return readdirSync(DIR)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
    .sort();
}

function parseFile(file: string): CompositeController[] {
  const docs = parseAllDocuments(readFileSync(join(DIR, file), 'utf8'));
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs
    .map((d) => d.toJS() as CompositeController | null)
    .filter((d): d is CompositeController => d !== null);
}

const controllers = controllerFiles().flatMap((file) => parseFile(file).map((cc) => ({ file, cc })));
const served = (name: string): ControllerDef | undefined => CONTROLLERS.find((c) => c.name === name);

function compositeDef(cc: CompositeController): CompositeControllerDef {
  const def = served(cc.metadata.name);
  if (def?.kind !== 'composite') throw new Error(`the service serves no composite ${cc.metadata.name}`);
  return def;
}

/** A comparable form of a child-type list: `apiVersion resource method`, sorted. */
const typeSet = (types: readonly { apiVersion: string; resource: string; method: string | undefined }[]) =>
  types.map((t) => `${t.apiVersion} ${t.resource} ${t.method ?? '(none)'}`).sort();

const declared = (cc: CompositeController) =>
  typeSet(cc.spec.childResources.map((c) => ({ ...c, method: c.updateStrategy?.method })));

const fromDef = (types: CompositeControllerDef['childTypes']) =>
  typeSet(types.map((t) => ({ ...t, method: t.updateStrategy })));

interface Crd {
  kind: string;
  spec: {
    group: string;
    names: { plural: string };
    versions: { name: string; served: boolean; subresources?: { status?: object } }[];
  };
}

const crds: Crd[] = readdirSync(join(ROOT, 'crds'))
  .filter((f) => /\.ya?ml$/.test(f))
  .flatMap((f) =>
    parseAllDocuments(readFileSync(join(ROOT, 'crds', f), 'utf8')).map((d) => d.toJS() as Crd | null),
  )
  .filter((d): d is Crd => d?.kind === 'CustomResourceDefinition');

const cases = controllers.map(({ file, cc }) => [file, cc] as const);

describe('composite-controllers/', () => {
  it('holds the postgrescluster controller', () => {
    expect(controllers.map(({ cc }) => cc.metadata.name)).toContain('postgrescluster');
  });

  it('has a CompositeController for every composite controller the service serves', () => {
    const composite = CONTROLLERS.filter((c) => c.kind === 'composite').map((c) => c.name);
    expect(controllers.map(({ cc }) => cc.metadata.name).sort()).toEqual(expect.arrayContaining(composite));
  });

  it('declares childResources exactly CHILD_TYPES for postgrescluster', () => {
    const pgc = controllers.find(({ cc }) => cc.metadata.name === 'postgrescluster');
    expect(pgc).toBeDefined();
    expect(declared(pgc!.cc)).toEqual(fromDef(CHILD_TYPES));
  });

  it("resyncs postgrescluster every 30 s, so status follows Patroni's pod annotations", () => {
    const pgc = controllers.find(({ cc }) => cc.metadata.name === 'postgrescluster');
    expect(pgc?.cc.spec.resyncPeriodSeconds).toBe(30);
  });
});

describe.each(cases)('%s', (_file, cc) => {
  it('is a metacontroller.k8s.io/v1alpha1 CompositeController served by the hook service', () => {
    expect(cc.apiVersion).toBe('metacontroller.k8s.io/v1alpha1');
    expect(cc.kind).toBe('CompositeController');
    expect(served(cc.metadata.name)?.kind).toBe('composite');
  });

  it("declares exactly its controller definition's child types, each with an explicit strategy", () => {
    expect(declared(cc)).toEqual(fromDef(compositeDef(cc).childTypes));
    // An omitted updateStrategy silently means OnDelete: every rule says what it wants.
    for (const child of cc.spec.childResources) expect(child.updateStrategy?.method).toBeDefined();
  });

  it('never rewrites Secrets and never owns Pods or PVCs (the README rules on Pods, PVCs and credentials)', () => {
    const byResource = new Map(cc.spec.childResources.map((c) => [c.resource, c.updateStrategy?.method]));
    if (byResource.has('secrets')) expect(byResource.get('secrets')).toBe('OnDelete');
    expect(byResource.has('pods')).toBe(false);
    expect(byResource.has('persistentvolumeclaims')).toBe(false);
  });

  it('selects children by generated selector (controller-uid), never by user-visible labels', () => {
    expect(cc.spec.generateSelector).toBe(true);
  });

  it('watches a served CRD version that has the status subresource (else Metacontroller ignores it)', () => {
    const [group, version] = cc.spec.parentResource.apiVersion.split('/');
    const crd = crds.find(
      (c) => c.spec.group === group && c.spec.names.plural === cc.spec.parentResource.resource,
    );
    expect(crd).toBeDefined();
    const served = crd!.spec.versions.find((v) => v.name === version);
    expect(served?.served).toBe(true);
    expect(served?.subresources?.status).toEqual({});
  });

  it('names a hook for every hook function the controller has, and no other', () => {
    const def = compositeDef(cc);
    const implemented = HOOK_NAMES.filter((h) => h === 'sync' || def[h] !== undefined);
    expect(Object.keys(cc.spec.hooks).sort()).toEqual([...implemented].sort());
  });

  it.each(HOOK_NAMES)('hook %s: version v2, 10 s timeout, URL of the hook Service route', (hook) => {
    const h = cc.spec.hooks[hook];
    if (h === undefined) return; // covered by the test above
    expect(h.version).toBe('v2');
    expect(h.webhook?.timeout).toBe('10s');
    expect(h.webhook?.service).toBeUndefined();
    const url = new URL(h.webhook?.url ?? '');
    expect(url.protocol).toBe('http:');
    expect(url.host).toBe(HOOK_HOST);
    expect(url.pathname).toBe(`/${cc.metadata.name}/${hook}`);
    expect(url.search).toBe('');
  });

  // The service answers 304 to a matching If-None-Match (hooks/http/etag.ts, issue 9). Metacontroller
  // v4.17.2 dereferences cacheCleanupSeconds whenever cacheTimeoutSeconds is set, and never expires
  // entries without a timeout: both must be set, the cleanup no rarer than the timeout.
  it.each(['sync', 'finalize'])('hook %s: ETag cache enabled, with both cache times', (hook) => {
    const etag = cc.spec.hooks[hook]?.webhook?.etag;
    if (cc.spec.hooks[hook] === undefined) return;
    expect(etag?.enabled).toBe(true);
    expect(etag?.cacheTimeoutSeconds).toBeGreaterThanOrEqual(60);
    expect(etag?.cacheCleanupSeconds).toBeGreaterThan(0);
    expect(etag?.cacheCleanupSeconds).toBeLessThanOrEqual(etag?.cacheTimeoutSeconds ?? 0);
  });

  it('customize: no ETag cache (Metacontroller caches customize answers per generation already)', () => {
    expect(cc.spec.hooks['customize']?.webhook?.etag).toBeUndefined();
  });
});

describe('hook URLs reach served routes', () => {
  const { app } = testApp(CONTROLLERS);
  const urls = controllers.flatMap(({ cc }) =>
    Object.values(cc.spec.hooks).map((h) => new URL(h.webhook?.url ?? '').pathname),
  );

  it.each(urls)('POST %s is routed to a hook (400 for an empty request, not 404)', async (path) => {
    const res = await request(app).post(path).send({});
    expect(res.status).toBe(400);
  });

  it('an unknown controller path is 404, so the check above can fail', async () => {
    const res = await request(app).post('/no-such-controller/sync').send({});
    expect(res.status).toBe(404);
  });
});
