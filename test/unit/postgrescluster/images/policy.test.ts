/**
 * A change of the install's default images reaches a running cluster only when its maintenance policy
 * allows it; new clusters, new sidecars and spec.image are never held; the approval token names exactly
 * the waiting images.
 */
import type { KubeObject } from '../../../../hooks/lib/k8s';
import { chooseImages } from '../../../../hooks/postgrescluster/images/policy';
import { DEFAULT_IMAGES, imagesToken } from '../../../../hooks/postgrescluster/images/set';
import { inWindow } from '../../../../hooks/postgrescluster/images/window';
import type { ObservedCluster } from '../../../../hooks/postgrescluster/observe';
import type { ResolvedCluster } from '../../../../hooks/postgrescluster/spec/resolved';
import { aCluster } from '../../../support/cluster-fixture';

const OLD = DEFAULT_IMAGES['spilo-17'];
const NEW = 'ghcr.io/zalando/spilo-17:4.0-p4';
const upgraded = { images: { 'spilo-17': NEW }, pullSecrets: [] };
const parent = (annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'pgmeta.io/v1alpha1',
  kind: 'PostgresCluster',
  metadata: { name: 'demo', annotations },
});

function observedRunning(
  images: { postgres: string; exporter?: string },
  pullSecrets: string[] = [],
): ObservedCluster {
  const containers = [{ name: 'postgres', image: images.postgres }];
  if (images.exporter) containers.push({ name: 'exporter', image: images.exporter });
  const statefulSet: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'demo' },
    spec: {
      template: {
        spec: {
          containers,
          ...(pullSecrets.length ? { imagePullSecrets: pullSecrets.map((name) => ({ name })) } : {}),
        },
      },
    },
  };
  return { statefulSet, secrets: {}, jobs: [], members: [], pvcs: [], childCount: 1 };
}
const none: ObservedCluster = { secrets: {}, jobs: [], members: [], pvcs: [], childCount: 0 };

function choose(
  cluster: ResolvedCluster,
  observed: ObservedCluster,
  o: { annotations?: Record<string, string>; now?: string } = {},
) {
  return chooseImages(cluster, {
    observed,
    parent: parent(o.annotations),
    settings: upgraded,
    now: o.now ?? '2026-12-09T12:00:00Z',
  });
}

describe('chooseImages', () => {
  it('gives a new cluster the current images at once', () => {
    const out = choose(aCluster().build(), none);
    expect(out.cluster.image).toBe(NEW);
    expect(out.pending).toBeUndefined();
  });

  it('keeps a running cluster (Manual, the default) on its image and names what waits', () => {
    const out = choose(aCluster().build(), observedRunning({ postgres: OLD }));
    expect(out.cluster.image).toBe(OLD);
    expect(out.pending).toEqual({
      token: imagesToken({ spilo: NEW }),
      images: { spilo: NEW },
      waitingFor: 'approval',
    });
  });

  it('rolls on the exact approval token, and not on another', () => {
    const token = imagesToken({ spilo: NEW });
    expect(
      choose(aCluster().build(), observedRunning({ postgres: OLD }), {
        annotations: { 'pgmeta.io/approve-images': token },
      }).cluster.image,
    ).toBe(NEW);
    const stale = imagesToken({ spilo: 'ghcr.io/zalando/spilo-17:4.0-p2' });
    expect(
      choose(aCluster().build(), observedRunning({ postgres: OLD }), {
        annotations: { 'pgmeta.io/approve-images': stale },
      }).cluster.image,
    ).toBe(OLD);
  });

  it('follows at once with Automatic', () => {
    const cluster: ResolvedCluster = { ...aCluster().build(), maintenance: { imageUpdates: 'Automatic' } };
    expect(choose(cluster, observedRunning({ postgres: OLD })).cluster.image).toBe(NEW);
  });

  it('follows inside the window only, with Window', () => {
    const cluster: ResolvedCluster = {
      ...aCluster().build(),
      maintenance: {
        imageUpdates: 'Window',
        window: { days: ['Sat'], start: '02:00', durationMinutes: 120 },
      },
    };
    const running = observedRunning({ postgres: OLD });
    expect(choose(cluster, running, { now: '2026-12-12T03:00:00Z' }).cluster.image).toBe(NEW); // Saturday 03:00
    const outside = choose(cluster, running, { now: '2026-12-12T05:00:00Z' });
    expect(outside.cluster.image).toBe(OLD);
    expect(outside.pending?.waitingFor).toBe('window');
  });

  it('never holds an image set by hand', () => {
    const cluster: ResolvedCluster = {
      ...aCluster().withImage('registry.example.com/spilo:mine').build(),
      imageFromSpec: true,
    };
    const out = choose(cluster, observedRunning({ postgres: OLD }));
    expect(out.cluster.image).toBe('registry.example.com/spilo:mine');
    expect(out.pending).toBeUndefined();
  });

  it('holds a new exporter image and new pull Secrets as it holds Spilo, but not a newly enabled exporter', () => {
    const settings = { images: { exporter: 'mirror/exporter:v0.21.0' }, pullSecrets: ['mirror'] };
    const run = (observed: ObservedCluster) =>
      chooseImages(aCluster().build(), { observed, parent: parent(), settings, now: '2026-12-09T12:00:00Z' });
    const held = run(observedRunning({ postgres: OLD, exporter: DEFAULT_IMAGES.exporter }));
    expect(held.cluster.images).toMatchObject({ exporter: DEFAULT_IMAGES.exporter, pullSecrets: [] });
    expect(held.pending?.images).toEqual({ exporter: 'mirror/exporter:v0.21.0', pullSecrets: 'mirror' });
    const added = run(observedRunning({ postgres: OLD }, ['mirror']));
    expect(added.cluster.images.exporter).toBe('mirror/exporter:v0.21.0');
    expect(added.pending).toBeUndefined();
  });
});

describe('inWindow', () => {
  const window = { days: ['Sun' as const], start: '23:00', durationMinutes: 180 };
  it.each([
    ['2026-12-13T23:30:00Z', true], // Sunday 23:30
    ['2026-12-14T01:59:00Z', true], // Monday 01:59, still in Sunday's window
    ['2026-12-14T02:00:00Z', false],
    ['2026-12-13T22:59:00Z', false],
    ['2026-12-12T23:30:00Z', false], // Saturday
    ['not a time', false],
  ])('%s -> %s', (now, expected) => {
    expect(inWindow(now, window)).toBe(expected);
  });
});
