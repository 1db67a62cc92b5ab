/**
 * A restored cluster archives nothing until its restore has finished.
 *
 * While Spilo restores, PostgreSQL runs under the clone source's WAL-G settings, and it keeps them:
 *
 * - Patroni runs the bootstrap command `envdir <clone envdir> python3 clone_with_wale.py` (Spilo 4.0-p3
 *   configure_spilo.py, TEMPLATE `clone_with_wale`), whose `maybe_pg_upgrade.py` (`perform_pitr`)
 *   starts PostgreSQL itself, in that environment, to replay WAL;
 * - Patroni then adopts the running server instead of starting its own (Patroni 4.0.4
 *   postgresql/bootstrap.py `Bootstrap.bootstrap` → postgresql/__init__.py `Postgresql.start`: "Cannot
 *   start PostgreSQL because one is already running"), so that server's environment stays the
 *   clone's until it is restarted;
 * - its `archive_command` is `envdir <archive envdir> wal-g wal-push` (configure_spilo.py
 *   `get_placeholders`): the archive envdir adds and overrides variables, it removes none, and WAL-G
 *   uses the first store it finds a prefix for, S3 before file, GCS and Azure (WAL-G 3.0.5
 *   internal/storage_adapter.go `StorageAdapters`, internal/configure.go
 *   `ConfigureStorageForSpecificConfig`). A restore from S3 into a cluster that archives to GCS thus
 *   archives its new timeline into the source (spilo#1122); a source variable the archive does not set
 *   (a region, an encryption key) leaks into the archive's settings the same way.
 *
 * So the StatefulSet of a restored cluster carries only the restore part until Patroni has finished
 * the bootstrap (Spilo's archive_command is then `/bin/true`: no WAL-G settings, no archiving). Then the
 * archive part is rendered, and the rollout (day2/rollout.ts) restarts every member: Patroni starts
 * PostgreSQL itself, with the archive envdir only. Refusing the risky spec combinations instead would
 * have to foresee every variable either side may set; this way nothing of the source can reach the
 * archive. WAL written between the end of the restore and the rollout is not archived: no base backup
 * of the new cluster exists before then, so no restore of it could use that WAL.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { bootstrapped as patroniBootstrapped } from '../patroni/bootstrap.js';
import { ARCHIVE_PREFIX_VARS, backupPart } from './guard.js';

/**
 * Whether Patroni has finished bootstrapping the cluster. Its `initialize` key (an annotation on
 * `<scope>-config`) is taken empty when the bootstrap starts and holds the system identifier once it
 * has succeeded (Patroni 4.0.4 ha.py `Ha.bootstrap` → `dcs.initialize(create_new=True)`, then
 * `Ha.post_bootstrap` → `dcs.initialize(sysid=...)`); the leader lock is taken only then, too.
 */
export function bootstrapped(observed: {
  configEndpoints?: KubeObject;
  leaderEndpoints?: KubeObject;
}): boolean {
  const leader = observed.leaderEndpoints?.metadata.annotations?.['leader'];
  return patroniBootstrapped(observed.configEndpoints) || (leader !== undefined && leader !== '');
}

/** Whether the StatefulSet's pod template names an archive (so its members may archive). */
function archives(sts: KubeObject | undefined): boolean {
  return backupPart(sts).env.some((e) => ARCHIVE_PREFIX_VARS.includes(e.name));
}

/**
 * Whether the archive must wait for the restore: the cluster restores, Patroni has not finished, and
 * the StatefulSet does not archive yet. The last clause makes the decision stick once taken, so a
 * moment without Patroni's objects (a deleted `<scope>-config` that Patroni writes again) never
 * takes archiving away from a running cluster.
 */
export function restorePending(
  cluster: { restore?: unknown } | undefined,
  observed: { statefulSet?: KubeObject; configEndpoints?: KubeObject; leaderEndpoints?: KubeObject },
): boolean {
  return cluster?.restore !== undefined && !bootstrapped(observed) && !archives(observed.statefulSet);
}
