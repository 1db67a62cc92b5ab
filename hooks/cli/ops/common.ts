/** What the mutating commands share: the cluster argument, `--wait`/`--timeout`, the report. */
import { flagValue, hasFlag, parseDuration, UsageError, type Parsed } from '../args.js';
import type { CliIo } from '../io.js';
import type { KubeObject } from '../../lib/k8s.js';
import type { Outcome } from '../kube/wait.js';

export function clusterArg(p: Parsed): string {
  const [name, ...extra] = p.positionals;
  if (name === undefined) throw new UsageError('CLUSTER is required');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  return name;
}

export interface WaitFlags {
  wait: boolean;
  timeoutMs: number;
}

export function waitFlags(p: Parsed, defaultTimeout: string): WaitFlags {
  const timeout = flagValue(p, '--timeout');
  if (timeout !== undefined && !hasFlag(p, '--wait')) throw new UsageError('--timeout needs --wait');
  return { wait: hasFlag(p, '--wait'), timeoutMs: parseDuration(timeout ?? defaultTimeout) };
}

/** Prints the outcome of a wait; the exit code. */
export function reportOutcome(o: Outcome, io: CliIo): number {
  (o.ok ? io.out : io.err)(o.message);
  return o.ok ? 0 : 1;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface ClusterStatusLike {
  phase?: string;
  observedGeneration?: number;
  conditions?: Condition[];
  primary?: string;
  replicas?: number;
  readyReplicas?: number;
  members?: { name: string; role?: string; state?: string; ready?: boolean }[];
  switchover?: { target: string; phase: string; message: string };
}

export function statusOf(o: KubeObject | undefined): ClusterStatusLike {
  return o?.['status'] ?? {};
}

export function condition(o: KubeObject | undefined, type: string): Condition | undefined {
  return statusOf(o).conditions?.find((c) => c.type === type);
}

/** Whether the hooks have synced the cluster's spec at `generation` (Metacontroller's observedGeneration). */
export function observed(o: KubeObject | undefined, generation: number | undefined): boolean {
  return (statusOf(o).observedGeneration ?? 0) >= (generation ?? 0);
}

/** An invalid spec ends any wait: nothing will happen until it is fixed. */
export function invalidSpec(o: KubeObject | undefined): Outcome | undefined {
  const c = condition(o, 'SpecValid');
  return c?.status === 'False'
    ? { ok: false, message: `the spec is invalid: ${c.message ?? ''}` }
    : undefined;
}
