/**
 * Optional bearer-token check matching Metacontroller's webhook `authorization` setting
 * (`Authorization: Bearer <secret value>`). Digests make the comparison constant-time whatever the
 * lengths; the token is never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function bearerMatches(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const expected = createHash('sha256').update(`Bearer ${token}`).digest();
  const actual = createHash('sha256').update(header.trim()).digest();
  return timingSafeEqual(expected, actual);
}
