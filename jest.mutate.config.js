/**
 * The jest configuration `npm run mutate` gives StrykerJS: the fast, in-process suites only (unit,
 * property, golden). Real servers, the lifecycle emulator and tests that spawn processes (kustomize,
 * tsx generators, bash scripts) take minutes per run, need paths a sandbox copy does not have, and
 * exercise no module that is mutated.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
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
  ],
};
