import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../../hooks/cli';

const ROOT = join(__dirname, '..', '..', '..');

function cli(args: string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(args, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readFile: (p) => (p in files ? Buffer.from(files[p]!) : readFileSync(join(ROOT, p))),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const invalid = `apiVersion: pgmeta.io/v1alpha1
kind: PostgresCluster
metadata: {name: bad}
spec:
  version: "12"
  replicas: 0
  storage: {size: lots}
`;

describe('pgmeta CLI', () => {
  it('validates the examples', () => {
    const res = cli(['validate', '-f', 'examples/cluster.yaml']);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/: valid$/);
  });

  it('reports every spec error with its field path and exits 1', () => {
    const res = cli(['validate', '-f', 'bad.yaml'], { 'bad.yaml': invalid });
    expect(res.code).toBe(1);
    expect(res.out).toContain('bad: spec.version');
    expect(res.out).toContain('bad: spec.replicas');
    expect(res.out).toContain('bad: spec.storage.size');
  });

  it('renders the children the hook returns for a new cluster', () => {
    const res = cli(['render', '-f', 'examples/cluster.yaml']);
    expect(res.code).toBe(0);
    const kinds = parseAllDocuments(res.out).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds).toContain('StatefulSet');
    expect(kinds).toContain('Secret');
    expect(res.err).toContain('placeholder operator key');
  });

  it('prints usage for a wrong command', () => {
    expect(cli(['deploy']).code).toBe(2);
  });
});
