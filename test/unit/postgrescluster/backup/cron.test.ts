import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { nextRun } from '../../../../hooks/postgrescluster/backup/cron.js';

describe('nextRun: when a crontab schedule fires next (UTC)', () => {
  it.each<[string, string, string | undefined]>([
    ['0 1 * * *', '2026-12-07T21:15:04Z', '2026-12-08T01:00:00Z'],
    ['0 1 * * *', '2026-12-08T00:59:59.999Z', '2026-12-08T01:00:00Z'],
    ['0 1 * * *', '2026-12-08T01:00:00Z', '2026-12-09T01:00:00Z'],
    ['*/15 * * * *', '2026-12-07T21:15:04Z', '2026-12-07T21:30:00Z'],
    ['30 2 * * sun', '2026-12-07T21:15:04Z', '2026-12-13T02:30:00Z'],
    ['30 2 * * 7', '2026-12-07T21:15:04Z', '2026-12-13T02:30:00Z'],
    ['0 0 1 jan *', '2026-12-07T21:15:04Z', '2027-01-01T00:00:00Z'],
    // Vixie cron: day of month and day of week both restricted, either one is enough
    ['0 0 13 * fri', '2026-12-07T00:00:00Z', '2026-12-11T00:00:00Z'],
    ['0 0 29 2 *', '2026-03-01T00:00:00Z', '2028-02-29T00:00:00Z'],
    ['@daily', '2026-12-07T21:15:04+01:00', '2026-12-08T00:00:00Z'],
    ['@hourly', '2026-12-07T21:15:04Z', '2026-12-07T22:00:00Z'],
    ['1-5,10 3 * * 1-5', '2026-12-05T12:00:00Z', '2026-12-07T03:01:00Z'],
    ['0 0 31 2 *', '2026-12-07T21:15:04Z', undefined],
    ['not a schedule', '2026-12-07T21:15:04Z', undefined],
    ['0 1 * * *', 'yesterday', undefined],
  ])('%s after %s is %s', (schedule, after, next) => {
    expect(nextRun(schedule, after)).toBe(next);
  });

  it('is always strictly later, and no later than a day for a daily schedule', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 23 }),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }),
        (m, h, d) => {
          const next = nextRun(`${m} ${h} * * *`, d.toISOString());
          expect(next).toBeDefined();
          const delta = Date.parse(next!) - d.getTime();
          expect(delta).toBeGreaterThan(0);
          expect(delta).toBeLessThanOrEqual(86_400_000);
          expect(new Date(next!).getUTCHours()).toBe(h);
          expect(new Date(next!).getUTCMinutes()).toBe(m);
        },
      ),
      { numRuns: 200 },
    );
  });
});
