/**
 * Runs `validate-crds.mjs` (the @kubernetes-models packages of cert-manager, KEDA and the Prometheus
 * Operator; ESM only) in its own node process and returns its report.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { ValidationRun } from './run-validate';

const SCRIPT = join(__dirname, 'validate-crds.mjs');

/** Validates custom resources of the optional integrations against their upstream schemas. */
export function validateCustomObjects(objects: readonly unknown[]): ValidationRun {
  const run = spawnSync(process.execPath, [SCRIPT], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    timeout: 60_000,
    // The packages declare Node >= 22; on Node 20 they work but the engine warning is noise.
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  if (run.error) throw run.error;
  const report = run.stdout.trim() === '' ? [] : (JSON.parse(run.stdout) as ValidationRun['report']);
  return { report, exitCode: run.status, stderr: run.stderr };
}
