/**
 * The install (`kubectl apply -k manifests/`): every kustomization lists only files that exist and
 * forgets none, Metacontroller is the pinned v4.17.2 release running server-side apply, and the hook
 * Deployment, Service, RBAC and NetworkPolicy agree with each other, with the hook URLs and with the
 * service's own defaults. When kubectl is installed, the kustomizations are also rendered for real.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { loadConfig } from '../../../hooks/config';
import { invalidEntries, validateObjects } from '../../conformance/run-validate';

const ROOT = join(__dirname, '..', '..', '..');
const METACONTROLLER_BASE =
  'https://github.com/metacontroller/metacontroller//manifests/production?ref=v4.17.2';
const NAMESPACE = 'pgmeta-system';
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

// ---- reading ---------------------------------------------------------------------------------------

// Parsed YAML of many shapes; each test asserts the fields it reads.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}

function parseFile(path: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'));
  const errors = docs.flatMap((d) => d.errors.map((e) => `${relative(ROOT, path)}: ${e.message}`));
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return docs.map((d) => d.toJS() as Obj | null).filter((d): d is Obj => d !== null);
}

const isRemote = (entry: string): boolean => /^(https?:\/\/|git@|github\.com\/)/.test(entry);

/** Every kustomization the install uses, by directory: manifests/ and what it includes, recursively. */
function kustomizations(dir = join(ROOT, 'manifests')): Map<string, Obj> {
  const found = new Map<string, Obj>();
  const visit = (d: string): void => {
    if (found.has(d)) return;
    const k = parseFile(join(d, 'kustomization.yaml'))[0] ?? {};
    found.set(d, k);
    for (const entry of (k['resources'] ?? []) as string[]) {
      const path = join(d, entry);
      if (!isRemote(entry) && existsSync(path) && statSync(path).isDirectory()) visit(path);
    }
  };
  visit(dir);
  return found;
}

/** The objects of the local hook service base (manifests/hooks), as the API server would get them. */
function hookObjects(): Obj[] {
  const dir = join(ROOT, 'manifests', 'hooks');
  const k = kustomizations(dir).get(dir)!;
  return (k['resources'] as string[]).flatMap((f) => parseFile(join(dir, f)));
}

const objects = hookObjects();
const find = (kind: string): Obj => {
  const matches = objects.filter((o) => o['kind'] === kind);
  expect(matches).toHaveLength(1);
  return matches[0]!;
};
const deployment = find('Deployment');
const podSpec = deployment['spec'].template.spec as Obj;
const container = (podSpec['containers'] as Obj[])[0]!;
const podLabels = deployment['spec'].template.metadata.labels as Record<string, string>;
const env = (name: string): Obj | undefined => (container['env'] as Obj[]).find((e) => e['name'] === name);

/** A named or numbered container port, as a Service's targetPort or a probe's port names it. */
function containerPort(port: string | number): number | undefined {
  if (typeof port === 'number') return port;
  return (container['ports'] as Obj[]).find((p) => p['name'] === port)?.['containerPort'] as
    number | undefined;
}

const selects = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

// ---- kustomizations --------------------------------------------------------------------------------

describe('kustomizations', () => {
  const all = [...kustomizations()];
  const cases = all.map(([dir, k]) => [relative(ROOT, dir) || '.', dir, k] as const);

  it('reach the CRDs, the CompositeControllers and the hook service from manifests/', () => {
    expect(cases.map(([name]) => name).sort()).toEqual(
      ['composite-controllers', 'crds', 'manifests', 'manifests/hooks'].sort(),
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
    const listed = new Set(((k['resources'] ?? []) as string[]).map((e) => join(dir, e)));
    const files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
      .map((f) => join(dir, f));
    expect(files.filter((f) => !listed.has(f))).toEqual([]);
  });

  it('take Metacontroller only from its v4.17.2 release, as the one remote base', () => {
    const remote = all.flatMap(([, k]) => ((k['resources'] ?? []) as string[]).filter(isRemote));
    expect(remote).toEqual([METACONTROLLER_BASE]);
  });

  it('leave Metacontroller in its own namespace and put the hook service in pgmeta-system', () => {
    expect(all.find(([d]) => d === join(ROOT, 'manifests'))?.[1]['namespace']).toBeUndefined();
    expect(all.find(([d]) => d === join(ROOT, 'manifests', 'hooks'))?.[1]['namespace']).toBe(NAMESPACE);
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
  const top = parseFile(join(ROOT, 'manifests', 'kustomization.yaml'))[0]!;
  const patches = (top['patches'] ?? []) as Obj[];
  const patch = patches.find((p) => p['target']?.kind === 'StatefulSet');
  const ops = parseAllDocuments(String(patch?.['patch'] ?? ''))[0]?.toJS() as Obj[] | undefined;
  const args = (ops ?? [])
    .filter((o) => o['op'] === 'add' && o['path'] === '/spec/template/spec/containers/0/args/-')
    .map((o) => String(o['value']));
  const flag = (name: string): string | undefined =>
    args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

  it("targets upstream's StatefulSet metacontroller in namespace metacontroller", () => {
    expect(patch?.['target']).toEqual({
      group: 'apps',
      version: 'v1',
      kind: 'StatefulSet',
      name: 'metacontroller',
      namespace: 'metacontroller',
    });
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

// ---- the hook service ------------------------------------------------------------------------------

describe('hook Deployment', () => {
  const defaults = loadConfig({}, join(ROOT, 'no-service-account'));

  it('runs 2 replicas in pgmeta-system with the pgmeta-hooks service account', () => {
    expect(deployment['metadata'].name).toBe('pgmeta-hooks');
    expect(deployment['spec'].replicas).toBe(2);
    expect(podSpec['serviceAccountName']).toBe('pgmeta-hooks');
    expect(selects(deployment['spec'].selector.matchLabels, podLabels)).toBe(true);
  });

  it('runs as non-root uid 65532 with seccomp RuntimeDefault', () => {
    expect(podSpec['securityContext']).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('has a read-only root filesystem, no privilege escalation and no capabilities', () => {
    expect(container['securityContext']).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container['securityContext'].capabilities.add).toBeUndefined();
    expect(container['securityContext'].privileged).not.toBe(true);
  });

  it.each(['requests', 'limits'])('sets resource %s for cpu and memory', (kind) => {
    expect(Object.keys(container['resources'][kind] as object).sort()).toEqual(['cpu', 'memory']);
  });

  it("listens on the service's port, which the probes and the container port name", () => {
    const port = containerPort('http');
    expect(port).toBe(defaults.port);
    expect(env('PORT')?.['value']).toBe(String(port));
    expect(container['readinessProbe'].httpGet.path).toBe('/readyz');
    expect(container['livenessProbe'].httpGet.path).toBe('/healthz');
    expect(containerPort(container['readinessProbe'].httpGet.port)).toBe(port);
    expect(containerPort(container['livenessProbe'].httpGet.port)).toBe(port);
  });

  it("gives the service's SIGTERM drain its full time, after the preStop pause", () => {
    const preStop = Number(container['lifecycle']?.preStop?.sleep?.seconds ?? 0);
    const drainSeconds = defaults.shutdownTimeoutMs / 1000;
    expect(podSpec['terminationGracePeriodSeconds']).toBeGreaterThan(preStop + drainSeconds);
  });

  it('spreads its replicas across nodes', () => {
    const spread = ((podSpec['topologySpreadConstraints'] ?? []) as Obj[]).find(
      (c) => c['topologyKey'] === 'kubernetes.io/hostname',
    );
    expect(spread?.['maxSkew']).toBe(1);
    expect(selects(spread?.['labelSelector']?.matchLabels ?? {}, podLabels)).toBe(true);
  });

  it('knows its namespace and the operator key Secret name', () => {
    expect(env('POD_NAMESPACE')?.['valueFrom']).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(env('PGMETA_OPERATOR_KEY_SECRET')?.['value']).toBe('pgmeta-operator-key');
  });

  it('requires no bearer token by default (authentication is opt-in)', () => {
    expect(env('PGMETA_AUTH_TOKEN_FILE')).toBeUndefined();
  });

  it('sets no empty-string env value', () => {
    for (const e of container['env'] as Obj[]) expect(e['value']).not.toBe('');
  });
});

describe('hook Service, PDB, RBAC and NetworkPolicy', () => {
  const service = find('Service');
  const port = containerPort('http');

  it('serves port 80 of pgmeta-hooks on the container port, selecting the hook pods', () => {
    expect(service['metadata'].name).toBe('pgmeta-hooks');
    const ports = service['spec'].ports as Obj[];
    expect(ports).toHaveLength(1);
    expect(ports[0]!['port']).toBe(80);
    expect(containerPort(ports[0]!['targetPort'])).toBe(port);
    expect(selects(service['spec'].selector, podLabels)).toBe(true);
  });

  it('matches the hook URLs of every CompositeController', () => {
    const dir = join(ROOT, 'composite-controllers');
    const urls = yamlFiles(dir)
      .filter((f) => !f.endsWith('kustomization.yaml'))
      .flatMap(parseFile)
      .flatMap((cc) => Object.values(cc['spec'].hooks as Record<string, Obj>))
      .map((h) => new URL(String(h['webhook'].url)));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      expect(url.hostname).toBe(`${service['metadata'].name}.${NAMESPACE}`);
      expect(url.port === '' ? 80 : Number(url.port)).toBe(service['spec'].ports[0].port);
    }
  });

  it('keeps one hook pod through voluntary disruptions', () => {
    const pdb = find('PodDisruptionBudget');
    expect(pdb['spec'].minAvailable).toBe(1);
    expect(selects(pdb['spec'].selector.matchLabels, podLabels)).toBe(true);
  });

  it('grants get on the operator key Secret and create on Secrets, nothing else', () => {
    const role = find('Role');
    const rules = (role['rules'] as Obj[]).map((r) => ({
      ...r,
      verbs: [...(r['verbs'] as string[])].sort(),
    }));
    expect(rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['pgmeta-operator-key'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]);
    const binding = find('RoleBinding');
    expect(binding['roleRef']).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'pgmeta-hooks',
    });
    expect(binding['subjects']).toEqual([
      { kind: 'ServiceAccount', name: podSpec['serviceAccountName'], namespace: NAMESPACE },
    ]);
  });

  describe('NetworkPolicy', () => {
    const policy = find('NetworkPolicy');
    const ingress = policy['spec'].ingress as Obj[];
    const egress = policy['spec'].egress as Obj[];

    it('applies to the hook pods, both directions', () => {
      expect(selects(policy['spec'].podSelector.matchLabels, podLabels)).toBe(true);
      expect([...(policy['spec'].policyTypes as string[])].sort()).toEqual(['Egress', 'Ingress']);
    });

    it("admits Metacontroller's pods (namespace metacontroller, upstream's name label) on the hook port", () => {
      const from = ingress.flatMap((r) => r['from'] as Obj[]);
      expect(from).toContainEqual({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'metacontroller' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'metacontroller' } },
      });
    });

    it('admits only the hook port, and every rule names its peers', () => {
      for (const rule of ingress) {
        expect(rule['ports']).toEqual([{ protocol: 'TCP', port }]);
        expect((rule['from'] as Obj[]).length).toBeGreaterThan(0);
        for (const peer of rule['from'] as Obj[]) expect(peer['ipBlock']).toBeUndefined();
      }
      expect(ingress).toHaveLength(2);
    });

    it('lets the pods resolve names and reach the API server', () => {
      const ports = egress.flatMap((r) => (r['ports'] as Obj[]).map((p) => `${p['protocol']}/${p['port']}`));
      expect(ports).toEqual(expect.arrayContaining(['UDP/53', 'TCP/53', 'TCP/443', 'TCP/6443']));
    });
  });

  it('every object validates against the upstream Kubernetes schemas', () => {
    const run = validateObjects(objects);
    expect(invalidEntries(run.report)).toEqual([]);
    expect(run.report).toHaveLength(objects.length);
  });
});

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
 * relies on (namespace, name, a container with an args list), written for this test.
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
  writeFileSync(join(dir, 'statefulset.yaml'), stringify(sts));
  writeFileSync(join(dir, 'kustomization.yaml'), stringify({ resources: ['statefulset.yaml'] }));
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
    const namespaced = out.filter((o) => o['kind'] !== 'Namespace');
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
