import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import {
  catalogRuns,
  observeCatalog,
  parseReading,
  plannedRuns,
} from '../../../../hooks/postgrescluster/backup/catalog.js';
import { catalogStatus } from '../../../../hooks/postgrescluster/backup/catalog-status.js';
import { CATALOG_SQL } from '../../../../hooks/postgrescluster/backup/catalog-job.js';
import { CATALOG_RUN_LABEL } from '../../../../hooks/postgrescluster/names.js';

const job = (run: number, state?: 'Complete' | 'Failed'): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: {
    name: `orders-catalog-${run}`,
    labels: { 'app.kubernetes.io/component': 'backup-catalog', [CATALOG_RUN_LABEL]: String(run) },
  },
  status: state ? { conditions: [{ type: state, status: 'True' }] } : { active: 1 },
});

const pod = (run: number, exitCode: number, message: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: `orders-catalog-${run}-x`,
    labels: { 'app.kubernetes.io/component': 'backup-catalog', [CATALOG_RUN_LABEL]: String(run) },
  },
  status: {
    containerStatuses: [
      { name: 'catalog', state: { terminated: { exitCode, message, finishedAt: '2026-12-07T21:20:00Z' } } },
    ],
  },
});

describe('the series of catalog runs follows what is observed', () => {
  it.each<[string, KubeObject[], boolean, number[]]>([
    ['starts with run 1', [], true, [1]],
    ['starts nothing while archiving does not run', [], false, []],
    ['waits for an active run', [job(1, 'Complete'), job(2)], true, [1, 2]],
    ['starts the next run once the newest finished', [job(3, 'Complete')], true, [3, 4]],
    [
      'keeps the last good reading beside a newer failure',
      [job(3, 'Complete'), job(4, 'Failed')],
      true,
      [3, 4, 5],
    ],
    [
      'keeps a failure newer than the last good reading while the next run waits',
      [job(2, 'Complete'), job(3, 'Failed'), job(4)],
      true,
      [2, 3, 4],
    ],
    [
      'drops an older failure once a newer run failed too',
      [job(2, 'Complete'), job(3, 'Failed'), job(4, 'Failed')],
      true,
      [2, 4, 5],
    ],
    [
      'drops what is neither the last good nor the newest',
      [job(2, 'Complete'), job(3, 'Complete'), job(4)],
      true,
      [3, 4],
    ],
    ['keeps its runs while archiving is held', [job(2, 'Complete'), job(3, 'Failed')], false, [2, 3]],
  ])('%s', (_name, jobs, start, runs) => {
    expect(plannedRuns(catalogRuns(jobs), start)).toEqual(runs);
  });

  it('ignores Jobs that are not catalog runs', () => {
    const other = {
      ...job(9, 'Complete'),
      metadata: { name: 'orders-params-1', labels: { [CATALOG_RUN_LABEL]: '9' } },
    };
    expect(catalogRuns([other, job(1)])).toEqual([{ run: 1, state: 'active' }]);
  });
});

const LINE = JSON.stringify({
  v: 1,
  at: '2026-12-07T21:20:00.123456+00:00',
  rc: '0',
  err: null,
  count: 3,
  b: [
    [
      'base_000000010000000000000009',
      '2026-12-07T10:00:00.5Z',
      '2026-12-07T10:00:20Z',
      1024,
      4096,
      true,
      false,
    ],
    [
      'base_000000010000000000000005',
      '2026-12-07T01:00:00Z',
      '2026-12-07T01:00:20Z',
      1000,
      4000,
      false,
      true,
    ],
    ['not-a-backup; rm -rf /', 'x', 'y', -1, 'big', 'yes', 1],
  ],
  first: '2026-12-06T01:00:20Z',
  arch: {
    wal: '00000001000000000000000A',
    at: '2026-12-07T21:19:00+00:00',
    fwal: null,
    fat: null,
    failed: 0,
    ready: 0,
    error: null,
  },
});

describe('parseReading: the termination message, parsed defensively', () => {
  it('reads the compact line', () => {
    const r = parseReading(LINE);
    expect(r).toMatchObject({
      at: '2026-12-07T21:20:00.123Z',
      count: 3,
      firstBackupFinish: '2026-12-06T01:00:20Z',
      archiver: {
        lastArchivedWal: '00000001000000000000000A',
        lastArchivedTime: '2026-12-07T21:19:00Z',
        failedCount: 0,
        pendingSegments: 0,
      },
    });
    expect(r?.backups).toEqual([
      {
        name: 'base_000000010000000000000009',
        startTime: '2026-12-07T10:00:00.500Z',
        finishTime: '2026-12-07T10:00:20Z',
        compressedBytes: 1024,
        uncompressedBytes: 4096,
        trigger: 'on-demand',
      },
      {
        name: 'base_000000010000000000000005',
        startTime: '2026-12-07T01:00:00Z',
        finishTime: '2026-12-07T01:00:20Z',
        compressedBytes: 1000,
        uncompressedBytes: 4000,
        trigger: 'scheduled',
        permanent: true,
      },
    ]);
  });

  it.each(['', 'psql: error: connection refused', '{"v":2}', '{"v":1}', '[1,2]', LINE.slice(0, 200)])(
    'refuses %j',
    (message) => {
      expect(parseReading(message)).toBeUndefined();
    },
  );

  it('never throws and never keeps a field of the wrong shape', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parseReading(
          JSON.stringify({ v: 1, at: '2026-12-07T21:20:00Z', b: v, arch: v, count: v, first: v }),
        );
        expect(r).toBeDefined();
        for (const b of r!.backups) expect(b.name).toMatch(/^base_[0-9A-F]{24}/);
      }),
    );
  });

  it('bounds the line the SQL builds to fit the 4096-byte termination message', () => {
    // 8 backups of the longest names and times, two errors cut at 300 characters, the archiver.
    const longest = [
      'base_000000010000000000000009_D_000000010000000000000005',
      '2026-12-07T10:00:00.123456Z',
      '2026-12-07T10:00:00.123456Z',
      9e15,
      9e15,
      false,
      false,
    ];
    const worst = JSON.stringify({
      v: 1,
      at: '2026-12-07T21:20:00.123456+00:00',
      rc: '1',
      err: 'e'.repeat(300),
      count: 99999,
      b: Array(8).fill(longest),
      first: longest[1],
      arch: {
        wal: 'W'.repeat(24),
        at: longest[1],
        fwal: 'W'.repeat(24),
        fat: longest[1],
        failed: 9e15,
        ready: 9e15,
        error: 'e'.repeat(300),
      },
    });
    expect(Buffer.byteLength(worst)).toBeLessThan(4000);
    expect(CATALOG_SQL).toContain('WHERE n <= 8');
    expect(CATALOG_SQL.match(/, 300\)/g)).toHaveLength(2);
  });
});

describe('observeCatalog and catalogStatus', () => {
  it('reports the last good reading and a newer failure', () => {
    const o = observeCatalog(
      [job(3, 'Complete'), job(4, 'Failed')],
      [pod(3, 0, LINE), pod(4, 2, 'psql: error: connection to server failed')],
    );
    expect(o.reading?.count).toBe(3);
    expect(o.failure).toEqual({
      run: 4,
      message: 'psql: error: connection to server failed',
      at: '2026-12-07T21:20:00Z',
    });
  });

  it('computes the window, the next and the due backup from observed times only', () => {
    const s = catalogStatus(observeCatalog([job(3, 'Complete')], [pod(3, 0, LINE)]), {
      schedule: '0 1 * * *',
      created: '2026-12-01T00:00:00Z',
    });
    expect(s).toMatchObject({
      catalogTime: '2026-12-07T21:20:00.123Z',
      backupCount: 3,
      lastBackupTime: '2026-12-07T10:00:20Z',
      firstRecoverableTime: '2026-12-06T01:00:20Z',
      lastRecoverableTime: '2026-12-07T21:19:00Z',
      recoveryWindowSeconds: 159_520,
      nextBackupTime: '2026-12-08T01:00:00Z',
      backupDueTime: '2026-12-08T01:00:00Z',
      archiving: { healthy: true },
    });
    expect(s.catalogError).toBeUndefined();
  });

  it('says archiving fails, with WAL-G error, when the last failure is newer than the last success', () => {
    const failing = JSON.parse(LINE) as { arch: Record<string, unknown> };
    failing.arch = {
      wal: '00000001000000000000000A',
      at: '2026-12-07T21:00:00Z',
      fwal: '00000001000000000000000B',
      fat: '2026-12-07T21:19:00Z',
      failed: 7,
      ready: 3,
      error: 'ERROR: 2026/12/07 21:19:00.000000 failed to upload',
    };
    const s = catalogStatus(observeCatalog([job(1, 'Complete')], [pod(1, 0, JSON.stringify(failing))]), {});
    expect(s.archiving).toEqual({
      healthy: false,
      lastArchivedWal: '00000001000000000000000A',
      lastArchivedTime: '2026-12-07T21:00:00Z',
      lastFailedWal: '00000001000000000000000B',
      lastFailedTime: '2026-12-07T21:19:00Z',
      failedCount: 7,
      pendingSegments: 3,
      lagSeconds: 1200,
      lastError: 'ERROR: 2026/12/07 21:19:00.000000 failed to upload',
    });
  });

  it('without any backup, the first one is due at the first run after the cluster was created', () => {
    const none = JSON.stringify({
      v: 1,
      at: '2026-12-07T21:20:00Z',
      rc: '0',
      count: 0,
      b: null,
      first: null,
      arch: {},
    });
    const s = catalogStatus(observeCatalog([job(1, 'Complete')], [pod(1, 0, none)]), {
      schedule: '0 1 * * *',
      created: '2026-12-01T12:00:00Z',
    });
    expect(s).toMatchObject({ backupCount: 0, backups: [], backupDueTime: '2026-12-02T01:00:00Z' });
    expect(s.firstRecoverableTime).toBeUndefined();
  });
});
