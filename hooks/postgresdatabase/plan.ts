/**
 * Which SQL Job (and script ConfigMap of the same name) to ask for. One Job at a time: while an older
 * one still runs, it is kept and the new one waits (two scripts converging the same objects at once
 * could fail each other). While the cluster is not ready nothing changes: no Job is created and the
 * observed ones are kept as they are. A Job that is left out is deleted, and its ConfigMap with it.
 */
import type { KubeObject } from '../lib/k8s.js';
import { isTerminating } from '../metacontroller/children.js';
import { jobPhase } from './job.js';
import { keepObserved } from './secrets.js';

export type JobState = 'waiting-cluster' | 'waiting-job' | 'pending' | 'active' | 'succeeded' | 'failed';

export interface JobPlan {
  /** The Jobs and script ConfigMaps of the response. */
  jobs: KubeObject[];
  state: JobState;
  /** The Job of the desired revision. */
  name: string;
  /** The Job waited for, or the failure, in words. */
  message: string;
}

/** Observed Jobs kept as they are, each with its script ConfigMap. */
function keep(jobs: readonly KubeObject[], configMaps: readonly KubeObject[]): KubeObject[] {
  const names = new Set(jobs.map((j) => j.metadata.name));
  return [...jobs, ...configMaps.filter((c) => names.has(c.metadata.name))].map(keepObserved);
}

/** `desired` (the Job and its ConfigMap) is undefined while the cluster cannot take SQL. */
export function planJob(opts: {
  observed: { jobs: readonly KubeObject[]; configMaps: readonly KubeObject[] };
  desired: readonly KubeObject[] | undefined;
  name: string;
}): JobPlan {
  const { observed, desired, name } = opts;
  const current = observed.jobs.find((j) => j.metadata.name === name);
  const status = current ? jobPhase(current) : undefined;
  if (!desired) {
    const state: JobState = status?.phase === 'succeeded' ? 'succeeded' : 'waiting-cluster';
    return { jobs: keep(observed.jobs, observed.configMaps), state, name, message: '' };
  }
  const running = observed.jobs.filter(
    (j) => j.metadata.name !== name && !isTerminating(j) && jobPhase(j).phase === 'active',
  );
  if (running.length > 0) {
    const message = `waiting for Job ${running.map((j) => j.metadata.name).join(', ')} to finish`;
    return { jobs: keep(running, observed.configMaps), state: 'waiting-job', name, message };
  }
  return { jobs: [...desired], state: status?.phase ?? 'pending', name, message: status?.message ?? '' };
}
