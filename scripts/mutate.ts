/**
 * `npm run mutate`: StrykerJS over the safety-critical modules (the keys of
 * test/mutation-minimums.json), one Stryker run per module against the test files
 * test/mutation-tests.json names for it (stryker.config.mjs reads `MUTATE_MODULE`), then a per-module
 * table, the scores in `.tmp/mutation.json`, and a failure when a module scores below its committed
 * minimum.
 *
 * Score = detected / (detected + undetected), where detected is killed or timed out and undetected is
 * survived or not covered: the mutation-testing-report-schema's statuses, as Stryker's own score
 * counts them. Mutants that cannot change behaviour (equivalent) are excluded in the source with a
 * `// Stryker disable next-line <mutator>: <why>` comment and show as ignored.
 *
 *   npm run mutate                          # every module (README: how long it takes)
 *   npm run mutate -- hooks/a.ts hooks/b.ts # only these modules; the table shows the last report of the others
 *   npm run mutate -- --no-run              # only re-read the last reports
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
/** Stryker's JSON report of one module (stryker.config.mjs `jsonReporter`). */
const reportOf = (module: string): string =>
  join(ROOT, '.tmp', 'mutation', `${module.replace(/[/.]/g, '_')}.json`);
const SCORES = join(ROOT, '.tmp', 'mutation.json');
const MINIMUMS = join(ROOT, 'test', 'mutation-minimums.json');

interface Mutant {
  status: string;
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}
export interface Score {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  other: number;
  score: number;
}

/** One module's counts from its mutants' statuses. */
export function scoreOf(mutants: readonly Mutant[]): Score {
  const count = (s: string): number => mutants.filter((m) => m.status === s).length;
  const [killed, timeout, survived, noCoverage, ignored] = [
    count('Killed'),
    count('Timeout'),
    count('Survived'),
    count('NoCoverage'),
    count('Ignored'),
  ];
  const other = mutants.length - killed - timeout - survived - noCoverage - ignored;
  const valid = killed + timeout + survived + noCoverage;
  const score = valid === 0 ? 100 : Math.floor((10_000 * (killed + timeout)) / valid) / 100;
  return { killed, timeout, survived, noCoverage, ignored, other, score };
}

/** Per module, the score and whether it meets its minimum; a module missing from the report fails. */
export function judge(
  report: Report,
  minimums: Readonly<Record<string, number>>,
): { module: string; score: Score | undefined; minimum: number; ok: boolean }[] {
  return Object.keys(minimums).map((module) => {
    const file = Object.entries(report.files).find(([path]) => path.endsWith(module))?.[1];
    const score = file === undefined ? undefined : scoreOf(file.mutants);
    const minimum = minimums[module] ?? 100;
    return { module, score, minimum, ok: score !== undefined && score.score >= minimum };
  });
}

function table(rows: ReturnType<typeof judge>): string {
  const head =
    'module                                      score  min  killed timeout survived nocov ignored';
  const lines = rows.map(({ module, score: s, minimum, ok }) => {
    const cells = s
      ? [s.score.toFixed(2), String(minimum), s.killed, s.timeout, s.survived, s.noCoverage, s.ignored]
      : ['-', String(minimum), '-', '-', '-', '-', '-'];
    return `${module.padEnd(42)} ${cells.map((c) => String(c).padStart(6)).join(' ')} ${ok ? 'ok' : 'BELOW'}`;
  });
  return [head, ...lines].join('\n');
}

/** Each module's last report merged into one, so judge() sees every module that has one. */
function readReports(modules: readonly string[]): Report {
  const files: Report['files'] = {};
  for (const module of modules) {
    const path = reportOf(module);
    if (!existsSync(path)) continue;
    Object.assign(files, (JSON.parse(readFileSync(path, 'utf8')) as Report).files);
  }
  return { files };
}

function runStryker(module: string): void {
  const started = Date.now();
  process.stdout.write(`\n== ${module}\n`);
  const run = spawnSync('npx', ['stryker', 'run'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, MUTATE_MODULE: module },
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  process.stdout.write(`== ${module}: ${Math.round((Date.now() - started) / 1000)} s\n`);
}

function main(): void {
  const minimums = JSON.parse(readFileSync(MINIMUMS, 'utf8')) as Record<string, number>;
  const args = process.argv.slice(2);
  const chosen = args.filter((a) => !a.startsWith('--'));
  const unknown = chosen.filter((m) => minimums[m] === undefined);
  if (unknown.length > 0) {
    process.stderr.write(`not a mutated module (test/mutation-minimums.json): ${unknown.join(', ')}\n`);
    process.exit(2);
  }
  if (!args.includes('--no-run')) {
    const started = Date.now();
    for (const module of chosen.length > 0 ? chosen : Object.keys(minimums)) runStryker(module);
    process.stdout.write(`\nmutation testing took ${Math.round((Date.now() - started) / 60_000)} min\n`);
  }
  const rows = judge(readReports(Object.keys(minimums)), minimums);
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  writeFileSync(
    SCORES,
    `${JSON.stringify(Object.fromEntries(rows.map((r) => [r.module, r.score])), null, 2)}\n`,
  );
  process.stdout.write(`${table(rows)}\n`);
  const below = rows.filter((r) => !r.ok);
  if (below.length > 0) {
    process.stderr.write(`mutation score below the minimum: ${below.map((r) => r.module).join(', ')}\n`);
    process.exit(1);
  }
}

if (require.main === module) main();
