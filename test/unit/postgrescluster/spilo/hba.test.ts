import { describe, expect, it } from '@jest/globals';
import { pgHba } from '../../../../hooks/postgrescluster/spilo/hba.js';
import { aCluster } from '../../../support/cluster-fixture.js';

describe('pgHba', () => {
  it("puts the user's lines first, in order, then pgmeta's", () => {
    const user = ['hostssl all reporting 10.0.0.0/8 scram-sha-256', 'host all all 0.0.0.0/0 reject'];
    const lines = pgHba(aCluster().withHba(user).build());
    expect(lines.slice(0, 2)).toEqual(user);
    expect(lines).toHaveLength(5);
  });

  it('with TLS: socket trust, then replication and all users over TLS with SCRAM only', () => {
    expect(pgHba(aCluster().withTls(true).build())).toEqual([
      'local all all trust',
      'hostssl replication standby all scram-sha-256',
      'hostssl all all all scram-sha-256',
    ]);
  });

  it('without TLS: the same rules accept plain connections', () => {
    expect(pgHba(aCluster().withTls(false).build())).toEqual([
      'local all all trust',
      'host replication standby all scram-sha-256',
      'host all all all scram-sha-256',
    ]);
  });

  it('never uses md5, password or trust over TCP', () => {
    for (const tls of [true, false]) {
      for (const line of pgHba(aCluster().withTls(tls).build()).filter((l) => !l.startsWith('local'))) {
        expect(line).toMatch(/ scram-sha-256$/);
      }
    }
  });
});
