/**
 * Runs `validate.mjs` (kubernetes-models, ESM only) in its own node process and returns its report.
 * jest runs CommonJS, which cannot load kubernetes-models, so the check crosses a process boundary.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface ValidationResult {
  kind: string;
  name: string;
  ok: boolean;
  errors: string[];
}

export interface ValidationRun {
  report: ValidationResult[];
  exitCode: number | null;
  stderr: string;
}

const SCRIPT = join(__dirname, 'validate.mjs');

/** Validates `objects` against the upstream Kubernetes schemas; one report entry per object. */
export function validateObjects(objects: readonly unknown[]): ValidationRun {
  return runValidator(JSON.stringify(objects));
}

/** Runs the script with `input` as its standard input (JSON, or anything to test its errors). */
export function runValidator(input: string): ValidationRun {
  return runModelScript(SCRIPT, input);
}

/** Runs a model-validator script (validate.mjs, validate-crds.mjs) on `input` in its own node process. */
export function runModelScript(script: string, input: string): ValidationRun {
  const run = spawnSync(process.execPath, [script], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
    // The kubernetes-models packages declare Node >= 22; on Node 20 they work but the warning is noise.
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  if (run.error) throw run.error;
  const report = run.stdout.trim() === '' ? [] : (JSON.parse(run.stdout) as ValidationResult[]);
  return { report, exitCode: run.status, stderr: run.stderr };
}

/** `Kind/name: error; error` for every invalid entry, so a failing assertion names the culprit. */
export function invalidEntries(report: readonly ValidationResult[]): string[] {
  return report.filter((r) => !r.ok).map((r) => `${r.kind}/${r.name}: ${r.errors.join('; ')}`);
}
