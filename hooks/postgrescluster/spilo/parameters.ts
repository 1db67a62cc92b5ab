/**
 * Where each user PostgreSQL parameter goes in Patroni's configuration.
 *
 * Patroni keeps a few parameters in the DCS only and ignores local values for them (its
 * `CMDLINE_OPTIONS`, passed on the postmaster command line so every member agrees): those must be
 * written to `bootstrap.dcs.postgresql.parameters`, and after bootstrap changed through Patroni's
 * `PATCH /config`. Every other parameter is local (`postgresql.parameters`), which overrides the
 * dynamic configuration and follows the StatefulSet template, so a change rolls out with the pods.
 * @see docs/contract.md (what Spilo does with each variable, with its upstream file and function)
 */

/**
 * Parameters Patroni accepts only from the DCS (all of them need a restart). `listen_addresses`,
 * `port` and `cluster_name` are here too: Patroni sets them itself, and the spec validation refuses
 * them, but a value that slipped through still belongs to the DCS rather than being silently ignored.
 */
export const DCS_ONLY_PARAMETERS = [
  'cluster_name',
  'hot_standby',
  'listen_addresses',
  'max_connections',
  'max_locks_per_transaction',
  'max_prepared_transactions',
  'max_replication_slots',
  'max_wal_senders',
  'max_worker_processes',
  'port',
  'track_commit_timestamp',
  'wal_keep_segments',
  'wal_keep_size',
  'wal_level',
  'wal_log_hints',
] as const;

export type DcsOnlyParameter = (typeof DCS_ONLY_PARAMETERS)[number];

const DCS_ONLY: ReadonlySet<string> = new Set(DCS_ONLY_PARAMETERS);

/** Whether Patroni takes this parameter from the DCS only. Names are case-insensitive, as in PostgreSQL. */
export function isDcsOnlyParameter(name: string): boolean {
  return DCS_ONLY.has(name.toLowerCase());
}

/** User parameters split by where Patroni reads them. */
export interface SplitParameters {
  /** For `bootstrap.dcs.postgresql.parameters` (and later `PATCH /config`). */
  dcs: Record<string, string>;
  /** For `postgresql.parameters` in the local configuration. */
  local: Record<string, string>;
}

/** Splits user parameters into DCS-only and local ones; every input parameter lands in exactly one. */
export function splitParameters(params: Readonly<Record<string, string>>): SplitParameters {
  const dcs: Record<string, string> = {};
  const local: Record<string, string> = {};
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (value === undefined) continue;
    if (isDcsOnlyParameter(name)) dcs[name] = value;
    else local[name] = value;
  }
  return { dcs, local };
}
