// @ts-check
/**
 * Mutation testing of the modules that decide what is deleted, refused or quoted (`npm run mutate`;
 * scripts/mutate.ts runs Stryker once per module and checks each score against its minimum in
 * test/mutation-minimums.json). Not part of `npm test`: it reruns the covering tests once per mutant.
 *
 * One module per run (`MUTATE_MODULE`, set by scripts/mutate.ts), tested only by the test files
 * test/mutation-tests.json names for it. Stryker's jest runner otherwise loads every test file of the
 * roots for every mutant and only filters the tests by name (findRelatedTests does not help: nearly
 * every test reaches these modules through the sync), which measured about 30 s per mutant on two
 * cores, days for a whole run. Without `MUTATE_MODULE` every module is mutated against the union of
 * the listed tests.
 */
import { readFileSync } from 'node:fs';

const read = (/** @type {string} */ path) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));

/** @type {Record<string, string[]>} module -> the test files that exercise it */
const TESTS = read('./test/mutation-tests.json');
const MODULE = process.env['MUTATE_MODULE'];
if (MODULE !== undefined && TESTS[MODULE] === undefined) {
  throw new Error(`MUTATE_MODULE=${MODULE} is not a key of test/mutation-tests.json`);
}
const modules = MODULE === undefined ? Object.keys(TESTS) : [MODULE];
const testFiles = [...new Set(modules.flatMap((m) => TESTS[m] ?? []))];
const slug = MODULE === undefined ? 'all' : MODULE.replace(/[/.]/g, '_');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    configFile: 'jest.config.js',
    config: {
      roots: ['<rootDir>/test'],
      testMatch: testFiles.map((f) => `<rootDir>/${f}`),
    },
    // The test files are chosen above; findRelatedTests would add every file that imports the sync.
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  // Static mutants change values computed while a module loads (rule texts, reserved-name lists,
  // regular expressions): no per-test coverage can select tests for them, so each would rerun every
  // test of the module. They are reported as ignored; the tables they feed are checked by name in
  // the unit tests.
  ignoreStatic: true,
  mutate: modules,
  reporters: ['json', 'progress-append-only'],
  jsonReporter: { fileName: `.tmp/mutation/${slug}.json` },
  tempDirName: `.tmp/stryker/${slug}`,
  // Not copied into the sandbox: other modules' sandboxes and reports (runs may overlap), builds.
  ignorePatterns: ['/.tmp', '/dist', '/coverage'],
  // The machine is shared: one test process. A mutant that loops is cut off after twice the time its
  // tests took unmutated plus 5 s, and counts as detected (Stryker's Timeout).
  concurrency: 1,
  timeoutMS: 5000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 10,
};
