/**
 * Numeric addresses as the server reads them in pg_hba.conf. PostgreSQL asks `getaddrinfo` with
 * AI_NUMERICHOST (src/backend/libpq/hba.c `parse_hba_line`), which in glibc accepts IPv4 in the
 * classic `inet_aton` forms (1 to 4 parts, each decimal, 0x-hex or 0-octal: `10/8` is 0.0.0.10) and
 * IPv6 as `inet_pton`; anything else is taken as a host name. CIDR bits are read with `strtol`
 * (src/common/ip.c `pg_sockaddr_cidr_mask`): leading blanks and a sign are allowed, nothing after.
 */

export type Family = 'ipv4' | 'ipv6';

/**
 * One inet_aton part: decimal, 0x-hex or 0-octal; undefined when not a number. `parseInt` reads the
 * longest number at the start (with radix 16 it skips the `0x` itself), so each form is anchored at
 * both ends before it is read.
 */
function atonPart(part: string): number | undefined {
  // glibc wants at least one digit after 0x (seen on the real server: `90.0x` is a host name).
  if (/^0[xX][0-9a-fA-F]+$/.test(part)) return parseInt(part, 16);
  if (/^0[0-7]*$/.test(part)) return parseInt(part, 8);
  if (/^[1-9][0-9]*$/.test(part)) return parseInt(part, 10);
  return undefined;
}

/** Whether glibc's `inet_aton` (exact form, no trailing text) reads `text` as an IPv4 address. */
export function isInetAton(text: string): boolean {
  const parts = text.split('.');
  const values = parts.map(atonPart);
  // An empty part (`1..2`) is not a number either; a part too large fails the limits below.
  if (parts.length > 4 || values.includes(undefined)) return false;
  const nums = values as number[];
  // The last part fills the remaining bytes: a.b.c.d, a.b.c16, a.b24, a32.
  const lastMax = 2 ** (8 * (5 - nums.length)) - 1;
  return nums.slice(0, -1).every((v) => v <= 255) && (nums.at(-1) ?? 0) <= lastMax;
}

const V4_TAIL =
  /(^|:)((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3})$/;

/**
 * Hex groups separated by colons (none for the empty string). A group that is not 1-4 hex digits
 * (another character, or an empty group from a stray colon) counts as infinitely many, so no total
 * that includes it can be valid.
 */
function groupCount(s: string): number {
  if (s === '') return 0;
  const parts = s.split(':');
  return parts.every((p) => /^[0-9a-fA-F]{1,4}$/.test(p)) ? parts.length : Infinity;
}

/** Whether `inet_pton(AF_INET6)` reads `text`: eight groups, at most one `::`, an optional dotted IPv4 tail. */
export function isIpv6(text: string): boolean {
  // A dotted IPv4 tail counts as two groups.
  const halves = text.replace(V4_TAIL, '$10:0').split('::');
  if (halves.length > 2) return false;
  const total = halves.map(groupCount).reduce((a, b) => a + b, 0);
  // Without `::` all eight groups are written; `::` stands for at least one.
  return halves.length === 1 ? total === 8 : total <= 7;
}

/** The family of a numeric address, or undefined when the server would take it as a host name. */
export function numericFamily(text: string): Family | undefined {
  if (isInetAton(text)) return 'ipv4';
  if (isIpv6(text)) return 'ipv6';
  return undefined;
}

/** Whether `bits` is a valid CIDR length for the family, read as `strtol` does. */
export function isCidrBits(bits: string, family: Family): boolean {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(bits);
  if (m === null) return false;
  // strtol's `-0` is 0; any other negative length is refused.
  const n = m[1] === '-' ? -Number(m[2]) : Number(m[2]);
  return n >= 0 && n <= (family === 'ipv4' ? 32 : 128);
}
