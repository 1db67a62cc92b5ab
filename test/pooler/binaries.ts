/**
 * The Debian binaries the pooler and TLS tests run (installed by `test/pooler/install.sh`; keep the
 * two lists in step), and the PostgreSQL client tools the Jobs' scripts call.
 */
export const PGBOUNCER_BIN = '/usr/sbin/pgbouncer';
export const OPENSSL_BIN = '/usr/bin/openssl';
export const PSQL_BIN = '/usr/bin/psql';
export const PG_ISREADY_BIN = '/usr/bin/pg_isready';

export { missingBinary } from '../support/binaries';
