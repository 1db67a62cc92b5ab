/**
 * `npm run mutate` judges each module by Stryker's score (killed and timed-out mutants over every
 * mutant that could be detected; ignored ones, the documented equivalents, count for nothing) and fails
 * a module that is below its minimum or missing from the report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judge, scoreOf } from '../../../scripts/mutate';

const mutants = (statuses: Record<string, number>) =>
  Object.entries(statuses).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })));

describe('scoreOf', () => {
  it('counts killed and timed-out mutants as detected, survivors and uncovered ones as not', () => {
    const s = scoreOf(
      mutants({ Killed: 6, Timeout: 1, Survived: 2, NoCoverage: 1, Ignored: 5, CompileError: 3 }),
    );
    expect(s).toEqual({ killed: 6, timeout: 1, survived: 2, noCoverage: 1, ignored: 5, other: 3, score: 70 });
  });
  it('rounds down, so a minimum is never met by rounding', () => {
    expect(scoreOf(mutants({ Killed: 2, Survived: 1 })).score).toBe(66.66);
  });
  it('scores a module without valid mutants 100', () => {
    expect(scoreOf(mutants({ Ignored: 2 })).score).toBe(100);
  });
});

describe('judge', () => {
  const report = { files: { 'hooks/a.ts': { mutants: mutants({ Killed: 9, Survived: 1 }) } } };
  it('passes a module at its minimum and fails one below it', () => {
    expect(judge(report, { 'hooks/a.ts': 90 }).map((r) => r.ok)).toEqual([true]);
    expect(judge(report, { 'hooks/a.ts': 90.01 }).map((r) => r.ok)).toEqual([false]);
  });
  it('fails a module the report does not have', () => {
    expect(judge(report, { 'hooks/b.ts': 0 })).toEqual([
      { module: 'hooks/b.ts', score: undefined, minimum: 0, ok: false },
    ]);
  });
});

describe('the committed lists', () => {
  const ROOT = join(__dirname, '..', '..', '..');
  const read = (f: string) =>
    JSON.parse(readFileSync(join(ROOT, 'test', f), 'utf8')) as Record<string, unknown>;
  const minimums = read('mutation-minimums.json') as Record<string, number>;
  const tests = read('mutation-tests.json') as Record<string, string[]>;

  it('name the same modules, each an existing file with at least one existing test file', () => {
    expect(Object.keys(tests).sort()).toEqual(Object.keys(minimums).sort());
    for (const [module, files] of Object.entries(tests)) {
      expect([module, existsSync(join(ROOT, module))]).toEqual([module, true]);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect([f, existsSync(join(ROOT, f))]).toEqual([f, true]);
    }
  });

  it('hold every module to at least 90 %', () => {
    expect(Object.entries(minimums).filter(([, min]) => min < 90)).toEqual([]);
  });
});
