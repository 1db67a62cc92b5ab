/**
 * Which hand-set superuser and replication passwords reach PostgreSQL as written, checked against the
 * real thing: Spilo 4.0-p3 renders `postgresql.authentication` from its configuration template with
 * pystache and reads it with PyYAML (configure_spilo.py `TEMPLATE`, `pystache_render`, `main`). This
 * runs Debian's python3-pystache 0.6.0 (Spilo's version, from Ubuntu 22.04) and python3-yaml on the
 * template's lines for every code point up to U+02FF and the edges beyond, and requires
 * hooks/postgrescluster/spilo/template-passwords.ts `reachesPostgres` to agree on each one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, it } from '@jest/globals';
import { reachesPostgres } from '../../hooks/postgrescluster/spilo/template-passwords.js';

const PYTHON = '/usr/bin/python3';
const ready =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import pystache, yaml'], { stdio: 'ignore' }).status === 0;
if (!ready)
  console.log('skipped: python3-pystache or python3-yaml not installed (run bash test/spilo/install.sh)');

/** The lines of Spilo's TEMPLATE that carry the two passwords, as the image has them. */
const TEMPLATE = [
  'postgresql:',
  '  authentication:',
  '    superuser:',
  '      username: postgres',
  "      password: '{{PGPASSWORD_SUPERUSER}}'",
  '    replication:',
  '      username: standby',
  "      password: '{{PGPASSWORD_STANDBY}}'",
].join('\n');

/** Renders and reads the template for each password, as configure_spilo.py does; true when both come back unchanged. */
const PROGRAM = [
  'import base64, json, os, pystache, yaml',
  'renderer = pystache.Renderer(missing_tags="strict")',
  'out = []',
  'for s in json.loads(os.environ["SAMPLES"]):',
  '    pw = os.fsdecode(base64.b64decode(s))',
  '    try:',
  '        text = renderer.render(os.environ["TEMPLATE"], {"PGPASSWORD_SUPERUSER": pw, "PGPASSWORD_STANDBY": pw})',
  '        auth = yaml.safe_load(text)["postgresql"]["authentication"]',
  '        out.append(auth["superuser"]["password"] == pw and auth["replication"]["password"] == pw)',
  '    except Exception:',
  '        out.append(False)',
  'print(json.dumps(out))',
].join('\n');

function samples(): Buffer[] {
  const points = [
    ...Array.from({ length: 0x300 }, (_, i) => i),
    ...[0x2028, 0x2029, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x1f600],
  ];
  return [
    ...points.map((c) => Buffer.from(`a${String.fromCodePoint(c)}b`, 'utf8')),
    Buffer.from([0x61, 0xff, 0x62]),
    Buffer.from([0x61, 0xc3]),
    Buffer.from('  both ends  ', 'utf8'),
  ];
}

(ready ? it : it.skip)('agrees with pystache and PyYAML on every sample', () => {
  const all = samples();
  const run = spawnSync(PYTHON, ['-c', PROGRAM], {
    env: {
      PATH: '/usr/bin:/bin',
      TEMPLATE,
      SAMPLES: JSON.stringify(all.map((b) => b.toString('base64'))),
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.stderr).toBe('');
  const real = JSON.parse(run.stdout) as boolean[];
  const differ = all.filter((b, i) => real[i] !== reachesPostgres(b)).map((b) => b.toString('hex'));
  expect(differ).toEqual([]);
  // Both verdicts occur, so the comparison means something.
  expect(real.filter((r) => r).length).toBeGreaterThan(600);
  expect(real.filter((r) => !r).length).toBeGreaterThan(60);
});
