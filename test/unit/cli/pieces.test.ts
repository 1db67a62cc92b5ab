/**
 * The CLI's small parts: flags, durations, colour rules, spec errors read back from SpecValid, the
 * credentials `rotate` takes and their completion.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs, parseDuration, UsageError } from '../../../hooks/cli/args';
import { painter, useColour } from '../../../hooks/cli/io';
import { splitSpecErrors } from '../../../hooks/cli/status/spec-errors';
import { statusText } from '../../../hooks/cli/status/text';
import { statusView } from '../../../hooks/cli/status/model';
import { defaultBackupName } from '../../../hooks/cli/ops/backup';
import { CREDENTIALS } from '../../../hooks/cli/commands';
import { completion } from '../../../hooks/cli/completion';
import { ROTATED_PURPOSES } from '../../../hooks/postgrescluster/rotation/generations';

const io = (isTTY: boolean, env: Record<string, string> = {}) => ({
  out: () => undefined,
  err: () => undefined,
  readFile: () => Buffer.alloc(0),
  isTTY,
  env,
});

it('parses flags as kubectl does: --f v, --f=v, booleans, and passes everything after --', () => {
  const spec = { values: ['-n', '--to'], booleans: ['--wait'] };
  const p = parseArgs(['orders', '-n', 'shop', '--to=orders-1', '--wait', '--', '-c', 'select 1'], spec);
  expect(p.positionals).toEqual(['orders']);
  expect([...p.flags]).toEqual([
    ['-n', 'shop'],
    ['--to', 'orders-1'],
    ['--wait', true],
  ]);
  expect(p.passthrough).toEqual(['-c', 'select 1']);
  expect(() => parseArgs(['--bogus'], spec)).toThrow(UsageError);
  expect(() => parseArgs(['-n'], spec)).toThrow('-n needs a value');
  expect(() => parseArgs(['--wait=yes'], spec)).toThrow('--wait takes no value');
});

it('reads durations in kubectl syntax and refuses anything else', () => {
  expect(parseDuration('90')).toBe(90_000);
  expect(parseDuration('2m30s')).toBe(150_000);
  expect(parseDuration('1h')).toBe(3_600_000);
  expect(() => parseDuration('soon')).toThrow('invalid duration "soon"');
  expect(() => parseDuration('5x')).toThrow(UsageError);
});

it('colours only on a terminal and never with NO_COLOR set', () => {
  expect(useColour(io(true))).toBe(true);
  expect(useColour(io(false))).toBe(false);
  expect(useColour(io(true, { NO_COLOR: '1' }))).toBe(false);
  expect(useColour(io(true, { NO_COLOR: '' }))).toBe(true);
  const cluster = {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'orders', namespace: 'shop' },
    spec: { version: '16' },
    status: { phase: 'Failed' },
  };
  const view = statusView({ cluster, pods: [], jobs: [], backups: [], events: [] });
  expect(statusText(view, painter(true))).toContain('\u001b[31mFailed\u001b[0m');
  expect(statusText(view, painter(false))).not.toContain('\u001b[');
});

it('splits the SpecValid message back into field errors', () => {
  const message =
    'spec.postgresqlParams.jit: must be an integer or a string; not a path; spec.storage.size: cannot shrink from 10Gi to 5Gi';
  expect(splitSpecErrors({ status: 'False', message })).toEqual([
    { path: 'spec.postgresqlParams.jit', message: 'must be an integer or a string; not a path' },
    { path: 'spec.storage.size', message: 'cannot shrink from 10Gi to 5Gi' },
  ]);
  expect(splitSpecErrors({ status: 'True', message: 'the spec is valid' })).toEqual([]);
});

it('names a backup after its cluster and the UTC time, a valid object name', () => {
  expect(defaultBackupName('orders', new Date('2026-11-21T10:02:03.456Z'))).toBe('orders-20261121-100203');
});

it("rotate --user takes exactly the hook's rotatable credentials, and bash completes them", async () => {
  expect([...CREDENTIALS].sort()).toEqual([...ROTATED_PURPOSES].sort());
  const script: string[] = [];
  await completion(
    { positionals: ['bash'], flags: new Map(), passthrough: [] },
    { ...io(false), out: (t) => script.push(t) },
  );
  const complete = (words: string[]) =>
    execFileSync(
      'bash',
      [
        '-c',
        `${script.join('\n')}\nCOMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; _pgmeta; echo "\${COMPREPLY[*]}"`,
      ],
      { encoding: 'utf8' },
    ).trim();
  expect(complete(['pgmeta', 'rotate', 'orders', '--user', "''"])).toBe(
    'app superuser replication pooler monitoring',
  );
  expect(complete(['pgmeta', 'rotate', 'orders', '--user', 'rep'])).toBe('replication');
  expect(complete(['pgmeta', 'rotate', 'orders', '--u'])).toBe('--user');
  expect(complete(['pgmeta', 'ro'])).toBe('rotate');
});
