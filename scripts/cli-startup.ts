/**
 * Startup time of the CLI as users run it: `kubectl pgmeta --help` (kubectl finds `kubectl-pgmeta`
 * on the PATH) and `kubectl pgmeta status orders` against a local API (the lifecycle emulator's store
 * served by test/support/kube-api, a settled three-member cluster). Prints the median and worst of
 * several runs of each, and the same without kubectl in front. Needs `npm run build` and kubectl.
 *
 *   npx tsx scripts/cli-startup.ts [runs]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HookServer } from '../test/lifecycle/lib/hook-server';
import { Scenario } from '../test/lifecycle/scenario';
import { KubeApiServer } from '../test/support/kube-api';

const ROOT = join(__dirname, '..');

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${String(code)}`));
      else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  });
}

async function measure(label: string, run: () => Promise<number>, runs: number): Promise<void> {
  await run(); // warm the file cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await run());
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  console.log(
    `${label.padEnd(40)} median ${median.toFixed(0)} ms, worst ${(times.at(-1) ?? 0).toFixed(0)} ms`,
  );
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 7);
  const hooks = new HookServer();
  await hooks.start();
  const s = new Scenario(hooks);
  await s.given.cluster({ version: '16', replicas: 3, storage: { size: '10Gi' } });
  const api = await KubeApiServer.start(s.store);
  const dir = mkdtempSync(join(tmpdir(), 'pgmeta-startup-'));
  mkdirSync(join(dir, 'bin'));
  symlinkSync(join(ROOT, 'bin', 'pgmeta.js'), join(dir, 'bin', 'kubectl-pgmeta'));
  const env = {
    PATH: `${join(dir, 'bin')}:${process.env['PATH'] ?? ''}`,
    HOME: dir,
    KUBECONFIG: api.writeKubeconfig(dir, { namespace: 'shop' }),
  };
  const bin = join(ROOT, 'bin', 'pgmeta.js');
  await measure('node bin/pgmeta.js --help', () => timed(process.execPath, [bin, '--help'], env), runs);
  await measure('kubectl pgmeta --help', () => timed('kubectl', ['pgmeta', '--help'], env), runs);
  await measure(
    'node bin/pgmeta.js status orders',
    () => timed(process.execPath, [bin, 'status', 'orders'], env),
    runs,
  );
  await measure(
    'kubectl pgmeta status orders',
    () => timed('kubectl', ['pgmeta', 'status', 'orders'], env),
    runs,
  );
  // Wall time depends on the machine's load; the CPU time the process used does much less.
  const cpu = await new Promise<string>((resolve) => {
    const child = spawn(
      '/usr/bin/time',
      ['-f', '%U s user, %S s system', process.execPath, bin, 'status', 'orders'],
      {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', () => {
      resolve(err.trim());
    });
  });
  console.log(`CPU time of node bin/pgmeta.js status orders: ${cpu}`);
  await api.stop();
  await hooks.stop();
}

void main();
