/**
 * DCS-only parameters that PostgreSQL accepts but Patroni 4.0.4 rejects (patroni/postgresql/config.py,
 * `ConfigHandler.CMDLINE_OPTIONS`; patroni/config.py `Config._process_postgresql_parameters` replaces a
 * rejected value with its default): the spec refuses them at `spec.postgresqlParams.<name>`.
 */
import { describe, expect, it } from '@jest/globals';
import { checkParams } from '../../../../hooks/postgrescluster/spec/params.js';
import { SUPPORTED_MAJORS } from '../../../../hooks/postgrescluster/spec/resolved.js';

/** [name, value, refused, words the message must hold when refused] */
const CASES: readonly (readonly [string, string | number, boolean, readonly string[]])[] = [
  ['max_connections', 24, true, ['at least 25', 'default 100']],
  ['max_connections', 25, false, []],
  ['max_connections', '24.4', true, ['at least 25']], // rounds to 24, as both read it
  ['max_connections', '24.5', true, ['at least 25']], // half to even: 24 (C rint, Python round)
  ['max_connections', '25.5', false, []], // 26
  ['max_connections', '0x19', false, []], // hex 25, as C strtol reads it
  ['max_connections', '0x18', true, ['at least 25']],
  ['max_wal_senders', 2, true, ['at least 3', 'default 10']],
  ['max_wal_senders', 3, false, []],
  ['wal_keep_size', '15MB', true, ['at least 16MB', 'default 128MB']],
  ['wal_keep_size', 15, true, ['at least 16MB']], // a bare number is in MB
  ['wal_keep_size', '16MB', false, []],
  ['wal_keep_size', '16384kB', false, []],
  ['wal_keep_size', '15360kB', true, ['at least 16MB']],
  ['wal_keep_size', '16383kB', false, []], // rounds to 16MB
  ['wal_keep_size', '15.4MB', true, ['at least 16MB']],
  ['wal_keep_size', '1GB', false, []],
  ['wal_keep_size', 0, true, ['at least 16MB']],
  ['max_locks_per_transaction', 31, true, ['at least 32', 'default 64']],
  ['max_locks_per_transaction', 32, false, []],
  ['max_prepared_transactions', 0, false, []],
  ['max_worker_processes', 1, true, ['at least 2', 'default 8']],
  ['max_worker_processes', 2, false, []],
  ['max_replication_slots', 3, true, ['at least 4', 'default 10']],
  ['max_replication_slots', 4, false, []],
  ['track_commit_timestamp', 'on', false, []],
  ['track_commit_timestamp', 'TRUE', false, []],
  ['track_commit_timestamp', 't', true, ['whole words', 'default off']], // PostgreSQL takes the prefix
  ['wal_log_hints', 'of', true, ['default on']],
  ['wal_log_hints', 1, false, []],
  ['wal_level', 'logical', false, []],
  ['wal_level', 'Replica', false, []],
  ['wal_level', 'hot_standby', false, []],
  ['wal_level', 'archive', true, ['one of hot_standby, replica, logical', 'default hot_standby']],
];

describe("Patroni's validators of the DCS-only parameters", () => {
  describe.each(SUPPORTED_MAJORS)('PostgreSQL %s', (major) => {
    it.each(CASES)('%s = %p: refused %p', (name, value, refused, words) => {
      const errors = checkParams(major, { [name]: value });
      if (!refused) {
        expect(errors).toEqual([]);
        return;
      }
      expect(errors).toHaveLength(1);
      expect(errors[0]?.path).toBe(`spec.postgresqlParams.${name}`);
      for (const w of words) expect(errors[0]?.message).toContain(w);
      expect(errors[0]?.message).toContain('silently');
    });
  });

  it('leaves parameters Patroni does not check to PostgreSQL', () => {
    expect(checkParams('17', { shared_buffers: '128kB', work_mem: '64kB' })).toEqual([]);
  });
});
