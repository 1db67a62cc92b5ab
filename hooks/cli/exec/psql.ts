/**
 * `psql CLUSTER [--replica] [-- ARGS]`: psql in the database container of the primary (or of the most
 * caught-up ready replica), over the API server's `pods/exec` WebSocket as `kubectl exec -it` does.
 * It connects over the Unix socket as `postgres`, which pgmeta's pg_hba trusts only there
 * (hooks/postgrescluster/spilo/hba.ts). A terminal gets a TTY in raw mode; the exit code is psql's.
 */
import { hasFlag, type Parsed } from '../args.js';
import type { CliIo } from '../io.js';
import { connect } from '../kube/client.js';
import { clusterArg } from '../ops/common.js';
import { choosePod, DATABASE_CONTAINER } from './pods.js';
import { runExec } from './run.js';

export async function psql(p: Parsed, io: CliIo): Promise<number> {
  const name = clusterArg(p);
  const kube = await connect(p, io);
  const cluster = await kube.cluster(name);
  const pod = await choosePod(kube, cluster, hasFlag(p, '--replica') ? 'replica' : 'primary');
  const command = ['psql', '-U', 'postgres', ...p.passthrough];
  return runExec(kube, { pod: pod.metadata.name, container: DATABASE_CONTAINER, command });
}
