/**
 * Golden files in YAML: `UPDATE_GOLDEN=1` (re)writes them, otherwise the actual value must equal
 * the parsed file. YAML because reviewers read the diffs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { parse, stringify } from 'yaml';

export function expectGolden(file: string, actual: unknown): void {
  const plain: unknown = JSON.parse(JSON.stringify(actual));
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, stringify(plain, { lineWidth: 0, aliasDuplicateObjects: false }));
    return;
  }
  if (!existsSync(file)) {
    throw new Error(
      `golden file ${relative(process.cwd(), file)} is missing: run UPDATE_GOLDEN=1 npx jest <test> and review it`,
    );
  }
  expect(plain).toEqual(parse(readFileSync(file, 'utf8')));
}
