/**
 * Golden files: YAML documents that a test compares its output with in full. `UPDATE_GOLDEN=1`
 * (re)writes them instead, so a change of output is a reviewable diff of YAML files.
 *
 *   UPDATE_GOLDEN=1 npx jest test/golden
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { parse, stringify } from 'yaml';

/** Whether this run rewrites golden files. */
export function updatingGolden(): boolean {
  return process.env['UPDATE_GOLDEN'] === '1';
}

/** The value as JSON would carry it (no undefined, no functions), which is what a golden holds. */
function plain(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

/** Writes `value` as YAML (long strings as block scalars, nothing folded). */
export function writeYaml(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, stringify(plain(value), { lineWidth: 0, aliasDuplicateObjects: false }));
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
