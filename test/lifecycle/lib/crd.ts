/**
 * What the API server does with a custom resource's status write, read from the CRD in `crds/`:
 * structural pruning (fields the schema does not declare are dropped silently) and validation
 * (a wrong type or a value outside an enum rejects the whole write).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isObject, type JsonObject } from './json';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

/** One `additionalPrinterColumns` entry: a column of `kubectl get`. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
}

interface CrdDoc {
  kind?: string;
  spec?: {
    group: string;
    names: { kind: string; plural: string };
    versions: {
      name: string;
      schema?: { openAPIV3Schema?: JsonObject };
      additionalPrinterColumns?: PrinterColumn[];
    }[];
  };
}

export interface CrdInfo {
  group: string;
  kind: string;
  plural: string;
  /** openAPIV3Schema of each version. */
  schemas: Record<string, JsonObject>;
  /** additionalPrinterColumns of each version. */
  printerColumns: Record<string, PrinterColumn[]>;
}

/** Every CRD under crds/. */
export function loadCrds(dir = join(REPO_ROOT, 'crds')): CrdInfo[] {
  const out: CrdInfo[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const crd = doc.toJSON() as CrdDoc | null;
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      const schemas: Record<string, JsonObject> = {};
      const printerColumns: Record<string, PrinterColumn[]> = {};
      for (const v of crd.spec.versions) {
        if (v.schema?.openAPIV3Schema) schemas[v.name] = v.schema.openAPIV3Schema;
        printerColumns[v.name] = v.additionalPrinterColumns ?? [];
      }
      out.push({
        group: crd.spec.group,
        kind: crd.spec.names.kind,
        plural: crd.spec.names.plural,
        schemas,
        printerColumns,
      });
    }
  }
  return out;
}

/**
 * What each printer column's JSONPath selects in `obj` (by column name), before kubectl formats it;
 * undefined where it selects nothing (kubectl prints `<none>`). Only the simple `.a.b.c` paths the
 * CRDs here use are understood.
 */
export function printerRow(obj: JsonObject, columns: readonly PrinterColumn[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of columns) {
    if (!/^(\.[A-Za-z][A-Za-z0-9]*)+$/.test(c.jsonPath)) {
      throw new Error(`printerRow: JSONPath ${c.jsonPath} is more than a field path`);
    }
    let at: unknown = obj;
    for (const key of c.jsonPath.slice(1).split('.')) at = isObject(at) ? at[key] : undefined;
    row[c.name] = at;
  }
  return row;
}

export interface StructuralResult {
  value: unknown;
  /** Paths of fields the schema does not declare, which the API server drops. */
  pruned: string[];
  /** Why the API server would refuse the write (empty when it accepts it). */
  errors: string[];
}

/** Prunes and validates `value` against `schema`, as the API server does on a write. */
export function structural(value: unknown, schema: JsonObject | undefined, path: string): StructuralResult {
  const result: StructuralResult = { value: undefined, pruned: [], errors: [] };
  result.value = walk(value, schema, path, result);
  return result;
}

function walk(value: unknown, schema: JsonObject | undefined, path: string, r: StructuralResult): unknown {
  if (!schema) return value;
  typeCheck(value, schema, path, r);
  if (Array.isArray(value)) {
    const items = isObject(schema['items']) ? schema['items'] : undefined;
    return value.map((v, i) => walk(v, items, `${path}[${i}]`, r));
  }
  if (!isObject(value)) return value;
  for (const req of (schema['required'] as string[] | undefined) ?? []) {
    if (value[req] === undefined) r.errors.push(`${path}.${req}: Required value`);
  }
  if (schema['x-kubernetes-preserve-unknown-fields'] === true && !isObject(schema['properties']))
    return value;
  const props = isObject(schema['properties']) ? (schema['properties'] as Record<string, JsonObject>) : {};
  const additional = isObject(schema['additionalProperties']) ? schema['additionalProperties'] : undefined;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = props[k] ?? additional;
    if (sub === undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
      r.pruned.push(`${path}.${k}`);
      continue;
    }
    out[k] = walk(v, sub, `${path}.${k}`, r);
  }
  return out;
}

function typeCheck(value: unknown, schema: JsonObject, path: string, r: StructuralResult): void {
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (!Number.isInteger(value) && typeof value !== 'string')
      r.errors.push(`${path}: must be int or string`);
    return;
  }
  const type = schema['type'];
  const ok =
    type === undefined ||
    (type === 'object' && isObject(value)) ||
    (type === 'array' && Array.isArray(value)) ||
    (type === 'string' && typeof value === 'string') ||
    (type === 'integer' && Number.isInteger(value)) ||
    (type === 'number' && typeof value === 'number') ||
    (type === 'boolean' && typeof value === 'boolean');
  if (!ok) r.errors.push(`${path}: Invalid value: must be of type ${JSON.stringify(type)}`);
  const allowed = schema['enum'];
  if (Array.isArray(allowed) && !allowed.includes(value)) {
    r.errors.push(
      `${path}: Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.join(', ')}`,
    );
  }
  if (schema['format'] === 'date-time' && typeof value === 'string' && Number.isNaN(Date.parse(value))) {
    r.errors.push(`${path}: must be a date-time`);
  }
}
