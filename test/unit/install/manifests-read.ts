/**
 * Shared reading of the install manifests for the manifests*.test.ts files: YAML parsing, the
 * kustomizations reachable from manifests/, and the hook service's objects (Deployment, its pod spec and
 * container) that several test files assert on.
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = join(__dirname, '..', '..', '..');
export const METACONTROLLER_BASE =
  'https://github.com/metacontroller/metacontroller//manifests/production?ref=v4.17.2';
/** The same release's CRD file, applied first with pgmeta's CRDs (manifests/crds). */
export const METACONTROLLER_CRDS =
  'https://raw.githubusercontent.com/metacontroller/metacontroller/v4.17.2/manifests/production/metacontroller-crds-v1.yaml';
export const NAMESPACE = 'pgmeta-system';
export const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

// ---- reading ---------------------------------------------------------------------------------------

// Parsed YAML of many shapes; each test asserts the fields it reads.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}

export function parseFile(path: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'));
  const errors = docs.flatMap((d) => d.errors.map((e) => `${relative(ROOT, path)}: ${e.message}`));
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return docs.map((d) => d.toJS() as Obj | null).filter((d): d is Obj => d !== null);
}

export const isRemote = (entry: string): boolean => /^(https?:\/\/|git@|github\.com\/)/.test(entry);

/** Every kustomization the install uses, by directory: manifests/ and what it includes, recursively. */
export function kustomizations(dir = join(ROOT, 'manifests')): Map<string, Obj> {
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
export function hookObjects(): Obj[] {
  const dir = join(ROOT, 'manifests', 'hooks');
  const k = kustomizations(dir).get(dir)!;
  return (k['resources'] as string[]).flatMap((f) => parseFile(join(dir, f)));
}

export const objects = hookObjects();
/** The one object of a kind (and name, when the install has several of that kind). */
export const find = (kind: string, name?: string): Obj => {
  const matches = objects.filter(
    (o) => o['kind'] === kind && (name === undefined || o['metadata'].name === name),
  );
  expect(matches).toHaveLength(1);
  return matches[0]!;
};
export const deployment = find('Deployment');
export const podSpec = deployment['spec'].template.spec as Obj;
export const container = (podSpec['containers'] as Obj[])[0]!;
export const podLabels = deployment['spec'].template.metadata.labels as Record<string, string>;
export const env = (name: string): Obj | undefined =>
  (container['env'] as Obj[]).find((e) => e['name'] === name);

/** A named or numbered container port, as a Service's targetPort or a probe's port names it. */
export function containerPort(port: string | number): number | undefined {
  if (typeof port === 'number') return port;
  return (container['ports'] as Obj[]).find((p) => p['name'] === port)?.['containerPort'] as
    number | undefined;
}

export const selects = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
