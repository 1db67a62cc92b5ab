/**
 * `report CLUSTER -o report.tar.gz`: everything a support request needs in one archive, with every
 * Secret value redacted (redact.ts): `status.txt`/`status.json` (the status screen), `objects/`
 * (one YAML per object), `events.yaml`, `logs/<pod>/<container>.log`, and `README.txt` saying what
 * was collected, when, and what could not be read.
 */
import { stringify } from 'yaml';
import { flagValue, UsageError, type Parsed } from '../args.js';
import type { CliIo } from '../io.js';
import type { KubeObject } from '../../lib/k8s.js';
import { CliError } from '../main.js';
import { connect } from '../kube/client.js';
import { clusterArg } from '../ops/common.js';
import { statusView } from '../status/model.js';
import { statusText } from '../status/text.js';
import { collect, type Collected } from './collect.js';
import { redactSecret, scrub, secretValues } from './redact.js';
import { tarGz, type TarFile } from './tar.js';

function plain(o: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = o.metadata as KubeObject['metadata'] & {
    managedFields?: unknown;
  };
  return { ...o, metadata };
}

function files(cluster: KubeObject, c: Collected, at: Date): TarFile[] {
  const secrets = c.objects.filter((o) => o.kind === 'Secret');
  const values = secretValues(secrets);
  const text = (path: string, body: string): TarFile => ({ path, data: Buffer.from(scrub(body, values)) });
  const view = statusView({
    cluster,
    pods: c.objects.filter((o) => o.kind === 'Pod'),
    jobs: c.objects.filter((o) => o.kind === 'Job'),
    backups: c.objects.filter((o) => o.kind === 'PostgresBackup'),
    events: c.events,
  });
  const root = `${cluster.metadata.namespace ?? 'default'}-${cluster.metadata.name}`;
  return [
    text(
      `${root}/README.txt`,
      [
        `pgmeta support report of PostgresCluster ${cluster.metadata.namespace ?? ''}/${cluster.metadata.name}`,
        `collected ${at.toISOString()}: ${c.objects.length} objects, ${c.events.length} events, ${c.logs.length} logs`,
        'Every Secret value is redacted, here and wherever it appeared in other text.',
        ...(c.problems.length > 0 ? ['', 'Could not collect:', ...c.problems.map((p) => `- ${p}`)] : []),
      ].join('\n') + '\n',
    ),
    text(`${root}/status.txt`, `${statusText(view, (_c, t) => t)}\n`),
    text(`${root}/status.json`, `${JSON.stringify(view, null, 2)}\n`),
    ...c.objects.map((o) =>
      text(
        `${root}/objects/${o.kind}/${o.metadata.name}.yaml`,
        stringify(o.kind === 'Secret' ? redactSecret(o) : plain(o)),
      ),
    ),
    text(`${root}/events.yaml`, stringify(c.events.map(plain))),
    ...c.logs.map((l) => text(`${root}/logs/${l.pod}/${l.container}.log`, l.text)),
  ];
}

export async function report(p: Parsed, io: CliIo): Promise<number> {
  const name = clusterArg(p);
  const out = flagValue(p, '-o', '--output');
  if (out === undefined) throw new UsageError('-o FILE is required (e.g. -o report.tar.gz)');
  if (!/\.(tar\.gz|tgz)$/.test(out))
    throw new UsageError('the report is a gzip-compressed tar: name it *.tar.gz or *.tgz');
  if (!io.writeFile) throw new CliError('cannot write files here');
  const kube = await connect(p, io);
  const cluster = await kube.cluster(name);
  const collected = await collect(kube, cluster);
  const at = io.now?.() ?? new Date();
  const archive = tarGz(files(cluster, collected, at), at);
  io.writeFile(out, archive);
  io.out(
    `${out}: ${collected.objects.length} objects, ${collected.events.length} events, ${collected.logs.length} logs (Secret values redacted)`,
  );
  for (const problem of collected.problems) io.err(`note: could not collect ${problem}`);
  return 0;
}
