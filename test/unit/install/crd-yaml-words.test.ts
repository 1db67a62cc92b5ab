/**
 * Every field name and every enum value of pgmeta's CRDs can be written unquoted: kubectl reads YAML
 * 1.1 (hooks/lib/kubectl-yaml.ts), where a plain `on`, `off`, `yes`, `no`, `y` or `n` is a boolean,
 * as a key and as a value. A field named `on` arrives as the key "true" and is pruned; an enum value
 * `off` arrives as false and is refused. So no name or enum value may be such a word. (Numbers are another matter, the same in YAML 1.2:
 * `version: 16` is refused as not a string by any reader.)
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readKubectlYaml } from '../../../hooks/lib/kubectl-yaml.js';
import { ROOT } from '../../support/documented-yaml.js';

type Schema = Record<string, unknown>;
const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field name or enum value, where it sits in the schema. */
interface Word {
  path: string;
  kind: 'field' | 'enum value';
  word: string;
}

/** Sub-schemas of a schema node, with the path segment each adds. */
function children(node: Schema): [string, Schema][] {
  const out: [string, Schema][] = [];
  if (isObj(node['properties'])) {
    for (const [k, v] of Object.entries(node['properties'])) if (isObj(v)) out.push([`.${k}`, v]);
  }
  if (isObj(node['items'])) out.push(['[]', node['items']]);
  if (isObj(node['additionalProperties'])) out.push(['[*]', node['additionalProperties']]);
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = node[key];
    if (Array.isArray(list)) list.filter(isObj).forEach((s, i) => out.push([`<${key}${i}>`, s]));
  }
  if (isObj(node['not'])) out.push(['<not>', node['not']]);
  return out;
}

/** Every field name and string enum value of a schema, nested, with its path. */
export function schemaWords(node: Schema, path = ''): Word[] {
  const own: Word[] = Object.keys(isObj(node['properties']) ? node['properties'] : {}).map((k) => ({
    path: `${path}.${k}`,
    kind: 'field',
    word: k,
  }));
  const values = Array.isArray(node['enum']) ? node['enum'] : [];
  for (const v of values) if (typeof v === 'string') own.push({ path, kind: 'enum value', word: v });
  return [...own, ...children(node).flatMap(([seg, s]) => schemaWords(s, `${path}${seg}`))];
}

/** What kubectl sends for `word` written unquoted as a key and as a value. */
function kubectlReads(word: string): { key: string[]; value: unknown } {
  const asKey = readKubectlYaml(`${word}: x\n`).documents[0];
  const asValue = readKubectlYaml(`x: ${word}\n`).documents[0] as Schema | undefined;
  return { key: isObj(asKey) ? Object.keys(asKey) : [], value: asValue?.['x'] };
}

/** A word that kubectl reads as a boolean when written unquoted: what it sends instead. */
function misread(w: Word): string | undefined {
  const read = kubectlReads(w.word);
  if (w.kind === 'field') {
    const key = read.key[0];
    const ok = read.key.length === 1 && (key === w.word || (key !== 'true' && key !== 'false'));
    return ok ? undefined : `${w.path}: field "${w.word}" reaches the API server as ${JSON.stringify(key)}`;
  }
  if (typeof read.value !== 'boolean') return undefined;
  return `${w.path}: enum value "${w.word}" reaches the API server as ${String(read.value)}`;
}

/**
 * Enum values Kubernetes defines, not pgmeta: a condition's status is True, False or Unknown
 * (metav1.Condition in k8s.io/apimachinery pkg/apis/meta/v1/types.go). The hooks write it as JSON;
 * nobody types it in YAML.
 */
const KUBERNETES_WORDS = new Set(['v1alpha1:.status.conditions[].status']);

const CRDS = ['postgresclusters', 'postgresdatabases', 'postgresbackups', 'postgresrestoredrills'];

function crdWords(name: string): Word[] {
  const text = readFileSync(join(ROOT, 'crds', `${name}.yaml`), 'utf8');
  const crd = readKubectlYaml(text).documents[0] as Schema;
  const versions = (crd['spec'] as { versions: Schema[] }).versions;
  return versions.flatMap((v) => {
    const schema = (v['schema'] as { openAPIV3Schema: Schema }).openAPIV3Schema;
    return schemaWords(schema, `${String(v['name'])}:`);
  });
}

describe('CRD field names and enum values, written unquoted', () => {
  it.each(CRDS)('%s: none is a word YAML 1.1 reads as a boolean', (name) => {
    const words = crdWords(name);
    expect(words.length).toBeGreaterThan(20);
    const ours = words.filter((w) => !KUBERNETES_WORDS.has(w.path));
    expect(ours.map(misread).filter((m) => m !== undefined)).toEqual([]);
  });
});

describe('schemaWords', () => {
  const schema = {
    type: 'object',
    properties: {
      grants: {
        type: 'array',
        items: { type: 'object', properties: { on: { type: 'string', enum: ['database', 'off'] } } },
      },
      params: { type: 'object', additionalProperties: { anyOf: [{ enum: ['yes'] }] } },
    },
  };

  it('finds names and enum values at any depth, through items, maps and anyOf', () => {
    expect(schemaWords(schema).map((w) => `${w.path} ${w.kind} ${w.word}`)).toEqual([
      '.grants field grants',
      '.params field params',
      '.grants[].on field on',
      '.grants[].on enum value database',
      '.grants[].on enum value off',
      '.params[*]<anyOf0> enum value yes',
    ]);
  });

  it('reports the words YAML 1.1 misreads, with what kubectl sends', () => {
    expect(
      schemaWords(schema)
        .map(misread)
        .filter((m) => m !== undefined),
    ).toEqual([
      '.grants[].on: field "on" reaches the API server as "true"',
      '.grants[].on: enum value "off" reaches the API server as false',
      '.params[*]<anyOf0>: enum value "yes" reaches the API server as true',
    ]);
  });
});
