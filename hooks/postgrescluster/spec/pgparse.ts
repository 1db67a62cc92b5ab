/**
 * How PostgreSQL reads a setting's value (guc.c `parse_bool`, `parse_int`, `parse_real`,
 * `convert_to_base_unit`), ported so that the hook accepts exactly what the server will accept.
 *
 * Why a port and not a regex: the server goes through C's `strtol(…, 0)` and `strtod`, so `0x10`,
 * `010` (octal), ` 64MB` (leading blanks), `1e3`, `1.5GB` and `inf` all have meanings, units are
 * case-sensitive and at most three characters, and fractions round half to even. A stricter check
 * would reject settings that work; a looser one would let a cluster fail at its next restart.
 * test/realpg/params.test.ts compares the verdicts with the real servers of every major.
 */

const C_SPACE = ' \t\n\v\f\r';
const LONG_MAX = (1n << 63n) - 1n;
const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
const DBL_MIN = 2.2250738585072014e-308;

/** Where a C number scan stopped; `end` 0 means no conversion (endptr == value). */
interface Scan {
  value: number;
  end: number;
  /** errno == ERANGE */
  range: boolean;
}

function skipSpace(s: string, i: number): number {
  let j = i;
  while (j < s.length && C_SPACE.includes(s.charAt(j))) j++;
  return j;
}

function run(s: string, i: number, re: RegExp): number {
  const m = re.exec(s.slice(i));
  return i + (m?.[0].length ?? 0);
}

/** Blanks and an optional sign, as both C scanners read them. */
function lead(s: string): { i: number; negative: boolean } {
  const i = skipSpace(s, 0);
  const sign = s.charAt(i);
  return { i: sign === '-' || sign === '+' ? i + 1 : i, negative: sign === '-' };
}

/** The digits strtol base 0 reads at `i`: `0x` and hex digits, `0` and octal digits, or decimal ones. */
function integerDigits(s: string, i: number): { literal: string; end: number } {
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s.charAt(i + 2))) {
    const end = run(s, i + 2, /^[0-9a-fA-F]+/);
    return { literal: `0x${s.slice(i + 2, end)}`, end };
  }
  if (s[i] === '0') {
    const end = run(s, i, /^[0-7]+/);
    return { literal: `0o${s.slice(i, end)}`, end };
  }
  const end = run(s, i, /^[0-9]+/);
  return { literal: s.slice(i, end), end };
}

/** glibc `strtol(s, &end, 0)`: blanks, sign, then hex (0x), octal (leading 0) or decimal digits. */
export function strtol(s: string): Scan {
  const { i, negative } = lead(s);
  const { literal, end } = integerDigits(s, i);
  if (end === i) return { value: 0, end: 0, range: false };
  const magnitude = BigInt(literal);
  const signed = negative ? -magnitude : magnitude;
  return { value: Number(signed), end, range: signed > LONG_MAX || signed < -LONG_MAX - 1n };
}

/** Value of a C99 hexadecimal float body such as `1.8p3` (after `0x`). */
function hexFloat(body: string): number {
  const m = /^([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/.exec(body);
  const int = m?.[1] ?? '';
  const frac = m?.[2] ?? '';
  const exp = Number(m?.[3] ?? '0') - 4 * frac.length;
  const mantissa = Number(BigInt(`0x${int}${frac}`));
  return mantissa === 0 ? 0 : mantissa * 2 ** exp;
}

const DECIMAL = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/;
const HEX = /^0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?/;
const SPECIAL = /^(?:infinity|inf|nan(?:\([0-9A-Za-z_]*\))?)/i;

/** Magnitude of a decimal or hexadecimal literal, and whether its digits are not all zero. */
function floatLiteral(text: string, hex: boolean): { magnitude: number; nonZero: boolean } {
  if (!hex) return { magnitude: Number(text), nonZero: /[1-9]/.test(text.replace(/[eE].*$/, '')) };
  const body = text.slice(2);
  return { magnitude: hexFloat(body), nonZero: /[1-9a-fA-F]/.test(body.replace(/[pP].*$/, '')) };
}

/** `inf`, `infinity` or `nan(...)`, any case. */
function specialValue(text: string, start: number, negative: boolean): Scan {
  const value = text.toLowerCase().startsWith('n') ? NaN : Infinity;
  return { value: negative ? -value : value, end: start + text.length, range: false };
}

/** glibc `strtod`: decimal, hexadecimal, inf/infinity and nan; ERANGE on overflow and underflow. */
export function strtod(s: string): Scan {
  const { i, negative } = lead(s);
  const rest = s.slice(i);
  const special = SPECIAL.exec(rest)?.[0];
  if (special !== undefined) return specialValue(special, i, negative);
  const hex = HEX.exec(rest)?.[0];
  const text = hex ?? DECIMAL.exec(rest)?.[0];
  if (text === undefined) return { value: 0, end: 0, range: false };
  const { magnitude, nonZero } = floatLiteral(text, hex !== undefined);
  // Overflow gives HUGE_VAL and underflow a subnormal or zero, both with ERANGE.
  const range = magnitude === Infinity || (nonZero && magnitude < DBL_MIN);
  return { value: negative ? -magnitude : magnitude, end: i + text.length, range };
}

/** C `rint` in the default rounding mode: halves go to the even neighbour. */
export function rint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

type UnitTable = readonly (readonly [string, number])[];

const BLOCK_KB = 8; // BLCKSZ / 1024 and XLOG_BLCKSZ / 1024 of a default build (pg_settings unit `8kB`)
const K = 1024;
/** guc.c's conversion tables, by the base unit pg_settings reports, largest unit first. */
const UNIT_TABLES: Readonly<Record<string, UnitTable>> = {
  B: [
    ['TB', K * K * K * K],
    ['GB', K * K * K],
    ['MB', K * K],
    ['kB', K],
    ['B', 1],
  ],
  kB: [
    ['TB', K * K * K],
    ['GB', K * K],
    ['MB', K],
    ['kB', 1],
    ['B', 1 / K],
  ],
  MB: [
    ['TB', K * K],
    ['GB', K],
    ['MB', 1],
    ['kB', 1 / K],
    ['B', 1 / (K * K)],
  ],
  '8kB': [
    ['TB', (K * K * K) / BLOCK_KB],
    ['GB', (K * K) / BLOCK_KB],
    ['MB', K / BLOCK_KB],
    ['kB', 1 / BLOCK_KB],
    ['B', 1 / (BLOCK_KB * K)],
  ],
  ms: [
    ['d', 1000 * 60 * 60 * 24],
    ['h', 1000 * 60 * 60],
    ['min', 1000 * 60],
    ['s', 1000],
    ['ms', 1],
    ['us', 1 / 1000],
  ],
  s: [
    ['d', 60 * 60 * 24],
    ['h', 60 * 60],
    ['min', 60],
    ['s', 1],
    ['ms', 1 / 1000],
    ['us', 1 / (1000 * 1000)],
  ],
  min: [
    ['d', 60 * 24],
    ['h', 60],
    ['min', 1],
    ['s', 1 / 60],
    ['ms', 1 / (1000 * 60)],
    ['us', 1 / (1000 * 1000 * 60)],
  ],
};

/** The units a setting with this base unit accepts, for messages. */
export function unitsOf(base: string): string[] {
  return (UNIT_TABLES[base] ?? []).map(([u]) => u);
}

/**
 * `convert_to_base_unit`: a unit of at most three characters, optional trailing blanks, nothing else.
 * A fractional amount is rounded to the next smaller unit (`1.5GB` of kB is exact, `0.1s` of s is not).
 */
export function convertUnit(value: number, text: string, base: string): number | undefined {
  const table = UNIT_TABLES[base];
  if (table === undefined) return undefined;
  let end = 0;
  while (end < text.length && end < 3 && !C_SPACE.includes(text.charAt(end))) end++;
  if (skipSpace(text, end) < text.length) return undefined;
  const unit = text.slice(0, end);
  const index = table.findIndex(([u]) => u === unit);
  const entry = table[index];
  if (entry === undefined) return undefined;
  const converted = value * entry[1];
  const next = table[index + 1];
  return next === undefined ? converted : rint(converted / next[1]) * next[1];
}

/** The result of reading a number: its value in the base unit, or why the server would refuse it. */
export type NumberResult = { ok: true; value: number } | { ok: false; reason: string };

function withUnit(scan: Scan, s: string, unit: string | undefined): NumberResult {
  if (scan.end === 0 || scan.range || Number.isNaN(scan.value)) return { ok: false, reason: 'not a number' };
  const rest = s.slice(skipSpace(s, scan.end));
  if (rest === '') return { ok: true, value: scan.value };
  if (unit === undefined) return { ok: false, reason: 'this setting takes no unit' };
  const converted = convertUnit(scan.value, rest, unit);
  if (converted === undefined) return { ok: false, reason: `valid units are ${unitsOf(unit).join(', ')}` };
  return { ok: true, value: converted };
}

/** `parse_int`: integer (any C base, or a float that is rounded), optional unit, int range. */
export function parseInteger(s: string, unit: string | undefined): NumberResult {
  const long = strtol(s);
  // Like PostgreSQL, look at where strtol stopped (the very start when it read nothing: `.5` is 0.5).
  const c = s.charAt(long.end);
  const scan = c === '.' || c === 'e' || c === 'E' || long.range ? strtod(s) : long;
  const read = withUnit(scan, s, unit);
  if (!read.ok) return read;
  const value = rint(read.value);
  if (value > INT_MAX || value < INT_MIN) return { ok: false, reason: 'exceeds the integer range' };
  return { ok: true, value };
}

/** `parse_real`: a C double with an optional unit. */
export function parseReal(s: string, unit: string | undefined): NumberResult {
  return withUnit(strtod(s), s, unit);
}

/** `parse_bool`: on/off/true/false/yes/no/1/0 and unique prefixes, any case; no blanks. */
export function parseBool(s: string): boolean | undefined {
  const v = asciiLower(s);
  const first = v.charAt(0);
  const words: Readonly<Record<string, readonly [string, boolean]>> = {
    t: ['true', true],
    f: ['false', false],
    y: ['yes', true],
    n: ['no', false],
  };
  const word = words[first];
  if (word !== undefined) return word[0].startsWith(v) ? word[1] : undefined;
  if (first === 'o' && v.length >= 2)
    return 'on'.startsWith(v) ? true : 'off'.startsWith(v) ? false : undefined;
  if (v === '1' || v === '0') return v === '1';
  return undefined;
}

/** `pg_strcasecmp`-style lower-casing: ASCII letters only. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
