/**
 * Hostile names for the real-server properties, and the verdict validation must reach on each,
 * decided independently of the code under test.
 */
import fc from 'fast-check';

export const RESERVED = new Set([
  'postgres',
  'template0',
  'template1',
  'standby',
  'admin',
  'cron_admin',
  'robot_zmon',
  'zalandos',
  'public',
  'none',
  'current_user',
  'current_role',
  'session_user',
  'pgmeta',
  'information_schema',
]);

/** Why a name must be refused, decided independently of the code under test; undefined if valid. */
export function expectedRefusal(name: string): RegExp | undefined {
  // Code points, as the API server and ajv count maxLength.
  const codePoints = Array.from(name).length;
  if (name.length === 0) return /must NOT have fewer than 1 characters/;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return /must not contain control characters/;
  if (/[\ud800-\udfff]/.test(name.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) return /lone surrogate/;
  if (codePoints > 63) return /must NOT have more than 63 characters/;
  if (Buffer.byteLength(name) > 63) return /must be at most 63 bytes in UTF-8/;
  // pg_ is PostgreSQL's prefix, pgmeta_ that of pgmeta's own roles (the pooler's, the monitor's).
  if (RESERVED.has(name) || name.startsWith('pg_') || name.startsWith('pgmeta_'))
    return /is a reserved (role|schema|database) name/;
  return undefined;
}

const HOSTILE_UNITS = [
  "'",
  '"',
  ';',
  '\\',
  '$',
  '$$',
  ':',
  ":'x'",
  '%s',
  '%I',
  ' ',
  '-',
  '--',
  '/*',
  '=',
  'postgresql://',
  'a',
  'Z',
  '_',
  'é',
  '中',
  '😀',
  '\u202e',
  '\u00a0',
  '\n',
  '\t',
  '\u0000',
  '\ud800',
  'pg_',
  'pgmeta_',
  'DROP ROLE x',
  '\\gexec',
  '\\c',
];

export const hostileName = fc.oneof(
  fc.string({ unit: fc.constantFrom(...HOSTILE_UNITS), minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 70 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  // Around the 63-byte limit with multi-byte characters.
  fc
    .tuple(fc.constantFrom('é', '中', '😀', 'a'), fc.integer({ min: 14, max: 66 }))
    .map(([c, n]) => c.repeat(n).slice(0, 70)),
  fc.constantFrom(...RESERVED),
);
