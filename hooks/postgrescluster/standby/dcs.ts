/**
 * Patroni's `standby_cluster` section of the dynamic configuration, and the `PATCH /config` that
 * changes or removes it on a running cluster.
 *
 * With the section in the DCS, Patroni (v4.0.4) runs the cluster as a standby: the lock holder is the
 * standby leader, which follows a remote member built from the section's `host`, `port`,
 * `restore_command` (ha.py `Ha.get_remote_member`, `Ha._get_node_to_follow`), and the other members
 * follow it (cascading replicas); a new standby leader is created with the section's
 * `create_replica_methods` (`Ha.bootstrap` → `Ha.bootstrap_standby_leader`). When the section is
 * gone, `global_config.is_standby_cluster` is false and the lock holder's next HA loop promotes it
 * (`Ha.process_healthy_cluster` → `Ha.enforce_primary_role`): removing it is the promotion.
 *
 * The section is what Spilo 4.0-p3's template renders from the `STANDBY_*` variables (configure_spilo.py
 * `TEMPLATE`, `bootstrap.dcs.standby_cluster`); pgmeta renders the same values in SPILO_CONFIGURATION
 * so that the document the parameter Job compares and sends (day2/params.ts) holds it too.
 */
import type { ResolvedStandby } from './types.js';

/** Spilo's `RW_DIR` (`get_placeholders`): where it writes the WAL-G envdirs. */
const WALE_ENV_ROOT = '/run/etc/wal-e.d';

/** The envdir Spilo writes for the standby source (`set_extended_wale_placeholders('STANDBY_')`). */
export function standbyEnvDir(scope: string): string {
  return `${WALE_ENV_ROOT}/env-standby-${scope}`;
}

/** Spilo's `WAL_RESTORE_TIMEOUT` default (`get_placeholders`): no timeout. */
const WAL_RESTORE_TIMEOUT = '0';

/** The `standby_cluster` section, as Spilo's template writes it. */
export function standbyClusterSection(s: ResolvedStandby): Record<string, unknown> {
  return {
    // The archive first: a standby leader is then made from the newest base backup, not from a
    // basebackup over the network (Spilo's method `bootstrap_standby_with_wale`).
    create_replica_methods: [...(s.archive ? ['bootstrap_standby_with_wale'] : []), 'basebackup_fast_xlog'],
    ...(s.streaming ? { host: s.streaming.host, port: s.streaming.port } : {}),
    ...(s.archive
      ? {
          restore_command: `envdir "${standbyEnvDir(s.archive.scope)}" timeout "${WAL_RESTORE_TIMEOUT}" /scripts/restore_command.sh "%f" "%p"`,
        }
      : {}),
  };
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The `standby_cluster` value of a `PATCH /config` body. Patroni merges a patch into the stored
 * document and deletes keys sent as null (patroni/utils.py `patch_config`), so a key the observed
 * section has and the desired one lacks is sent as null, and a removed section as null: the promotion.
 * Undefined when there is nothing to send (no section wanted, none observed).
 */
export function standbyPatch(desired: Json | undefined, observed: unknown): Json | null | undefined {
  if (!desired) return isObj(observed) ? null : undefined;
  const gone = isObj(observed) ? Object.keys(observed).filter((k) => !(k in desired)) : [];
  return { ...Object.fromEntries(gone.map((k) => [k, null])), ...desired };
}
