/**
 * The Job that reads a cluster's backup catalog: what the archive holds (`wal-g backup-list --detail
 * --json`) and how archiving goes (`pg_stat_archiver`, the WAL segments waiting to be archived, and
 * WAL-G's last error from PostgreSQL's log), as one compact JSON line in its termination message.
 *
 * Where it runs, and why. WAL-G must run with the settings Spilo gave it: the envdir
 * `/run/etc/wal-e.d/env` that configure_spilo.py `write_wale_environment` writes in each member at
 * container start, and the pod's identity (its ServiceAccount, for credentials without static keys).
 * So, like the PostgresBackup Job (postgresbackup/job.ts says more), this Job connects to the primary
 * as the superuser and has the server run `envdir <envdir> wal-g backup-list --detail --json` with
 * `COPY ... TO PROGRAM`: the same environment as Spilo's own archive_command. It needs no Kubernetes
 * API access and no copy of any credential. Everything the server runs is fixed text.
 *
 * What the line holds is bounded so it always fits the kubelet's 4096-byte termination message: the
 * {@link CATALOG_BACKUPS} newest backups, each as a short array, errors cut to 300 characters; the
 * hook parses it defensively (catalog.ts).
 *
 * WAL-G 3.0.5 facts it relies on (wal-g/wal-g at v3.0.5):
 * - `internal/databases/postgres/backup_list_handler.go` `HandleDetailedBackupList`: prints the JSON
 *   array of `BackupDetail` (`internal/databases/postgres/backup_detail.go`: `internal.BackupTime`'s
 *   `backup_name`, `time`, `wal_file_name`, `storage_name` and `ExtendedMetadataDto`'s `start_time`,
 *   `finish_time`, `hostname`, `data_dir`, `pg_version`, `start_lsn`, `finish_lsn`, `is_permanent`,
 *   `system_identifier`, `uncompressed_size`, `compressed_size`, `user_data`, from
 *   `backup_sentinel_dto.go`), sorted by `SortBackupDetails`. With no backup it prints nothing and
 *   exits 0, and it checks for an empty list *before* the listing error, so a store it cannot list
 *   reads the same (no output, exit 0): an empty list is therefore reported as "none listed", never
 *   as proof that the archive is empty.
 * - a PostgresBackup's backup carries `{"pgmeta.io/backup": <id>}` in `user_data` (postgresbackup/
 *   job.ts sets `WALG_SENTINEL_USER_DATA`); Spilo's scheduled `postgres_backup.sh` sets none. That
 *   tells on-demand from scheduled.
 * - WAL-G logs through tracelog, whose error lines start with `ERROR: `; the archiver's child writes
 *   them to stderr, which PostgreSQL's logging collector puts in the plain `.log` file next to the
 *   `csvlog` one Spilo configures (`log_directory: ../pg_log`, configure_spilo.py `TEMPLATE`).
 */
import type { V1Job } from '@kubernetes/client-node';
import type { Child } from '../../lib/k8s.js';
import { jobScheduling, jobSpec } from '../children/job-template.js';
import { childMetadata } from '../children/metadata.js';
import { superuserEnv } from '../children/psql-job.js';
import { CATALOG_RUN_LABEL, catalogJobName, commonLabels, COMPONENTS } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { envValue, sortEnv } from '../spilo/env.js';

/** Spilo's WAL-G envdir (`WALE_ENV_DIR`). */
export const CATALOG_ENVDIR = '/run/etc/wal-e.d/env';
/** Seconds between two readings: each run after the first waits this long before it reads. */
export const CATALOG_INTERVAL_SECONDS = 300;
/** Backups listed in the line (and so in status); `count` still says how many the archive has. */
export const CATALOG_BACKUPS = 8;
/** Where the server-side program leaves WAL-G's output. */
export const CATALOG_FILES = '/tmp/pgmeta-catalog';

/** The program the server runs; it always exits 0 and leaves WAL-G's exit code in a file. */
export const CATALOG_PROGRAM = [
  `rm -f ${CATALOG_FILES}.rc ${CATALOG_FILES}.json ${CATALOG_FILES}.err`,
  `envdir ${CATALOG_ENVDIR} wal-g backup-list --detail --json >${CATALOG_FILES}.json 2>${CATALOG_FILES}.err`,
  `echo $? >${CATALOG_FILES}.rc`,
].join('; ');

export const CATALOG_CLEANUP = `rm -f ${CATALOG_FILES}.rc ${CATALOG_FILES}.json ${CATALOG_FILES}.err`;

const read = (ext: string, size: number) => `pg_read_file('${CATALOG_FILES}.${ext}', 0, ${size}, true)`;

/**
 * The catalog line. `b` holds `[name, start, finish, compressed bytes, uncompressed bytes, on demand,
 * permanent]` newest first; `first` is the end of the oldest backup. The log is read as bytes and
 * escaped (`encode(..., 'escape')`) so a line cut in the middle of a character cannot fail the query.
 */
export const CATALOG_SQL = [
  '\\set program `printenv CATALOG_PROGRAM`',
  '\\set cleanup `printenv CATALOG_CLEANUP`',
  "SET statement_timeout = '600s';",
  "SET TimeZone = 'UTC';",
  "COPY (SELECT 1 WHERE false) TO PROGRAM :'program';",
  'WITH f AS (',
  `  SELECT btrim(coalesce(${read('rc', 64)}, 'none'), E' \\n') AS rc,`,
  `         coalesce(${read('err', 65536)}, '') AS err,`,
  `         btrim(coalesce(${read('json', 67108864)}, ''), E' \\n') AS list`,
  '), b AS (',
  "  SELECT e, row_number() OVER (ORDER BY e->>'start_time' DESC, e->>'backup_name' DESC) AS n",
  "  FROM f, json_array_elements(CASE WHEN f.rc = '0' AND left(f.list, 1) = '[' THEN f.list::json END) AS e",
  '), a AS (',
  '  SELECT s.*, s.last_failed_time IS NOT NULL',
  '    AND (s.last_archived_time IS NULL OR s.last_failed_time > s.last_archived_time) AS failing',
  '  FROM pg_stat_archiver AS s',
  '), w AS (',
  "  SELECT (SELECT x.l FROM regexp_split_to_table(encode(pg_read_binary_file(current_setting('log_directory')",
  "           || '/' || d.name, greatest(d.size - 262144, 0), 262144), 'escape'), E'\\n')",
  "           WITH ORDINALITY AS x(l, i) WHERE x.l LIKE 'ERROR: %' ORDER BY x.i DESC LIMIT 1) AS line",
  "  FROM (SELECT name, size FROM pg_ls_logdir() WHERE name LIKE '%.log'",
  '        ORDER BY modification DESC LIMIT 1) AS d',
  ')',
  "SELECT json_build_object('v', 1, 'at', now(), 'rc', f.rc,",
  "  'err', CASE WHEN f.rc <> '0' THEN right(btrim(f.err, E' \\n'), 300) END,",
  "  'count', (SELECT count(*) FROM b),",
  "  'b', (SELECT json_agg(json_build_array(e->>'backup_name', e->>'start_time', e->>'finish_time',",
  "          (e->>'compressed_size')::bigint, (e->>'uncompressed_size')::bigint,",
  "          (e->'user_data'->>'pgmeta.io/backup') IS NOT NULL, coalesce((e->>'is_permanent')::boolean, false))",
  `          ORDER BY n) FROM b WHERE n <= ${CATALOG_BACKUPS}),`,
  "  'first', (SELECT e->>'finish_time' FROM b ORDER BY n DESC LIMIT 1),",
  "  'arch', json_build_object('wal', a.last_archived_wal, 'at', a.last_archived_time,",
  "    'fwal', a.last_failed_wal, 'fat', a.last_failed_time, 'failed', a.failed_count,",
  "    'ready', (SELECT count(*) FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'),",
  "    'error', CASE WHEN a.failing THEN left((SELECT line FROM w), 300) END))::text",
  'FROM f, a;',
  "COPY (SELECT 1 WHERE false) TO PROGRAM :'cleanup';",
].join('\n');

const PSQL = 'psql --no-psqlrc --quiet --tuples-only --no-align --set=ON_ERROR_STOP=1';

/**
 * The container's script: wait (every run but the first), wait for the server, read, and write the
 * line to the termination message. A failing step ends the run (`set -e`); the message then falls
 * back to the log's tail (`FallbackToLogsOnError`), which the hook reports as the reading's error.
 */
export const CATALOG_SCRIPT = [
  'set -eu',
  'sleep "${CATALOG_DELAY:-0}"',
  'until pg_isready --quiet; do',
  '  echo "waiting for PostgreSQL at $PGHOST:$PGPORT"',
  '  sleep 5',
  'done',
  `result=$(${PSQL} <<'SQL'`,
  CATALOG_SQL,
  'SQL',
  ')',
  'printf \'%.4000s\' "$result" >/dev/termination-log',
  'echo "catalog: $result"',
].join('\n');

/** Labels of a catalog Job and its pods (the customize hook selects the pods by them). */
export function catalogLabels(cluster: Pick<ResolvedCluster, 'name'>, run: number): Record<string, string> {
  return { ...commonLabels(cluster, COMPONENTS.backupCatalog), [CATALOG_RUN_LABEL]: String(run) };
}

/** Run `run` of the cluster's catalog Jobs; `delay` seconds of waiting before it reads. */
export function buildCatalogJob(cluster: ResolvedCluster, run: number, delay: number): Child<V1Job> {
  const labels = catalogLabels(cluster, run);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      ...childMetadata(cluster, { name: catalogJobName(cluster, run), component: COMPONENTS.backupCatalog }),
      labels: { ...labels },
    },
    spec: jobSpec({
      labels,
      // One pod: its termination message is the reading. The deadline ends a run stuck on a server
      // that never answers, so the series goes on.
      limits: { backoffLimit: 0, activeDeadlineSeconds: delay + 1800 },
      pod: { restartPolicy: 'Never', ...jobScheduling(cluster) },
      container: {
        name: 'catalog',
        image: cluster.image,
        command: ['/bin/sh', '-c', CATALOG_SCRIPT],
        env: sortEnv([
          envValue('CATALOG_DELAY', String(delay)),
          envValue('CATALOG_PROGRAM', CATALOG_PROGRAM),
          envValue('CATALOG_CLEANUP', CATALOG_CLEANUP),
          ...superuserEnv(cluster, { appName: 'pgmeta-catalog' }),
        ]),
        memoryRequest: '32Mi',
        terminationMessagePolicy: 'FallbackToLogsOnError',
      },
    }),
  };
}
