/**
 * What each Job pgmeta renders would do inside a real cluster, carried out on the simulation.
 *
 * This is the one place that maps a Job to its effect. The Job is recognised by its name prefix
 * (from hooks/postgrescluster/names.ts) and its effect follows the Job's own script: the bootstrap
 * Job waits for the primary (pg_isready) and then runs idempotent SQL. A Job the simulation does not
 * know fails the scenario loudly: a new kind of Job needs its effect written here.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { CLUSTER_LABEL, clusterNames } from '../../hooks/postgrescluster/names';
import type { JsonObject } from './lib/json';
import type { ApiStore } from './lib/store';
import type { JobOutcome } from './sim/jobs';
import type { PatroniSim } from './sim/patroni';

/** What a Job's effect may touch: the API (with the Job's RBAC in mind) and Patroni's REST API. */
export interface JobWorld {
  store: ApiStore;
  patroni: PatroniSim;
  trace(line: string): void;
}

export interface JobEffect {
  /** A short name for traces. */
  name: string;
  matches(job: KubeObject): boolean;
  run(job: KubeObject, world: JobWorld, memory: JsonObject): JobOutcome;
}

function clusterOf(job: KubeObject): string {
  return job.metadata.labels?.[CLUSTER_LABEL] ?? '';
}

function hasPrefix(job: KubeObject, prefix: (names: ReturnType<typeof clusterNames>) => string): boolean {
  const cluster = clusterOf(job);
  return cluster !== '' && job.metadata.name.startsWith(`${prefix(clusterNames({ name: cluster }))}-`);
}

/** children/bootstrap-job.ts: `until pg_isready; do sleep 2; done`, then idempotent SQL. */
const bootstrap: JobEffect = {
  name: 'bootstrap',
  matches: (job) => hasPrefix(job, (n) => n.bootstrapJobPrefix),
  run(job, world) {
    const scope = clusterNames({ name: clusterOf(job) }).scope;
    try {
      const leader = world.patroni
        .api(job.metadata.namespace ?? '', scope)
        .cluster()
        .members.find((m) => m.role === 'leader');
      if (leader?.state === 'running')
        return { done: true, message: `owner and database created on ${leader.name}` };
    } catch {
      // no member running yet: pg_isready keeps failing
    }
    return { running: 'waiting for the primary' };
  },
};

export const JOB_EFFECTS: readonly JobEffect[] = [bootstrap];

/** Runs the effect of `job`; throws for a Job no effect matches. */
export function runJob(job: KubeObject, world: JobWorld, memory: JsonObject): JobOutcome {
  const effect = JOB_EFFECTS.find((e) => e.matches(job));
  if (!effect) {
    throw new Error(
      `cluster-sim: no effect known for Job ${job.metadata.namespace ?? ''}/${job.metadata.name}: ` +
        'describe what its script does in test/lifecycle/job-effects.ts',
    );
  }
  return effect.run(job, world, memory);
}
