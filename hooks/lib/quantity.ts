/**
 * Kubernetes resource quantities (`500m`, `1Gi`, `1e3`), parsed, compared and serialized exactly as
 * the API server does it (`k8s.io/apimachinery/pkg/api/resource`).
 *
 * Why exact: the API server stores every quantity of a built-in object in its canonical form. A child
 * that carries `1024Mi` comes back as `1Gi`, so Metacontroller would see a difference and rewrite the
 * child on every sync (docs/architecture.md rule 7). The CRD's CEL `isQuantity()` and `quantity()` use the same parser,
 * so validation here accepts exactly what the API server accepts, quirks included (`+1`, `.`, `e3` and
 * `1.G` are valid quantities there).
 *
 * Values are exact: an unscaled BigInt and a base-10 exponent, never a float.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

/** How the API server prints a quantity: the suffix family of the string it was parsed from. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A parsed quantity: `unscaled * 10^exponent`, plus what the API server needs to print it. */
export interface Quantity {
  readonly unscaled: bigint;
  readonly exponent: number;
  readonly format: QuantityFormat;
  /** Set when the API server keeps the input string verbatim (it was already canonical for its parser). */
  readonly verbatim?: string;
}

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = 'eEinumkKMGTP';
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MAX_QUANTITY: Quantity = { unscaled: INT64_MAX, exponent: 0, format: 'BinarySI' };
const ONE: Quantity = { unscaled: 1n, exponent: 0, format: 'BinarySI' };
/** `maxInt64Factors` in apimachinery: decimal digits that always fit in an int64. */
const MAX_INT64_FACTORS = 18;
/** Values are rounded up to nano units (scale -9), like `Nano` in apimachinery. */
const NANO = -9;

interface Scanned {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

const digitCount = (n: bigint): number => (n < 0n ? -n : n).toString().length;
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function scanDigits(str: string, from: number): number {
  let i = from;
  while (isDigit(str[i])) i++;
  return i;
}

/** Where the suffix starts, or the whole scan result when the number runs to the end of the string. */
type NumberScan = Scanned | { positive: boolean; num: string; denom: string; end: number };

/** Sign, leading zeros, numerator and denominator of `parseQuantityString`. */
function scanNumber(str: string): NumberScan {
  const positive = !str.startsWith('-');
  let pos = str.startsWith('-') || str.startsWith('+') ? 1 : 0;
  while (str[pos] === '0') pos++;
  if (pos >= str.length) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  const numEnd = scanDigits(str, pos);
  const num = numEnd > pos ? str.slice(pos, numEnd) : '0';
  if (numEnd >= str.length) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
  if (str[numEnd] !== '.') return { positive, num, denom: '', end: numEnd };
  const denomEnd = scanDigits(str, numEnd + 1);
  const denom = str.slice(numEnd + 1, denomEnd);
  if (denomEnd >= str.length) return { positive, value: str, num, denom, suffix: '' };
  return { positive, num, denom, end: denomEnd };
}

/** Port of `parseQuantityString`: splits sign, numerator, denominator and suffix. */
function scanQuantity(str: string): Scanned | undefined {
  const number = scanNumber(str);
  if (!('end' in number)) return number;
  let pos = number.end;
  while (pos < str.length && SUFFIX_CHARS.includes(str.charAt(pos))) pos++;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  if (scanDigits(str, pos) < str.length) return undefined;
  const { positive, num, denom } = number;
  return { positive, value: str.slice(0, number.end), num, denom, suffix: str.slice(number.end) };
}

interface Suffix {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

/** Port of `suffixHandler.interpret`, including Go's int32 truncation of a decimal exponent. */
function interpretSuffix(suffix: string): Suffix | undefined {
  const dec = DECIMAL_SUFFIXES[suffix];
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BINARY_SUFFIXES[suffix];
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix.startsWith('e') || suffix.startsWith('E'))) {
    // strconv.ParseInt(s, 10, 64): optional sign, then only digits, within int64.
    const digits = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const parsed = BigInt(digits);
    if (parsed > INT64_MAX || parsed < -INT64_MAX - 1n) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

/** Go's `precision` and starting scale and multiplier for the int64 fast path. */
function fastPathShape(s: Scanned, suffix: Suffix): { precision: number; scale: number; mantissa: bigint } {
  if (suffix.format !== 'BinarySI') {
    return {
      precision: MAX_INT64_FACTORS - (s.num.length + s.denom.length),
      scale: suffix.exponent,
      mantissa: 1n,
    };
  }
  // Binary numbers with a fraction always take the big-decimal path (precision -1 in Go).
  if (s.denom.length > 0) return { precision: -1, scale: 0, mantissa: 1n };
  return {
    precision: 15 - s.num.length - Math.trunc((suffix.exponent * 3) / 10) - 1,
    scale: 0,
    mantissa: 1n << BigInt(suffix.exponent),
  };
}

/** The int64 fast path of ParseQuantity; undefined when the API server would take the big-decimal path. */
function fastPath(s: Scanned, suffix: Suffix, str: string): Quantity | undefined {
  const shape = fastPathShape(s, suffix);
  const scale = shape.scale - s.denom.length;
  if (shape.precision < 0 || scale < NANO) return undefined;
  const shifted = s.num + s.denom;
  // At most 18 digits by the precision check above, so this always fits in an int64 as in Go.
  const value = BigInt(shifted);
  const product = value * shape.mantissa;
  if (product > INT64_MAX) return undefined;
  const q: Quantity = { unscaled: s.positive ? product : -product, exponent: scale, format: suffix.format };
  // Go keeps the input string when it is already what it would print.
  const verbatim =
    suffix.format === 'BinarySI'
      ? (value & 7n) !== 0n
      : scale % 3 === 0 && !shifted.endsWith('000') && !shifted.startsWith('0');
  return verbatim ? { ...q, verbatim: str } : q;
}

/** Digits-and-dot parse of inf.Dec.SetString: `[+-]digits[.digits]`, at least one digit. */
function parseDecimal(value: string): { unscaled: bigint; exponent: number } | undefined {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(value);
  if (m === null) return undefined;
  const int = m[2] ?? '';
  const frac = m[3] ?? '';
  if (int.length + frac.length === 0) return undefined;
  const magnitude = BigInt(int + frac);
  return { unscaled: m[1] === '-' ? -magnitude : magnitude, exponent: -frac.length };
}

/** Rounds |value| up to 9 decimals (inf.RoundUp away from zero), as ParseQuantity does. */
function roundUpToNano(unscaled: bigint, exponent: number): { unscaled: bigint; exponent: number } {
  if (unscaled === 0n || exponent >= NANO) return { unscaled, exponent };
  const shift = NANO - exponent;
  const negative = unscaled < 0n;
  const abs = negative ? -unscaled : unscaled;
  // A value with fewer digits than the shift is below one nano and rounds up to it; checking that first
  // keeps `1e-2000000000` from building a two-billion-digit divisor.
  const rounded = digitCount(abs) < shift ? 1n : (abs + 10n ** BigInt(shift) - 1n) / 10n ** BigInt(shift);
  return { unscaled: negative ? -rounded : rounded, exponent: NANO };
}

/** The big-decimal path of ParseQuantity: exact value, rounding up to nano, BinarySI capped at int64. */
function slowPath(s: Scanned, suffix: Suffix): Quantity | undefined {
  const dec = parseDecimal(s.value);
  if (dec === undefined) return undefined;
  const { unscaled, exponent } =
    suffix.base === 10
      ? roundUpToNano(dec.unscaled, dec.exponent + suffix.exponent)
      : roundUpToNano(dec.unscaled * (1n << BigInt(suffix.exponent)), dec.exponent);
  if (suffix.format !== 'BinarySI') return { unscaled, exponent, format: suffix.format };
  // Go applies both BinarySI rules to the absolute value, before the sign is put back.
  const negative = unscaled < 0n;
  const abs: Quantity = { unscaled: negative ? -unscaled : unscaled, exponent, format: 'BinarySI' };
  const capped = compareQuantities(abs, INT64_MAX_QUANTITY) > 0 ? INT64_MAX_QUANTITY : abs;
  const belowOne = capped.unscaled > 0n && compareQuantities(capped, ONE) < 0;
  return {
    unscaled: negative ? -capped.unscaled : capped.unscaled,
    exponent: capped.exponent,
    format: belowOne ? 'DecimalSI' : 'BinarySI',
  };
}

/**
 * Parses like `resource.ParseQuantity` (and CEL `quantity()`); undefined where it returns an error.
 * No whitespace is trimmed, as in ParseQuantity.
 */
export function parseQuantity(str: string): Quantity | undefined {
  if (str.length === 0) return undefined;
  if (str === '0') return { unscaled: 0n, exponent: 0, format: 'DecimalSI', verbatim: '0' };
  const scanned = scanQuantity(str);
  if (scanned === undefined) return undefined;
  const suffix = interpretSuffix(scanned.suffix);
  if (suffix === undefined) return undefined;
  return fastPath(scanned, suffix, str) ?? slowPath(scanned, suffix);
}

/** CEL `isQuantity(s)`. */
export function isQuantity(str: string): boolean {
  return parseQuantity(str) !== undefined;
}

const signOf = (n: bigint): -1 | 0 | 1 => (n === 0n ? 0 : n < 0n ? -1 : 1);

/** Exact comparison (CEL `compareTo`): -1, 0 or 1. Never expands a huge exponent it does not need. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const signA = signOf(a.unscaled);
  const signB = signOf(b.unscaled);
  if (signA !== signB) return signA < signB ? -1 : 1;
  if (signA === 0) return 0;
  // Same non-zero sign: compare orders of magnitude first, then exactly at a common exponent.
  const magA = digitCount(a.unscaled) + a.exponent;
  const magB = digitCount(b.unscaled) + b.exponent;
  if (magA !== magB) return magA > magB === signA > 0 ? 1 : -1;
  const low = Math.min(a.exponent, b.exponent);
  const left = a.unscaled * 10n ** BigInt(a.exponent - low);
  const right = b.unscaled * 10n ** BigInt(b.exponent - low);
  return signOf(left - right);
}

/** Moves factors of `factor` out of `value`, like removeInt64Factors/removeBigIntFactors. */
function removeFactors(value: bigint, factor: bigint): { value: bigint; times: number } {
  let v = value;
  let times = 0;
  while (v !== 0n && v % factor === 0n) {
    v /= factor;
    times++;
  }
  return { value: v, times };
}

/** DecimalSI / DecimalExponent text: mantissa with an exponent that is a multiple of 3. */
function decimalText(q: Quantity, format: QuantityFormat): string {
  const removed = removeFactors(q.unscaled, 10n);
  let amount = removed.value;
  let exponent = q.exponent + removed.times;
  while (exponent % 3 !== 0) {
    amount *= 10n;
    exponent--;
  }
  if (format === 'DecimalExponent') return `${amount}${exponent === 0 ? '' : `e${exponent}`}`;
  // Like the API server, an exponent without an SI suffix (beyond E) prints no suffix at all.
  const suffix = Object.entries(DECIMAL_SUFFIXES).find(([, e]) => e === exponent)?.[0] ?? '';
  return `${amount}${suffix}`;
}

/** The integer value of q when it has no fractional part. */
function asInteger(q: Quantity): bigint | undefined {
  if (q.exponent >= 0) return q.unscaled * 10n ** BigInt(q.exponent);
  const divisor = 10n ** BigInt(-q.exponent);
  return q.unscaled % divisor === 0n ? q.unscaled / divisor : undefined;
}

/** Port of `Quantity.CanonicalizeBytes` (what `String()` and JSON marshalling print). */
export function formatQuantity(q: Quantity): string {
  if (q.verbatim !== undefined) return q.verbatim;
  if (q.unscaled === 0n) return '0';
  if (q.format !== 'BinarySI') return decimalText(q, q.format);
  const small: Quantity = { unscaled: 1024n, exponent: 0, format: 'BinarySI' };
  const abs: Quantity = { ...q, unscaled: q.unscaled < 0n ? -q.unscaled : q.unscaled };
  const integer = compareQuantities(abs, small) < 0 ? undefined : asInteger(q);
  if (integer === undefined) return decimalText(q, 'DecimalSI');
  const removed = removeFactors(integer, 1024n);
  const suffix = Object.entries(BINARY_SUFFIXES).find(([, e]) => e === removed.times * 10)?.[0] ?? '';
  return `${removed.value}${suffix}`;
}

/**
 * The string the API server stores for a quantity given as a string or a JSON number (`cpu: 1`), or
 * undefined when it is not a valid quantity. Examples: `1024Mi` → `1Gi`, `0.5` → `500m`,
 * `1.5Gi` → `1536Mi`, `1000Mi` stays `1000Mi`.
 */
export function canonicalQuantity(value: string | number): string | undefined {
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  const q = parseQuantity(typeof value === 'number' ? String(value) : value);
  return q === undefined ? undefined : formatQuantity(q);
}
