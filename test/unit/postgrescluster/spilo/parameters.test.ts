import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  DCS_ONLY_PARAMETERS,
  isDcsOnlyParameter,
  splitParameters,
} from '../../../../hooks/postgrescluster/spilo/parameters.js';

describe('DCS_ONLY_PARAMETERS', () => {
  it("is exactly Patroni's CMDLINE_OPTIONS as listed in spilo.md §9.8", () => {
    expect([...DCS_ONLY_PARAMETERS].sort()).toEqual(
      [
        'listen_addresses',
        'port',
        'cluster_name',
        'wal_level',
        'hot_standby',
        'max_connections',
        'max_wal_senders',
        'wal_keep_segments',
        'wal_keep_size',
        'max_prepared_transactions',
        'max_locks_per_transaction',
        'track_commit_timestamp',
        'max_replication_slots',
        'max_worker_processes',
        'wal_log_hints',
      ].sort(),
    );
  });
});

describe('splitParameters', () => {
  it.each([
    ['max_connections', '200', 'dcs'],
    ['max_worker_processes', '16', 'dcs'],
    ['wal_level', 'logical', 'dcs'],
    ['Max_Connections', '200', 'dcs'],
    ['shared_buffers', '1GB', 'local'],
    ['work_mem', '64MB', 'local'],
    ['log_min_duration_statement', '250ms', 'local'],
    ['pg_stat_statements.track', 'all', 'local'],
  ] as const)('%s=%s goes to %s', (name, value, where) => {
    const split = splitParameters({ [name]: value });
    expect(split[where]).toEqual({ [name]: value });
    expect(split[where === 'dcs' ? 'local' : 'dcs']).toEqual({});
  });

  it('puts every parameter in exactly one half, unchanged', () => {
    const names = fc.oneof(
      fc.constantFrom(...DCS_ONLY_PARAMETERS),
      fc.stringMatching(/^[a-z_][a-z0-9_.]{0,20}$/),
    );
    fc.assert(
      fc.property(fc.dictionary(names, fc.string()), (params) => {
        const { dcs, local } = splitParameters(params);
        expect({ ...dcs, ...local }).toEqual(params);
        for (const name of Object.keys(dcs)) expect(isDcsOnlyParameter(name)).toBe(true);
        for (const name of Object.keys(local)) expect(isDcsOnlyParameter(name)).toBe(false);
      }),
    );
  });
});
