/**
 * The CLI as users run it (a `node` process over the built dist/, so @kubernetes/client-node, an ESM
 * package jest cannot load, runs for real) against a lifecycle scenario whose store is served over
 * HTTP as the Kubernetes API (test/support/kube-api). While a command runs, the scenario keeps
 * stepping, so `--wait` sees the hooks, Metacontroller and the simulated cluster move.
 */
import { spawn, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Scenario } from '../lifecycle/scenario';
import { KubeApiServer, type ExecHandler } from '../support/kube-api';

export const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'hooks', 'cli.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than hooks/. */
export function ensureBuilt(): void {
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestSource(join(ROOT, 'hooks'))) return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class CliRig {
  readonly s: Scenario;
  readonly api: KubeApiServer;
  readonly kubeconfig: string;
  readonly dir: string;

  private constructor(s: Scenario, api: KubeApiServer) {
    this.s = s;
    this.api = api;
    this.dir = mkdtempSync(join(tmpdir(), 'pgmeta-cli-'));
    this.kubeconfig = api.writeKubeconfig(this.dir, { namespace: s.namespace });
  }

  static async start(s: Scenario, o: { exec?: ExecHandler } = {}): Promise<CliRig> {
    return new CliRig(
      s,
      await KubeApiServer.start(s.store, { actor: 'kubectl-pgmeta', ...(o.exec ? { exec: o.exec } : {}) }),
    );
  }

  async stop(): Promise<void> {
    await this.api.stop();
  }

  /** Starts the CLI; resolves when it exits. */
  spawn(args: readonly string[], o: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: this.dir, KUBECONFIG: this.kubeconfig, ...o.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(o.input ?? '');
    return new Promise((resolve) =>
      child.on('close', (code) => {
        resolve({ code, stdout, stderr });
      }),
    );
  }

  /** Runs the CLI while the scenario keeps stepping (one tick every `everyMs` of real time). */
  async run(
    args: readonly string[],
    o: { input?: string; env?: Record<string, string>; step?: boolean; everyMs?: number } = {},
  ): Promise<Run> {
    const state = { done: false };
    const p = this.spawn(args, o).finally(() => {
      state.done = true;
    });
    while (!state.done && o.step !== false) {
      await new Promise((r) => setTimeout(r, o.everyMs ?? 40));
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the child's exit meanwhile
      if (!state.done) await this.s.step();
    }
    return p;
  }
}

/** Compares with a golden text file; `UPDATE_GOLDEN=1` rewrites it. */
export function expectGolden(name: string, actual: string): void {
  const file = join(__dirname, 'goldens', name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden ${name} is missing: run with UPDATE_GOLDEN=1 and review it`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
