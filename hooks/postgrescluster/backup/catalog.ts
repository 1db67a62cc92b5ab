/**
 * The series of catalog Jobs (catalog-job.ts) and what their pods reported.
 *
 * The cadence comes from observed state only, never from a clock: run 1 reads at once; whenever the
 * newest run has finished, the hook renders the next one, which waits {@link CATALOG_INTERVAL_SECONDS}
 * before it reads. The newest run that succeeded is kept, so its reading stays observable while the
 * next one waits, and so is the newest run that failed after it (its error is reported beside the
 * reading). At most three Jobs exist; older ones are dropped and Metacontroller deletes them.
 *
 * A reading is parsed defensively: the termination message is at most 4096 bytes of whatever the
 * container wrote, so every field is checked for its type and shape and anything else is left out.
 */
import type { V1Job } from '@kubernetes/client-node';
import type { Child, KubeObject } from '../../lib/k8s.js';
import { CATALOG_RUN_LABEL, COMPONENTS, LABELS } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { buildCatalogJob, CATALOG_BACKUPS, CATALOG_INTERVAL_SECONDS } from './catalog-job.js';

export type RunState = 'active' | 'succeeded' | 'failed';

export interface CatalogRun {
  run: number;
  state: RunState;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function runOf(o: KubeObject): number | undefined {
  if (o.metadata.labels?.[LABELS.component] !== COMPONENTS.backupCatalog) return undefined;
  const text = o.metadata.labels[CATALOG_RUN_LABEL] ?? '';
  return /^[1-9][0-9]{0,6}$/.test(text) ? Number(text) : undefined;
}

function stateOf(job: KubeObject): RunState {
  const conditions = (isObj(job['status']) ? job['status']['conditions'] : undefined) ?? [];
  const has = (type: string) =>
    Array.isArray(conditions) &&
    conditions.some((c) => isObj(c) && c['type'] === type && c['status'] === 'True');
  return has('Complete') ? 'succeeded' : has('Failed') ? 'failed' : 'active';
}

/** The observed catalog runs, oldest first. */
export function catalogRuns(jobs: readonly KubeObject[]): CatalogRun[] {
  return jobs
    .flatMap((job) => {
      const run = runOf(job);
      return run === undefined ? [] : [{ run, state: stateOf(job) }];
    })
    .sort((a, b) => a.run - b.run);
}

/**
 * The runs to keep (the newest that succeeded, the newest that failed after it, and the newest) and
 * the next one to start, if any. The failed run stays while the next one waits, so its error stays
 * observable until a newer reading replaces it.
 */
export function plannedRuns(runs: readonly CatalogRun[], start: boolean): number[] {
  const newest = runs.at(-1);
  const good = runs.filter((r) => r.state === 'succeeded').at(-1);
  const failed = runs.filter((r) => r.state === 'failed' && r.run > (good?.run ?? 0)).at(-1);
  const kept = [good?.run, failed?.run, newest?.run].filter((r): r is number => r !== undefined);
  const keep = [...new Set(kept)].sort((a, b) => a - b);
  const next = !newest ? 1 : newest.state === 'active' ? undefined : newest.run + 1;
  return start && next !== undefined ? [...keep, next] : keep;
}

/**
 * The catalog Jobs of a cluster: the kept runs, and a new one only when `start` (archiving is
 * configured and running, see index.ts) so a cluster without its archive is not read in vain.
 */
export function catalogJobs(
  cluster: ResolvedCluster,
  jobs: readonly KubeObject[],
  start: boolean,
): Child<V1Job>[] {
  return plannedRuns(catalogRuns(jobs), start).map((run) =>
    buildCatalogJob(cluster, run, run === 1 ? 0 : CATALOG_INTERVAL_SECONDS),
  );
}

/** One base backup as the catalog lists it. */
export interface CatalogBackup {
  name: string;
  startTime?: string;
  finishTime?: string;
  compressedBytes?: number;
  uncompressedBytes?: number;
  /** `on-demand` for a PostgresBackup's backup, `scheduled` for Spilo's. */
  trigger: 'scheduled' | 'on-demand';
  permanent?: boolean;
}

export interface ArchiverReading {
  lastArchivedWal?: string;
  lastArchivedTime?: string;
  lastFailedWal?: string;
  lastFailedTime?: string;
  failedCount?: number;
  /** WAL segments ready and not archived yet (`archive_status/*.ready`). */
  pendingSegments?: number;
  /** WAL-G's last error line in PostgreSQL's log, only while archiving fails. */
  lastError?: string;
}

export interface CatalogReading {
  /** The server's time of the reading. */
  at: string;
  /** How many base backups the archive lists (only the newest {@link CATALOG_BACKUPS} are in `backups`). */
  count: number;
  backups: CatalogBackup[];
  /** The end of the oldest listed backup. */
  firstBackupFinish?: string;
  /** Why `wal-g backup-list` failed, when it did. */
  listError?: string;
  archiver: ArchiverReading;
}

const RFC3339 =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$/;

/** RFC 3339 time as UTC with at most millisecond precision, or undefined. */
export function timeOf(v: unknown): string | undefined {
  if (typeof v !== 'string' || !RFC3339.test(v)) return undefined;
  const ms = Date.parse(v.replace(' ', 'T').replace(/([+-][0-9]{2})$/, '$1:00'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');
}

const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
const text = (v: unknown, max = 300): string | undefined =>
  typeof v === 'string' && v !== '' ? v.slice(0, max) : undefined;
const WAL = /^[0-9A-F]{24}([.][0-9A-F]{8}[.]backup|[.]history|[.]partial)?$/;
const wal = (v: unknown): string | undefined => (typeof v === 'string' && WAL.test(v) ? v : undefined);

/** `{key: v}` when v is defined, else nothing (optional fields stay absent). */
function opt<K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> {
  return v === undefined ? {} : ({ [key]: v } as Record<K, V>);
}

function backupOf(v: unknown): CatalogBackup | undefined {
  if (!Array.isArray(v)) return undefined;
  const [name, start, finish, compressed, uncompressed, onDemand, permanent] = v as unknown[];
  if (typeof name !== 'string' || !/^base_[0-9A-F]{24}(_D_[0-9A-F]{24})?$/.test(name)) return undefined;
  return {
    name,
    ...opt('startTime', timeOf(start)),
    ...opt('finishTime', timeOf(finish)),
    ...opt('compressedBytes', count(compressed)),
    ...opt('uncompressedBytes', count(uncompressed)),
    trigger: onDemand === true ? 'on-demand' : 'scheduled',
    ...(permanent === true ? { permanent: true } : {}),
  };
}

function archiverOf(v: unknown): ArchiverReading {
  const a = isObj(v) ? v : {};
  return {
    ...opt('lastArchivedWal', wal(a['wal'])),
    ...opt('lastArchivedTime', timeOf(a['at'])),
    ...opt('lastFailedWal', wal(a['fwal'])),
    ...opt('lastFailedTime', timeOf(a['fat'])),
    ...opt('failedCount', count(a['failed'])),
    ...opt('pendingSegments', count(a['ready'])),
    ...opt('lastError', text(a['error'])),
  };
}

/** A catalog line (catalog-job.ts `CATALOG_SQL`), or undefined for anything else. */
export function parseReading(message: string | undefined): CatalogReading | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(message ?? '');
  } catch {
    return undefined;
  }
  if (!isObj(raw) || raw['v'] !== 1) return undefined;
  const at = timeOf(raw['at']);
  if (at === undefined) return undefined;
  const list = Array.isArray(raw['b']) ? raw['b'] : [];
  const backups = list.slice(0, CATALOG_BACKUPS).flatMap((b) => backupOf(b) ?? []);
  return {
    at,
    count: count(raw['count']) ?? backups.length,
    backups,
    ...opt('firstBackupFinish', timeOf(raw['first'])),
    ...opt(
      'listError',
      raw['rc'] === '0' ? undefined : (text(raw['err']) ?? `wal-g exited with ${String(raw['rc'])}`),
    ),
    archiver: archiverOf(raw['arch']),
  };
}

interface Terminated {
  message?: string;
  finishedAt?: string;
}

function terminated(pod: KubeObject): Terminated | undefined {
  const status = isObj(pod['status']) ? pod['status'] : {};
  const statuses = Array.isArray(status['containerStatuses']) ? status['containerStatuses'] : [];
  const c: unknown = statuses.find((s) => isObj(s) && s['name'] === 'catalog');
  const state = isObj(c) && isObj(c['state']) ? c['state'] : {};
  const t: unknown = state['terminated'];
  if (!isObj(t)) return undefined;
  return {
    ...opt('message', typeof t['message'] === 'string' ? t['message'] : undefined),
    ...opt('finishedAt', typeof t['finishedAt'] === 'string' ? t['finishedAt'] : undefined),
  };
}

/** What the catalog pods say: the newest reading, and the newest failure after it. */
export interface CatalogObservation {
  reading?: CatalogReading;
  /** Why the newest run after the reading failed. */
  failure?: { run: number; message: string; at?: string };
}

/** How the pod of `run` ended, if it did. */
function endOf(pods: readonly KubeObject[], run: number | undefined): Terminated | undefined {
  if (run === undefined) return undefined;
  for (const pod of pods) {
    const t = runOf(pod) === run ? terminated(pod) : undefined;
    if (t) return t;
  }
  return undefined;
}

/** The catalog pods' reports, from the newest successful run and any failed run after it. */
export function observeCatalog(jobs: readonly KubeObject[], pods: readonly KubeObject[]): CatalogObservation {
  const runs = catalogRuns(jobs);
  const good = runs.filter((r) => r.state === 'succeeded').at(-1);
  const reading = parseReading(endOf(pods, good?.run)?.message?.trim());
  const failed = runs.filter((r) => r.state === 'failed' && r.run > (good?.run ?? 0)).at(-1);
  const failure = failed ? failureOf(failed.run, endOf(pods, failed.run)) : undefined;
  return { ...opt('reading', reading), ...opt('failure', failure) };
}

function failureOf(run: number, t: Terminated | undefined): NonNullable<CatalogObservation['failure']> {
  return {
    run,
    message: text(t?.message?.trim(), 500) ?? 'the catalog Job failed without a message',
    ...opt('at', timeOf(t?.finishedAt)),
  };
}
