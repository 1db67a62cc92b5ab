/**
 * `rotate CLUSTER --user CREDENTIAL`: raises `spec.credentialRotation.<credential>` by one (README
 * "Day 2", docs/security.md "Rotating credentials") with a merge patch, so the hook's rotation Job
 * sets the new password and rewrites the Secret; the CLI touches no Secret and no role itself.
 * `--wait` follows `status.credentialRotation.<credential>` until the Secret holds the requested
 * generation and the phase is Succeeded (for the superuser, replication and monitoring credentials
 * that includes every member's restart), or Failed.
 */
import { flagValue, UsageError, type Parsed } from '../args.js';
import { CREDENTIALS, type Credential } from '../commands.js';
import type { CliIo } from '../io.js';
import type { KubeObject } from '../../lib/k8s.js';
import { connect } from '../kube/client.js';
import { waitFor, type Outcome } from '../kube/wait.js';
import { clusterArg, invalidSpec, reportOutcome, waitFlags } from './common.js';

interface RotationState {
  requested?: number;
  applied?: number;
  phase?: string;
  message?: string;
}

function credentialArg(p: Parsed): Credential {
  const user = flagValue(p, '--user');
  const known = CREDENTIALS.join(', ');
  if (user === undefined) throw new UsageError(`--user is required (one of ${known})`);
  const found = CREDENTIALS.find((c) => c === user);
  if (found === undefined) throw new UsageError(`--user ${JSON.stringify(user)} is not one of ${known}`);
  return found;
}

const specGeneration = (o: KubeObject, user: Credential): number =>
  (o['spec'] as { credentialRotation?: Partial<Record<Credential, number>> } | undefined)
    ?.credentialRotation?.[user] ?? 0;

const stateOf = (o: KubeObject | undefined, user: Credential): RotationState | undefined =>
  (o?.['status'] as { credentialRotation?: Partial<Record<Credential, RotationState>> } | undefined)
    ?.credentialRotation?.[user];

interface Wanted {
  name: string;
  user: Credential;
  generation: number;
}

/** The outcome once the rotation of the wanted generation has Succeeded or Failed. */
function verdict(s: RotationState, w: Wanted): Outcome | undefined {
  if (s.phase === 'Failed') return { ok: false, message: `rotation of ${w.user} failed: ${s.message ?? ''}` };
  const done = s.phase === 'Succeeded' && (s.applied ?? 0) >= w.generation;
  const message = `${w.user} credential of ${w.name} rotated (generation ${w.generation}): ${s.message ?? ''}`;
  return done ? { ok: true, message } : undefined;
}

/** Ends the wait once status reports on the wanted generation (an older one's state does not count). */
function settled(o: KubeObject | undefined, w: Wanted): Outcome | undefined {
  if (!o) return { ok: false, message: `${w.name} was deleted` };
  const s = stateOf(o, w.user);
  return invalidSpec(o) ?? (s && (s.requested ?? 0) >= w.generation ? verdict(s, w) : undefined);
}

export async function rotate(p: Parsed, io: CliIo): Promise<number> {
  const name = clusterArg(p);
  const user = credentialArg(p);
  const w = waitFlags(p, '30m');
  const kube = await connect(p, io);
  const c = await kube.cluster(name);
  const wanted = specGeneration(c, user) + 1;
  await kube.mergePatch('PostgresCluster', name, { spec: { credentialRotation: { [user]: wanted } } });
  io.out(
    `rotation of the ${user} credential of ${name} requested (spec.credentialRotation.${user}: ${wanted})`,
  );
  if (!w.wait) return 0;
  const outcome = await waitFor(kube, {
    kind: 'PostgresCluster',
    name,
    timeoutMs: w.timeoutMs,
    what: `the rotation of the ${user} credential of ${name}`,
    log: io.err,
    progress: (o) => {
      const s = stateOf(o, user);
      return s
        ? `${user} ${s.phase ?? '?'} (applied ${s.applied ?? 0} of ${s.requested ?? 0}): ${s.message ?? ''}`
        : undefined;
    },
    check: (o) => settled(o, { name, user, generation: wanted }),
  });
  return reportOutcome(outcome, io);
}
