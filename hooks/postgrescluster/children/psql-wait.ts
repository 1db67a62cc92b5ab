/**
 * The psql Jobs (the application bootstrap, the pooler's and the monitoring role) are rendered only
 * once Patroni finished bootstrapping the cluster (the system identifier in `initialize`, see
 * patroni/bootstrap.ts). Their `activeDeadlineSeconds` (psql-job.ts) then counts from when a primary
 * can exist, not from the start of a restore that may take hours and would exceed it. A Job already
 * observed is kept whatever the observation says, so a transient reading never drops one. The Secret
 * of a Job's SCRAM verifier bears the Job's name and waits with it.
 *
 * A standby cluster is read-only: its roles and databases are the source's, and a psql Job that
 * creates or alters them would fail there. Its Jobs wait until it is promoted (the spec has no
 * standby and Patroni's dynamic configuration no `standby_cluster` any more).
 */
import type { KubeObject } from '../../lib/k8s.js';
import { bootstrapped } from '../patroni/bootstrap.js';
import { runsAsStandby } from '../standby/observed.js';

export function holdPsqlJobs(
  children: readonly KubeObject[],
  observed: { jobs: readonly KubeObject[]; configEndpoints?: KubeObject | undefined },
  standby = false,
): KubeObject[] {
  const readOnly = standby || runsAsStandby(observed.configEndpoints);
  if (bootstrapped(observed.configEndpoints) && !readOnly) return [...children];
  const existing = new Set(observed.jobs.map((j) => j.metadata.name));
  const held = new Set(
    children.filter((c) => c.kind === 'Job' && !existing.has(c.metadata.name)).map((c) => c.metadata.name),
  );
  return children.filter((c) => !((c.kind === 'Job' || c.kind === 'Secret') && held.has(c.metadata.name)));
}
