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
  const run = spawnSync(process.execPath, [SCRIPT], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
    // kubernetes-models declares Node >= 22; on Node 20 it works but npm's engine warning is noise.
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
