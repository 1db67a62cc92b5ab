/**
 * `restart CLUSTER`: sets the annotation `pgmeta.io/restartedAt` to the current time, the declarative
 * restart request pgmeta is getting (members restarted one at a time, replicas first, the primary by
 * switchover). That feature is being built in parallel with this command: the CLI only writes the
 * annotation. `--wait` waits for the cluster to be Running with every member ready again; until the
 * restart reports its own progress in status, that cannot tell a finished restart from one not yet
 * begun, and the command says so. Restarting one member is not offered by the API, so `--member` is
 * refused rather than done behind the hooks' back.
 */
import { flagValue, type Parsed } from '../args.js';
import type { CliIo } from '../io.js';
import { CliError } from '../main.js';
import { connect } from '../kube/client.js';
import { waitFor } from '../kube/wait.js';
import { clusterArg, invalidSpec, reportOutcome, statusOf, waitFlags } from './common.js';

export const RESTART_ANNOTATION = 'pgmeta.io/restartedAt';

export async function restart(p: Parsed, io: CliIo): Promise<number> {
  const name = clusterArg(p);
  if (flagValue(p, '--member') !== undefined)
    throw new CliError(
      "restarting a single member is not part of pgmeta's API (the restart annotation restarts every member, one at a time)",
      2,
    );
  const w = waitFlags(p, '30m');
  const kube = await connect(p, io);
  await kube.cluster(name);
  const at = (io.now?.() ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  await kube.mergePatch('PostgresCluster', name, { metadata: { annotations: { [RESTART_ANNOTATION]: at } } });
  io.out(`restart of ${name} requested (annotation ${RESTART_ANNOTATION}=${at})`);
  if (!w.wait) return 0;
  io.err('note: --wait waits for every member to be ready again; it cannot yet see the restart itself');
  const outcome = await waitFor(kube, {
    kind: 'PostgresCluster',
    name,
    timeoutMs: w.timeoutMs,
    what: `${name} to be running with every member ready`,
    check: (o) => {
      if (!o) return { ok: false, message: `${name} was deleted` };
      const s = statusOf(o);
      const members = s.members ?? [];
      const healthy = s.phase === 'Running' && members.length > 0 && members.every((m) => m.ready === true);
      return (
        invalidSpec(o) ??
        (healthy ? { ok: true, message: `${name} is running, ${members.length} members ready` } : undefined)
      );
    },
  });
  return reportOutcome(outcome, io);
}
