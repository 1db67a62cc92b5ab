/** `npx pgmeta` as users run it: the bin script over the built CLI, offline. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'hooks', 'cli.js')))
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT });
}, 120_000);

it('validates and renders an example through bin/pgmeta.js', () => {
  const validate = spawnSync(
    process.execPath,
    ['bin/pgmeta.js', 'validate', '-f', 'examples/cluster-ha.yaml'],
    { cwd: ROOT },
  );
  expect(validate.status).toBe(0);
  expect(validate.stdout.toString()).toMatch(/valid/);
  const render = spawnSync(process.execPath, ['bin/pgmeta.js', 'render', '-f', 'examples/cluster-ha.yaml'], {
    cwd: ROOT,
  });
  expect(render.status).toBe(0);
  expect(render.stdout.toString()).toContain('kind: StatefulSet');
});
