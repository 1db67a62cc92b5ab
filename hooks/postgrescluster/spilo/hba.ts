/**
 * The pg_hba rules of a cluster, as the `postgresql.pg_hba` list of Patroni's local configuration.
 *
 * Spilo replaces its own template list wholesale with ours (lists are not merged), so this list is
 * complete on its own: the rule Patroni's own replication connection needs (which no user line may
 * shadow), then the user's lines (first match wins, so they can narrow or reject), then pgmeta's
 * other rules. This module rejects nothing; the spec validation decides which user lines are acceptable.
 * @see docs/contract.md (what Spilo does with each variable, with its upstream file and function)
 */
import { DB_USERS } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';

/** The connection type of pgmeta's TCP rules: TLS only, or TLS optional. */
export function hostType(tls: ResolvedCluster['tls']): 'hostssl' | 'host' {
  return tls.enabled ? 'hostssl' : 'host';
}

/**
 * Patroni's replication connection to its own server, over the Unix socket without a password.
 *
 * Spilo's template sets `use_unix_socket_repl: true` and carries `local replication <PGUSER_STANDBY>
 * trust` (Spilo 4.0-p3 postgres-appliance/scripts/configure_spilo.py, TEMPLATE). Patroni opens that
 * connection to read the timeline of its running server when it must decide whether a former primary
 * needs pg_rewind (Patroni v4.0.4 patroni/postgresql/rewind.py Rewind._get_local_timeline_lsn, which
 * calls patroni/postgresql/__init__.py Postgresql.get_replica_timeline on
 * `local_replication_address` from patroni/postgresql/config.py resolve_connection_addresses), and in
 * every HA loop of a replica whose walreceiver has no timeline (patroni/ha.py Ha.touch_member). A
 * `local all` rule never matches a replication connection; refused, the decision is never made, the
 * diverged former primary stays a replica that cannot stream, and each loop logs a FATAL.
 *
 * `trust`, as Spilo: the rule admits only the replication user, only to the replication protocol, and
 * only over the socket, which only processes in the database container can reach, the same ones that
 * `local all all trust` below already admits as superuser. `peer` would refuse it (the OS user is
 * `postgres`, the database user is not, and Spilo writes no pg_ident map); `scram-sha-256` would work
 * (Patroni sends the replication password) but protects nothing the socket's `trust` does not give
 * away. If socket authentication is tightened, this rule must change with `local all all`.
 * It comes first: a user line such as `local replication all reject` would otherwise shadow it.
 */
export function patroniLocalReplicationRule(): string {
  return `local replication ${DB_USERS.replication} trust`;
}

/**
 * pgmeta's own rules after the user's lines:
 * - the Unix socket is reachable only from inside the database pod, where every process runs as the
 *   `postgres` OS user (uid 101) that owns the data directory anyway, so `trust` there gives nothing
 *   away and lets Patroni, Spilo's scripts and `kubectl exec ... psql` connect without a password;
 * - the replication user may open replication connections (Patroni's basebackup and streaming), and
 *   every user may connect to every database, both from anywhere with SCRAM passwords only;
 * - with TLS enabled both are `hostssl`, so a connection without TLS matches no rule and is refused.
 */
export function pgmetaHbaRules(tls: ResolvedCluster['tls']): string[] {
  const host = hostType(tls);
  return [
    'local all all trust',
    `${host} replication ${DB_USERS.replication} all scram-sha-256`,
    `${host} all all all scram-sha-256`,
  ];
}

/**
 * The complete pg_hba list: {@link patroniLocalReplicationRule}, the user's `pgHba` lines, then
 * {@link pgmetaHbaRules}.
 */
export function pgHba(cluster: Pick<ResolvedCluster, 'pgHba' | 'tls'>): string[] {
  return [patroniLocalReplicationRule(), ...cluster.pgHba, ...pgmetaHbaRules(cluster.tls)];
}
