/**
 * The install's images file as the hooks render it: a new cluster with every image-bearing feature (metrics
 * sidecar, poolers, the JSON log follower, Jobs) takes each image and the pull Secrets from the settings, and
 * every child still validates against the upstream Kubernetes schemas (kubernetes-models, validate.mjs).
 */
import { describe, expect, it } from '@jest/globals';
import type { ImageSettings } from '../../hooks/lib/context';
import type { KubeObject } from '../../hooks/lib/k8s';
import { runHook } from '../../hooks/metacontroller/dispatch';
import { postgresClusterController } from '../../hooks/postgrescluster/controller';
import { CTX, parentFrom, request } from '../support/cluster-world';
import { invalidEntries, validateObjects } from './run-validate';

const SETTINGS: ImageSettings = {
  images: {
    'spilo-16': 'registry.internal.example/zalando/spilo-17:4.0-p3@sha256:' + 'a'.repeat(64),
    pgbouncer: 'registry.internal.example/cloudnative-pg/pgbouncer:1.25.1',
    exporter: 'registry.internal.example/prometheuscommunity/postgres-exporter:v0.20.1',
  },
  pullSecrets: ['internal-registry'],
};
const SPEC = {
  version: '16',
  replicas: 3,
  storage: { size: '10Gi' },
  metrics: { enabled: true },
  pgbouncer: { enabled: true, readOnlyPooler: true },
  logging: { destination: 'stdout', format: 'json' },
};

interface PodSpecLike {
  imagePullSecrets?: { name: string }[];
  containers: { name: string; image: string }[];
  initContainers?: { name: string; image: string }[];
}

function podSpecs(children: KubeObject[]): [string, PodSpecLike][] {
  return children.flatMap((c) => {
    const spec = (c['spec'] as { template?: { spec?: PodSpecLike } } | undefined)?.template?.spec;
    return spec ? [[`${c.kind}/${c.metadata.name}`, spec] as [string, PodSpecLike]] : [];
  });
}

describe('the install images file, rendered', () => {
  const children = () => {
    const body = request({ parent: parentFrom(SPEC), children: [], related: [] });
    const out = runHook({
      def: postgresClusterController,
      hook: 'sync',
      body,
      ctx: { ...CTX, images: SETTINGS },
    });
    return (out as { children: KubeObject[] }).children;
  };

  it('puts every image from the settings, and the pull Secrets, on every pod template', () => {
    const specs = podSpecs(children());
    expect(specs.map(([name]) => name)).toEqual(
      expect.arrayContaining(['StatefulSet/orders', 'Deployment/orders-pooler']),
    );
    const allowed = new Set(Object.values(SETTINGS.images));
    for (const [name, spec] of specs) {
      expect([name, spec.imagePullSecrets]).toEqual([name, [{ name: 'internal-registry' }]]);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect([name, c.name, allowed.has(c.image)]).toEqual([name, c.name, true]);
      }
    }
    const sts = specs.find(([n]) => n === 'StatefulSet/orders')![1];
    expect(sts.containers.map((c) => [c.name, c.image])).toEqual(
      expect.arrayContaining([
        ['postgres', SETTINGS.images['spilo-16']],
        ['exporter', SETTINGS.images['exporter']],
      ]),
    );
  });

  it('validates every child against the Kubernetes schemas', () => {
    const objects = children();
    const run = validateObjects(objects);
    expect(invalidEntries(run.report)).toEqual([]);
    expect(run.report).toHaveLength(objects.length);
  });
});
