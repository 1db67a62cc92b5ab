/**
 * SCRAM-SHA-256 verifiers computed by the hook, so that pgmeta's scripts set a role's password
 * without its plain text ever reaching the server: a statement `ALTER ROLE ... PASSWORD '<text>'` is
 * visible to `pg_stat_statements` and `pg_stat_activity` readers (members of `pg_monitor`, such as
 * pgmeta's monitoring role) and may be logged, whereas a verifier only lets the server check logins.
 *
 * PostgreSQL stores a password given in this form as it is (`get_password_type()` in
 * src/backend/libpq/crypt.c recognises it; `scram_build_secret()` in src/common/scram-common.c builds
 * the same text): `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, base64 with padding,
 * where SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, iterations), StoredKey =
 * SHA-256(HMAC(SaltedPassword, "Client Key")) and ServerKey = HMAC(SaltedPassword, "Server Key")
 * (RFC 5802 section 3, RFC 7677).
 *
 * Pure and deterministic (docs/architecture.md rule 5): the salt is not random but HMAC(operator key, purpose), so
 * a re-run (a stale cache, a retried Job) sends the very same verifier and names the same Job.
 */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';

/** PostgreSQL's default (`scram_iterations`, settable from 16 on): 4096. */
export const SCRAM_ITERATIONS = 4096;
/** PostgreSQL's SCRAM_DEFAULT_SALT_LEN. */
const SALT_BYTES = 16;

/** The salt of a purpose's verifier: 16 bytes of HMAC-SHA-256(operator key, `scram-salt/<purpose>`). */
export function scramSalt(operatorKey: Uint8Array, purpose: string): Buffer {
  return createHmac('sha256', operatorKey).update(`scram-salt/${purpose}`).digest().subarray(0, SALT_BYTES);
}

/**
 * The verifier of `password`, or undefined when it is not pure ASCII. The client and the server run
 * a password through SASLprep (RFC 4013) before hashing; PostgreSQL's `pg_saslprep()`
 * (src/common/saslprep.c) returns an ASCII string unchanged, but for other text it normalises (NFKC),
 * maps and may fall back to the raw bytes, which pgmeta does not reimplement.
 */
export function scramVerifier(
  password: string,
  salt: Uint8Array,
  iterations = SCRAM_ITERATIONS,
): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(password)) return undefined;
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
  return `SCRAM-SHA-256$${String(iterations)}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

/**
 * What a script sends as the role's password: the verifier, or, for a password that is not ASCII
 * (only one a user wrote into a Secret; derived ones are base64url), the password itself, which the
 * server then hashes with its `password_encryption` (scram-sha-256, the only value pgmeta allows).
 */
export function passwordToSend(opts: { operatorKey: Uint8Array; purpose: string; password: string }): string {
  return scramVerifier(opts.password, scramSalt(opts.operatorKey, opts.purpose)) ?? opts.password;
}
