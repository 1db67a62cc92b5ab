/**
 * The bearer token Metacontroller sends on every hook call, and the refusal to listen unprotected.
 *
 * In a cluster the token lives in the Secret `pgmeta-hooks-auth` (key `token`), which the install
 * ships without the key: the service writes a random token into it at its first start, like the
 * operator key (and creates the Secret if an install left it out). Metacontroller reads the Secret when
 * it starts a controller; while the key is missing the controller is not started and Metacontroller
 * retries with a growing delay, so a fresh install converges on its own (docs/security.md, "The hook
 * service: authentication, limits, metrics").
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { isLoopback, type Config } from '../config.js';
import type { SecretApi, SecretRef } from './operator-key.js';

export const TOKEN_FIELD = 'token';
export const PREVIOUS_TOKEN_FIELD = 'previous-token';
/** A token set by hand must not be guessable; ours are 43 characters (32 random bytes, base64url). */
export const MIN_TOKEN_CHARS = 32;

export interface AuthTokens {
  authToken?: string;
  previousAuthToken?: string;
}

/** Explicit token files first; in a cluster the Secret (created when absent); otherwise none. */
export async function resolveAuthTokens(
  config: Config,
  logger: Logger,
  api: () => Promise<SecretApi>,
): Promise<AuthTokens> {
  if (config.authToken) return pickTokens(config);
  if (!config.inCluster) return {};
  const ref = { namespace: config.inCluster.namespace, secretName: config.inCluster.authSecretName };
  return readOrCreateToken(await api(), ref, logger);
}

function pickTokens(c: AuthTokens): AuthTokens {
  return {
    ...(c.authToken ? { authToken: c.authToken } : {}),
    ...(c.previousAuthToken ? { previousAuthToken: c.previousAuthToken } : {}),
  };
}

/**
 * Read the token Secret; fill it when it has no `token` key (the install's), create it when absent;
 * if another replica won the race, read theirs. A key that is present but empty is not filled in
 * (tokensOf).
 */
export async function readOrCreateToken(api: SecretApi, ref: SecretRef, logger: Logger): Promise<AuthTokens> {
  const existing = await api.read(ref);
  if (existing !== undefined && TOKEN_FIELD in existing) return tokensOf(existing, ref);
  const token = randomBytes(32).toString('base64url');
  const data = { [TOKEN_FIELD]: Buffer.from(token).toString('base64') };
  const outcome = existing ? await api.fill(ref, data) : await api.create(ref, data);
  if (outcome === 'created' || outcome === 'filled') {
    logger.info({ secret: ref.secretName }, `${outcome} the hook authentication token Secret`);
    return { authToken: token };
  }
  const winner = await api.read(ref);
  if (winner === undefined)
    throw new Error(`Secret ${ref.namespace}/${ref.secretName} vanished after a conflict`);
  return tokensOf(winner, ref);
}

/**
 * An existing Secret with an empty token (what earlier installs shipped) is refused rather than filled
 * in: Metacontroller has already read it (it reads the Secret only when it starts a controller) and
 * would keep sending no token.
 */
function tokensOf(data: Record<string, string>, ref: SecretRef): AuthTokens {
  const token = decodeField(data[TOKEN_FIELD]);
  const where = `Secret ${ref.namespace}/${ref.secretName}`;
  if (!token) {
    throw new Error(
      `${where} has an empty "${TOKEN_FIELD}": remove its data (the service writes a new token at its next ` +
        'start), then restart Metacontroller so it sends the new token (docs/hook-service.md, "Authentication")',
    );
  }
  if (token.length < MIN_TOKEN_CHARS) {
    throw new Error(
      `${where}: "${TOKEN_FIELD}" has ${token.length} characters; at least ${MIN_TOKEN_CHARS} are required`,
    );
  }
  const previous = decodeField(data[PREVIOUS_TOKEN_FIELD]);
  return { authToken: token, ...(previous ? { previousAuthToken: previous } : {}) };
}

/** Secret data is base64; Metacontroller trims the value it sends, so we trim too. */
function decodeField(base64: string | undefined): string {
  return base64 === undefined ? '' : Buffer.from(base64, 'base64').toString('utf8').trim();
}

/**
 * Refuse to serve hooks unauthenticated on an address other pods can reach: the sync hook answers
 * with every cluster's passwords. PGMETA_INSECURE=true overrides, loudly.
 */
export function checkExposure(o: { host: string; token: boolean; insecure: boolean; logger: Logger }): void {
  if (o.token || isLoopback(o.host)) return;
  if (!o.insecure) {
    throw new Error(
      `refusing to listen on ${o.host} without a bearer token: hook answers carry database passwords. ` +
        'Set PGMETA_AUTH_TOKEN_FILE, bind HOST=127.0.0.1, or set PGMETA_INSECURE=true to accept the risk',
    );
  }
  o.logger.warn(
    { host: o.host },
    'PGMETA_INSECURE=true: serving hooks WITHOUT authentication on a non-loopback address; ' +
      'anyone who reaches this port can read every cluster password',
  );
}
