/**
 * When a running cluster moves to new default images. A new pgmeta release (or an edited images file)
 * may change the Spilo, exporter or PgBouncer image, or the pull Secrets, of every cluster at once; each
 * of those changes the pod template and so restarts members. So a cluster keeps the images its
 * StatefulSet (and poolers) run until its own policy allows the change (spec.maintenance):
 * - Automatic: at once;
 * - Window: in a sync whose time falls in the weekly window (the rollout, once the StatefulSet carries
 *   the new template, finishes on its own);
 * - Manual (the default): when the cluster is annotated pgmeta.io/approve-images=<token>, the token
 *   naming exactly the images waiting, so an approval never carries over to a later change.
 * A new cluster, a newly enabled sidecar or pooler, and an image set by hand in `spec.image` are not
 * changes of a running image and are never held.
 */
import type { ImageSettings } from '../../lib/context.js';
import type { KubeObject } from '../../lib/k8s.js';
import { ANNOTATIONS } from '../names.js';
import type { ObservedCluster } from '../observe.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { imagesToken, installedImages } from './set.js';
import { inWindow } from './window.js';

/** The images a cluster runs or should run, by what they are for. */
type ImageRoles = Record<'spilo' | 'exporter' | 'pgbouncer' | 'pullSecrets', string>;

/** An update of the running images that waits for the cluster's policy. */
export interface PendingImageUpdate {
  /** What pgmeta.io/approve-images must say to allow it now. */
  token: string;
  /** The waiting images, by role (pullSecrets as a comma-separated list). */
  images: Partial<ImageRoles>;
  waitingFor: 'approval' | 'window';
}

export interface ImageChoice {
  cluster: ResolvedCluster;
  pending?: PendingImageUpdate;
}

export function chooseImages(
  cluster: ResolvedCluster,
  o: { observed: ObservedCluster; parent: KubeObject; settings: ImageSettings | undefined; now: string },
): ImageChoice {
  const installed = installedImages(o.settings, cluster.version);
  const target: ImageRoles = {
    spilo: cluster.imageFromSpec ? cluster.image : installed.spilo,
    exporter: installed.exporter,
    pgbouncer: installed.pgbouncer,
    pullSecrets: installed.pullSecrets.join(','),
  };
  const running = runningImages(o.observed);
  const changed = (Object.keys(target) as (keyof ImageRoles)[]).filter(
    (k) => running[k] !== undefined && running[k] !== target[k] && !(k === 'spilo' && cluster.imageFromSpec),
  );
  const token = tokenOf(changed, target);
  if (changed.length === 0 || allowed(cluster, o, token)) return { cluster: withImages(cluster, target) };
  const held: ImageRoles = { ...target, ...Object.fromEntries(changed.map((k) => [k, running[k]])) };
  return {
    cluster: withImages(cluster, held),
    pending: {
      token,
      images: Object.fromEntries(changed.map((k) => [k, target[k]])),
      waitingFor: cluster.maintenance.imageUpdates === 'Window' ? 'window' : 'approval',
    },
  };
}

function allowed(cluster: ResolvedCluster, o: { parent: KubeObject; now: string }, token: string): boolean {
  const { imageUpdates, window } = cluster.maintenance;
  if (imageUpdates === 'Automatic') return true;
  if (imageUpdates === 'Window' && window !== undefined && inWindow(o.now, window)) return true;
  return o.parent.metadata.annotations?.[ANNOTATIONS.approveImages] === token;
}

function tokenOf(changed: readonly (keyof ImageRoles)[], target: ImageRoles): string {
  return imagesToken(Object.fromEntries(changed.map((k) => [k, target[k]])));
}

function withImages(cluster: ResolvedCluster, images: ImageRoles): ResolvedCluster {
  return {
    ...cluster,
    image: images.spilo,
    images: {
      pgbouncer: images.pgbouncer,
      exporter: images.exporter,
      pullSecrets: images.pullSecrets === '' ? [] : images.pullSecrets.split(','),
    },
  };
}

interface ContainerLike {
  name?: string;
  image?: string;
}
interface PodSpecLike {
  containers?: ContainerLike[];
  imagePullSecrets?: { name?: string }[];
}

/** What the observed StatefulSet's template and the poolers run now; absent roles are not running. */
function runningImages(observed: ObservedCluster): Partial<ImageRoles> {
  const sts = podSpecOf(observed.statefulSet);
  const poolers = Object.keys(observed.deployments ?? {})
    .sort()
    .map((name) => podSpecOf(observed.deployments?.[name]));
  const image = (spec: PodSpecLike | undefined, name: string) =>
    spec?.containers?.find((c) => c.name === name)?.image;
  const pgbouncer = poolers.map((p) => image(p, 'pgbouncer')).find((i) => i !== undefined);
  const out: Partial<ImageRoles> = {};
  const spilo = image(sts, 'postgres');
  const exporter = image(sts, 'exporter');
  if (spilo !== undefined) out.spilo = spilo;
  if (exporter !== undefined) out.exporter = exporter;
  if (pgbouncer !== undefined) out.pgbouncer = pgbouncer;
  if (sts) out.pullSecrets = (sts.imagePullSecrets ?? []).map((s) => s.name ?? '').join(',');
  return out;
}

function podSpecOf(o: KubeObject | undefined): PodSpecLike | undefined {
  return (o?.['spec'] as { template?: { spec?: PodSpecLike } } | undefined)?.template?.spec;
}
