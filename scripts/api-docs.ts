/**
 * The API reference (docs/api/<plural>.md), rendered from the CRDs, which are the only schema: a page per
 * kind with its printer columns, the object-level rules and one row per field (type, default, limits,
 * description, CEL rules). `npm run gen:docs` writes the pages; test/unit/docs/api-reference.test.ts fails
 * when a committed page differs from what the CRDs give, so the reference cannot go stale.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The subset of an OpenAPI v3 schema node the pages show. */
interface SchemaNode {
  type?: string;
  format?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-validations'?: { rule: string; message?: string; fieldPath?: string }[];
}

interface Column {
  name: string;
  type: string;
  description?: string;
  jsonPath: string;
}

interface Crd {
  spec: {
    group: string;
    names: { kind: string; plural: string; shortNames?: string[] };
    versions: {
      name: string;
      additionalPrinterColumns?: Column[];
      schema: { openAPIV3Schema: SchemaNode };
    }[];
  };
}

/** One generated page. */
export interface ApiPage {
  file: string;
  content: string;
}

/** The pages for every CRD in `crdDir`, plus an index. */
export function renderApiReference(crdDir: string): ApiPage[] {
  const crds = readdirSync(crdDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort()
    .map((f) => parse(readFileSync(join(crdDir, f), 'utf8')) as Crd);
  const pages = crds.map((crd) => ({ file: `${crd.spec.names.plural}.md`, content: renderCrd(crd) }));
  return [{ file: 'README.md', content: renderIndex(crds) }, ...pages];
}

const GENERATED =
  '<!-- Generated from crds/ by `npm run gen:docs` (scripts/api-docs.ts). Do not edit by hand. -->';

function renderIndex(crds: Crd[]): string {
  const rows = crds.map((c) => {
    const n = c.spec.names;
    return `| [${n.kind}](${n.plural}.md) | \`${(n.shortNames ?? []).join(', ')}\` | ${oneLine(rootOf(c).description ?? '')} |`;
  });
  return [
    GENERATED,
    '',
    '# API reference',
    '',
    '| Kind | Short names | What it is |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** The served version's entry; pgmeta's CRDs have exactly one. */
function versionOf(crd: Crd): Crd['spec']['versions'][number] {
  const [version] = crd.spec.versions;
  if (!version) throw new Error(`CRD ${crd.spec.names.kind} has no version`);
  return version;
}

function rootOf(crd: Crd): SchemaNode {
  return versionOf(crd).schema.openAPIV3Schema;
}

function renderCrd(crd: Crd): string {
  const version = versionOf(crd);
  const root = version.schema.openAPIV3Schema;
  const n = crd.spec.names;
  const out = [GENERATED, '', `# ${n.kind}`, ''];
  const short = n.shortNames?.length ? `, short name \`${n.shortNames.join('`, `')}\`` : '';
  out.push(`\`apiVersion: ${crd.spec.group}/${version.name}\`, \`kind: ${n.kind}\`${short}.`, '');
  out.push(oneLine(root.description ?? ''), '');
  out.push(...renderColumns(version.additionalPrinterColumns ?? []));
  out.push(...renderRules('Rules on the whole object', root['x-kubernetes-validations']));
  for (const section of ['spec', 'status'] as const) {
    const node = root.properties?.[section];
    if (!node) continue;
    out.push(`## \`${section}\``, '', oneLine(node.description ?? ''), '');
    out.push(...renderRules(`Rules on \`${section}\``, node['x-kubernetes-validations']));
    out.push('| Field | Type | Default | Description |', '|---|---|---|---|');
    out.push(...fieldRows(node, section));
    out.push('');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

function renderColumns(columns: Column[]): string[] {
  if (columns.length === 0) return [];
  const rows = columns.map((c) => `| ${c.name} | \`${c.jsonPath}\` | ${oneLine(c.description ?? '')} |`);
  return ['## `kubectl get` columns', '', '| Column | From | Meaning |', '|---|---|---|', ...rows, ''];
}

function renderRules(title: string, rules: SchemaNode['x-kubernetes-validations']): string[] {
  if (!rules?.length) return [];
  const rows = rules.map((r) => `| ${cell(r.fieldPath ?? '')} | ${cell(oneLine(r.message ?? r.rule))} |`);
  return [`### ${title}`, '', '| Field | Refused unless |', '|---|---|', ...rows, ''];
}

/** One row per field below `node`, depth first, in the schema's order. */
function fieldRows(node: SchemaNode, path: string): string[] {
  const rows: string[] = [];
  const required = new Set(node.required ?? []);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const childPath = `${path}.${name}`;
    rows.push(fieldRow(childPath, child, required.has(name)));
    const inner = child.items ?? child;
    const innerPath = child.items ? `${childPath}[]` : childPath;
    rows.push(...fieldRows(inner, innerPath));
    const map = child.additionalProperties;
    if (map && typeof map === 'object' && map.properties) rows.push(...fieldRows(map, `${childPath}.<key>`));
  }
  return rows;
}

function fieldRow(path: string, node: SchemaNode, required: boolean): string {
  const limits = limitsOf(node);
  const rules = (node['x-kubernetes-validations'] ?? []).map((r) => oneLine(r.message ?? r.rule));
  const text = [oneLine(node.description ?? ''), ...limits, ...rules.map((r) => `Refused unless: ${r}.`)]
    .filter((s) => s !== '')
    .join(' ');
  const name = `\`${path}\`${required ? ' (required)' : ''}`;
  const dflt = node.default === undefined ? '' : `\`${JSON.stringify(node.default)}\``;
  return `| ${name} | ${typeOf(node)} | ${cell(dflt)} | ${cell(text)} |`;
}

function typeOf(node: SchemaNode): string {
  if (node['x-kubernetes-int-or-string']) return 'integer or string';
  if (node.type === 'array') return `array of ${node.items ? typeOf(node.items) : 'any'}`;
  if (node.type === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object') {
    return `map of ${typeOf(node.additionalProperties)}`;
  }
  const base = node.type ?? 'any';
  return node.format ? `${base} (${node.format})` : base;
}

function limitsOf(node: SchemaNode): string[] {
  const out: string[] = [];
  if (node.enum) out.push(`One of: ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}.`);
  const range = (lo: number | undefined, hi: number | undefined, what: string): void => {
    if (lo !== undefined && hi !== undefined) out.push(`${what} ${lo} to ${hi}.`);
    else if (lo !== undefined) out.push(`${what} at least ${lo}.`);
    else if (hi !== undefined) out.push(`${what} at most ${hi}.`);
  };
  range(node.minimum, node.maximum, 'Value');
  range(node.minLength, node.maxLength, 'Length');
  range(node.minItems, node.maxItems, 'Items');
  if (node.pattern) out.push(`Pattern: \`${node.pattern}\`.`);
  return out;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** A table cell: pipes escaped so they do not split the row. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}
