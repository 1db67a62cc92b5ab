/**
 * YAML as kubectl reads it. `kubectl apply -f` turns each YAML document into JSON
 * (k8s.io/apimachinery pkg/util/yaml `ToJSON`) with sigs.k8s.io/yaml `YAMLToJSON`, which decodes
 * with go-yaml v2 (go.yaml.in/yaml/v2, `resolve` in resolve.go) and then makes every map key a
 * string (`convertToJSONableObject` in yaml.go). That is YAML 1.1, not the YAML 1.2 the `yaml`
 * package reads by default (checked against kubectl 1.32 in test/unit/lib/kubectl-yaml.test.ts):
 *
 * - an unquoted y, yes, true, on (and n, no, false, off), in lower, Capitalized or UPPER case, is a
 *   boolean, as a value and as a key (a key becomes "true" or "false");
 * - `0755` is octal (493), and so is `0o755`; `0X1F` and `0B101` are numbers too (Go's ParseInt with
 *   base 0, after dropping `_`);
 * - sexagesimal numbers (`1:20`) are strings: go-yaml v2 leaves them out on purpose;
 * - timestamps stay strings: decoded into an interface{}, go-yaml v2 keeps a timestamp's text
 *   (decode.go `scalar`), so `2026-11-21` reaches the API server as "2026-11-21";
 * - `<<` merge keys are resolved; a repeated key keeps its last value;
 * - `.inf` and `.nan` cannot be written as JSON, so kubectl refuses the file.
 *
 * `pgmeta validate`/`render` read files with this, so that they check what kubectl would send, and
 * write YAML that kubectl reads back unchanged.
 */
import {
  Document,
  parseAllDocuments,
  type ParseOptions,
  type DocumentOptions,
  type SchemaOptions,
} from 'yaml';
import type { ScalarTag, Tags } from 'yaml';

const INT = 'tag:yaml.org,2002:int';

/** An integer spelled with a prefix the yaml package's YAML 1.1 schema leaves to strings. */
function prefixedInt(test: RegExp, radix: number): ScalarTag {
  return {
    identify: (v) => typeof v === 'number' && Number.isInteger(v),
    default: true,
    tag: INT,
    test,
    resolve: (text) => {
      const negative = text.startsWith('-');
      const digits = text.replace(/^[-+]/, '').slice(2).replaceAll('_', '');
      const n = parseInt(digits, radix);
      return negative ? -n : n;
    },
  };
}

/** The YAML 1.1 tags, less timestamps and sexagesimal numbers, plus Go's other integer prefixes. */
function kubectlTags(tags: Tags): Tags {
  const kept = tags.filter((t) => {
    const { tag, format } = t as { tag: string; format?: string };
    return tag !== 'tag:yaml.org,2002:timestamp' && format !== 'TIME';
  });
  return [
    ...kept,
    prefixedInt(/^[-+]?0[oO][0-7_]+$/, 8),
    prefixedInt(/^[-+]?0X[0-9a-fA-F_]+$/, 16),
    prefixedInt(/^[-+]?0B[01_]+$/, 2),
  ];
}

/** Options of the `yaml` package that read (and, as `compat`, write) YAML the way kubectl does. */
export const KUBECTL_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: kubectlTags,
  merge: true,
  // go-yaml v2 keeps the last of repeated keys: YAMLToJSON sends that one.
  uniqueKeys: false,
};

/**
 * Options for writing YAML (`stringify`) that kubectl and a YAML 1.2 reader both read back as it was
 * written: a string either of them would take for something else (on, no, 0755, 0X1F) is quoted.
 */
export const BOTH_READINGS: SchemaOptions = { compat: new Document(null, KUBECTL_YAML).schema.tags };

/** The documents of a file, as kubectl sends them (empty documents dropped), or why it cannot. */
export interface KubectlYaml {
  documents: unknown[];
  errors: string[];
}

/** Every number in `value` that JSON cannot hold (NaN, infinities), by JSON-pointer-ish path. */
function nonFinite(value: unknown, path: string): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path || '/'];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => nonFinite(v, `${path}/${k}`));
}

/** The document's value, or undefined (and why) when it cannot be built, e.g. too many aliases. */
function jsValue(doc: Document.Parsed, errors: string[]): unknown {
  try {
    return doc.toJS() as unknown;
  } catch (e) {
    errors.push(e instanceof Error ? e.message : String(e));
    return undefined;
  }
}

/** Reads every document of `text` the way `kubectl apply -f` does. */
export function readKubectlYaml(text: string): KubectlYaml {
  const documents: unknown[] = [];
  const errors: string[] = [];
  for (const doc of parseAllDocuments(text, KUBECTL_YAML)) {
    errors.push(...doc.errors.map((e) => e.message));
    if (doc.errors.length > 0) continue;
    const value = jsValue(doc, errors);
    if (value === null || value === undefined) continue;
    errors.push(...nonFinite(value, '').map((p) => `${p}: .inf and .nan cannot be sent as JSON`));
    documents.push(value);
  }
  return { documents, errors };
}

/** The unquoted YAML 1.1 words kubectl reads as `value`. */
export function booleanWords(value: boolean): string {
  return value ? 'y, yes, true or on' : 'n, no, false or off';
}

/**
 * Why a boolean arrived where a string (or number) was expected, and the fix: a user wrote an
 * unquoted word that YAML 1.1 reads as a boolean.
 */
export function booleanValueHint(value: boolean): string {
  return (
    `kubectl sent the boolean ${value}, which is how YAML 1.1 reads an unquoted ${booleanWords(value)}: ` +
    'quote the word to send it as a string'
  );
}

/** Why a key "true" or "false" arrived where the user wrote another word, and the fix. */
export function booleanKeyHint(key: string): string | undefined {
  if (key !== 'true' && key !== 'false') return undefined;
  return (
    `kubectl sent the key "${key}", which is how YAML 1.1 reads an unquoted ${booleanWords(key === 'true')}` +
    ` as a key: quote the key if you meant one of those words`
  );
}
