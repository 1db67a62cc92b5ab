/**
 * Generates the hook's view of the PostgresCluster API from the CRD, the single source of the schema:
 *
 * - `hooks/generated/postgrescluster.schema.json`: the openAPIV3Schema of `spec`, ready for ajv;
 * - `hooks/generated/postgrescluster.types.ts`: its TypeScript type (json-schema-to-typescript).
 *
 * Conversions (Kubernetes structural schema → JSON Schema as ajv reads it):
 * - `x-kubernetes-int-or-string` becomes `anyOf: [integer, string]`;
 * - objects with `properties` get `additionalProperties: false`: the API server prunes unknown fields,
 *   so a field the hook does not know is a typo worth reporting (`pgmeta validate`);
 * - the CEL rules in QUANTITY_FORMAT_RULES become `format: quantity` on the string they check, with
 *   the rule's message alongside, because ajv can check them itself;
 * - `x-kubernetes-validations` stay as an annotation: validate.ts walks them and runs the mirror of
 *   each rule; the root-level rules (on metadata.name) are kept in `x-pgmeta-parent-validations`;
 * - list-type annotations are dropped (they only matter for server-side apply merges).
 *
 * Run: `npx tsx scripts/gen-schema.ts` (writes) or `npx tsx scripts/gen-schema.ts --check` (fails on
 * drift, for CI). Both outputs are formatted with the project's prettier configuration.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compile } from 'json-schema-to-typescript';
import * as prettier from 'prettier';
import { parse } from 'yaml';
import { KUBECTL_YAML } from '../hooks/lib/kubectl-yaml.js';
import { FORMAT_MESSAGE_KEYWORD, QUANTITY_FORMAT_RULES } from '../hooks/postgrescluster/spec/formats.js';

const ROOT = resolve(__dirname, '..');
export const CRD_PATH = join(ROOT, 'crds', 'postgresclusters.yaml');
export const SCHEMA_PATH = join(ROOT, 'hooks', 'generated', 'postgrescluster.schema.json');
export const TYPES_PATH = join(ROOT, 'hooks', 'generated', 'postgrescluster.types.ts');
const VERSION = 'v1alpha1';
const BANNER =
  'generated – do not edit: run `npx tsx scripts/gen-schema.ts` (source: crds/postgresclusters.yaml)';

type Node = Record<string, unknown>;
interface Rule {
  rule: string;
  message?: string;
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys dropped on the way to ajv: they describe merge behaviour, not validity. */
const DROPPED = new Set(['x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type']);

function rulesOf(node: Node): Rule[] {
  const rules = node['x-kubernetes-validations'];
  return Array.isArray(rules) ? rules.filter(isNode).map((r) => r as unknown as Rule) : [];
}

/** The string schema a quantity rule applies to: the node itself, or the string branch of int-or-string. */
function addQuantityFormat(out: Node, message: string): void {
  const anyOf = out['anyOf'];
  const target = Array.isArray(anyOf) ? anyOf.filter(isNode).find((b) => b['type'] === 'string') : out;
  if (target?.['type'] !== 'string')
    throw new Error(`quantity rule on a non-string schema: ${JSON.stringify(out)}`);
  target['format'] = 'quantity';
  target[FORMAT_MESSAGE_KEYWORD] = message;
}

function convertChildren(key: string, value: unknown): unknown {
  switch (key) {
    case 'properties':
      return Object.fromEntries(Object.entries(value as Node).map(([k, v]) => [k, convert(v as Node)]));
    case 'items':
      return convert(value as Node);
    case 'additionalProperties':
      return typeof value === 'boolean' ? value : convert(value as Node);
    case 'anyOf':
    case 'allOf':
    case 'oneOf':
      return (value as Node[]).map(convert);
    default:
      return value;
  }
}

/** One structural-schema node → one ajv schema node (recursively). */
export function convert(node: Node): Node {
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key) || key === 'x-kubernetes-int-or-string') continue;
    if (key === 'x-kubernetes-preserve-unknown-fields')
      throw new Error('preserve-unknown-fields is not allowed');
    if (key.startsWith('x-kubernetes-') && key !== 'x-kubernetes-validations') {
      throw new Error(`unsupported schema extension ${key}`);
    }
    out[key] = convertChildren(key, value);
  }
  if (node['x-kubernetes-int-or-string'] === true && out['anyOf'] === undefined) {
    out['anyOf'] = [{ type: 'integer' }, { type: 'string' }];
  }
  if (out['type'] === 'object' && isNode(out['properties']) && out['additionalProperties'] === undefined) {
    out['additionalProperties'] = false;
  }
  const remaining = rulesOf(node).filter((r) => {
    if (!QUANTITY_FORMAT_RULES.includes(r.rule)) return true;
    addQuantityFormat(out, r.message ?? 'must be a quantity');
    return false;
  });
  if (remaining.length > 0) out['x-kubernetes-validations'] = remaining;
  else delete out['x-kubernetes-validations'];
  return out;
}

/** The openAPIV3Schema of the served version. */
export function rootSchema(crdText: string): Node {
  // Read as kubectl reads it when it applies the CRD: the API server holds that schema.
  const crd = parse(crdText, KUBECTL_YAML) as {
    spec?: { versions?: { name: string; schema?: { openAPIV3Schema?: Node } }[] };
  };
  const root = crd.spec?.versions?.find((v) => v.name === VERSION)?.schema?.openAPIV3Schema;
  if (!root) throw new Error(`no ${VERSION} schema in the CRD`);
  return root;
}

/** The ajv schema of `spec`, with the root-level rules attached. */
export function specSchema(crdText: string): Node {
  const root = rootSchema(crdText);
  const spec = (root['properties'] as Node | undefined)?.['spec'];
  if (!isNode(spec)) throw new Error('the CRD has no spec schema');
  return {
    $comment: BANNER,
    title: 'PostgresClusterSpec',
    ...convert(spec),
    'x-pgmeta-parent-validations': rulesOf(root),
  };
}

async function format(text: string, filepath: string): Promise<string> {
  const config = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(text, { ...config, filepath });
}

/** Both generated files, formatted, from the CRD text. */
export async function generate(crdText: string): Promise<{ schema: string; types: string }> {
  const schema = specSchema(crdText);
  const types = await compile(schema, 'PostgresClusterSpec', {
    // The generator writes index signatures; the house style prefers Record, but this file is not edited.
    bannerComment: `/* ${BANNER} */\n/* eslint-disable @typescript-eslint/consistent-indexed-object-style, max-lines -- generated, not read as code */`,
    additionalProperties: false,
    ignoreMinAndMaxItems: true,
    unknownAny: true,
    format: false,
  });
  return {
    schema: await format(JSON.stringify(schema), SCHEMA_PATH),
    types: await format(types, TYPES_PATH),
  };
}

async function main(): Promise<void> {
  const out = await generate(readFileSync(CRD_PATH, 'utf8'));
  const files: [string, string][] = [
    [SCHEMA_PATH, out.schema],
    [TYPES_PATH, out.types],
  ];
  if (process.argv.includes('--check')) {
    const stale = files.filter(([path, text]) => readFileSync(path, 'utf8') !== text).map(([p]) => p);
    if (stale.length > 0) {
      console.error(`out of date, run npx tsx scripts/gen-schema.ts: ${stale.join(', ')}`);
      process.exitCode = 1;
    }
    return;
  }
  for (const [path, text] of files) writeFileSync(path, text);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
