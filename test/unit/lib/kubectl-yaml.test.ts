/**
 * readKubectlYaml reads YAML as kubectl does: go-yaml v2's scalar resolution (go.yaml.in/yaml/v2
 * resolve.go `resolve`; decode.go keeps timestamps as text for interface{}) and sigs.k8s.io/yaml's
 * string keys (yaml.go `convertToJSONableObject`). Where kubectl is installed, the same texts go
 * through `kubectl annotate --local -o json` (no cluster needed) and must come out identical.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { booleanKeyHint, booleanValueHint, readKubectlYaml } from '../../../hooks/lib/kubectl-yaml.js';
import { markdownYamlBlocks, ROOT } from '../../support/documented-yaml.js';

const one = (text: string): unknown => {
  const read = readKubectlYaml(text);
  expect(read.errors).toEqual([]);
  return read.documents[0];
};
const scalar = (text: string): unknown => (one(`v: ${text}\n`) as { v: unknown }).v;

describe('scalars, as go-yaml v2 resolves them', () => {
  it.each([
    // Booleans: three spellings each (lower, Capitalized, UPPER), not any case.
    ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((w) => [w, true]),
    ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((w) => [w, false]),
    ['oN', 'oN'],
    ['yES', 'yES'],
    ["'on'", 'on'],
    // Null.
    ['~', null],
    ['null', null],
    ['', null],
    // Integers: Go's ParseInt with base 0 after dropping `_`: a leading 0 is octal, 0o/0x/0b any case.
    ['0755', 493],
    ['0o755', 493],
    ['0O17', 15],
    ['0x1F', 31],
    ['0X1F', 31],
    ['0b101', 5],
    ['0B101', 5],
    ['-0b11', -3],
    ['1_000', 1000],
    ['+1', 1],
    ['08', 8],
    // Floats.
    ['1e3', 1000],
    ['.5', 0.5],
    ['1.', 1],
    ['0.9', 0.9],
    // Not numbers: sexagesimals (YAML 1.1 has them, go-yaml v2 does not).
    ['1:20', '1:20'],
    ['190:20:30', '190:20:30'],
    // Timestamps stay text.
    ['2026-11-21', '2026-11-21'],
    ['2026-11-21T10:05:12+00:00', '2026-11-21T10:05:12+00:00'],
    ['2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
  ] as [string, unknown][])('%s -> %p', (text, expected) => {
    expect(scalar(text)).toEqual(expected);
  });
});

describe('documents', () => {
  it('makes every key a string: booleans and numbers as their JSON text', () => {
    expect(one('on: 1\nno: 2\n0755: 3\n1.5: 4\n')).toEqual({ true: 1, false: 2, '493': 3, '1.5': 4 });
  });

  it('keeps the last of repeated keys, as YAMLToJSON does', () => {
    expect(one('a: 1\na: 2\non: 3\ny: 4\n')).toEqual({ a: 2, true: 4 });
  });

  it('resolves << merge keys', () => {
    expect(one('base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n')).toEqual({
      base: { x: 1, true: 2 },
      m: { x: 1, true: 3 },
    });
  });

  it('drops empty documents and reads every other one', () => {
    const read = readKubectlYaml('---\na: on\n---\n# nothing\n---\nb: off\n...\n');
    expect(read).toEqual({ documents: [{ a: true }, { b: false }], errors: [] });
  });

  it('refuses .inf and .nan, which JSON cannot carry', () => {
    expect(readKubectlYaml('a: .inf\nb: [1, .NaN]\n').errors).toEqual([
      '/a: .inf and .nan cannot be sent as JSON',
      '/b/1: .inf and .nan cannot be sent as JSON',
    ]);
  });

  it('reports syntax errors and unknown aliases instead of throwing', () => {
    expect(readKubectlYaml('a: [1\n').errors.length).toBeGreaterThan(0);
    expect(readKubectlYaml('a: *nowhere\n')).toEqual({ documents: [], errors: [expect.any(String)] });
  });

  it('refuses alias expansion beyond its bound (a "billion laughs" file)', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      laughs.push(
        `${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10)
          .fill(`*${'abcdefgh'[i - 1]}`)
          .join(', ')}]`,
      );
    const read = readKubectlYaml(`${laughs.join('\n')}\n`);
    expect(read.documents).toEqual([]);
    expect(read.errors).toEqual([expect.stringMatching(/alias/i)]);
  });
});

describe('hints', () => {
  it('say what kubectl sent and how to fix it', () => {
    expect(booleanValueHint(false)).toBe(
      'kubectl sent the boolean false, which is how YAML 1.1 reads an unquoted n, no, false or off: ' +
        'quote the word to send it as a string',
    );
    expect(booleanKeyHint('true')).toContain('kubectl sent the key "true"');
    expect(booleanKeyHint('on')).toBeUndefined();
  });
});

// ---- against kubectl itself ------------------------------------------------------------------------

// No two keys here may stringify alike (\`1\` and \`1.0\` both become "1"): kubectl then keeps whichever
// its Go map yields last, which varies from run to run.
const TRICKY = `apiVersion: example.com/v1
kind: Thing
metadata: {name: tricky}
spec:
  values: [on, On, ON, oN, y, Y, yes, n, NO, off, true, False, ~, null, '', 0755, 0o755, 0O17, 0x1F,
    0X1F, 0B101, 0b101, 08, 1e3, 1_000, '1:20', 1:20, 190:20:30, 2001-12-14, 2026-11-20T09:00:00Z,
    2001-12-14t21:59:43.10-05:00, .5, 1., +1, -0b11, 0.1, 1.0, 1_0.5, 0_7, "on"]
  keys: {on: 1, y: 2, 1: 3, 0755: 5, no: 6}
  base: &b {x: 1, y: 2}
  merged:
    <<: *b
    z: 3
`;

/** What `kubectl annotate --local` prints for a file, less the annotation it was asked to add. */
function kubectlJson(text: string): unknown[] {
  const run = spawnSync('kubectl', ['annotate', '--local', '-f', '-', 'pgmeta-test=x', '-o', 'json'], {
    input: text,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.status !== 0) throw new Error(run.stderr);
  // One JSON object per document, each printed from a `{` to a `}` at the start of a line.
  return run.stdout
    .split(/(?<=^\})\n(?=\{)/m)
    .map((o) => parse(o, { version: '1.2', schema: 'json' }) as Record<string, { annotations?: object }>)
    .map((o) => {
      const { 'pgmeta-test': _added, ...annotations } = (o['metadata']!.annotations ?? {}) as Record<
        string,
        unknown
      >;
      const metadata = { ...o['metadata'], annotations };
      if (Object.keys(annotations).length === 0) delete (metadata as { annotations?: object }).annotations;
      return { ...o, metadata };
    });
}

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const examples = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => [`examples/${f}`, readFileSync(join(ROOT, 'examples', f), 'utf8')] as const);
const readmeObjects = markdownYamlBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'))
  .filter((b) => /^metadata:/m.test(b.text))
  .map((b) => [`README.md:${b.line}`, b.text] as const);

(kubectl ? describe : describe.skip)('the same as kubectl', () => {
  it.each([['tricky scalars', TRICKY] as const, ...examples, ...readmeObjects])('%s', (_name, text) => {
    const ours = readKubectlYaml(text);
    expect(ours.errors).toEqual([]);
    expect(ours.documents).toEqual(kubectlJson(text));
  });
});
