/**
 * The restore target time goes to PostgreSQL as `recovery_target_time` (and to Spilo's clone script,
 * which refuses one without a zone). For every time the CRD's rule accepts, the value the hook renders
 * into CLONE_TARGET_TIME must be accepted by the real server as that setting (which `Z` is not: see
 * recoveryTargetTime) and mean the same instant as the RFC 3339 text; values the rule refuses include
 * ones PostgreSQL would read in a zone nobody asked for (no zone means the server's TimeZone).
 */
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { restoreEnv } from '../../../../hooks/postgrescluster/backup/env.js';
import { TIME_PATTERN } from '../../../../hooks/postgrescluster/backup/validate.js';
import { checkSpec } from '../../../../hooks/postgrescluster/spec/index.js';
import { pgBin, runAsPostgres, startServer, withTempCluster } from '../../../support/pgbin.js';

const TIME = new RegExp(TIME_PATTERN);

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** RFC 3339 times with a zone, of every shape the rule allows. */
const rfc3339 = fc
  .record({
    ms: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 11, 31) }),
    fraction: fc.option(fc.integer({ min: 1, max: 999_999 }), { nil: undefined }),
    offsetMinutes: fc.option(fc.integer({ min: -14 * 60, max: 14 * 60 }), { nil: undefined }),
  })
  .map(({ ms, fraction, offsetMinutes }) => {
    const local = new Date(ms + (offsetMinutes ?? 0) * 60_000);
    const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
    const clock = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
    const frac = fraction === undefined ? '' : `.${pad(fraction, 6)}`;
    const o = offsetMinutes ?? 0;
    const zone =
      offsetMinutes === undefined
        ? 'Z'
        : `${o < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(o) / 60))}:${pad(Math.abs(o) % 60)}`;
    return {
      text: `${date}T${clock}${frac}${zone}`,
      epochMicros: BigInt(ms - (ms % 1000)) * 1000n + BigInt(fraction ?? 0),
    };
  });

/** CLONE_TARGET_TIME as the hook renders it for a restore to `time`. */
function rendered(time: string): string {
  const checked = checkSpec({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'copy', namespace: 'shop', uid: 'u2' },
    spec: {
      version: '16',
      storage: { size: '1Gi' },
      restore: {
        source: {
          s3: { bucket: 'pg-backups', region: 'eu-west-1', credentialsSecret: { name: 's' } },
          path: 'shop/orders/u1',
        },
        target: { time },
      },
    },
  });
  if (!checked.ok || !checked.resolved.restore) throw new Error(`rejected ${time}`);
  const env = restoreEnv(checked.resolved.restore).find((e) => e.name === 'CLONE_TARGET_TIME');
  return env?.value ?? '';
}

async function acceptedAsSetting(
  major: '13' | '18',
  dataDir: string,
  value: string,
): Promise<{ code: number; out: string }> {
  const res = await runAsPostgres(join(pgBin(major), 'postgres'), [
    '-D',
    dataDir,
    '-C',
    'recovery_target_time',
    '-c',
    `recovery_target_time=${value}`,
  ]);
  return { code: res.code, out: res.stdout.trim() };
}

describe('restore target times on real PostgreSQL', () => {
  it('every time the rule accepts is rendered as the same instant, in a form PostgreSQL 18 takes as recovery_target_time', async () => {
    const samples = fc.sample(rfc3339, { numRuns: 40, seed: 5 });
    for (const s of samples) expect(TIME.test(s.text)).toBe(true);
    await withTempCluster('18', async (dataDir) => {
      const server = await startServer('18', { dataDir });
      try {
        const client = await server.connect();
        try {
          for (const s of samples) {
            const r = await client.query<{ us: string }>(
              'SELECT ((extract(epoch FROM $1::timestamptz) * 1000000)::numeric(30,0))::text AS us',
              [rendered(s.text)],
            );
            expect({ text: s.text, us: r.rows[0]?.us }).toEqual({
              text: s.text,
              us: s.epochMicros.toString(),
            });
          }
        } finally {
          await client.end();
        }
      } finally {
        await server.stop();
      }
      for (const s of samples.slice(0, 6)) {
        const value = rendered(s.text);
        expect({ value, ...(await acceptedAsSetting('18', dataDir, value)) }).toEqual({
          value,
          code: 0,
          out: value,
        });
      }
    });
  }, 120_000);

  it.each([
    ['13', '2026-11-21T09:30:00Z'],
    ['13', '2026-11-21T10:30:00.5+01:00'],
    ['18', '2026-11-21T09:30:00Z'],
  ] as const)(
    'PostgreSQL %s takes the rendered form of %s (and refuses the raw Z form)',
    async (major, time) => {
      await withTempCluster(major, async (dataDir) => {
        const value = rendered(time);
        expect(await acceptedAsSetting(major, dataDir, value)).toEqual({ code: 0, out: value });
        if (time.endsWith('Z')) expect((await acceptedAsSetting(major, dataDir, time)).code).not.toBe(0);
      });
    },
    120_000,
  );

  it.each([
    ['no zone (the server would read it in its own TimeZone)', '2026-11-21T09:30:00'],
    ['a space instead of T', '2026-11-21 09:30:00Z'],
    ['a zone abbreviation', '2026-11-21T09:30:00 CET'],
    ['hours without minutes in the offset', '2026-11-21T09:30:00+01'],
    ['month 13', '2026-13-21T09:30:00Z'],
    ['a date only', '2026-11-21'],
  ])('the rule refuses %s', (_what, text) => {
    expect(TIME.test(text)).toBe(false);
  });
});
