/**
 * `status CLUSTER [-o text|json|yaml]`: reads the cluster and what belongs to it (by the
 * `pgmeta.io/cluster` label the hook puts on its children and Spilo's pods), then prints the view.
 */
import { stringify } from 'yaml';
import { flagValue, UsageError, type Parsed } from '../args.js';
import { painter, useColour, type CliIo } from '../io.js';
import { connect, type Kube } from '../kube/client.js';
import { clusterArg } from '../ops/common.js';
import { statusView, type Gathered } from './model.js';
import { statusText } from './text.js';

const CLUSTER_LABEL = 'pgmeta.io/cluster';

export async function gather(kube: Kube, name: string): Promise<Gathered> {
  const cluster = await kube.cluster(name);
  const sel = { labelSelector: `${CLUSTER_LABEL}=${name}` };
  const [pods, jobs, backups, events] = await Promise.all([
    kube.list('Pod', sel),
    kube.list('Job', sel),
    kube.list('PostgresBackup'),
    kube.list('Event', { fieldSelector: `involvedObject.name=${name}` }),
  ]);
  return { cluster, pods, jobs, backups, events };
}

export async function status(p: Parsed, io: CliIo): Promise<number> {
  const name = clusterArg(p);
  const output = flagValue(p, '-o', '--output') ?? 'text';
  if (!['text', 'json', 'yaml'].includes(output))
    throw new UsageError(`-o must be text, json or yaml (not ${JSON.stringify(output)})`);
  const kube = await connect(p, io);
  const view = statusView(await gather(kube, name));
  if (output === 'json') io.out(JSON.stringify(view, null, 2));
  else if (output === 'yaml') io.out(stringify(view).trimEnd());
  else io.out(statusText(view, painter(useColour(io))));
  return 0;
}
