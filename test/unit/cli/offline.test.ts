/**
 * The offline commands for all three kinds, and what a user sees when the input is wrong: a missing
 * file, malformed YAML, a wrong apiVersion, no pgmeta object; `--help` exits 0; render never prints
 * a real-looking password without `--key-file`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../../hooks/cli';
import { PLACEHOLDER } from '../../../hooks/cli/offline/placeholders';

const ROOT = join(__dirname, '..', '..', '..');

async function cli(args: string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (t: string) => out.push(t),
    err: (t: string) => err.push(t),
    readFile: (p: string) => {
      if (p in files) return Buffer.from(files[p]!);
      return readFileSync(join(ROOT, p));
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const cluster = readFileSync(join(ROOT, 'examples/cluster.yaml'), 'utf8');
const database = readFileSync(join(ROOT, 'examples/database.yaml'), 'utf8');
const backup = `apiVersion: pgmeta.io/v1alpha1
kind: PostgresBackup
metadata: {name: nightly}
spec: {clusterRef: {name: dev}}
`;

describe('pgmeta render/validate (offline)', () => {
  it('--help exits 0, for the program and for a command; no command is usage (2)', async () => {
    expect(await cli(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('status') });
    expect(await cli(['render', '--help'])).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^usage: pgmeta render -f FILE/),
    });
    expect((await cli([])).code).toBe(2);
  });

  it('says what is wrong with the input in one line each, without a stack trace', async () => {
    expect(await cli(['validate', '-f', 'missing.yaml'])).toMatchObject({
      code: 1,
      err: 'missing.yaml: no such file',
    });
    const bad = await cli(['validate', '-f', 'x.yaml'], { 'x.yaml': 'kind: PostgresCluster\n  spec: [\n' });
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^x\.yaml: /);
    expect(bad.err).not.toMatch(/\n\s+at /);
    const version = await cli(['validate', '-f', 'v.yaml'], {
      'v.yaml': cluster.replace('pgmeta.io/v1alpha1', 'pgmeta.io/v1'),
    });
    expect(version).toMatchObject({
      code: 1,
      err: 'v.yaml: PostgresCluster must have apiVersion pgmeta.io/v1alpha1 (found "pgmeta.io/v1")',
    });
    const none = await cli(['validate', '-f', 's.yaml'], {
      's.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n',
    });
    expect(none).toMatchObject({
      code: 1,
      err: 'note: s.yaml: Secret skipped (not a pgmeta kind)\ns.yaml: no PostgresCluster, PostgresDatabase or PostgresBackup found',
    });
    expect((await cli(['validate'])).code).toBe(2);
    expect((await cli(['validate', '-f', 'x', '--bogus'])).err).toContain('unknown flag --bogus');
  });

  it('validates all three kinds, naming the kind when a file mixes them', async () => {
    const all = await cli(['validate', '-f', 'all.yaml'], {
      'all.yaml': `${cluster}---\n${database}---\n${backup}`,
    });
    expect(all).toMatchObject({
      code: 0,
      out: 'PostgresCluster dev: valid\nPostgresDatabase shop: valid\nPostgresBackup nightly: valid',
    });
    const badBackup = await cli(['validate', '-f', 'b.yaml'], {
      'b.yaml': backup.replace('{name: dev}', '{name: Dev_1}'),
    });
    expect(badBackup.code).toBe(1);
    expect(badBackup.out).toMatch(/^nightly: spec\.clusterRef\.name: /);
  });

  it('renders a database and a backup as they will be once the cluster in the same file runs', async () => {
    const withBackup = readFileSync(join(ROOT, 'examples/cluster-backup.yaml'), 'utf8');
    const file = `${cluster}---\n${database}---\n${withBackup}---\n${backup.replace('{name: dev}', '{name: billing}')}`;
    const res = await cli(['render', '-f', 'all.yaml'], { 'all.yaml': file });
    expect(res.code).toBe(0);
    const docs = parseAllDocuments(res.out).map(
      (d) => d.toJS() as { kind: string; metadata: { name: string } },
    );
    const jobs = docs.filter((d) => d.kind === 'Job').map((d) => d.metadata.name);
    expect(jobs).toEqual(
      expect.arrayContaining([expect.stringMatching(/^shop-sql-/), expect.stringMatching(/^nightly-/)]),
    );
  });

  it('without --key-file, every credential is a placeholder that kubectl cannot apply; with it, real values', async () => {
    const res = await cli(['render', '-f', 'examples/cluster.yaml']);
    const secrets = parseAllDocuments(res.out)
      .map((d) => d.toJS() as { kind: string; data?: Record<string, string> })
      .filter((d) => d.kind === 'Secret');
    expect(secrets.length).toBeGreaterThan(2);
    for (const s of secrets)
      for (const [k, v] of Object.entries(s.data ?? {}))
        expect([k, ['username', 'host', 'port', 'dbname'].includes(k) || v === PLACEHOLDER]).toEqual([
          k,
          true,
        ]);
    // Not base64: the API server refuses such a Secret instead of storing a placeholder as a password.
    expect(Buffer.from(PLACEHOLDER, 'base64').toString('base64')).not.toBe(PLACEHOLDER);
    const keyed = await cli(['render', '-f', 'examples/cluster.yaml', '--key-file', 'k'], {
      k: 'k'.repeat(32),
    });
    expect(keyed.out).not.toContain(PLACEHOLDER);
    expect(keyed.err).toBe('');
  });
});
