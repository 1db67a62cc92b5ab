/**
 * Runs `validate-crds.mjs` (the @kubernetes-models packages of cert-manager, KEDA and the Prometheus
 * Operator; ESM only) in its own node process and returns its report.
 */
import { join } from 'node:path';
import { runModelScript, type ValidationRun } from './run-validate';

const SCRIPT = join(__dirname, 'validate-crds.mjs');

/** Validates custom resources of the optional integrations against their upstream schemas. */
export function validateCustomObjects(objects: readonly unknown[]): ValidationRun {
  return runModelScript(SCRIPT, JSON.stringify(objects));
}
