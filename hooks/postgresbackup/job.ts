/**
 * The Job that takes one base backup of a PostgresCluster.
 *
 * How, and why this way. WAL-G's `backup-push` must run where the data directory is: its "remote"
 * mode (streaming over the replication protocol, no data directory) fails on PostgreSQL 15 and later
 * with the WAL-G 3.0 that Spilo ships (wal-g/wal-g#1784, #2005). So the backup runs inside the
 * database pod, exactly as Spilo's own scheduled backup does: `envdir /run/etc/wal-e.d/env wal-g
 * backup-push <PGDATA>`, with the storage, credentials, compression and encryption Spilo configured.
 *
 * To run it there, the Job connects as the cluster's superuser and has the server start it with
 * `COPY ... TO PROGRAM` (PostgreSQL runs the program as the `postgres` OS user, in the database
 * container, and waits for it to finish). The alternative, `kubectl exec`, would need a second image
 * and a Role with `pods/exec` on every member, which is a shell in the database pod anyway. This Job
 * needs no Kubernetes API access at all (no ServiceAccount token, no Role); its only privilege is the
 * superuser password, which the cluster's bootstrap Job already uses.
 *
 * The program writes WAL-G's log, exit code and `backup-list --detail --json` to files under /tmp;
 * the same session reads them back (`pg_read_file`), picks the backup whose sentinel carries this
 * object's id, and prints one line: `ok {"backupName", "startTime", "finishTime"}` or `failed <why>`.
 * The container writes it to its termination message, which the hook reads from the Job's pod.
 * Everything between the hook and the server is fixed text and hex ids, never user input.
 *
 * A retry never starts a second backup-push beside the first. The server runs the program in the
 * session's backend and waits for it (PostgreSQL `ClosePipeToProgram`), without reading from the
 * client meanwhile, so a Job pod that dies (evicted, node lost) leaves its backup running on the
 * server; only when the program ends does the backend notice the lost client. A new attempt therefore
 * first waits while a session still runs this backup's program ({@link RUNNING_SQL}), and when that
 * earlier attempt left its result files (`.rc` exists), it reports that result instead of pushing
 * again; the cleanup at the end removes them, so a retry after a reported failure starts afresh.
 * @see docs/contract.md (the WAL-G, backups and restore section)
 */
import type { V1Job } from '@kubernetes/client-node';
import { pullSecretsField } from '../postgrescluster/children/pull-secrets.js';
import type { Child } from '../lib/k8s.js';
import { jobScheduling, jobSpec } from '../postgrescluster/children/job-template.js';
import { superuserEnv } from '../postgrescluster/children/psql-job.js';
import { clusterNames, commonLabels, LABELS } from '../postgrescluster/names.js';
import type { ResolvedCluster } from '../postgrescluster/spec/resolved.js';
import { type EnvVar, envValue, PGDATA, sortEnv } from '../postgrescluster/spilo/env.js';
import { BACKUP_COMPONENT, BACKUP_LABEL } from './names.js';

/** Spilo's WAL-G envdir (`WALE_ENV_DIR`), written by configure_spilo at container start. */
export const WALE_ENV_DIR = '/run/etc/wal-e.d/env';

/** A day: a large database's base backup may take hours, and waiting for a primary counts too. */
export const BACKUP_DEADLINE_SECONDS = 86_400;

export interface ServerPaths {
  pgdata: string;
  envdir: string;
}

/** Where the server-side program leaves its results. */
export function resultFiles(id: string): string {
  return `/tmp/pgmeta-backup-${id}`;
}

/**
 * The program the server runs: backup-push with this backup's id in the sentinel's user data, then
 * the list of backups; it always exits 0 and leaves the exit code in a file, so the session can
 * still read the log of a failed backup.
 */
export function serverProgram(id: string, paths: ServerPaths): string {
  const out = resultFiles(id);
  const walg = `envdir ${paths.envdir} wal-g`;
  return [
    `rm -f ${out}.rc ${out}.log ${out}.json`,
    `( export PGHOST=/var/run/postgresql; WALG_SENTINEL_USER_DATA='{"pgmeta.io/backup":"${id}"}' ${walg} backup-push ${paths.pgdata} && ${walg} backup-list --detail --json >${out}.json ) >${out}.log 2>&1`,
    `echo $? >${out}.rc`,
  ].join('; ');
}

/** Removes the result files once read. */
export function cleanupProgram(id: string): string {
  const out = resultFiles(id);
  return `rm -f ${out}.rc ${out}.log ${out}.json`;
}

/**
 * How many sessions other than this one are running this backup's program: an active statement
 * whose text carries `backup-push` and this backup's result files (the COPY of an earlier attempt).
 */
export const RUNNING_SQL = [
  '\\set out `printenv BACKUP_FILES`',
  'SELECT count(*) FROM pg_stat_activity',
  "WHERE pid <> pg_backend_pid() AND state = 'active'",
  "  AND position('backup-push' in query) > 0 AND position(:'out' in query) > 0;",
].join('\n');

/**
 * The psql script (variables come from the environment through backquoted `printenv`, which psql
 * quotes when they are used as `:'name'`). `COPY (SELECT 1 WHERE false)` sends the program no input,
 * so it can never fail writing to a program that has already exited. The program runs only when no
 * earlier attempt finished one (no `.rc` file): otherwise that attempt's result is the one reported.
 */
export const BACKUP_SQL = [
  '\\set id `printenv BACKUP_ID`',
  '\\set out `printenv BACKUP_FILES`',
  '\\set program `printenv BACKUP_PROGRAM`',
  '\\set cleanup `printenv BACKUP_CLEANUP`',
  'SET statement_timeout = 0;',
  "SET application_name = 'pgmeta-backup';",
  "SELECT (pg_stat_file(:'out' || '.rc', true)).size IS NULL AS start \\gset",
  '\\if :start',
  "COPY (SELECT 1 WHERE false) TO PROGRAM :'program';",
  '\\endif',
  'WITH f AS (',
  "  SELECT btrim(coalesce(pg_read_file(:'out' || '.rc', 0, 64, true), 'none'), E' \\n') AS rc,",
  "         coalesce(pg_read_file(:'out' || '.log', 0, 1048576, true), '') AS log,",
  "         coalesce(nullif(pg_read_file(:'out' || '.json', 0, 67108864, true), ''), '[]') AS list",
  ')',
  "SELECT CASE WHEN f.rc = '0' AND b.e IS NOT NULL",
  "  THEN 'ok ' || json_build_object('backupName', b.e->>'backup_name', 'startTime', b.e->>'start_time',",
  "                                 'finishTime', b.e->>'finish_time')::text",
  "  ELSE 'failed ' || CASE WHEN f.rc <> '0' THEN 'wal-g backup-push exited with ' || f.rc",
  "                        ELSE 'the new backup is missing from wal-g backup-list' END",
  "       || ': ' || right(f.log, 1500) END",
  'FROM f LEFT JOIN LATERAL (',
  '  SELECT e FROM json_array_elements(f.list::json) AS e',
  "  WHERE e->'user_data'->>'pgmeta.io/backup' = :'id' LIMIT 1",
  ') AS b ON true;',
  "COPY (SELECT 1 WHERE false) TO PROGRAM :'cleanup';",
].join('\n');

const PSQL = 'psql --no-psqlrc --quiet --tuples-only --no-align --set=ON_ERROR_STOP=1';

/**
 * The container's script: wait for the server and for an earlier attempt's backup-push to end, run
 * {@link BACKUP_SQL}, and turn its one line into the termination message (the result on success,
 * the reason on failure). A failing check ends the attempt (`set -e`) rather than waiting forever.
 */
export const BACKUP_SCRIPT = [
  'set -eu',
  'until pg_isready --quiet; do',
  '  echo "waiting for PostgreSQL at $PGHOST:$PGPORT"',
  '  sleep 5',
  'done',
  'while :; do',
  `  running=$(${PSQL} <<'SQL'`,
  RUNNING_SQL,
  'SQL',
  ')',
  '  [ "$running" = 0 ] && break',
  '  echo "an earlier attempt\'s backup-push still runs on the server (it outlives a lost client): waiting for it"',
  '  sleep 5',
  'done',
  `result=$(${PSQL} <<'SQL'`,
  BACKUP_SQL,
  'SQL',
  ')',
  'case "$result" in',
  '  "ok "*)',
  '    printf \'%s\' "${result#ok }" >/dev/termination-log',
  '    echo "backup taken: ${result#ok }" ;;',
  '  *)',
  '    printf \'%.3000s\' "${result#failed }" >/dev/termination-log',
  '    echo "backup failed: $result" >&2',
  '    exit 1 ;;',
  'esac',
].join('\n');

export interface BackupJobInput {
  /** The Job's name. */
  name: string;
  /** The PostgresBackup's name (label on the pods, so the customize hook finds them). */
  backupName: string;
  /** {@link backupId} of the PostgresBackup. */
  id: string;
  cluster: ResolvedCluster;
}

function jobEnv({ cluster, id }: BackupJobInput): EnvVar[] {
  const names = clusterNames(cluster);
  // Spilo's scheduled backups with backupFromReplica run on replicas only; so does this one.
  const service = cluster.backup?.fromReplica ? names.replicaService : names.primaryService;
  return sortEnv([
    envValue('BACKUP_ID', id),
    envValue('BACKUP_FILES', resultFiles(id)),
    envValue('BACKUP_PROGRAM', serverProgram(id, { pgdata: PGDATA, envdir: WALE_ENV_DIR })),
    envValue('BACKUP_CLEANUP', cleanupProgram(id)),
    ...superuserEnv(cluster, { appName: 'pgmeta-backup', service }),
  ]);
}

/** The Job; one attempt and two retries, each a new pod (restartPolicy Never) with its own result. */
export function buildBackupJob(input: BackupJobInput): Child<V1Job> {
  const { cluster } = input;
  // The cluster's labels with component `backup`: never the database pods' selector, so neither the
  // cluster's Services, PodDisruptionBudget nor Patroni ever count these pods as members.
  const podLabels = {
    ...commonLabels(cluster, 'database'),
    [LABELS.component]: BACKUP_COMPONENT,
    [BACKUP_LABEL]: input.backupName,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: input.name, labels: { ...podLabels } },
    spec: jobSpec({
      platform: cluster.platform,
      labels: podLabels,
      limits: { backoffLimit: 2, activeDeadlineSeconds: BACKUP_DEADLINE_SECONDS },
      // Like the cluster's own Jobs: dedicated database nodes may be the only ones it can run on.
      pod: { restartPolicy: 'Never', ...jobScheduling(cluster), ...pullSecretsField(cluster) },
      container: {
        name: 'backup',
        // The cluster's own image: psql and pg_isready of a matching major.
        image: cluster.image,
        command: ['/bin/sh', '-c', BACKUP_SCRIPT],
        env: jobEnv(input),
        memoryRequest: '64Mi',
        // A failure without a message (psql could not connect) still explains itself.
        terminationMessagePolicy: 'FallbackToLogsOnError',
      },
    }),
  };
}
