/**
 * Major version upgrades (`version` raised) of a cluster that holds data are refused, with the
 * procedure in the message (docs/day2.md "Major version upgrade").
 *
 * Why not in place: Spilo's upgrade (`/scripts/inplace_upgrade.py`) must run inside the primary's
 * container, next to its data directory, while every member is stopped and replicas are rebuilt.
 * pgmeta never calls the network from the hook, and a Job can reach a member's container only with
 * `pods/exec`, a permission that amounts to superuser on every database in the namespace. Instead a
 * new cluster at the new version is restored from the old one's archive with `restore.source.version`
 * naming the old major: Spilo's clone fetches the backup from `wal/<old major>`, recovers it with the
 * old binaries and runs pg_upgrade before the new cluster starts (zalando/spilo 4.0-p3,
 * postgres-appliance/bootstrap/clone_with_wale.py `main` → maybe_pg_upgrade.py `main`:
 * `perform_pitr` with `start_old_cluster`, then `do_upgrade`). The old cluster stays untouched until it
 * is deleted, so the upgrade can be abandoned at any point.
 *
 * A cluster that never bootstrapped (no `initialize` in Patroni's config, no volume) has no data to
 * upgrade: its version may still change. Downgrades are refused earlier, by the CRD's rule mirror.
 */
import type { ObservedCluster } from '../observe.js';
import type { SpecResult } from '../spec/index.js';

/** Whether Patroni bootstrapped the cluster, or a volume of it exists. */
function holdsData(observed: ObservedCluster): boolean {
  return (
    observed.configEndpoints?.metadata.annotations?.['initialize'] !== undefined || observed.pvcs.length > 0
  );
}

/** The refusal message for a raise from `from` to `to`. */
export function majorUpgradeMessage(from: string, to: string): string {
  return (
    `cannot upgrade from PostgreSQL ${from} to ${to} in place: keep version ${from} here and create a ` +
    `new cluster with version ${to} and spec.restore from this cluster's archive with ` +
    `source.version ${from}; Spilo restores it and runs pg_upgrade (docs/day2.md "Major version upgrade"). ` +
    `Then move clients and delete this cluster`
  );
}

/** `check` unchanged, or refused when it raises the major version of a cluster that holds data. */
export function refuseMajorUpgrade(
  check: SpecResult,
  o: { previous: unknown; observed: ObservedCluster },
): SpecResult {
  if (!check.ok) return check;
  const before = (o.previous as { version?: unknown } | undefined)?.version;
  const after = check.spec.version;
  if (typeof before !== 'string' || Number(after) <= Number(before) || !holdsData(o.observed)) return check;
  return { ok: false, errors: [{ path: 'spec.version', message: majorUpgradeMessage(before, after) }] };
}
