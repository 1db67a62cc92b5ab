/**
 * Every example validates against the PostgresCluster CRD, and every child the real sync hook
 * renders for it validates against the upstream Kubernetes OpenAPI schemas (kubernetes-models, run
 * by validate.mjs in its own node process). Broken inputs prove both checks can fail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KUBECTL_YAML } from '../../hooks/lib/kubectl-yaml';
import type { HookContext } from '../../hooks/lib/context';
import type { KubeObject } from '../../hooks/lib/k8s';
import { runHook } from '../../hooks/metacontroller/dispatch';
import type { SyncResponse } from '../../hooks/metacontroller/types';
import { postgresClusterController } from '../../hooks/postgrescluster/controller';
import { CHILD_TYPES } from '../../hooks/postgrescluster/render';
import { checkSpec } from '../../hooks/postgrescluster/spec/index';
import { invalidEntries, runValidator, validateObjects } from './run-validate';

const ROOT = join(__dirname, '..', '..');
const CTX: HookContext = { now: '2026-01-01T00:00:00Z', operatorKey: new Uint8Array(32).fill(1) };
const NAMESPACE = 'conformance';

const controller = parse(
  readFileSync(join(ROOT, 'composite-controllers', 'postgrescluster.yaml'), 'utf8'),
) as KubeObject;

/**
 * The PostgresCluster examples as kubectl sends them (examples/ may also hold other kinds, validated
 * by their own tests).
 */
const examples: [string, KubeObject][] = readdirSync(join(ROOT, 'examples'))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map(
    (f) =>
      [f, parse(readFileSync(join(ROOT, 'examples', f), 'utf8'), KUBECTL_YAML) as KubeObject] as [
        string,
        KubeObject,
      ],
  )
  .filter(([, o]) => o.kind === 'PostgresCluster');

/** The example as the API server would hand it to Metacontroller: namespaced, with uid and generation. */
function asParent(example: KubeObject, index: number): KubeObject {
  return {
    ...example,
    metadata: {
      ...example.metadata,
      namespace: NAMESPACE,
      uid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      generation: 1,
    },
  };
}

/** A minimal Metacontroller v2 sync request: nothing observed yet, every declared type present. */
function syncRequest(parent: KubeObject): unknown {
  return {
    controller,
    parent,
    children: Object.fromEntries(CHILD_TYPES.map((t) => [`${t.kind}.${t.apiVersion}`, {}])),
    related: {},
    finalizing: false,
  };
}

function render(parent: KubeObject): KubeObject[] {
  const res = runHook({ def: postgresClusterController, hook: 'sync', body: syncRequest(parent), ctx: CTX });
  return (res as SyncResponse).children;
}

describe('examples/', () => {
  it('holds the dev, HA and tuned PostgresCluster examples', () => {
    expect(examples.map(([f]) => f)).toEqual(
      expect.arrayContaining(['cluster.yaml', 'cluster-ha.yaml', 'cluster-tuned.yaml']),
    );
  });
});

describe.each(examples.map(([file, example], i) => [file, asParent(example, i)] as const))(
  '%s',
  (_file, parent) => {
    it('validates against the CRD (schema, CEL mirrors, PostgreSQL parameters)', () => {
      const result = checkSpec(parent);
      expect(result.ok ? [] : result.errors).toEqual([]);
    });

    it('renders children that all validate against the Kubernetes OpenAPI schemas', () => {
      const children = render(parent);
      const kinds = new Set(children.map((c) => c.kind));
      for (const kind of ['StatefulSet', 'Secret', 'Service', 'PodDisruptionBudget']) {
        expect(kinds).toContain(kind);
      }
      const run = validateObjects(children);
      expect(invalidEntries(run.report)).toEqual([]);
      expect(run.report.map((r) => `${r.kind}/${r.name}`)).toEqual(
        children.map((c) => `${c.kind}/${c.metadata.name}`),
      );
      expect(run.exitCode).toBe(0);
    });
  },
);

describe('cluster-ha.yaml', () => {
  it("keeps members apart: its required anti-affinity selects the cluster's own pods", () => {
    const ha = examples.find(([f]) => f === 'cluster-ha.yaml')![1];
    interface Term {
      topologyKey: string;
      labelSelector: { matchLabels: Record<string, string> };
    }
    const sts = render(asParent(ha, 0)).find((c) => c.kind === 'StatefulSet') as KubeObject & {
      spec: {
        template: {
          metadata: { labels: Record<string, string> };
          spec: {
            affinity?: { podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: Term[] } };
          };
        };
      };
    };
    const terms =
      sts.spec.template.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    expect(terms.map((t) => t.topologyKey)).toEqual(['kubernetes.io/hostname']);
    const labels = sts.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(terms[0]!.labelSelector.matchLabels)) expect(labels[k]).toBe(v);
  });
});

describe('the checks can fail', () => {
  const first = examples.find(([f]) => f === 'cluster.yaml')![1];

  it('checkSpec rejects an unsupported version and zero replicas, with field paths', () => {
    const spec = first['spec'] as Record<string, unknown>;
    const broken = asParent({ ...first, spec: { ...spec, version: '12', replicas: 0 } }, 99);
    const result = checkSpec(broken);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.path)).toEqual(
        expect.arrayContaining(['spec.version', 'spec.replicas']),
      );
    }
  });

  it('validate.mjs reports a Service whose port is a string, and an unknown kind, as invalid', () => {
    const children = render(asParent(first, 0));
    const service = children.find((c) => c.kind === 'Service') as KubeObject & {
      spec: { ports: Record<string, unknown>[] };
    };
    const brokenService = {
      ...service,
      metadata: { ...service.metadata, name: 'broken' },
      spec: { ...service.spec, ports: service.spec.ports.map((p) => ({ ...p, port: 'postgres' })) },
    };
    const unknown = { apiVersion: 'pgmeta.io/v1alpha1', kind: 'NoSuchKind', metadata: { name: 'x' } };
    const run = validateObjects([service, brokenService, unknown]);
    expect(run.report.map((r) => r.ok)).toEqual([true, false, false]);
    expect(run.report[1]?.errors.join('\n')).toMatch(/\/spec\/ports\/0\/port must be integer/);
    expect(run.report[2]?.errors.join('\n')).toMatch(/no Kubernetes schema/);
    expect(run.exitCode).toBe(1);
  });

  it('validate.mjs reports a non-object entry as invalid and exits 2 on input that is not JSON', () => {
    expect(validateObjects(['a string']).report).toEqual([
      { kind: '', name: '', ok: false, errors: ['not an object'] },
    ]);
    const run = runValidator('{not json');
    expect(run.exitCode).toBe(2);
    expect(run.report).toEqual([]);
    expect(run.stderr).toMatch(/cannot read input/);
  });
});
