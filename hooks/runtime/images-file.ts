/**
 * The install's images file (PGMETA_IMAGES_FILE; the ConfigMap pgmeta-images in manifests/hooks): the one
 * place to change every image pgmeta renders and to add pull Secrets, for a mirror registry or pinned
 * digests (docs/airgap.md). Read once at start; a mistake stops the service with the key at fault, since
 * rendering a wrong image would restart members onto it.
 *
 *   images:
 *     spilo-17: registry.example.com/zalando/spilo-17:4.0-p3@sha256:...
 *     pgbouncer: registry.example.com/cloudnative-pg/pgbouncer:1.25.1
 *   pullSecrets: [mirror-credentials]
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ImageSettings } from '../lib/context.js';
import { IMAGE_KEYS } from '../postgrescluster/images/set.js';

const IMAGE_REF = /^[a-z0-9][a-z0-9._\-/:@]*$/i;
const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** The settings in `path`, or undefined without a file (pgmeta's defaults then apply). */
export function loadImagesFile(path: string | undefined): ImageSettings | undefined {
  if (path === undefined || path === '') return undefined;
  return parseImageSettings(readFileSync(path, 'utf8'), path);
}

export function parseImageSettings(text: string, where: string): ImageSettings {
  const doc = (parse(text) ?? {}) as unknown;
  if (!isRecord(doc)) throw new Error(`${where}: expected a mapping with images and pullSecrets`);
  const unknownTop = Object.keys(doc).filter((k) => k !== 'images' && k !== 'pullSecrets');
  if (unknownTop.length > 0) throw new Error(`${where}: unknown key ${unknownTop.join(', ')}`);
  return {
    images: imagesOf(doc['images'] ?? {}, where),
    pullSecrets: pullSecretsOf(doc['pullSecrets'] ?? [], where),
  };
}

function imagesOf(value: unknown, where: string): Record<string, string> {
  if (!isRecord(value)) throw new Error(`${where}: images must be a mapping of key to image`);
  const known = new Set<string>(IMAGE_KEYS);
  for (const [key, image] of Object.entries(value)) {
    if (!known.has(key)) throw new Error(`${where}: images.${key} is not one of ${IMAGE_KEYS.join(', ')}`);
    if (typeof image !== 'string' || !IMAGE_REF.test(image)) {
      throw new Error(
        `${where}: images.${key} must be an image reference (registry/name:tag or @sha256:...)`,
      );
    }
  }
  return value as Record<string, string>;
}

function pullSecretsOf(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) throw new Error(`${where}: pullSecrets must be a list of Secret names`);
  return value.map((name, i) => {
    if (typeof name !== 'string' || !SECRET_NAME.test(name) || name.length > 253) {
      throw new Error(`${where}: pullSecrets[${i}] must be the name of a Secret`);
    }
    return name;
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
