/**
 * Test certificates made with the openssl CLI (node:crypto cannot issue X.509 certificates): a
 * throw-away CA and server certificates it signs for given DNS names, valid for two days. Files are
 * owned by the unprivileged server user, keys mode 0600, as PostgreSQL and PgBouncer require.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unprivileged } from '../support/pgbin';
import { OPENSSL_BIN } from './binaries';

export interface CertFiles {
  cert: string;
  key: string;
}

export interface TestCa extends CertFiles {
  dir: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[]): void {
  execFileSync(OPENSSL_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

/** Gives a file to the server user (when we are root) with the given mode. */
export function handOver(path: string, mode: number): void {
  const id = unprivileged();
  if (id) chownSync(path, id.uid, id.gid);
  chmodSync(path, mode);
}

/** A new CA in `dir` (which the server user owns). */
export function makeCa(dir: string, cn = 'pgmeta test CA'): TestCa {
  const ca = { dir, cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  openssl(['req', '-x509', ...EC, '-days', '2', '-subj', `/CN=${cn}`, '-keyout', ca.key, '-out', ca.cert]);
  handOver(ca.cert, 0o644);
  handOver(ca.key, 0o600);
  return ca;
}

/** A server certificate for `dnsNames` (the first is also the CN) and `ips`, signed by `ca`. */
export function makeServerCert(
  ca: TestCa,
  base: string,
  dnsNames: readonly string[],
  ips: readonly string[] = [],
): CertFiles {
  const files = { cert: join(ca.dir, `${base}.crt`), key: join(ca.dir, `${base}.key`) };
  const csr = join(ca.dir, `${base}.csr`);
  const ext = join(ca.dir, `${base}.ext`);
  writeFileSync(
    ext,
    [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth',
      `subjectAltName = ${[...dnsNames.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP:${ip}`)].join(', ')}`,
      '',
    ].join('\n'),
  );
  openssl(['req', '-new', ...EC, '-subj', `/CN=${dnsNames[0] ?? base}`, '-keyout', files.key, '-out', csr]);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    files.cert,
  ]);
  handOver(files.cert, 0o644);
  handOver(files.key, 0o600);
  return files;
}
