/**
 * What each Job pgmeta renders would do inside a real cluster, carried out on the simulation: the
 * one place that maps a Job to its effect. Each effect follows its Job's own program step by step
 * (one step per pass, since every step of those programs waits for the cluster to react), reading
 * exactly the inputs the program reads (its container environment), and calling Patroni's REST API or
 * the Kubernetes API under the Job's own RBAC (sim/rbac.ts): a Role that is too narrow fails the Job
 * here as it would in a cluster.
 *
 * Programs mirrored (hooks/postgrescluster/...):
 * - children/bootstrap-job.ts: wait for the primary, then idempotent SQL;
 * - day2/params-script.ts: PATCH /config, then restart pending members one at a time, replicas first;
 * - day2/switchover-script.ts: POST /switchover once a leader and a running candidate exist;
 * - day2/rollout-script.ts: replace stale pods one at a time, replicas first, then switch over (or
 *   replace) the primary;
 * - day2/resize-script.ts: patch each claim's storage request;
 * - day2/cleanup.ts: delete Patroni's leftover Endpoints and Service;
 * - rotation/script.ts: wait for the primary, then per credential set the password and merge-patch
 *   its Secret (effects/rotate.ts);
 * - postgresbackup/job.ts: `pg_isready` until the Service (primary, or replicas with
 *   backupFromReplica) has a backend whose PostgreSQL accepts connections, then one psql session
 *   that has that server run `wal-g backup-push` (COPY ... TO PROGRAM) with the WAL-G configuration
 *   Spilo gave that member pod, and reports the backup `wal-g backup-list` shows with its id. This
 *   program calls no Kubernetes API (its pod mounts no token), so no Role is checked; what it needs
 *   is checked instead: the Service's backends, the member's PostgreSQL, the member's WAL-G envdir
 *   and the object store (sim/walg.ts). Its superuser credentials come from secretKeyRefs, which the
 *   kubelet resolves before the container starts (sim/kubelet.ts); it has no timeout of its own
 *   besides the Job's activeDeadlineSeconds (sim/jobs.ts).
 * - postgrescluster/backup/catalog-job.ts: sleep, `pg_isready` on the primary Service, then one
 *   psql session that has the server list its archive with WAL-G and reads `pg_stat_archiver`
 *   (effects/catalog.ts); a background Job, whose waits set no timer.
 * - postgresrestoredrill/script.ts: wait until the temporary cluster runs as a primary, then read
 *   the restored point, the system identifier, amcheck and the user's query (effects/drill.ts).
 * A Job nothing here matches fails the scenario loudly: a new kind of Job needs its effect written.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { backup } from './effects/backup';
import { catalog } from './effects/catalog';
import { drill } from './effects/drill';
import type { JobEffect, JobWorld } from './effects/common';
import { cleanup, resize } from './effects/kube-jobs';
import { bootstrap, params, switchover } from './effects/patroni-jobs';
import { rollout } from './effects/rollout';
import { rotate } from './effects/rotate';
import type { JsonObject } from './lib/json';
import type { JobOutcome } from './sim/jobs';

export { BASE_BACKUP_SECONDS } from './effects/backup';
export type { JobEffect, JobWorld } from './effects/common';

/** The backup effect first: its label is its own, while a backup may be named like a bootstrap Job. */
export const JOB_EFFECTS: readonly JobEffect[] = [
  backup,
  catalog,
  drill,
  bootstrap,
  params,
  switchover,
  rollout,
  resize,
  cleanup,
  rotate,
];

/** Runs the effect of `job`; throws for a Job no effect matches. */
export function runJob(job: KubeObject, world: JobWorld, memory: JsonObject): JobOutcome {
  const effect = JOB_EFFECTS.find((e) => e.matches(job));
  if (!effect) {
    throw new Error(
      `cluster-sim: no effect known for Job ${job.metadata.namespace ?? ''}/${job.metadata.name}: ` +
        'describe what its program does in test/lifecycle/job-effects.ts',
    );
  }
  return effect.run(job, world, memory);
}
