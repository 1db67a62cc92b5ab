/**
 * Which SQL Job (and script ConfigMap of the same name) to ask for. One Job at a time: while an older
 * one still runs, it is kept and the new one waits (two scripts converging the same objects at once
 * could fail each other). While the cluster is not ready nothing changes: no Job is created and the
 * observed ones are kept as they are. A Job that is left out is deleted, and its ConfigMap with it.
 */
import type { KubeObject } from '../lib/k8s.js';
import { isTerminating } from '../metacontroller/children.js';
import { jobPhase } from './job.js';
import { COMPONENTS, LABELS } from './names.js';
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

interface ObservedSql {
  jobs: readonly KubeObject[];
  configMaps: readonly KubeObject[];
  secrets: readonly KubeObject[];
}

/** Observed Jobs kept as they are, each with its script ConfigMap and its Secret of verifiers. */
function keep(jobs: readonly KubeObject[], observed: ObservedSql): KubeObject[] {
  const names = new Set(jobs.map((j) => j.metadata.name));
  const named = (o: KubeObject): boolean => names.has(o.metadata.name);
  // Role Secrets are the roles' (secrets.ts): only the Jobs' own, by their label, go with the Jobs.
  const verifiers = observed.secrets.filter(
    (o) => named(o) && o.metadata.labels?.[LABELS.component] === COMPONENTS.sql,
  );
  return [...jobs, ...observed.configMaps.filter(named), ...verifiers].map(keepObserved);
}

/** `desired` (the Job, its ConfigMap and its Secret) is undefined while the cluster cannot take SQL. */
export function planJob(opts: {
  observed: ObservedSql;
  desired: readonly KubeObject[] | undefined;
  name: string;
}): JobPlan {
  const { observed, desired, name } = opts;
  const current = observed.jobs.find((j) => j.metadata.name === name);
  const status = current ? jobPhase(current) : undefined;
  if (!desired) {
    const state: JobState = status?.phase === 'succeeded' ? 'succeeded' : 'waiting-cluster';
    return { jobs: keep(observed.jobs, observed), state, name, message: '' };
  }
  const running = observed.jobs.filter(
    (j) => j.metadata.name !== name && !isTerminating(j) && jobPhase(j).phase === 'active',
  );
  if (running.length > 0) {
    const message = `waiting for Job ${running.map((j) => j.metadata.name).join(', ')} to finish`;
    return { jobs: keep(running, observed), state: 'waiting-job', name, message };
  }
  return { jobs: [...desired], state: status?.phase ?? 'pending', name, message: status?.message ?? '' };
}
