/**
 * The Debian binaries the Patroni rig runs (installed by `test/patroni/install.sh`; keep the two lists
 * in step). The embedded npm PostgreSQL builds are not enough: Patroni needs `pg_basebackup` to create
 * replicas and `pg_rewind` to rejoin a former leader.
 */
import { it } from '@jest/globals';
import { isExecutable } from '../support/binaries.js';

/** The PostgreSQL major the rig renders and runs (the one Debian bookworm ships). */
export const RIG_PG_MAJOR = '15';
export const PG_BIN_DIR = `/usr/lib/postgresql/${RIG_PG_MAJOR}/bin`;
export const PATRONI_BIN = '/usr/bin/patroni';
export const ETCD_BIN = '/usr/bin/etcd';

const REQUIRED: readonly { pkg: string; binary: string }[] = [
  { pkg: 'patroni', binary: PATRONI_BIN },
  { pkg: 'etcd-server', binary: ETCD_BIN },
  { pkg: `postgresql-${RIG_PG_MAJOR}`, binary: `${PG_BIN_DIR}/pg_rewind` },
  { pkg: `postgresql-${RIG_PG_MAJOR}`, binary: `${PG_BIN_DIR}/pg_basebackup` },
];

/** The first Debian package whose binary is missing, or undefined when the rig can run. */
export function missingPackage(): string | undefined {
  return REQUIRED.find((r) => !isExecutable(r.binary))?.pkg;
}

/**
 * Call first in a suite's describe: when a package of the rig is missing, registers the one test
 * that says so (so the run shows and counts the skip) and returns true, and the suite defines
 * nothing else.
 */
export function skippedWithoutRig(): boolean {
  const missing = missingPackage();
  if (missing === undefined) return false;
  it(`skipped: ${missing} not installed`, () => {
    console.log(`skipped: ${missing} not installed`);
  });
  return true;
}
