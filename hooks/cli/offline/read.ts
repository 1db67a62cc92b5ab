/**
 * Reads a manifest file as `kubectl apply -f` does (YAML 1.1, lib/kubectl-yaml.ts) and picks the
 * pgmeta objects: each must say `apiVersion: pgmeta.io/v1alpha1` and one of the three kinds. A
 * missing file, malformed YAML or a wrong apiVersion is one clear line each, never a stack trace.
 */
import { readKubectlYaml } from '../../lib/kubectl-yaml.js';
import type { KubeObject } from '../../lib/k8s.js';
import type { CliIo } from '../io.js';

export const API_VERSION = 'pgmeta.io/v1alpha1';
export const KINDS = ['PostgresCluster', 'PostgresDatabase', 'PostgresBackup'] as const;
export type PgmetaKind = (typeof KINDS)[number];

export interface Manifests {
  objects: KubeObject[];
  errors: string[];
  /** Documents of other kinds, skipped (a file may hold a Secret next to the cluster). */
  skipped: string[];
}

function readText(file: string, io: CliIo): { text?: string; error?: string } {
  try {
    return { text: io.readFile(file === '-' ? '/dev/stdin' : file).toString('utf8') };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') return { error: `${file}: no such file` };
    if (code === 'EISDIR') return { error: `${file}: is a directory (give a file)` };
    if (code === 'EACCES') return { error: `${file}: permission denied` };
    return { error: `${file}: cannot be read: ${(e as Error).message}` };
  }
}

interface Checked {
  object?: KubeObject;
  error?: string;
  skipped?: string;
}

/** What is wrong with the document's identity (kind, apiVersion, name), if anything. */
function identityProblem(o: Partial<KubeObject>, at: string): Checked | undefined {
  if (typeof o.kind !== 'string' || o.kind === '') return { error: `${at}: kind is missing` };
  if (!(KINDS as readonly string[]).includes(o.kind))
    return { skipped: `${at}: ${o.kind} skipped (not a pgmeta kind)` };
  if (o.apiVersion !== API_VERSION)
    return {
      error: `${at}: ${o.kind} must have apiVersion ${API_VERSION} (found ${JSON.stringify(o.apiVersion ?? null)})`,
    };
  // A name YAML 1.1 read as a boolean (`name: yes`) is still checked: the spec errors say the rest.
  const name = o.metadata?.name as unknown;
  if (name === undefined || name === null || name === '') return { error: `${at}: metadata.name is missing` };
  return undefined;
}

function check(doc: unknown, at: string): Checked {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return { error: `${at}: not a Kubernetes object (a mapping with apiVersion, kind and metadata)` };
  const o = doc as Partial<KubeObject>;
  return identityProblem(o, at) ?? { object: o as KubeObject };
}

export function readManifests(file: string, io: CliIo): Manifests {
  const out: Manifests = { objects: [], errors: [], skipped: [] };
  const { text, error } = readText(file, io);
  if (text === undefined) return { ...out, errors: [error ?? file] };
  const read = readKubectlYaml(text);
  if (read.errors.length > 0) return { ...out, errors: read.errors.map((e) => `${file}: ${e}`) };
  read.documents.forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    const r = check(doc, read.documents.length > 1 ? `${file} (document ${i + 1})` : file);
    if (r.object) out.objects.push(r.object);
    if (r.error) out.errors.push(r.error);
    if (r.skipped) out.skipped.push(r.skipped);
  });
  if (out.objects.length === 0 && out.errors.length === 0)
    out.errors.push(`${file}: no PostgresCluster, PostgresDatabase or PostgresBackup found`);
  return out;
}
