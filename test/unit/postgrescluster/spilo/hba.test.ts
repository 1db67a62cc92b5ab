import { describe, expect, it } from '@jest/globals';
import { pgHba } from '../../../../hooks/postgrescluster/spilo/hba.js';
import { aCluster } from '../../../support/cluster-fixture.js';

/**
 * The first line PostgreSQL would use for a replication connection of `user` over the Unix socket
 * (first match wins; `all` as database never matches replication, a list can name `replication`).
 */
function firstLocalReplicationMatch(lines: readonly string[], user: string): string | undefined {
  return lines.find((line) => {
    const [type, databases, users] = line.trim().split(/\s+/);
    return (
      type === 'local' &&
      (databases ?? '').split(',').includes('replication') &&
      (users ?? '').split(',').some((u) => u === 'all' || u === user)
    );
  });
}

describe('pgHba', () => {
  it("puts the user's lines after the local replication rule, in order, then pgmeta's", () => {
    const user = ['hostssl all reporting 10.0.0.0/8 scram-sha-256', 'host all all 0.0.0.0/0 reject'];
    const lines = pgHba(aCluster().withHba(user).build());
    expect(lines.slice(1, 3)).toEqual(user);
    expect(lines).toHaveLength(6);
  });

  it('with TLS: socket trust, then replication and all users over TLS with SCRAM only', () => {
    expect(pgHba(aCluster().withTls(true).build())).toEqual([
      'local replication standby trust',
      'local all all trust',
      'hostssl replication standby all scram-sha-256',
      'hostssl all all all scram-sha-256',
    ]);
  });

  it('without TLS: the same rules accept plain connections', () => {
    expect(pgHba(aCluster().withTls(false).build())).toEqual([
      'local replication standby trust',
      'local all all trust',
      'host replication standby all scram-sha-256',
      'host all all all scram-sha-256',
    ]);
  });

  // Spilo runs Patroni with use_unix_socket_repl (configure_spilo.py TEMPLATE); Patroni reads a running
  // replica's timeline over that connection before deciding on pg_rewind (Patroni v4.0.4
  // patroni/postgresql/rewind.py Rewind._get_local_timeline_lsn -> patroni/postgresql/__init__.py
  // Postgresql.get_replica_timeline). Refused, a diverged former primary is never rewound.
  it("lets Patroni's socket replication connection in, whatever the user's lines say", () => {
    for (const tls of [true, false]) {
      const user = [
        'local replication all reject',
        'local all all reject',
        'local replication,all standby scram-sha-256',
        'host replication all 0.0.0.0/0 reject',
      ];
      const lines = pgHba(aCluster().withTls(tls).withHba(user).build());
      expect(firstLocalReplicationMatch(lines, 'standby')).toBe('local replication standby trust');
      expect(lines[0]).toBe('local replication standby trust');
    }
  });

  it('never uses md5, password or trust over TCP', () => {
    for (const tls of [true, false]) {
      for (const line of pgHba(aCluster().withTls(tls).build()).filter((l) => !l.startsWith('local'))) {
        expect(line).toMatch(/ scram-sha-256$/);
      }
    }
  });
});
