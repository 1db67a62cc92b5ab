// @ts-check
/**
 * Mutation testing of the modules that decide what is deleted, refused or quoted (`npm run mutate`;
 * scripts/mutate.ts runs it and checks each module's score against its minimum in
 * test/mutation-minimums.json). Not part of
 * `npm test`: it reruns the covering tests once per mutant.
 */
import { readFileSync } from 'node:fs';

/** The mutated modules are the keys of the committed minimums: one list, checked by the script. */
const MUTATED = Object.keys(
  JSON.parse(readFileSync(new URL('./test/mutation-minimums.json', import.meta.url), 'utf8')),
);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    configFile: 'jest.config.js',
    // The fast, in-process suites only. Real servers, the lifecycle emulator and tests that spawn
    // processes (kustomize, tsx generators, bash scripts) take minutes per run, need paths a sandbox
    // copy does not have, and exercise none of the mutated modules.
    config: {
      roots: ['<rootDir>/test/unit', '<rootDir>/test/property', '<rootDir>/test/golden'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '\\.realpg\\.test\\.ts$',
        '/test/unit/install/',
        '/test/unit/monitoring/',
        'drift\\.test\\.ts$',
        'spec/crd\\.test\\.ts$',
        'kubectl-yaml\\.test\\.ts$',
        'restart-plan-twin\\.test\\.ts$',
        '/day2/.*script',
        // Reads the embedded PostgreSQL binaries, which the sandbox copy links differently.
        'spilo/preload\\.test\\.ts$',
      ],
    },
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  // Static mutants change values computed while a module loads (rule texts, reserved-name lists,
  // regular expressions): no per-test coverage can select tests for them, so each would rerun the
  // whole suite (Stryker measured 58 % of the mutants taking 97 % of the time). They are reported as
  // ignored; the tables they feed are checked by name in the unit tests.
  ignoreStatic: true,
  mutate: MUTATED,
  reporters: ['json', 'clear-text'],
  jsonReporter: { fileName: '.tmp/stryker-report.json' },
  tempDirName: '.tmp/stryker',
  concurrency: 2,
  timeoutMS: 60000,
  dryRunTimeoutMinutes: 30,
};
