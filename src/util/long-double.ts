/*
 * Exact emulation of the x87 80-bit `long double` arithmetic Redis uses for
 * INCRBYFLOAT and HINCRBYFLOAT.
 *
 * Why: Redis parses both operands with strtold(), adds them in 80-bit
 * extended precision (64-bit significand) and prints the sum with "%.17Lf"
 * before trimming trailing zeros. The extra 11 bits of precision are what
 * make "0.1" + "0.2" come out as "0.3" instead of "0.30000000000000004", and
 * what make GEO-like noise such as "1000.20000000000000002" appear for larger
 * magnitudes. A JS double cannot reproduce either, so we compute with BigInt:
 *
 *   - a finite value is sign * m * 2^e with m a non-negative bigint of at most
 *     64 bits; the exponent range is that of the x87 format (normal numbers
 *     below 2^16384, subnormals down to 2^-16445);
 *   - parsing rounds the exact decimal (or hexadecimal) literal to 64
 *     significant bits, round-half-to-even, like glibc's strtold;
 *   - addition computes the exact sum of the two operands and rounds it once;
 *   - formatting scales the exact binary value by 10^17 and rounds half to
 *     even, like glibc's printf.
 *
 * Cost: a few BigInt operations on numbers of ~100 bits for ordinary inputs
 * (a few microseconds). Extreme inputs (1e4000) cost more but stay bounded
 * because Redis caps the argument at 5 KiB.
 *
 * This file also holds the full C `strtod` literal scanner shared with
 * numbers.ts (hexadecimal floats, "inf"/"infinity", NaN detection) and the
 * generic binary rounding used to turn hexadecimal literals into doubles.
 */

/** A finite 80-bit value (sign * m * 2^e), or an infinity. */
export interface LongDouble {
  readonly neg: boolean;
  /** Significand, 0 <= m < 2^64 (0 for zero). Ignored when `inf`. */
  readonly m: bigint;
  /** Binary exponent of the significand's least significant bit. */
  readonly e: number;
  readonly inf: boolean;
}

/** A literal accepted by C's strtod/strtold as a whole (NaN excluded). */
export interface FloatLiteral {
  readonly neg: boolean;
  readonly kind: 'inf' | 'dec' | 'hex';
  /** Significant digits as an integer (leading/trailing zeros removed). */
  readonly digits: bigint;
  /** Number of decimal digits (dec) or bits (hex) in `digits`; 0 for zero. */
  readonly width: number;
  /** Value is digits * 10^exp (dec) or digits * 2^exp (hex). */
  readonly exp: number;
}

/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld rejects inputs this long or longer. */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

const LD_PRECISION = 64;
const LD_MIN_LSB = -16445; // exponent of the smallest subnormal
const LD_MAX_BITS = 16384; // finite values are < 2^16384
const DBL_PRECISION = 53;
const DBL_MIN_LSB = -1074;
const DBL_MAX_BITS = 1024;
/** Exponents beyond this are clamped while scanning; any value is then 0 or inf. */
const EXP_CLAMP = 1_000_000_000;

export const LD_ZERO: LongDouble = { neg: false, m: 0n, e: 0, inf: false };

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

function matchesWordAt(s: string, at: number, word: string): boolean {
  if (s.length - at < word.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((s.charCodeAt(at + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** Reads an optionally signed decimal exponent running to the end of `s`; null if malformed. */
function scanExponent(s: string, i: number): number | null {
  const n = s.length;
  let neg = false;
  let c = s.charCodeAt(i);
  if (c === 43 /* + */ || c === 45 /* - */) {
    neg = c === 45;
    i++;
  }
  if (i >= n) return null;
  let v = 0;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (!isDigit(c)) return null;
    if (v < EXP_CLAMP) v = v * 10 + (c - 48);
  }
  if (v > EXP_CLAMP) v = EXP_CLAMP;
  return neg ? -v : v;
}

function bitLength(v: bigint): number {
  if (v === 0n) return 0;
  const h = v.toString(16);
  return (h.length - 1) * 4 + (32 - Math.clz32(parseInt(h.charAt(0), 16)));
}

/**
 * Scans `s` as a complete C strtod literal: optional sign, then a decimal
 * number with optional exponent, a "0x" hexadecimal number with optional
 * binary exponent, or "inf"/"infinity" (any case). Returns null when strtod
 * would stop before the end of the string, convert nothing, or yield NaN.
 * Leading whitespace (which strtod skips) is rejected, as Redis does.
 */
export function scanFloatLiteral(s: string): FloatLiteral | null {
  const n = s.length;
  let i = 0;
  let neg = false;
  if (n === 0) return null;
  let c = s.charCodeAt(0);
  if (c === 43 || c === 45) {
    neg = c === 45;
    i = 1;
  }
  if (i >= n) return null;
  c = s.charCodeAt(i);
  if ((c | 0x20) === 105 /* i */) {
    if (!matchesWordAt(s, i, 'inf')) return null;
    const rest = n - (i + 3);
    if (rest === 0 || (rest === 5 && matchesWordAt(s, i + 3, 'inity'))) {
      return { neg, kind: 'inf', digits: 0n, width: 0, exp: 0 };
    }
    return null;
  }
  if (c === 48 && i + 1 < n && (s.charCodeAt(i + 1) | 0x20) === 120 /* x */) {
    const hex = scanHex(s, i + 2, neg);
    if (hex !== null) return hex;
    return null; // strtod would parse "0" and stop at the 'x'
  }
  return scanDecimal(s, i, neg);
}

function scanDecimal(s: string, i: number, neg: boolean): FloatLiteral | null {
  const n = s.length;
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < n && s.charCodeAt(i) === 46 /* . */) {
    i++;
    fracStart = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    fracEnd = i;
  }
  if (intEnd === intStart && fracEnd === fracStart) return null;
  let exp = 0;
  if (i < n) {
    if ((s.charCodeAt(i) | 0x20) !== 101 /* e */) return null;
    const e = scanExponent(s, i + 1);
    if (e === null) return null;
    exp = e;
  }
  let all = s.slice(intStart, intEnd) + s.slice(fracStart, fracEnd);
  exp -= fracEnd - fracStart;
  let lead = 0;
  while (lead < all.length && all.charCodeAt(lead) === 48) lead++;
  let trail = all.length;
  while (trail > lead && all.charCodeAt(trail - 1) === 48) trail--;
  if (lead === trail) return { neg, kind: 'dec', digits: 0n, width: 0, exp: 0 };
  exp += all.length - trail;
  all = all.slice(lead, trail);
  return { neg, kind: 'dec', digits: BigInt(all), width: all.length, exp };
}

function scanHex(s: string, i: number, neg: boolean): FloatLiteral | null {
  const n = s.length;
  const intStart = i;
  while (i < n && hexValue(s.charCodeAt(i)) >= 0) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    fracStart = i;
    while (i < n && hexValue(s.charCodeAt(i)) >= 0) i++;
    fracEnd = i;
  }
  if (intEnd === intStart && fracEnd === fracStart) return null;
  let exp = 0;
  if (i < n) {
    if ((s.charCodeAt(i) | 0x20) !== 112 /* p */) return null;
    const e = scanExponent(s, i + 1);
    if (e === null) return null;
    exp = e;
  }
  const all = s.slice(intStart, intEnd) + s.slice(fracStart, fracEnd);
  exp -= 4 * (fracEnd - fracStart);
  const digits = BigInt('0x' + all);
  if (digits === 0n) return { neg, kind: 'hex', digits: 0n, width: 0, exp: 0 };
  return { neg, kind: 'hex', digits, width: bitLength(digits), exp };
}

/** Result of rounding an exact positive value to a binary format. */
interface Rounded {
  m: bigint;
  e: number;
  /** Overflowed to infinity. */
  inf: boolean;
}

/**
 * Rounds num/den * 2^e0 (num, den > 0) to `prec` significant bits, with the
 * least significant bit not below 2^minLsb (gradual underflow), ties to
 * even. Values reaching 2^maxBits become infinity.
 */
function roundBinary(num: bigint, den: bigint, e0: number, prec: number, minLsb: number, maxBits: number): Rounded {
  const nb = bitLength(num) - bitLength(den);
  // Scale so the integer quotient has at least prec + 2 bits.
  const shift = prec + 2 - nb;
  let n = num;
  let d = den;
  if (shift >= 0) n <<= BigInt(shift);
  else d <<= BigInt(-shift);
  const q = n / d;
  const sticky = n % d !== 0n;
  const lsb = e0 - shift;
  let drop = bitLength(q) - prec;
  if (lsb + drop < minLsb) drop = minLsb - lsb;
  let m: bigint;
  if (drop > bitLength(q) + 1) {
    m = 0n; // far below half of the smallest step
  } else {
    const bd = BigInt(drop);
    const half = 1n << (bd - 1n);
    const low = q & ((1n << bd) - 1n);
    m = q >> bd;
    if (low > half || (low === half && (sticky || (m & 1n) === 1n))) m += 1n;
  }
  let e = lsb + drop;
  if (m === 1n << BigInt(prec)) {
    m >>= 1n;
    e += 1;
  }
  if (m !== 0n && bitLength(m) + e > maxBits) return { m: 0n, e: 0, inf: true };
  return { m, e, inf: false };
}

/** Converts a finite, non-zero literal to the given binary format; 'zero' means it underflowed. */
function literalToBinary(
  lit: FloatLiteral,
  prec: number,
  minLsb: number,
  maxBits: number,
): Rounded | 'zero' {
  if (lit.kind === 'hex') {
    const mag = lit.width + lit.exp; // value < 2^mag
    if (mag > maxBits + 1) return { m: 0n, e: 0, inf: true };
    if (mag < minLsb - 1) return 'zero';
    const r = roundBinary(lit.digits, 1n, lit.exp, prec, minLsb, maxBits);
    return r.m === 0n && !r.inf ? 'zero' : r;
  }
  const mag10 = lit.width + lit.exp; // 10^(mag10-1) <= value < 10^mag10
  // log10(2) * bits, padded: decide far-out values without big powers.
  if (mag10 > Math.ceil(maxBits * 0.30103) + 2) return { m: 0n, e: 0, inf: true };
  if (mag10 < Math.floor((minLsb - 1) * 0.30103) - 2) return 'zero';
  let num = lit.digits;
  let den = 1n;
  if (lit.exp >= 0) num *= 10n ** BigInt(lit.exp);
  else den = 10n ** BigInt(-lit.exp);
  const r = roundBinary(num, den, 0, prec, minLsb, maxBits);
  return r.m === 0n && !r.inf ? 'zero' : r;
}

/**
 * Converts a scanned literal to a JS double exactly as strtod rounds it.
 * Returns ±Infinity on overflow and ±0 on underflow (the caller decides
 * whether strtod's ERANGE makes that an error).
 */
export function literalToDouble(lit: FloatLiteral): number {
  if (lit.kind === 'inf') return lit.neg ? -Infinity : Infinity;
  if (lit.digits === 0n) return lit.neg ? -0 : 0;
  let v: number;
  if (lit.kind === 'dec') {
    // V8's string-to-number conversion is correctly rounded.
    v = Number(`${lit.digits}e${lit.exp}`);
  } else {
    const r = literalToBinary(lit, DBL_PRECISION, DBL_MIN_LSB, DBL_MAX_BITS);
    if (r === 'zero') v = 0;
    else if (r.inf) v = Infinity;
    else v = Number(r.m) * 2 ** r.e;
  }
  return lit.neg ? -v : v;
}

/**
 * Would strtold accept this literal without ERANGE-to-zero/infinity?
 * (Used by string2ld for literals outside the double range.)
 */
export function literalFitsLongDouble(lit: FloatLiteral): boolean {
  if (lit.kind === 'inf' || lit.digits === 0n) return true;
  const r = literalToBinary(lit, LD_PRECISION, LD_MIN_LSB, LD_MAX_BITS);
  return r !== 'zero' && !r.inf;
}

/**
 * Redis's string2ld as an 80-bit value: the whole string must be a strtold
 * literal, shorter than 5 KiB, not NaN, and not overflow to infinity or
 * underflow to zero. "inf"/"infinity" are accepted.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  const lit = scanFloatLiteral(s);
  if (lit === null) return null;
  if (lit.kind === 'inf') return { neg: lit.neg, m: 0n, e: 0, inf: true };
  if (lit.digits === 0n) return { neg: lit.neg, m: 0n, e: 0, inf: false };
  const r = literalToBinary(lit, LD_PRECISION, LD_MIN_LSB, LD_MAX_BITS);
  if (r === 'zero' || r.inf) return null;
  return { neg: lit.neg, m: r.m, e: r.e, inf: false };
}

const bitsView = new DataView(new ArrayBuffer(8));

/** The exact 80-bit value of a JS number (every double is representable). NaN is not supported. */
export function longDoubleFromNumber(x: number): LongDouble {
  if (x === Infinity || x === -Infinity) return { neg: x < 0, m: 0n, e: 0, inf: true };
  bitsView.setFloat64(0, x);
  const hi = bitsView.getUint32(0);
  const lo = bitsView.getUint32(4);
  const neg = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  const frac = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo);
  if (biased === 0) {
    if (frac === 0n) return { neg, m: 0n, e: 0, inf: false };
    return { neg, m: frac, e: -1074, inf: false };
  }
  return { neg, m: frac + (1n << 52n), e: biased - 1075, inf: false };
}

/** The exact 80-bit value of a 64-bit integer. */
export function longDoubleFromInt(v: number | bigint): LongDouble {
  const b = BigInt(v);
  const neg = b < 0n;
  const a = neg ? -b : b;
  if (a === 0n) return LD_ZERO;
  const r = roundBinary(a, 1n, 0, LD_PRECISION, LD_MIN_LSB, LD_MAX_BITS);
  return { neg, m: r.m, e: r.e, inf: false };
}

/**
 * a + b in 80-bit arithmetic (round to nearest even). Returns null when the
 * result is NaN (inf + -inf); infinities propagate; overflow gives infinity.
 */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.inf || b.inf) {
    if (a.inf && b.inf && a.neg !== b.neg) return null;
    return a.inf ? a : b;
  }
  if (a.m === 0n) return b.m === 0n ? { neg: a.neg && b.neg, m: 0n, e: 0, inf: false } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const av = a.m << BigInt(a.e - e);
  const bv = b.m << BigInt(b.e - e);
  const sum = (a.neg ? -av : av) + (b.neg ? -bv : bv);
  if (sum === 0n) return LD_ZERO;
  const neg = sum < 0n;
  const r = roundBinary(neg ? -sum : sum, 1n, e, LD_PRECISION, LD_MIN_LSB, LD_MAX_BITS);
  if (r.inf) return { neg, m: 0n, e: 0, inf: true };
  return { neg, m: r.m, e: r.e, inf: false };
}

const TEN17 = 10n ** 17n;

/**
 * Redis's ld2string(..., LD_STR_HUMAN): "%.17Lf" of the exact value, then
 * trailing zeros and a trailing '.' removed, "-0" turned into "0";
 * infinities print as "inf" / "-inf".
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  if (x.inf) return x.neg ? '-inf' : 'inf';
  let digits: string;
  if (x.m === 0n) return '0';
  if (x.e >= 0) {
    digits = (x.m << BigInt(x.e)).toString();
  } else {
    const scaled = x.m * TEN17;
    const sh = BigInt(-x.e);
    let q = scaled >> sh;
    const rem = scaled - (q << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    if (q === 0n) return '0';
    let t = q.toString();
    if (t.length < 18) t = '0'.repeat(18 - t.length) + t;
    const intPart = t.slice(0, t.length - 17);
    let frac = t.slice(t.length - 17);
    let end = frac.length;
    while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
    frac = frac.slice(0, end);
    digits = frac.length > 0 ? `${intPart}.${frac}` : intPart;
    if (digits === '0') return '0';
  }
  return x.neg ? `-${digits}` : digits;
}

/** Nearest JS double to an 80-bit value (ties to even). */
export function longDoubleToNumber(x: LongDouble): number {
  if (x.inf) return x.neg ? -Infinity : Infinity;
  if (x.m === 0n) return x.neg ? -0 : 0;
  const r = roundBinary(x.m, 1n, x.e, DBL_PRECISION, DBL_MIN_LSB, DBL_MAX_BITS);
  const v = r.inf ? Infinity : Number(r.m) * 2 ** r.e;
  return x.neg ? -v : v;
}

/**
 * The value INCRBYFLOAT / HINCRBYFLOAT store and reply with:
 * ld2string(current + increment, LD_STR_HUMAN). Returns null when the sum
 * is NaN or infinite ("increment would produce NaN or Infinity").
 */
export function incrByFloatHuman(current: LongDouble, incr: LongDouble): string | null {
  const sum = addLongDouble(current, incr);
  if (sum === null || sum.inf) return null;
  return formatLongDoubleHuman(sum);
}
