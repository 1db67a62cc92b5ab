import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  dcsParametersPatch,
  planRestarts,
  RESTART_REQUEST,
  type PatroniMember,
} from '../../../../hooks/postgrescluster/patroni/restart-plan.js';

function member(name: string, role: string, extra: Partial<PatroniMember> = {}): PatroniMember {
  return {
    name,
    role,
    state: 'running',
    api_url: `http://${name}:8008/patroni`,
    pending_restart: true,
    ...extra,
  };
}

describe('planRestarts', () => {
  it('restarts asynchronous replicas, then synchronous standbys, then the leader', () => {
    const plan = planRestarts({
      members: [
        member('pg-0', 'leader'),
        member('pg-1', 'sync_standby'),
        member('pg-2', 'replica'),
        member('pg-3', 'replica', { state: 'streaming' }),
      ],
    });
    expect(plan.map((s) => [s.member, s.role])).toEqual([
      ['pg-2', 'replica'],
      ['pg-3', 'replica'],
      ['pg-1', 'synchronous'],
      ['pg-0', 'leader'],
    ]);
    expect(plan[0]?.apiUrl).toBe('http://pg-2:8008/patroni');
  });

  it.each([
    ['no pending_restart', { pending_restart: false }],
    ['pending_restart absent', { pending_restart: undefined }],
    ['postgres stopped', { state: 'stopped' }],
    ['postgres starting', { state: 'starting' }],
    ['no REST URL', { api_url: undefined }],
  ])('leaves out a member with %s', (_why, extra) => {
    const odd = { ...member('pg-1', 'replica'), ...extra } as PatroniMember;
    const plan = planRestarts({ members: [member('pg-0', 'leader'), odd, member('pg-2', 'replica')] });
    expect(plan.map((s) => s.member)).toEqual(['pg-2', 'pg-0']);
  });

  it.each([
    ['leader', 'leader'],
    ['standby_leader', 'leader'],
    ['master', 'leader'],
    ['primary', 'leader'],
    ['sync_standby', 'synchronous'],
    ['quorum_standby', 'synchronous'],
    ['replica', 'replica'],
  ])('treats Patroni role %s as %s', (role, expected) => {
    expect(planRestarts({ members: [member('pg-0', role)] })[0]?.role).toBe(expected);
  });

  it('plans nothing when no member is pending', () => {
    expect(planRestarts({ members: [member('pg-0', 'leader', { pending_restart: false })] })).toEqual([]);
  });

  const roles = fc.constantFrom('leader', 'sync_standby', 'quorum_standby', 'replica');
  const members = fc.uniqueArray(
    fc.record({
      name: fc.stringMatching(/^pg-[0-9]{1,2}$/),
      role: roles,
      state: fc.constantFrom('running', 'streaming', 'stopped'),
      pending_restart: fc.boolean(),
    }),
    { selector: (m) => m.name, maxLength: 8 },
  );

  it('never puts a replica after the leader, restarts each member at most once, ignores input order', () => {
    fc.assert(
      fc.property(members, (ms) => {
        const withUrls = ms.map((m) => ({ ...m, api_url: `http://${m.name}:8008/patroni` }));
        const plan = planRestarts({ members: withUrls });
        const ranks = plan.map((s) => ({ replica: 0, synchronous: 1, leader: 2 })[s.role]);
        expect(ranks).toEqual([...ranks].sort());
        expect(new Set(plan.map((s) => s.member)).size).toBe(plan.length);
        expect(planRestarts({ members: [...withUrls].reverse() })).toEqual(plan);
        const eligible = withUrls.filter((m) => m.pending_restart && m.state !== 'stopped');
        expect(plan).toHaveLength(eligible.length);
      }),
    );
  });
});

describe('dcsParametersPatch', () => {
  it('sets the desired DCS parameters under postgresql.parameters', () => {
    expect(dcsParametersPatch({ max_connections: '200', max_wal_senders: '12' })).toEqual({
      postgresql: { parameters: { max_connections: '200', max_wal_senders: '12' } },
    });
  });

  it('deletes (null) what was applied before and is no longer desired, keeps what still is', () => {
    const patch = dcsParametersPatch(
      { max_connections: '200' },
      { max_connections: '100', max_locks_per_transaction: '128' },
    );
    expect(patch.postgresql.parameters).toEqual({ max_connections: '200', max_locks_per_transaction: null });
  });

  it('sorts parameter names so the same change always gives the same body', () => {
    const patch = dcsParametersPatch({ wal_keep_size: '1GB', max_connections: '200' }, { hot_standby: 'on' });
    expect(Object.keys(patch.postgresql.parameters)).toEqual([
      'hot_standby',
      'max_connections',
      'wal_keep_size',
    ]);
  });

  it('does not mistake inherited object properties for desired parameters', () => {
    expect(dcsParametersPatch({}, { constructor: '1' }).postgresql.parameters).toEqual({ constructor: null });
  });

  it('asks Patroni to restart only members that still need it', () => {
    expect(RESTART_REQUEST).toEqual({ restart_pending: true });
  });
});
