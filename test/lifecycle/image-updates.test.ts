/**
 * A new pgmeta release changes the default Spilo image (modelled by changing the install's images, the
 * setting the hooks read): the fleet must not restart at once. Four clusters in one namespace share the
 * Metacontroller and the simulated cluster: Automatic rolls at once; Manual waits for its approval
 * token; Window waits for its window; a cluster with spec.image set by hand never moves. Pods of a
 * cluster that may not move keep running (same pods, same image) throughout.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { DEFAULT_IMAGES } from '../../hooks/postgrescluster/images/set';
import { useLifecycle, USER, type Scenario } from './scenario';

const OLD = DEFAULT_IMAGES['spilo-16'];
const NEW = 'ghcr.io/zalando/spilo-17:4.0-p4';
const world = useLifecycle();

function create(s: Scenario, name: string, extra: Record<string, unknown> = {}): void {
  s.store.create(
    {
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresCluster',
      metadata: { name, namespace: s.namespace },
      spec: { version: '16', replicas: 2, storage: { size: '1Gi' }, ...extra },
    },
    USER,
  );
}

const stsImage = (s: Scenario, name: string): string | undefined =>
  (
    s.store.get({ kind: 'StatefulSet', namespace: s.namespace, name })?.['spec'] as
      { template: { spec: { containers: { name: string; image: string }[] } } } | undefined
  )?.template.spec.containers.find((c) => c.name === 'postgres')?.image;

const pods = (s: Scenario, name: string): KubeObject[] =>
  s.store
    .list('Pod', s.namespace)
    .filter((p) => p.metadata.name.startsWith(`${name}-`) && /-\d+$/.test(p.metadata.name));
const podIds = (s: Scenario, name: string) =>
  pods(s, name)
    .map((p) => `${p.metadata.name}:${p.metadata.uid}`)
    .sort();
const podImages = (s: Scenario, name: string) =>
  pods(s, name).map((p) => (p['spec'] as { containers: { image: string }[] }).containers[0]!.image);
const statusOf = (s: Scenario, name: string) =>
  s.store.get({ kind: 'PostgresCluster', namespace: s.namespace, name })?.['status'] as
    | { phase?: string; imageUpdate?: { token: string; images: Record<string, string>; waitingFor: string } }
    | undefined;

describe('a new default image reaches each cluster when its own policy allows it', () => {
  it('rolls Automatic at once, Manual on approval, Window in its window, and never spec.image', async () => {
    const s = world.scenario({ name: 'manual', maxSteps: 400 });
    // The scenario clock starts on Saturday 2026-11-21 at 10:00 UTC.
    create(s, 'manual');
    create(s, 'auto', { maintenance: { imageUpdates: 'Automatic' } });
    create(s, 'window', {
      maintenance: { imageUpdates: 'Window', window: { days: ['Sat'], start: '14:00', durationMinutes: 60 } },
    });
    create(s, 'pinned', { image: OLD });
    await s.settle();
    const all = ['manual', 'auto', 'window', 'pinned'];
    for (const name of all) {
      expect(statusOf(s, name)?.phase).toBe('Running');
      expect(podImages(s, name)).toEqual([OLD, OLD]);
    }
    const before = Object.fromEntries(all.map((n) => [n, podIds(s, n)]));

    // pgmeta upgraded: its default image for PostgreSQL 16 changes.
    s.hooks.images = { images: { 'spilo-16': NEW }, pullSecrets: [] };
    await s.settle();
    expect(stsImage(s, 'auto')).toBe(NEW);
    expect(podImages(s, 'auto')).toEqual([NEW, NEW]);
    expect(statusOf(s, 'auto')?.phase).toBe('Running');
    for (const name of ['manual', 'window', 'pinned']) {
      expect(stsImage(s, name)).toBe(OLD);
      expect(podIds(s, name)).toEqual(before[name]);
    }
    const manual = statusOf(s, 'manual')?.imageUpdate;
    expect(manual).toMatchObject({ images: { spilo: NEW }, waitingFor: 'approval' });
    expect(statusOf(s, 'window')?.imageUpdate?.waitingFor).toBe('window');
    expect(statusOf(s, 'pinned')?.imageUpdate).toBeUndefined();

    // The owner of `manual` approves exactly what waits.
    s.when.annotated({ 'pgmeta.io/approve-images': manual!.token });
    await s.settle();
    expect(podImages(s, 'manual')).toEqual([NEW, NEW]);
    expect(statusOf(s, 'manual')?.imageUpdate).toBeUndefined();
    expect(podIds(s, 'window')).toEqual(before['window']);

    // The window opens at 14:00: the next sync starts the rollout, which then completes.
    s.clock.advance(Date.parse('2026-11-21T14:05:00Z') / 1000 - Date.parse(s.clock.iso()) / 1000);
    await s.settle();
    expect(podImages(s, 'window')).toEqual([NEW, NEW]);
    expect(statusOf(s, 'window')?.phase).toBe('Running');
    expect(podIds(s, 'pinned')).toEqual(before['pinned']);
    expect(stsImage(s, 'pinned')).toBe(OLD);
    await s.then.steadyState();
  }, 300_000);
});
