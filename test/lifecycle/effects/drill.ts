/**
 * The restore drill's check Job (hooks/postgresrestoredrill/script.ts) on the simulation, step by
 * step as the program goes:
 *
 * 1. `until SELECT NOT pg_is_in_recovery() = t; sleep 5`: psql at `$PGHOST` (the temporary cluster's
 *    primary Service, named as its Patroni scope) gets an answer once that scope's leader runs as a
 *    primary; while it restores (Spilo's clone, `bootstrap.seconds`) nothing answers and the program
 *    waits, with no timeout of its own: the Job's activeDeadlineSeconds ends it (sim/jobs.ts).
 * 2. `readyAt`: the time of the first answer.
 * 3. `lastReplayAt`: the newest transaction recovery applied. The simulation keeps no WAL after a
 *    base backup, so the restored point is the end (`finish_time`) of the newest base backup in the
 *    archive the clone restored (`CLONE_WALG_*_PREFIX` of the member, sim/walg.ts); none: empty.
 * 4. `systemIdentifier`: the restored system's, Patroni's `initialize` on `<scope>-config`.
 * 5. amcheck on `$AMCHECK_SAMPLE` indexes: the simulation models no index corruption, so it passes on
 *    that many.
 * 6. the user's query: its result is what the scenario says a query returns on the restored data
 *    (`queryResults`, by query text; empty when not set), compared with `$EXPECT` exactly.
 * It prints the JSON line to the termination message and exits 1 when amcheck or the query failed.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { DRILL_COMPONENT } from '../../../hooks/postgresrestoredrill/names';
import { containerEnv, specOf } from '../sim/context';
import type { JsonObject } from '../lib/json';
import { clusterOf, envOf, running, type JobEffect, type JobWorld } from './common';

const COMPONENT = 'app.kubernetes.io/component';
const EPOCH = Date.parse('2026-11-21T10:00:00Z');
/** The clock's ISO form (lib/clock.ts `iso`), which `date -u +%Y-%m-%dT%H:%M:%SZ` prints. */
const iso = (seconds: number): string =>
  new Date(EPOCH + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The scope's leader runs as a primary (not in recovery), so psql's query answers `t`. */
function primaryRuns(world: JobWorld, namespace: string, scope: string): boolean {
  const members = clusterOf(world.patroni.api(namespace, scope)) ?? [];
  return members.some((m) => ['leader', 'primary', 'master'].includes(m.role) && m.state === 'running');
}

/** The archive the temporary cluster's leader pod restored (its CLONE_ prefix). */
function clonePrefix(world: JobWorld, namespace: string, scope: string): string | undefined {
  const pods = world.store
    .list('Pod', namespace)
    .filter(
      (p) =>
        p.metadata.labels?.['pgmeta.io/cluster'] === scope && p.metadata.labels[COMPONENT] === 'database',
    );
  for (const pod of pods) {
    const env = containerEnv(specOf(pod));
    const prefix = Object.entries(env).find(
      ([k, v]) => /^CLONE_WAL[EG]_[A-Z0-9]+_PREFIX$/.test(k) && v !== '',
    )?.[1];
    if (prefix !== undefined) return prefix;
  }
  return undefined;
}

function result(world: JobWorld, job: KubeObject, readyAt: number): Record<string, unknown> {
  const env = envOf(job);
  const namespace = job.metadata.namespace ?? '';
  const scope = (env['PGHOST'] ?? '').split('.')[0] ?? '';
  const prefix = clonePrefix(world, namespace, scope);
  const newest = prefix === undefined ? undefined : world.backups.list(prefix).at(-1);
  const config = world.store.get({ kind: 'Endpoints', namespace, name: `${scope}-config` });
  const query = env['QUERY'] ?? '';
  const queryOk = query === '' || (world.queryResults.get(query) ?? '') === (env['EXPECT'] ?? '');
  return {
    readyAt: iso(readyAt),
    lastReplayAt: newest ? newest.finish_time.replace(/\.\d+Z$/, 'Z') : '',
    systemIdentifier: config?.metadata.annotations?.['initialize'] ?? '',
    amcheck: { ok: true, indexes: Number(env['AMCHECK_SAMPLE'] ?? '0') },
    query: { ok: queryOk },
  };
}

export const drill: JobEffect = {
  name: 'restore-drill',
  matches: (job) => job.metadata.labels?.[COMPONENT] === DRILL_COMPONENT,
  run(job, world, mem: JsonObject) {
    const env = envOf(job);
    const namespace = job.metadata.namespace ?? '';
    const scope = (env['PGHOST'] ?? '').split('.')[0] ?? '';
    if (!primaryRuns(world, namespace, scope)) return running(`waiting for ${scope} to run as a primary`);
    const readyAt = typeof mem['readyAt'] === 'number' ? mem['readyAt'] : world.now();
    const line = JSON.stringify(result(world, job, readyAt));
    world.trace(`drill ${job.metadata.name}: ${line}`);
    const ok = line.includes('"amcheck":{"ok":true') && line.includes('"query":{"ok":true');
    return ok
      ? { done: true, message: line, terminationMessage: line }
      : { failed: 'a check failed', exitCode: 1, terminationMessage: line };
  },
};
