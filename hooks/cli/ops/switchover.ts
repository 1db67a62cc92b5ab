/**
 * `switchover CLUSTER [--to MEMBER]`: the `pgmeta.io/switchover-to` annotation (docs/day2.md "Day 2"), which
 * makes the hook run a switchover Job that asks Patroni (`POST /switchover`). A request runs once, so
 * an earlier finished request is withdrawn first (and its status gone) before the new one is set.
 * `spec.switchover`, when set, wins over the annotation: then the command refuses, since the spec
 * is the user's to change.
 */
import { flagValue, type Parsed } from '../args.js';
import type { CliIo } from '../io.js';
import type { KubeObject } from '../../lib/k8s.js';
import { CliError } from '../main.js';
import { connect, type Kube } from '../kube/client.js';
import { waitFor } from '../kube/wait.js';
import { clusterArg, reportOutcome, statusOf, waitFlags } from './common.js';

export const SWITCHOVER_ANNOTATION = 'pgmeta.io/switchover-to';
const ANY = 'any';

function checkTarget(c: KubeObject, to: string): void {
  const s = statusOf(c);
  const members = (s.members ?? []).map((m) => m.name);
  if (to === ANY) return;
  if (!members.includes(to))
    throw new CliError(
      `no member ${JSON.stringify(to)} in ${c.metadata.name} (members: ${members.join(', ') || 'none'})`,
    );
  if (s.primary === to) throw new CliError(`${to} is already the primary`, 0);
}

function checkRequest(c: KubeObject, to: string): void {
  if ((c['spec'] as { switchover?: unknown } | undefined)?.switchover !== undefined)
    throw new CliError(
      "spec.switchover is set: the spec's request wins over this command; edit or remove spec.switchover instead",
    );
  checkTarget(c, to);
  const running = statusOf(c).switchover;
  const open = running?.phase === 'Pending' || running?.phase === 'Running';
  if (running && open && c.metadata.annotations?.[SWITCHOVER_ANNOTATION] !== undefined)
    throw new CliError(`a switchover to ${running.target} is already ${running.phase}: ${running.message}`);
}

/** Withdraws a finished request and waits until its status is gone, so the next one counts as new. */
async function withdraw(kube: Kube, name: string, io: CliIo): Promise<void> {
  await kube.mergePatch('PostgresCluster', name, {
    metadata: { annotations: { [SWITCHOVER_ANNOTATION]: null } },
  });
  io.err(`the earlier switchover request was withdrawn`);
  await waitFor(kube, {
    kind: 'PostgresCluster',
    name,
    timeoutMs: 120_000,
    what: 'the earlier switchover request to be withdrawn',
    check: (o) => (statusOf(o).switchover === undefined ? { ok: true, message: '' } : undefined),
  });
}

export async function switchover(p: Parsed, io: CliIo): Promise<number> {
  const name = clusterArg(p);
  const to = flagValue(p, '--to') ?? ANY;
  const w = waitFlags(p, '15m');
  const kube = await connect(p, io);
  const c = await kube.cluster(name);
  checkRequest(c, to);
  if (c.metadata.annotations?.[SWITCHOVER_ANNOTATION] !== undefined) await withdraw(kube, name, io);
  await kube.mergePatch('PostgresCluster', name, {
    metadata: { annotations: { [SWITCHOVER_ANNOTATION]: to } },
  });
  io.out(
    `switchover of ${name} to ${to === ANY ? 'the healthiest replica' : to} requested (annotation ${SWITCHOVER_ANNOTATION}=${to})`,
  );
  if (!w.wait) return 0;
  const outcome = await waitFor(kube, {
    kind: 'PostgresCluster',
    name,
    timeoutMs: w.timeoutMs,
    what: `the switchover of ${name}`,
    log: io.err,
    progress: (o) => {
      const s = statusOf(o).switchover;
      return s ? `switchover ${s.phase}: ${s.message}` : undefined;
    },
    check: (o) => {
      if (!o) return { ok: false, message: `${name} was deleted` };
      const s = statusOf(o).switchover;
      if (s?.target !== to || (s.phase !== 'Succeeded' && s.phase !== 'Failed')) return undefined;
      return { ok: s.phase === 'Succeeded', message: `switchover ${s.phase.toLowerCase()}: ${s.message}` };
    },
  });
  return reportOutcome(outcome, io);
}
