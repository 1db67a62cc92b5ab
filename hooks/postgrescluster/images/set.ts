/**
 * The images pgmeta renders, in one table: the Spilo image of each PostgreSQL major, PgBouncer and
 * postgres_exporter, with the pull Secrets every rendered pod gets. pgmeta's defaults live here; an
 * install overrides any of them in the hook service's images file (manifests/hooks/images.yaml,
 * docs/airgap.md), which reaches the hooks through the request context.
 */
import { createHash } from 'node:crypto';
import type { ImageSettings } from '../../lib/context.js';
import type { PgMajor, ResolvedCluster } from '../spec/resolved.js';

/** The keys of the images file: `spilo-<major>`, `pgbouncer`, `exporter`. */
export type ImageKey = `spilo-${PgMajor}` | 'pgbouncer' | 'exporter';

/**
 * pgmeta's defaults. spilo-17 4.0-p3 carries PostgreSQL 13 to 17 (PGVERSION picks one); 18 needs
 * spilo-18 (4.1), which checkSpec still refuses. Tags only: no registry is reachable where these were
 * chosen, so no digest is known here; an install pins digests in its images file (docs/airgap.md).
 */
export const DEFAULT_IMAGES: Readonly<Record<ImageKey, string>> = {
  'spilo-13': 'ghcr.io/zalando/spilo-17:4.0-p3',
  'spilo-14': 'ghcr.io/zalando/spilo-17:4.0-p3',
  'spilo-15': 'ghcr.io/zalando/spilo-17:4.0-p3',
  'spilo-16': 'ghcr.io/zalando/spilo-17:4.0-p3',
  'spilo-17': 'ghcr.io/zalando/spilo-17:4.0-p3',
  'spilo-18': 'ghcr.io/zalando/spilo-18:4.1-p2',
  // CloudNativePG's PgBouncer image: runs pgbouncer with a configuration file as its argument.
  pgbouncer: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.1',
  exporter: 'quay.io/prometheuscommunity/postgres-exporter:v0.20.1',
};

export const IMAGE_KEYS = Object.keys(DEFAULT_IMAGES) as ImageKey[];

/** The images a cluster of `major` gets from the install (or the defaults), before any update policy. */
export interface InstalledImages {
  spilo: string;
  pgbouncer: string;
  exporter: string;
  pullSecrets: string[];
}

export function installedImages(settings: ImageSettings | undefined, major: PgMajor): InstalledImages {
  const pick = (key: ImageKey): string => settings?.images[key] ?? DEFAULT_IMAGES[key];
  return {
    spilo: pick(`spilo-${major}`),
    pgbouncer: pick('pgbouncer'),
    exporter: pick('exporter'),
    pullSecrets: [...(settings?.pullSecrets ?? [])],
  };
}

/** A short, stable name for a set of images: what `pgmeta.io/approve-images` must say to allow it. */
export function imagesToken(images: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(Object.entries(images).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

/**
 * A cluster's images for a one-off Job (a PostgresBackup's, a PostgresDatabase's): the install's current
 * images and pull Secrets, without the update policy, since a Job restarts no member.
 */
export function withInstallImages<
  C extends Pick<ResolvedCluster, 'image' | 'imageFromSpec' | 'images' | 'version'>,
>(cluster: C, settings: ImageSettings | undefined): C {
  const installed = installedImages(settings, cluster.version);
  return {
    ...cluster,
    image: cluster.imageFromSpec ? cluster.image : installed.spilo,
    images: {
      pgbouncer: installed.pgbouncer,
      exporter: installed.exporter,
      pullSecrets: installed.pullSecrets,
    },
  };
}
