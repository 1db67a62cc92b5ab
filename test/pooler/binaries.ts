/**
 * The Debian binaries the pooler and TLS tests run (installed by `test/pooler/install.sh`; keep the
 * two lists in step), and the PostgreSQL client tools the Jobs' scripts call.
 */
import { accessSync, constants } from 'node:fs';

export const PGBOUNCER_BIN = '/usr/sbin/pgbouncer';
export const OPENSSL_BIN = '/usr/bin/openssl';
export const PSQL_BIN = '/usr/bin/psql';
export const PG_ISREADY_BIN = '/usr/bin/pg_isready';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of `binaries` that is missing, or undefined when all are there. */
export function missingBinary(...binaries: string[]): string | undefined {
  return binaries.find((b) => !executable(b));
}
