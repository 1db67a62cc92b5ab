/**
 * Running a day-2 Job's Python program the way the Job runs it, for scripts.test.ts: `python3 -c` with
 * the Job's environment and a service account token directory, against FakeCluster (fake-cluster.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How a script run ended: its exit code (null when killed) and its output. */
export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A service account directory with a token (the scripts read it before every Kubernetes call). */
export function serviceAccountDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgmeta-sa-'));
  writeFileSync(join(dir, 'token'), 'test-token');
  return dir;
}

/** Runs a Job's Python program as the Job would (`python3 -c`), with a hard time limit. */
export function runScript(
  script: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', script], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', POLL_SECONDS: '0.02', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
