/**
 * `pgmeta render -f FILE` prints the children the sync hook would return for a new cluster;
 * `pgmeta validate -f FILE` prints spec errors with their field paths (exit 1 when any).
 * Offline: no cluster, no network. The same code path as the hook (runHook) so output cannot differ.
 * Files are read as kubectl reads them (YAML 1.1, see lib/kubectl-yaml.ts): an unquoted `on` is
 * checked as the boolean kubectl would send, not as the word.
 */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { BOTH_READINGS, readKubectlYaml } from './lib/kubectl-yaml.js';
import type { KubeObject } from './lib/k8s.js';
import { runHook } from './metacontroller/dispatch.js';
import { postgresClusterController } from './postgrescluster/controller.js';
import { CHILD_TYPES } from './postgrescluster/render.js';
import { checkSpec } from './postgrescluster/spec/index.js';
import { withLoggingDefault } from './postgrescluster/spec/logging.js';

const USAGE = `usage: pgmeta render -f FILE [--key-file KEY] [--status]
       pgmeta validate -f FILE`;

/** Placeholder identity for objects read from a file, which have no uid yet. */
const OFFLINE_UID = '00000000-0000-4000-8000-000000000000';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => Buffer;
}

export function runCli(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  const file = flag(rest, '-f') ?? flag(rest, '--filename');
  if ((command !== 'render' && command !== 'validate') || file === undefined) {
    io.err(USAGE);
    return 2;
  }
  const read = readKubectlYaml(io.readFile(file).toString('utf8'));
  if (read.errors.length > 0) {
    for (const e of read.errors) io.err(`${file}: ${e}`);
    return 1;
  }
  const clusters = read.documents.filter(isCluster);
  if (clusters.length === 0) {
    io.err(`${file}: no PostgresCluster found`);
    return 1;
  }
  return command === 'validate' ? validate(clusters, io) : render(clusters, { io, rest });
}

function validate(clusters: KubeObject[], io: CliIo): number {
  let failed = 0;
  for (const c of clusters) {
    // Checked as a new cluster, which gets the logging default (spec/logging.ts).
    const check = checkSpec(withLoggingDefault(withIdentity(c), undefined));
    if (check.ok) {
      io.out(`${c.metadata.name}: valid`);
      continue;
    }
    failed++;
    for (const e of check.errors) io.out(`${c.metadata.name}: ${e.path}: ${e.message}`);
  }
  return failed === 0 ? 0 : 1;
}

function render(clusters: KubeObject[], o: { io: CliIo; rest: readonly string[] }): number {
  const keyFile = flag(o.rest, '--key-file');
  const operatorKey = keyFile ? new Uint8Array(o.io.readFile(keyFile)) : new Uint8Array(32);
  if (!keyFile)
    o.io.err('note: Secrets are rendered with a placeholder operator key (pass --key-file for real ones)');
  const docs: unknown[] = [];
  for (const c of clusters) {
    const parent = withIdentity(c);
    const check = checkSpec(parent);
    if (!check.ok) return validate([c], o.io);
    const body = {
      controller: {
        apiVersion: 'metacontroller.k8s.io/v1alpha1',
        kind: 'CompositeController',
        metadata: { name: 'postgrescluster' },
      },
      parent,
      children: Object.fromEntries(CHILD_TYPES.map((t) => [`${t.kind}.${t.apiVersion}`, {}])),
      related: {},
      finalizing: false,
    };
    const res = runHook({
      def: postgresClusterController,
      hook: 'sync',
      body,
      ctx: { now: '1970-01-01T00:00:00Z', operatorKey },
    });
    const { children, status } = res as { children: unknown[]; status: unknown };
    docs.push(...children, ...(o.rest.includes('--status') ? [{ status }] : []));
  }
  // Written so that `pgmeta render ... | kubectl apply -f -` sends exactly these objects.
  o.io.out(docs.map((d) => stringify(d, { sortMapEntries: false, ...BOTH_READINGS })).join('---\n'));
  return 0;
}

function isCluster(d: unknown): d is KubeObject {
  return typeof d === 'object' && d !== null && (d as KubeObject).kind === 'PostgresCluster';
}

function withIdentity(c: KubeObject): KubeObject {
  return { ...c, metadata: { namespace: 'default', uid: OFFLINE_UID, generation: 1, ...c.metadata } };
}

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (require.main === module) {
  const code = runCli(process.argv.slice(2), {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    readFile: (p) => readFileSync(p),
  });
  process.exitCode = code;
}
