/**
 * `pgbouncer.ini`, rendered by pgmeta from the resolved cluster (not from an image's environment
 * conventions), as a small document model and its text.
 *
 * - `[databases]` has only the `*` fallback: every database name a client asks for is forwarded to
 *   the same name on the upstream Service, so databases created later need no pooler change.
 * - Clients authenticate with SCRAM against the verifier PgBouncer fetches through `auth_query`,
 *   which runs as the low-privilege {@link POOLER_USER}; PgBouncer then logs in to PostgreSQL with
 *   the client's own SCRAM keys (pass-through). No user password but the lookup role's is stored.
 * - `auth_query` runs in the database the client connects to (PgBouncer before 1.19 has no
 *   `auth_dbname`), so the lookup function exists in every database (see auth.ts).
 * - With TLS enabled PgBouncer requires TLS from clients and speaks TLS to PostgreSQL, whose
 *   pg_hba then admits it through its `hostssl` rules; with a cert-manager issuer it also verifies
 *   PostgreSQL's certificate and name (`verify-full`).
 * @see https://www.pgbouncer.org/config.html
 */
import { PORTS, serviceHost } from '../names.js';
import type { ResolvedPgbouncer } from '../spec/pooler.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { issuerOf } from '../tls/index.js';
import { LOOKUP_FUNCTION, POOLER_PORT, POOLER_USER, type PoolerRole, poolerNames } from './names.js';

/** Where the pooler pod mounts its files. */
export const POOLER_PATHS = {
  /** The ConfigMap with pgbouncer.ini. */
  configDir: '/etc/pgbouncer',
  config: '/etc/pgbouncer/pgbouncer.ini',
  /** The Secret with userlist.txt (the lookup role's password). */
  authFile: '/etc/pgbouncer-auth/userlist.txt',
  authDir: '/etc/pgbouncer-auth',
  /** The certificate PgBouncer presents to clients (and the CA it checks PostgreSQL against). */
  tlsDir: '/etc/pgbouncer-tls',
  tlsCert: '/etc/pgbouncer-tls/tls.crt',
  tlsKey: '/etc/pgbouncer-tls/tls.key',
  tlsCa: '/etc/pgbouncer-tls/ca.crt',
} as const;

/** A cluster whose poolers are enabled: what every pooler builder renders from. */
export type PooledCluster = ResolvedCluster & { pgbouncer: ResolvedPgbouncer };

/** Whether the cluster runs poolers. */
export function isPooled(cluster: ResolvedCluster): cluster is PooledCluster {
  return cluster.pgbouncer !== undefined;
}

/** The poolers a cluster runs: read-write always, read-only on request. */
export function poolerRoles(cluster: PooledCluster): PoolerRole[] {
  return cluster.pgbouncer.readOnlyPooler ? ['rw', 'ro'] : ['rw'];
}

/** The two sections of pgbouncer.ini, setting name → value. */
export interface PgbouncerIni {
  databases: Record<string, string>;
  pgbouncer: Record<string, string>;
}

/** The query PgBouncer runs as the lookup role: the name and verifier of one login role. */
export const AUTH_QUERY = `SELECT usename, passwd FROM ${LOOKUP_FUNCTION}($1)`;

/** TLS settings: required on both sides when the cluster requires TLS. */
function tlsSettings(cluster: ResolvedCluster): Record<string, string> {
  if (!cluster.tls.enabled) return {};
  const client = {
    client_tls_sslmode: 'require',
    client_tls_cert_file: POOLER_PATHS.tlsCert,
    client_tls_key_file: POOLER_PATHS.tlsKey,
  };
  // Spilo's self-signed certificates prove nothing, so only encryption is required; an issued one
  // names the Services and comes with its CA, so PgBouncer checks both.
  if (!issuerOf(cluster)) return { ...client, server_tls_sslmode: 'require' };
  return { ...client, server_tls_sslmode: 'verify-full', server_tls_ca_file: POOLER_PATHS.tlsCa };
}

/** The pgbouncer.ini document of one pooler. */
export function pgbouncerIni(cluster: PooledCluster, role: PoolerRole): PgbouncerIni {
  const pool = cluster.pgbouncer;
  const upstream = serviceHost(cluster, poolerNames(cluster, role).upstreamService);
  return {
    databases: { '*': `host=${upstream} port=${PORTS.postgresql.port}` },
    pgbouncer: {
      listen_addr: '*',
      listen_port: String(POOLER_PORT.port),
      // No Unix socket: nothing in the pod uses one, and the root filesystem is read-only.
      unix_socket_dir: '',
      auth_type: 'scram-sha-256',
      auth_file: POOLER_PATHS.authFile,
      auth_user: POOLER_USER,
      auth_query: AUTH_QUERY,
      pool_mode: pool.poolMode,
      max_client_conn: String(pool.maxClientConn),
      default_pool_size: String(pool.defaultPoolSize),
      max_db_connections: String(pool.maxDbConnections),
      // JDBC sends extra_float_digits at login; PgBouncer refuses unknown startup parameters.
      ignore_startup_parameters: 'extra_float_digits',
      ...tlsSettings(cluster),
    },
  };
}

function section(name: string, settings: Readonly<Record<string, string>>): string[] {
  const keys = Object.keys(settings).sort();
  const line = (k: string): string => {
    const value = settings[k] ?? '';
    return value === '' ? `${k} =` : `${k} = ${value}`;
  };
  return [`[${name}]`, ...keys.map(line)];
}

/** The text of a pgbouncer.ini document, keys sorted so equal documents give equal bytes. */
export function renderIni(ini: PgbouncerIni): string {
  return [...section('databases', ini.databases), '', ...section('pgbouncer', ini.pgbouncer), ''].join('\n');
}

/** The userlist.txt line of the lookup role (PgBouncer's quoted "name" "password" format). */
export function userlistLine(user: string, password: string): string {
  const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  return `${quote(user)} ${quote(password)}\n`;
}
