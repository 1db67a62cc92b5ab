import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../../hooks/cli';
import { readKubectlYaml } from '../../../hooks/lib/kubectl-yaml';

const ROOT = join(__dirname, '..', '..', '..');

async function cli(args: string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (t: string) => out.push(t),
    err: (t: string) => err.push(t),
    readFile: (p: string) => (p in files ? Buffer.from(files[p]!) : readFileSync(join(ROOT, p))),
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
  it('validates the examples', async () => {
    const res = await cli(['validate', '-f', 'examples/cluster.yaml']);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/: valid$/);
  });

  it('reports every spec error with its field path and exits 1', async () => {
    const res = await cli(['validate', '-f', 'bad.yaml'], { 'bad.yaml': invalid });
    expect(res.code).toBe(1);
    expect(res.out).toContain('bad: spec.version');
    expect(res.out).toContain('bad: spec.replicas');
    expect(res.out).toContain('bad: spec.storage.size');
  });

  it('validates as a new cluster, which gets spec.logging: log_destination is then refused', async () => {
    const spec =
      'apiVersion: pgmeta.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: logs}\n' +
      "spec:\n  version: '16'\n  storage: {size: 1Gi}\n  postgresqlParams: {log_destination: csvlog}\n";
    const res = await cli(['validate', '-f', 'c.yaml'], { 'c.yaml': spec });
    expect(res.code).toBe(1);
    expect(res.out).toBe(
      'logs: spec.postgresqlParams.log_destination: is set by spec.logging (destination and format)',
    );
  });

  it('renders the children the hook returns for a new cluster', async () => {
    const res = await cli(['render', '-f', 'examples/cluster.yaml']);
    expect(res.code).toBe(0);
    const kinds = parseAllDocuments(res.out).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds).toContain('StatefulSet');
    expect(kinds).toContain('Secret');
    expect(res.err).toContain('placeholder operator key');
  });

  it('renders the OpenShift example with no fixed ids and Patroni on ConfigMaps', async () => {
    const res = await cli(['render', '-f', 'examples/cluster-openshift.yaml']);
    expect(res.code).toBe(0);
    const docs = parseAllDocuments(res.out).map((d) => d.toJS() as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    const sts = docs.find((d) => d['kind'] === 'StatefulSet')!;
    expect(sts['spec'].template.spec.securityContext).not.toHaveProperty('runAsUser');
    expect(sts['spec'].template.spec.securityContext).not.toHaveProperty('fsGroup');
    const primary = docs.find((d) => d['kind'] === 'Service' && d['metadata'].name === 'financial-db')!;
    expect(primary['spec'].selector).toMatchObject({ 'spilo-role': 'master' });
  });

  it('validates every example as kubectl reads it', async () => {
    for (const f of [
      'cluster.yaml',
      'cluster-ha.yaml',
      'cluster-tuned.yaml',
      'cluster-backup.yaml',
      'cluster-openshift.yaml',
    ]) {
      const res = await cli(['validate', '-f', `examples/${f}`]);
      expect([f, res.code, res.out]).toEqual([f, 0, expect.stringMatching(/: valid$/) as unknown]);
    }
  });

  describe('reads YAML as kubectl does (YAML 1.1)', () => {
    const cluster = (spec: string, name = 'orders'): string =>
      `apiVersion: pgmeta.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: ${name}}\n` +
      `spec:\n  version: '16'\n  storage: {size: 1Gi}\n${spec}`;

    it('an unquoted on/off is the boolean kubectl sends, and the error says to quote it', async () => {
      const res = await cli(['validate', '-f', 'c.yaml'], {
        'c.yaml': cluster(
          '  replicas: 2\n  synchronous: {mode: on}\n  postgresqlParams: {jit: off}\n',
          'yes',
        ),
      });
      expect(res.code).toBe(1);
      expect(res.out.split('\n')).toEqual([
        'true: spec.postgresqlParams.jit: must be an integer or a string: kubectl sent the boolean false, ' +
          'which is how YAML 1.1 reads an unquoted n, no, false or off: quote the word to send it as a string',
        'true: spec.synchronous.mode: must be a string: kubectl sent the boolean true, which is how YAML 1.1 ' +
          'reads an unquoted y, yes, true or on: quote the word to send it as a string',
      ]);
    });

    it('quoted, the same words are strings; a leading 0 is octal, as in go-yaml v2', async () => {
      const spec =
        "  replicas: 2\n  synchronous: {mode: sync}\n  postgresqlParams: {jit: 'off', work_mem: 0200}\n";
      const res = await cli(['render', '-f', 'c.yaml'], { 'c.yaml': cluster(spec) });
      expect(res.code).toBe(0);
      // 0200 is octal 128 (kB) for kubectl; YAML 1.2 would read 200.
      // A new cluster's log goes to the container output (spec/logging.ts): log_* between them.
      expect(res.out).toContain(
        '"jit":"off","log_destination":"stderr","logging_collector":"off","password_encryption":"scram-sha-256","work_mem":"128"',
      );
    });

    it('renders YAML that kubectl reads back unchanged (render | kubectl apply -f -)', async () => {
      const spec = "  service: {annotations: {example.com/proxy: 'on', example.com/mode: '0755'}}\n";
      const res = await cli(['render', '-f', 'c.yaml'], { 'c.yaml': cluster(spec) });
      expect(res.code).toBe(0);
      const asKubectl = readKubectlYaml(res.out);
      expect(asKubectl.errors).toEqual([]);
      expect(asKubectl.documents).toEqual(parseAllDocuments(res.out).map((d) => d.toJS() as unknown));
      expect(JSON.stringify(asKubectl.documents)).toContain('"example.com/proxy":"on"');
    });

    it('refuses a file kubectl could not read', async () => {
      const res = await cli(['validate', '-f', 'c.yaml'], { 'c.yaml': cluster('  replicas: [2\n') });
      expect(res.code).toBe(1);
      expect(res.err).toMatch(/^c\.yaml: /);
    });
  });

  it('prints usage for a wrong command', async () => {
    expect((await cli(['deploy'])).code).toBe(2);
  });
});
