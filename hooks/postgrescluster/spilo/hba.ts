/**
 * The pg_hba rules of a cluster, as the `postgresql.pg_hba` list of Patroni's local configuration.
 *
 * Spilo replaces its own template list wholesale with ours (lists are not merged), so this list is
 * complete on its own: the user's lines first (first match wins, so they can narrow or reject), then
 * pgmeta's. This module rejects nothing; the spec validation decides which user lines are acceptable.
 * @see ../../../../shared/reference/spilo.md §9.1, §9.3, §9.8
 */
import { DB_USERS } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';

/** The connection type of pgmeta's TCP rules: TLS only, or TLS optional. */
export function hostType(tls: ResolvedCluster['tls']): 'hostssl' | 'host' {
  return tls.enabled ? 'hostssl' : 'host';
}

/**
 * pgmeta's own rules:
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

/** The complete pg_hba list: the user's `pgHba` lines, then {@link pgmetaHbaRules}. */
export function pgHba(cluster: Pick<ResolvedCluster, 'pgHba' | 'tls'>): string[] {
  return [...cluster.pgHba, ...pgmetaHbaRules(cluster.tls)];
}
