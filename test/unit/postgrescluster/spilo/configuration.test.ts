import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  type SpiloConfiguration,
  sortedJson,
  spiloConfiguration,
  spiloConfigurationJson,
} from '../../../../hooks/postgrescluster/spilo/configuration.js';
import { pgHba } from '../../../../hooks/postgrescluster/spilo/hba.js';
import { aCluster } from '../../../support/cluster-fixture.js';

function parsed(cluster = aCluster().build()): SpiloConfiguration {
  return JSON.parse(spiloConfigurationJson(cluster)) as SpiloConfiguration;
}

describe('SPILO_CONFIGURATION', () => {
  it('sets the Patroni DCS timing, failover lag, rewind and slots', () => {
    const dcs = parsed().bootstrap.dcs;
    expect(dcs).toMatchObject({
      ttl: 30,
      loop_wait: 10,
      retry_timeout: 10,
      maximum_lag_on_failover: 33554432,
    });
    expect(dcs.loop_wait + 2 * dcs.retry_timeout).toBeLessThanOrEqual(dcs.ttl);
    expect(dcs.postgresql).toMatchObject({ use_pg_rewind: true, use_slots: true });
  });

  it.each([
    ['async', 1, false, false],
    ['sync', 1, true, false],
    ['strict', 2, true, true],
  ] as const)('synchronous mode %s (nodeCount %d)', (mode, count, syncMode, strict) => {
    const dcs = parsed(aCluster().withReplicas(3).withSynchronous(mode, count).build()).bootstrap.dcs;
    expect(dcs.synchronous_mode).toBe(syncMode);
    expect(dcs.synchronous_mode_strict).toBe(strict);
    expect(dcs.synchronous_node_count).toBe(count);
  });

  it('initialises with SCRAM on TCP, trust on the socket, UTF8 and data checksums', () => {
    expect(parsed().bootstrap.initdb).toEqual([
      { 'auth-host': 'scram-sha-256' },
      { 'auth-local': 'trust' },
      { encoding: 'UTF8' },
      'data-checksums',
    ]);
  });

  it('puts DCS-only parameters in bootstrap.dcs and the rest in the local section', () => {
    const cfg = parsed(
      aCluster().withParams({ max_connections: '300', work_mem: '32MB', wal_level: 'logical' }).build(),
    );
    expect(cfg.bootstrap.dcs.postgresql.parameters).toEqual({ max_connections: '300', wal_level: 'logical' });
    expect(cfg.postgresql.parameters).toEqual({ work_mem: '32MB', password_encryption: 'scram-sha-256' });
  });

  it('omits an empty DCS parameter map and always sets SCRAM password encryption locally', () => {
    const cfg = parsed();
    expect(cfg.bootstrap.dcs.postgresql).not.toHaveProperty('parameters');
    expect(cfg.postgresql.parameters).toEqual({ password_encryption: 'scram-sha-256' });
  });

  // Spilo 4.0-p3 configure_spilo.py main(): its own libraries are appended only when the user's
  // postgresql.parameters has no shared_preload_libraries; post_init.sh then creates pg_cron.
  it("merges a user shared_preload_libraries with Spilo's own list instead of replacing it", () => {
    const cfg = parsed(aCluster().withParams({ shared_preload_libraries: 'auto_explain' }).build());
    expect(cfg.postgresql.parameters['shared_preload_libraries']).toBe(
      'bg_mon,pg_stat_statements,pgextwlist,pg_auth_mon,set_user,timescaledb,pg_cron,pg_stat_kcache,auto_explain',
    );
  });

  it('does not let a user parameter weaken password encryption', () => {
    const cfg = parsed(aCluster().withParams({ password_encryption: 'md5' }).build());
    expect(cfg.postgresql.parameters['password_encryption']).toBe('scram-sha-256');
  });

  it('carries the complete pg_hba list in the local section', () => {
    const cluster = aCluster().withHba(['host all all 10.0.0.0/8 reject']).build();
    expect(parsed(cluster).postgresql.pg_hba).toEqual(pgHba(cluster));
  });

  it('has only the sections pgmeta owns', () => {
    const cfg = parsed();
    expect(Object.keys(cfg)).toEqual(['bootstrap', 'postgresql', 'restapi']);
    expect(Object.keys(cfg.bootstrap)).toEqual(['dcs', 'initdb']);
    expect(Object.keys(cfg.postgresql)).toEqual(['parameters', 'pg_hba']);
  });

  it('serializes with sorted keys, independent of insertion order', () => {
    const cluster = aCluster()
      .withParams({ work_mem: '1MB', autovacuum: 'on', max_connections: '50' })
      .build();
    const json = spiloConfigurationJson(cluster);
    expect(json).toBe(sortedJson(JSON.parse(json)));
    const reordered = {
      ...cluster,
      postgresqlParams: { max_connections: '50', autovacuum: 'on', work_mem: '1MB' },
    };
    expect(spiloConfigurationJson(reordered)).toBe(json);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(spiloConfiguration(cluster))));
  });
});

describe('sortedJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(sortedJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('round-trips any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(sortedJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });
});
