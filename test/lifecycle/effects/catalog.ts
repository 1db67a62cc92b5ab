/**
 * The effect of a backup catalog Job (hooks/postgrescluster/backup/catalog-job.ts): sleep
 * `CATALOG_DELAY`, `pg_isready` until the primary Service has a server, then one psql session that
 * has that server run `envdir <envdir> wal-g backup-list --detail --json` and answers with the
 * catalog line, built as `CATALOG_SQL` builds it from the list, `pg_stat_archiver`, the
 * `archive_status` directory and PostgreSQL's log (PostgreSQL prints the JSON with other blanks; the
 * hook parses JSON, so only the content matters).
 *
 * WAL-G 3.0.5 (internal/databases/postgres/backup_list_handler.go `HandleDetailedBackupList`) prints
 * nothing and exits 0 both for an empty archive and for a store it cannot list (it tests for an
 * empty list before the listing error), so a store outage reads as "no backups listed".
 * Without an envdir (a member Spilo gave no archive) `envdir` fails with 111.
 *
 * Its sleep sets no timer (`waitUntil`): the catalog runs in the background while time passes for
 * other reasons, so `settle()` never chases its ever-next run (scenario.ts `isBackground`).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { CATALOG_BACKUPS } from '../../../hooks/postgrescluster/backup/catalog-job';
import { COMPONENTS, LABELS } from '../../../hooks/postgrescluster/names';
import type { JsonObject } from '../lib/json';
import { logLine, type JobOutcome } from '../sim/jobs';
import { walgPrefixOf, type WalgBackup } from '../sim/walg';
import { serverAt, walgLogTime } from './backup';
import { envOf, running, type JobEffect, type JobWorld } from './common';

/** daemontools' `envdir` exit code when it cannot read its directory. */
const ENVDIR_FATAL = 111;

/** The `b` entries: newest first (by start time, then name), at most CATALOG_BACKUPS. */
function listed(backups: readonly WalgBackup[]): unknown[] {
  return [...backups]
    .sort((a, b) => (a.start_time + a.backup_name < b.start_time + b.backup_name ? 1 : -1))
    .slice(0, CATALOG_BACKUPS)
    .map((b) => [
      b.backup_name,
      b.start_time,
      b.finish_time,
      b.compressed_size ?? 0,
      b.uncompressed_size ?? 0,
      b.user_data?.['pgmeta.io/backup'] !== undefined,
      false,
    ]);
}

function catalogLine(world: JobWorld, job: KubeObject): JobOutcome {
  const env = envOf(job);
  const server = serverAt(world, env['PGHOST'] ?? '');
  if (!server) return running(`waiting for PostgreSQL at ${env['PGHOST'] ?? ''}`);
  const prefix = walgPrefixOf(server.pod);
  const now = world.store.clock.iso();
  const reachable = prefix !== undefined && world.backups.outage === undefined;
  const backups = reachable ? world.backups.list(prefix) : [];
  const a = world.backups.archive(`${server.pod.metadata.namespace ?? ''}/${server.pod.metadata.name}`, {
    prefix: prefix ?? '',
    timeline: server.member.timeline,
    lsn: server.member.xlog,
    now,
    logTime: walgLogTime(world),
  });
  const failing =
    a.lastFailedTime !== undefined && !(a.lastArchivedTime && a.lastArchivedTime > a.lastFailedTime);
  const oldest = [...backups].sort((x, y) => (x.start_time < y.start_time ? -1 : 1))[0];
  const line = JSON.stringify({
    v: 1,
    at: now.replace('Z', '+00:00'),
    rc: prefix === undefined ? String(ENVDIR_FATAL) : '0',
    err:
      prefix === undefined
        ? 'envdir: fatal: unable to switch to directory /run/etc/wal-e.d/env: file does not exist'
        : null,
    count: backups.length,
    b: backups.length > 0 ? listed(backups) : null,
    first: oldest?.finish_time ?? null,
    arch: {
      wal: a.lastArchivedWal ?? null,
      at: a.lastArchivedTime ?? null,
      fwal: a.lastFailedWal ?? null,
      fat: a.lastFailedTime ?? null,
      failed: a.failedCount,
      ready: a.ready,
      error: failing ? (a.lastLogError ?? null) : null,
    },
  });
  return { done: true, message: `catalog: ${line}`, terminationMessage: line.slice(0, 4000) };
}

/**
 * A catalog Job, its pods, or a change to one of them, or a status update of the parent that touches
 * only the catalog fields: the periodic reading, which scenarios do not count as a change (like
 * Patroni's lease renewals).
 */
export function isBackground(o: {
  labels?: Record<string, string>;
  metadata?: { labels?: Record<string, string> };
  kind?: string;
  verb?: string;
  paths?: readonly string[];
}): boolean {
  const labels = o.labels ?? o.metadata?.labels ?? {};
  if (labels[LABELS.component] === COMPONENTS.backupCatalog) return true;
  const paths = o.paths ?? [];
  return (
    o.kind === 'PostgresCluster' &&
    o.verb === 'update' &&
    paths.length > 0 &&
    paths.length < 6 &&
    paths.every((p) =>
      CATALOG_FIELDS.some(
        (f) =>
          p === `status.backup.${f}` ||
          p.startsWith(`status.backup.${f}.`) ||
          p.startsWith(`status.backup.${f}[`),
      ),
    )
  );
}

/** The fields of status.backup that each reading rewrites (hooks/postgrescluster/backup/catalog-status.ts). */
const CATALOG_FIELDS = [
  'catalogTime',
  'catalogError',
  'archiving',
  'backups',
  'backupCount',
  'lastBackupTime',
  'firstRecoverableTime',
  'lastRecoverableTime',
  'recoveryWindowSeconds',
  'nextBackupTime',
  'backupDueTime',
];

/** backup/catalog-job.ts: one reading of the catalog on the primary. */
export const catalog: JobEffect = {
  name: 'catalog',
  matches: (job) => job.metadata.labels?.[LABELS.component] === COMPONENTS.backupCatalog,
  run(job, world, mem: JsonObject) {
    const delay = Number(envOf(job)['CATALOG_DELAY'] ?? '0');
    const wakeAt = typeof mem['wakeAt'] === 'number' ? mem['wakeAt'] : world.now() + delay;
    mem['wakeAt'] = wakeAt;
    if (world.now() < wakeAt) return running(`sleeping until ${wakeAt}s`);
    const outcome = catalogLine(world, job);
    if ('running' in outcome) logLine(mem, outcome.running);
    return outcome;
  },
};
