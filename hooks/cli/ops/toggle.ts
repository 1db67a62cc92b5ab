/**
 * `pause`/`resume` and `stop`/`start`: the spec fields `paused` and `stopped` (docs/day2.md "Day 2"), set
 * with a merge patch (`null` removes the field, which is how they are turned off). `--wait` waits for
 * the hooks to have synced that generation and for the result: condition Paused, phase Stopped, or
 * every member running again.
 */
import type { Parsed } from '../args.js';
import type { CliIo } from '../io.js';
import type { KubeObject } from '../../lib/k8s.js';
import { connect } from '../kube/client.js';
import { waitFor, type Outcome } from '../kube/wait.js';
import {
  clusterArg,
  condition,
  invalidSpec,
  observed,
  reportOutcome,
  statusOf,
  waitFlags,
} from './common.js';

interface Toggle {
  field: 'paused' | 'stopped';
  value: true | null;
  done: string;
  timeout: string;
  reached: (o: KubeObject) => boolean;
}

const specReplicas = (o: KubeObject): number =>
  (o['spec'] as { replicas?: number } | undefined)?.replicas ?? 1;

const TOGGLES: Record<string, Toggle> = {
  pause: {
    field: 'paused',
    value: true,
    done: 'paused: its children stay as they are',
    timeout: '5m',
    reached: (o) => condition(o, 'Paused')?.status === 'True',
  },
  resume: {
    field: 'paused',
    value: null,
    done: 'resumed',
    timeout: '5m',
    reached: (o) => condition(o, 'Paused')?.status !== 'True',
  },
  stop: {
    field: 'stopped',
    value: true,
    done: 'stopped: no member runs, volumes kept',
    timeout: '10m',
    reached: (o) => statusOf(o).phase === 'Stopped',
  },
  start: {
    field: 'stopped',
    value: null,
    done: 'running',
    timeout: '10m',
    reached: (o) => statusOf(o).phase === 'Running' && statusOf(o).readyReplicas === specReplicas(o),
  },
};

async function run(verb: string, p: Parsed, io: CliIo): Promise<number> {
  const t = TOGGLES[verb];
  if (!t) throw new Error(`no toggle ${verb}`);
  const name = clusterArg(p);
  const w = waitFlags(p, t.timeout);
  const kube = await connect(p, io);
  await kube.cluster(name);
  const patched = await kube.mergePatch('PostgresCluster', name, { spec: { [t.field]: t.value } });
  io.out(`${name}: spec.${t.field} ${t.value === null ? 'removed' : 'set to true'}`);
  if (!w.wait) return 0;
  const generation = patched.metadata.generation;
  const check = (o: KubeObject | undefined): Outcome | undefined => {
    if (!o) return { ok: false, message: `${name} was deleted` };
    if (!observed(o, generation)) return undefined;
    return invalidSpec(o) ?? (t.reached(o) ? { ok: true, message: `${name} is ${t.done}` } : undefined);
  };
  const outcome = await waitFor(kube, {
    kind: 'PostgresCluster',
    name,
    timeoutMs: w.timeoutMs,
    what: `${name} to be ${t.done.split(':')[0] ?? t.done}`,
    check,
    log: io.err,
    progress: (o) =>
      o ? `phase ${statusOf(o).phase ?? '?'}, ${statusOf(o).readyReplicas ?? 0} ready` : undefined,
  });
  return reportOutcome(outcome, io);
}

export const pause = (p: Parsed, io: CliIo): Promise<number> => run('pause', p, io);
export const resume = (p: Parsed, io: CliIo): Promise<number> => run('resume', p, io);
export const stop = (p: Parsed, io: CliIo): Promise<number> => run('stop', p, io);
export const start = (p: Parsed, io: CliIo): Promise<number> => run('start', p, io);
