/**
 * The service's configuration from its environment and mounted files: the only place that reads
 * them. Everything below receives plain values.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface Config {
  host: string;
  port: number;
  /** /metrics has its own listener, so a scraper never needs to reach the hook port. */
  metricsPort: number;
  logLevel: string;
  /** Bearer token Metacontroller must present (webhook `authorization`), if configured. */
  authToken?: string;
  /** The token being rotated out, still accepted while Metacontroller switches (docs/hook-service.md). */
  previousAuthToken?: string;
  /** PGMETA_INSECURE=true: listen on a non-loopback address without a token (logged as a warning). */
  insecure: boolean;
  /** Hook requests answered at once; more get 429 with Retry-After. */
  maxInFlight: number;
  /** An explicit operator key (file or variable); otherwise in-cluster Secret or ephemeral. */
  operatorKey?: Uint8Array;
  /** Set when running in a Kubernetes pod with a service account. */
  inCluster?: { namespace: string; secretName: string; authSecretName: string };
  /** How long in-flight requests may take after SIGTERM before the process exits anyway. */
  shutdownTimeoutMs: number;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const MIN_KEY_BYTES = 32;
/** Loopback by default: listening on every address is an explicit choice (the Deployment makes it). */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_MAX_IN_FLIGHT = 32;

export function loadConfig(env: NodeJS.ProcessEnv, saDir = SA_DIR): Config {
  const auth = authFrom(env);
  const key = operatorKeyFrom(env);
  const inCluster = inClusterFrom(env, saDir);
  return {
    host: env['HOST'] ?? DEFAULT_HOST,
    port: Number(env['PORT'] ?? 8080),
    metricsPort: Number(env['METRICS_PORT'] ?? 9090),
    logLevel: env['LOG_LEVEL'] ?? 'info',
    insecure: env['PGMETA_INSECURE'] === 'true',
    maxInFlight: Number(env['PGMETA_MAX_IN_FLIGHT'] ?? DEFAULT_MAX_IN_FLIGHT),
    shutdownTimeoutMs: Number(env['PGMETA_SHUTDOWN_TIMEOUT_MS'] ?? 25_000),
    ...auth,
    ...(key ? { operatorKey: key } : {}),
    ...(inCluster ? { inCluster } : {}),
  };
}

/**
 * Explicit bearer tokens from files (local runs, or an install that mounts its own Secret). In a
 * cluster without them, the service reads (and fills when it has no token) the Secret `pgmeta-hooks-auth` through the API
 * (runtime/auth-token.ts). A previous token is read only with a current one, so it alone never
 * switches authentication on.
 */
function authFrom(env: NodeJS.ProcessEnv): Pick<Config, 'authToken' | 'previousAuthToken'> {
  const token = readOptional(env['PGMETA_AUTH_TOKEN_FILE'])?.toString('utf8').trim();
  if (!token) return {};
  const previous = readIfExists(env['PGMETA_AUTH_PREVIOUS_TOKEN_FILE'])?.toString('utf8').trim();
  return { authToken: token, ...(previous ? { previousAuthToken: previous } : {}) };
}

function inClusterFrom(env: NodeJS.ProcessEnv, saDir: string): Config['inCluster'] {
  const namespaceFile = `${saDir}/namespace`;
  if (!env['KUBERNETES_SERVICE_HOST'] || !existsSync(namespaceFile)) return undefined;
  return {
    namespace: readFileSync(namespaceFile, 'utf8').trim(),
    secretName: env['PGMETA_OPERATOR_KEY_SECRET'] ?? 'pgmeta-operator-key',
    authSecretName: env['PGMETA_AUTH_SECRET'] ?? 'pgmeta-hooks-auth',
  };
}

function operatorKeyFrom(env: NodeJS.ProcessEnv): Uint8Array | undefined {
  const fromFile = readOptional(env['PGMETA_OPERATOR_KEY_FILE']);
  const raw =
    fromFile ?? (env['PGMETA_OPERATOR_KEY'] ? Buffer.from(env['PGMETA_OPERATOR_KEY'], 'utf8') : undefined);
  if (raw === undefined) return undefined;
  if (raw.length < MIN_KEY_BYTES) throw new Error(`operator key must be at least ${MIN_KEY_BYTES} bytes`);
  return new Uint8Array(raw);
}

function readOptional(path: string | undefined): Buffer | undefined {
  return path ? readFileSync(path) : undefined;
}

/** A key of a mounted Secret that may be absent (a Secret volume has a file per key present). */
function readIfExists(path: string | undefined): Buffer | undefined {
  return path && existsSync(path) ? readFileSync(path) : undefined;
}

/** 127.0.0.0/8, ::1 and `localhost`: addresses no other pod or host can reach. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}
