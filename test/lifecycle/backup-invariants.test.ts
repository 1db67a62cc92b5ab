/** The lifecycle invariants (invariants.ts) of PostgresBackup syncs, on hand-made sync records. */
import type { SyncRecord } from './emulator';
import { syncViolations } from './invariants';

describe('lifecycle invariants of PostgresBackup syncs', () => {
  const record = (o: Partial<SyncRecord>): SyncRecord => ({
    seq: 1,
    at: 0,
    controller: 'postgresbackup',
    parent: 'shop/b',
    parentUid: 'uid-b',
    hook: 'sync',
    httpStatus: 200,
    pods: [],
    observedChildren: [],
    desiredChildren: [],
    status: { phase: 'Pending' },
    ...o,
  });
  const check = (records: SyncRecord[]) => {
    const ctx = { splitBrainPossible: false, finalBackups: new Map() };
    return records.flatMap((r) => syncViolations(r, ctx));
  };

  it.each([
    ['an observed Job dropped', [record({ observedChildren: ['Job/b-1'] })], /dropped Job\/b-1/],
    ['two Jobs asked for', [record({ desiredChildren: ['Job/b-1', 'Job/b-2'] })], /asks for 2 Jobs/],
    ['Running without a Job', [record({ status: { phase: 'Running' } })], /Running without an observed Job/],
    [
      'a final status that changes',
      [
        record({ status: { phase: 'Succeeded', backupName: 'base_1' } }),
        record({ seq: 2, status: { phase: 'Pending' } }),
      ],
      /was final \(Succeeded, base_1\) and is now Pending/,
    ],
  ])('%s is a violation', (_what, records, message) => {
    expect(check(records).join('; ')).toMatch(message);
  });

  it('a backup that keeps its Job and its final verdict is none', () => {
    const job = { observedChildren: ['Job/b-1'], desiredChildren: ['Job/b-1'] };
    const done = { phase: 'Succeeded', backupName: 'base_1' };
    expect(
      check([
        record({ ...job, status: { phase: 'Running' } }),
        record({ ...job, seq: 2, status: done }),
        record({ ...job, seq: 3, status: done }),
        record({ seq: 4, parentUid: 'uid-other', status: { phase: 'Pending' } }),
      ]),
    ).toEqual([]);
  });
});
