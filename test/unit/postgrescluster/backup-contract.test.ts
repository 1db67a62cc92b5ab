/**
 * The contract with Spilo (docs/contract.md, WAL-G, backups and restore), checked on the environment the
 * hook renders for arbitrary backup and restore specs:
 *
 * - every WAL-G, WAL-E, CLONE, AWS, GOOGLE and AZURE variable is one Spilo passes on (its envdir
 *   whitelist, with `CLONE_` twins for the restore source) or reads itself; anything else would be
 *   silently ignored;
 * - credentials are Secret references, never values; WAL-G and WAL-E prefixes agree; a restore is
 *   `CLONE_METHOD=CLONE_WITH_WALE` with a zoned target time, and nothing of it without spec.restore;
 *
 * The archive paths and the hook's convergence are in backup-contract-archives.test.ts.
 */
import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { TIME_PATTERN } from '../../../hooks/postgrescluster/backup/validate.js';
import { spiloEnv, type EnvVar } from '../../../hooks/postgrescluster/spilo/env.js';
import { cluster, resolved, withBoth } from './backup-contract-arbitraries.js';
import { ALLOWED, CONTRACT_PREFIXES, CREDENTIALS } from './backup-contract-names.js';

/**
 * Every property below runs 30 to 300 generated specs through the whole spec check (the fixpoint one
 * two syncs a run): up to about 0.4 s a test on an idle two-core machine, which leaves jest's 5 s
 * default only a factor of twelve for a loaded, shared CI machine. The work is CPU-bound and always
 * finishes; a timeout would only report the machine's load, so allow ample time.
 */
jest.setTimeout(60_000);

const contractVars = (env: EnvVar[]) => env.filter((e) => CONTRACT_PREFIXES.test(e.name));
const valueOf = (env: EnvVar[], n: string) => env.find((e) => e.name === n)?.value;

describe('the rendered environment keeps to the Spilo contract', () => {
  it('uses only variables Spilo passes to WAL-G or reads itself', () => {
    fc.assert(
      fc.property(withBoth, (c) => {
        const names = contractVars(spiloEnv(resolved(c))).map((e) => e.name);
        expect(names.filter((n) => !ALLOWED.has(n))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('passes every credential as a Secret reference, never as a value', () => {
    fc.assert(
      fc.property(withBoth, (c) => {
        for (const e of spiloEnv(resolved(c)).filter((v) => CREDENTIALS.test(v.name))) {
          expect(e.value).toBeUndefined();
          expect(e.valueFrom?.secretKeyRef?.name).toEqual(expect.any(String));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('sets the WAL-G and WAL-E prefixes of S3 and GCS to the same value, for the archive and the clone source', () => {
    fc.assert(
      fc.property(withBoth, (c) => {
        const env = spiloEnv(resolved(c));
        for (const p of ['', 'CLONE_'])
          for (const s of ['S3', 'GS'])
            expect(valueOf(env, `${p}WALE_${s}_PREFIX`)).toBe(valueOf(env, `${p}WALG_${s}_PREFIX`));
      }),
      { numRuns: 200 },
    );
  });

  it('clones with WAL-G only with spec.restore, to a zoned time PostgreSQL accepts, or the latest backup', () => {
    fc.assert(
      fc.property(withBoth, (c) => {
        const env = spiloEnv(resolved(c));
        const clone = env.filter((e) => e.name.startsWith('CLONE_'));
        const target = (c.spec['restore'] as { target?: { time?: string } } | undefined)?.target;
        if (!c.spec['restore']) {
          expect(clone).toEqual([]);
          return;
        }
        expect(valueOf(env, 'CLONE_METHOD')).toBe('CLONE_WITH_WALE');
        expect(valueOf(env, 'CLONE_USE_WALG_RESTORE')).toBe('true');
        const t = valueOf(env, 'CLONE_TARGET_TIME');
        if (target?.time === undefined) expect(t).toBeUndefined();
        else {
          expect(t).toMatch(new RegExp(TIME_PATTERN));
          expect(t?.endsWith('Z')).toBe(false);
          expect(Date.parse(t ?? '')).toBe(Date.parse(target.time));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('adds nothing of the contract to a cluster without spec.backup and spec.restore', () => {
    fc.assert(
      fc.property(cluster(fc.constant({})), (c) => {
        expect(contractVars(spiloEnv(resolved(c)))).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});
