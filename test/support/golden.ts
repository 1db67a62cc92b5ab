/**
 * Golden files: YAML documents that a test compares its output with in full. `UPDATE_GOLDEN=1`
 * (re)writes them instead, so a change of output is a reviewable diff of YAML files.
 *
 *   UPDATE_GOLDEN=1 npx jest test/golden
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { BOTH_READINGS } from '../../hooks/lib/kubectl-yaml';

/** Whether this run rewrites golden files. */
export function updatingGolden(): boolean {
  return process.env['UPDATE_GOLDEN'] === '1';
}

/** The value as JSON would carry it (no undefined, no functions), which is what a golden holds. */
function plain(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

/**
 * Writes `value` as YAML (long strings as block scalars, nothing folded), quoting every string that
 * kubectl's YAML 1.1 would read as something else: a request golden stands for what the API server
 * stores, and reads the same whichever way it is read (test/unit/install/yaml-readings.test.ts).
 */
export function writeYaml(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const options = { lineWidth: 0, aliasDuplicateObjects: false, ...BOTH_READINGS };
  writeFileSync(file, stringify(plain(value), options));
}

/** Reads a YAML file; fails with how to create it when it is missing. */
export function readGolden(file: string): unknown {
  if (!existsSync(file)) {
    throw new Error(
      `golden file ${relative(process.cwd(), file)} does not exist: run the test with UPDATE_GOLDEN=1 to create it, then review it`,
    );
  }
  return parse(readFileSync(file, 'utf8')) as unknown;
}

/** Compares `actual` with the golden `file`, or rewrites the file when UPDATE_GOLDEN=1. */
export function expectGolden(file: string, actual: unknown): void {
  if (updatingGolden()) {
    writeYaml(file, actual);
    return;
  }
  expect(plain(actual)).toEqual(readGolden(file));
}

/** A suite of golden cases: each a folder of the suite's own with request.yaml and response.yaml. */
export interface GoldenSuite<C> {
  /** The suite's folder (the test file's `__dirname`). */
  dir: string;
  /** Each case's scenario, by case (and folder) name. */
  cases: Readonly<Record<string, () => C>>;
  /** The hook request a scenario becomes; the scenario itself when it already is one. */
  request?: (scenario: C) => unknown;
  /** What the hook answers to a recorded request. */
  answer: (body: unknown, name: string) => unknown;
}

/**
 * Two tests per case: the hook's answer to the recorded request.yaml is exactly response.yaml, and
 * request.yaml is still what the case builds (fixtures have not drifted). With UPDATE_GOLDEN=1 both
 * files are written anew.
 */
export function describeGoldens<C>({ dir, cases, request, answer }: GoldenSuite<C>): void {
  const build = (name: string): unknown => {
    const scenario = cases[name]!();
    return request ? request(scenario) : scenario;
  };
  describe.each(Object.keys(cases))('golden %s', (name) => {
    const file = (f: string): string => join(dir, name, f);

    it('answers exactly the recorded response', () => {
      if (updatingGolden()) expectGolden(file('request.yaml'), build(name));
      expectGolden(file('response.yaml'), answer(readGolden(file('request.yaml')), name));
    });

    it('the recorded request is what the case builds (fixtures have not drifted)', () => {
      expect(readGolden(file('request.yaml'))).toEqual(JSON.parse(JSON.stringify(build(name))));
    });
  });
}
