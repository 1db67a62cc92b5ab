/**
 * The hook service of the install (manifests/hooks): the Deployment, Service, PDB, RBAC and
 * NetworkPolicy agree with each other, with the CompositeControllers' hook URLs and with the service's
 * own defaults (loadConfig).
 */
import { join } from 'node:path';
import { loadConfig } from '../../../hooks/config';
import { invalidEntries, validateObjects } from '../../conformance/run-validate';
import {
  container,
  containerPort,
  deployment,
  env,
  find,
  NAMESPACE,
  type Obj,
  objects,
  parseFile,
  podLabels,
  podSpec,
  ROOT,
  selects,
  yamlFiles,
} from './manifests-read';

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

  it('requires a bearer token: it listens on every address and names the token Secret it reads and fills', () => {
    expect(find('Secret', 'pgmeta-hooks-auth')['data']).toBeUndefined();
    expect(env('HOST')?.['value']).toBe('0.0.0.0');
    expect(env('PGMETA_AUTH_SECRET')?.['value']).toBe('pgmeta-hooks-auth');
    expect(env('PGMETA_AUTH_TOKEN_FILE')).toBeUndefined();
  });

  it('serves /metrics on its own container port, the one the service defaults to', () => {
    expect(containerPort('metrics')).toBe(defaults.metricsPort);
    expect(env('METRICS_PORT')?.['value']).toBe(String(defaults.metricsPort));
    expect(containerPort('metrics')).not.toBe(containerPort('http'));
  });

  it('sets no empty-string env value', () => {
    for (const e of container['env'] as Obj[]) expect(e['value']).not.toBe('');
  });
});

describe('hook Service, PDB, RBAC and NetworkPolicy', () => {
  const service = find('Service');
  const port = containerPort('http');

  it('serves port 80 of pgmeta-hooks on the container port, and 443 on the webhook port, selecting the hook pods', () => {
    expect(service['metadata'].name).toBe('pgmeta-hooks');
    const ports = service['spec'].ports as Obj[];
    expect(ports).toHaveLength(2);
    expect(ports[0]!['port']).toBe(80);
    expect(containerPort(ports[0]!['targetPort'])).toBe(port);
    expect(ports[1]!['port']).toBe(443);
    expect(containerPort(ports[1]!['targetPort'])).toBe(8443);
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

  it('grants get and update on its three Secrets by name, and no create (hooks-rbac.test.ts)', () => {
    const role = find('Role');
    const rules = (role['rules'] as Obj[]).map((r) => ({
      ...r,
      verbs: [...(r['verbs'] as string[])].sort(),
    }));
    expect(rules).toEqual([
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['pgmeta-operator-key'],
        verbs: ['get', 'update'],
      },
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['pgmeta-hooks-auth'],
        verbs: ['get', 'patch', 'update'],
      },
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['pgmeta-webhook-tls'],
        verbs: ['get', 'update'],
      },
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

    it("admits pgmeta's Metacontroller pods (in pgmeta-system, upstream's name label) on the hook port", () => {
      const from = ingress.flatMap((r) => r['from'] as Obj[]);
      expect(from).toContainEqual({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NAMESPACE } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'metacontroller' } },
      });
    });

    it('admits the hook port only from Metacontroller, scrapers only on the metrics port, the webhook port from the API server', () => {
      const [fromMetacontroller, fromScrapers, fromApiServer] = ingress;
      expect(fromMetacontroller!['ports']).toEqual([{ protocol: 'TCP', port }]);
      // /metrics on its own port (issue 15): a namespace labelled for scraping never reaches the hooks.
      expect(fromScrapers!['ports']).toEqual([{ protocol: 'TCP', port: containerPort('metrics') }]);
      expect(fromScrapers!['from']).toEqual([
        { namespaceSelector: { matchLabels: { 'pgmeta.io/metrics-scraper': 'true' } } },
      ]);
      // The API server's addresses cannot be named portably: any source, but only the webhook port.
      expect(fromApiServer).toEqual({ ports: [{ protocol: 'TCP', port: containerPort('webhook') }] });
      for (const rule of [fromMetacontroller!, fromScrapers!]) {
        expect((rule['from'] as Obj[]).length).toBeGreaterThan(0);
        for (const peer of rule['from'] as Obj[]) expect(peer['ipBlock']).toBeUndefined();
      }
      expect(ingress).toHaveLength(3);
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
