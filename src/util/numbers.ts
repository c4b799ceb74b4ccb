/*
 * Redis 7.0 number parsing and formatting (util.c string2ll / string2l /
 * string2d / string2ld / d2string / ld2string, networking.c addReplyDouble).
 *
 * Integers: Redis accepts exactly the canonical decimal form of a signed
 * 64-bit integer: optional '-', no '+', no leading zeros (except "0"), no
 * "-0", no spaces, 1..20 characters. Because the form is canonical, a
 * string that parses also round-trips byte for byte.
 *
 * Doubles: Redis hands the whole argument to C's strtod/strtold and accepts
 * it when the conversion consumed every byte, the first byte is not white
 * space, the result is not NaN, and there was no overflow to infinity or
 * underflow to zero. We validate the same grammar ourselves and let V8's
 * correctly rounded Number() do the decimal conversion (glibc's strtod is
 * correctly rounded too, so results agree bit for bit). Hexadecimal floats
 * and other rare shapes go through the exact scanner in long-double.ts.
 *
 * Formatting: C's "%.17g" is rebuilt from Number#toExponential(16), except
 * for doubles with at most 26 fractional bits, whose exact decimal expansion
 * we compute directly: that is faster (V8's toExponential takes a slow
 * bignum path on such values) and it is where the only disagreement lives
 * (JS breaks exact decimal ties upwards, glibc to even; a tie at the 17th
 * significant digit needs an exact expansion of exactly 18 digits).
 */

import { literalFitsLongDouble, literalToDouble, MAX_LONG_DOUBLE_CHARS, scanFloatLiteral } from './long-double.js';
import { latin1String } from './latin1-string.js';

/** Largest JS integer that is exactly representable (2^53 - 1). */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Redis's LONG_STR_SIZE: integer strings of 21+ characters are rejected. */
const LONG_STR_SIZE = 21;

// ---------------------------------------------------------------------------
// Integers

/** C atoi: optional white space and sign, then digits up to the first non-digit (0 if none). */
export function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

/**
 * Redis's string2l/string2ll grammar, returning a JS number when the value
 * is a safe integer (|v| <= 2^53-1). Null when the string is not a valid
 * Redis integer or when it is valid but outside the safe range (use
 * string2ll / parseInt64 for the full 64-bit range).
 */
export function string2l(s: string): number | null {
  const n = s.length;
  if (n === 0 || n >= LONG_STR_SIZE) return null;
  let c = s.charCodeAt(0);
  let i = 1;
  let neg = false;
  if (c === 45 /* - */) {
    if (n === 1) return null;
    neg = true;
    c = s.charCodeAt(1);
    i = 2;
  } else if (c === 48 /* 0 */) {
    return n === 1 ? 0 : null;
  }
  if (c < 49 || c > 57) return null;
  // 17+ digits are always beyond 2^53; the caller only learns "null".
  if (n - i > 15) return null;
  let v = c - 48;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    v = v * 10 + (c - 48);
  }
  if (v > MAX_SAFE) return null;
  return neg ? -v : v;
}

/** Redis's string2ll: the strict grammar over the full signed 64-bit range. */
export function string2ll(s: string): bigint | null {
  const n = s.length;
  if (n === 0 || n >= LONG_STR_SIZE) return null;
  if (n <= 16) {
    const v = string2l(s);
    if (v !== null) return BigInt(v);
    if (n < 16) return null; // short strings that fail string2l are invalid
  }
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return null;
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const v = BigInt(s);
  if (v < INT64_MIN || v > INT64_MAX) return null;
  return v;
}

/**
 * Convenience over string2l/string2ll: a number when the value is a safe
 * integer, a bigint when it is a valid int64 beyond the safe range, null
 * when invalid or overflowing.
 */
export function parseInt64(s: string): number | bigint | null {
  const v = string2l(s);
  if (v !== null) return v;
  if (s.length < 16) return null;
  return string2ll(s);
}

/** Decimal form of a 64-bit integer (Redis's ll2string). */
export function formatInt64(v: number | bigint): string {
  if (typeof v !== 'number') return v.toString();
  if (!Number.isSafeInteger(v)) return String(v);
  return latin1String(digitScratch, 0, writeSafeInt(digitScratch, 0, v));
}

const digitScratch = Buffer.alloc(24);

/** POW10[i] = 10^(i+1), exact as doubles up to 10^16. */
const POW10 = new Float64Array(16);
for (let i = 0, x = 10; i < 16; i++, x *= 10) POW10[i] = x;

/**
 * Write the decimal text of the safe integer v (a '-' first when negative, -0 as 0) into b from
 * p; returns the end. Integer replies and the text INCR stores are built this way rather than
 * with V8's number-to-string conversion, which caches every result: a counter stepping through
 * new values kept thousands of strings alive in that cache, and every young-generation
 * collection copied them (7-12% of an INCR's instructions, perf).
 */
export function writeSafeInt(b: Uint8Array, p: number, v: number): number {
  if (v < 0) {
    b[p++] = 45;
    v = -v;
  }
  // Digit count by comparison with 10, 100, ...: no division (a safe integer has <= 16 digits).
  let n = 1;
  while (n < 16 && v >= POW10[n - 1]!) n++;
  const end = p + n;
  for (let q = end; ; ) {
    const d = Math.floor(v / 10); // exact below 2^53
    b[--q] = 48 + (v - d * 10);
    if (d === 0) break;
    v = d;
  }
  return end;
}

// ---------------------------------------------------------------------------
// Double parsing

/**
 * Fast validation of the common decimal shape: [+-]digits[.digits][e[+-]digits].
 * Returns 1 (valid, some non-zero mantissa digit), 0 (valid, mantissa is
 * zero), -1 (definitely invalid), -2 (needs the full scanner: inf, hex, ...).
 */
function classifyDecimal(s: string): number {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 43 || c === 45) i = 1;
  let digits = 0;
  let nonzero = 0;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (c !== 48) nonzero = 1;
    digits++;
  }
  if (i < n && c === 46 /* . */) {
    for (i++; i < n; i++) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (c !== 48) nonzero = 1;
      digits++;
    }
  }
  if (digits === 0) return -2;
  if (i === n) return nonzero;
  if ((c | 0x20) !== 101 /* e */) return -2;
  i++;
  if (i < n) {
    c = s.charCodeAt(i);
    if (c === 43 || c === 45) i++;
  }
  if (i === n) return -1; // "1e" / "1e+": strtod stops before the 'e'
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return nonzero;
}

function parseDoubleCommon(s: string, longDouble: boolean): number | null {
  const kind = classifyDecimal(s);
  if (kind === -1) return null;
  let v: number;
  if (kind >= 0) {
    v = Number(s);
    if (v !== 0 && v !== Infinity && v !== -Infinity) return v;
    if (v === 0 && kind === 0) return v;
    // Overflow or underflow in double range.
    if (!longDouble) return null;
    const lit = scanFloatLiteral(s);
    return lit !== null && literalFitsLongDouble(lit) ? v : null;
  }
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null; // isspace(s[0])
  const lit = scanFloatLiteral(s);
  if (lit === null) return null;
  v = literalToDouble(lit);
  if (lit.kind === 'inf' || lit.digits === 0n) return v;
  if (v !== 0 && v !== Infinity && v !== -Infinity) return v;
  return longDouble && literalFitsLongDouble(lit) ? v : null;
}

/**
 * Redis's string2d (getDoubleFromObject): the whole string must be a C
 * strtod literal: decimal ("1e3", "+5", ".5", "5."), hexadecimal ("0x1p3")
 * or infinity ("inf", "-inf", "infinity", any case). Rejects the empty
 * string, leading white space, trailing bytes, NaN, and values that
 * overflow to infinity or underflow to zero. Subnormals are accepted.
 */
export function string2d(s: string): number | null {
  if (s.length === 0) return null;
  return parseDoubleCommon(s, false);
}

/**
 * Redis's string2ld (getLongDoubleFromObject): like string2d but judged in
 * 80-bit long double range and limited to strings shorter than 5 KiB.
 * The result is the nearest JS double to the literal; literals outside the
 * double range that a long double holds (e.g. "1e400", "1e-4000") are
 * accepted and come back as ±Infinity / ±0. Use long-double.ts's
 * parseLongDouble when the exact 80-bit value matters (INCRBYFLOAT).
 */
export function string2ld(s: string): number | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  return parseDoubleCommon(s, true);
}

// ---------------------------------------------------------------------------
// Double formatting

const TWO26 = 67108864;

/**
 * Fast and exact path for doubles with few fractional bits (x.5, 0.25,
 * 1234.375, ...), for which Number#toExponential is slow (V8 falls back to
 * bignum arithmetic) and may be wrong at an exact tie. |a| (finite, > 0, not
 * an integer) equals y / 2^k with y odd, so its decimal expansion is
 * y*5^k / 10^k: exact and short when k is small. Returns the digits "%.17g"
 * prints (ties to even, as glibc) and the decimal exponent of the first one,
 * or null when the expansion needs more than 18 significant digits (then
 * toExponential is both fast and correct: no exact tie is possible).
 */
function shortExact(a: number): { digits: string; exp: number } | null {
  if (!Number.isInteger(a * TWO26)) return null; // more than 26 fractional bits
  let k = 1;
  let y = a * 2;
  while (!Number.isInteger(y)) {
    y *= 2;
    k++;
  }
  const est = y * 5 ** k;
  if (est < 9007199254740992) {
    // Exact in double arithmetic: at most 16 significant digits.
    const digits = String(est);
    return { digits, exp: digits.length - 1 - k };
  }
  if (est > 2e18) return null;
  const full = BigInt(y) * 5n ** BigInt(k);
  if (full >= 10n ** 18n) return null;
  let digits = full.toString();
  let exp = digits.length - 1 - k;
  if (digits.length === 18) {
    // The 18th digit is a 5 (y is odd): an exact tie, broken to even.
    let q = full / 10n;
    if ((q & 1n) === 1n) q += 1n;
    digits = q.toString();
    if (digits.length > 17) {
      digits = digits.slice(0, 17);
      exp++;
    }
  }
  return { digits, exp };
}

function stripTrailingZeros(d: string): string {
  let end = d.length;
  while (end > 1 && d.charCodeAt(end - 1) === 48) end--;
  return end === d.length ? d : d.slice(0, end);
}

/**
 * C's printf("%.17g", d): 17 significant digits, exponent form when the
 * decimal exponent is < -4 or >= 17, trailing zeros removed. Infinities
 * print as "inf"/"-inf" (as Redis forces), NaN as "nan", -0 as "-0".
 * This is the RESP2 bulk-string form of a double reply (zset scores, etc.).
 */
export function formatDouble17g(d: number): string {
  if (d !== d) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const a = d < 0 ? -d : d;
  if (a <= MAX_SAFE && Number.isInteger(a)) return String(d);
  let digits: string;
  let exp: number;
  const short = Number.isInteger(a) ? null : shortExact(a);
  if (short !== null) {
    digits = short.digits;
    exp = short.exp;
  } else {
    const t = a.toExponential(16); // "d.dddddddddddddddde±x"
    const ePos = t.indexOf('e', 17);
    digits = t.charAt(0) + t.slice(2, ePos);
    exp = Number(t.slice(ePos + 1));
  }
  digits = stripTrailingZeros(digits);
  let out: string;
  if (exp < -4 || exp >= 17) {
    const ax = exp < 0 ? -exp : exp;
    out =
      digits.charAt(0) +
      (digits.length > 1 ? '.' + digits.slice(1) : '') +
      (exp < 0 ? 'e-' : 'e+') +
      (ax < 10 ? '0' + ax : String(ax));
  } else if (exp < 0) {
    out = '0.' + '0'.repeat(-exp - 1) + digits;
  } else if (digits.length <= exp + 1) {
    out = digits + '0'.repeat(exp + 1 - digits.length);
  } else {
    out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  }
  return d < 0 ? '-' + out : out;
}

/**
 * RESP3 double reply payload (after ','): Redis 7.0.15's addReplyDouble uses
 * the same "%.17g" for RESP3 as for RESP2 (",inf" / ",-inf" for
 * infinities), so this is formatDouble17g under another name.
 */
export function formatDoubleResp3(d: number): string {
  return formatDouble17g(d);
}

/**
 * Redis's d2string (zset scores written into listpacks, RDB ziplist/listpack
 * payloads): "nan", "inf"/"-inf", "0"/"-0", plain integer digits when the
 * value is an integer with |d| <= 2^62, else "%.17g".
 */
export function d2string(d: number): string {
  if (d !== d) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isInteger(d) && d >= -4611686018427387904 && d <= 4611686018427387904) {
    return d > -MAX_SAFE && d < MAX_SAFE ? String(d) : BigInt(d).toString();
  }
  return formatDouble17g(d);
}

/** Adds one unit in the last place to a string of decimal digits. */
function incrementDigits(d: string): string {
  let i = d.length - 1;
  while (i >= 0 && d.charCodeAt(i) === 57) i--;
  if (i < 0) return '1' + '0'.repeat(d.length);
  return d.slice(0, i) + String.fromCharCode(d.charCodeAt(i) + 1) + '0'.repeat(d.length - i - 1);
}

/** Builds "[-]int[.frac]" from digits with `point` integer digits, trailing zeros trimmed; "-0" -> "0". */
function fixedFromDigits(neg: boolean, digits: string, point: number): string {
  let intPart: string;
  let frac: string;
  if (point <= 0) {
    intPart = '0';
    frac = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    intPart = digits + '0'.repeat(point - digits.length);
    frac = '';
  } else {
    intPart = digits.slice(0, point);
    frac = digits.slice(point);
  }
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  let out = end > 0 ? `${intPart}.${frac.slice(0, end)}` : intPart;
  let z = 0;
  while (z < out.length - 1 && out.charCodeAt(z) === 48 && out.charCodeAt(z + 1) !== 46) z++;
  if (z > 0) out = out.slice(z);
  if (out === '0') return '0';
  return neg ? '-' + out : out;
}

/**
 * Human-friendly rendering of a JS double in the style of Redis's
 * ld2string(LD_STR_HUMAN) ("%.17Lf", trailing zeros and '.' removed,
 * "-0" -> "0"), but starting from the *shortest* decimal that round-trips
 * to `d` rather than from the exact binary value. So 10.5+0.1 -> "10.6",
 * 1e20 -> "100000000000000000000", 1e-20 -> "0".
 *
 * Approximation: real Redis computes in 80-bit long double and prints that
 * value, so it can differ from this function whenever the double sum and
 * the long double sum disagree at 17 decimals (0.1+0.2 here gives
 * "0.30000000000000004", Redis "0.3"; large magnitudes show long double
 * noise in Redis such as "1000.20000000000000002"). INCRBYFLOAT and
 * HINCRBYFLOAT should use long-double.ts (incrByFloatHuman), which is exact.
 */
export function formatHumanDouble(d: number): string {
  if (d !== d) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return '0';
  const neg = d < 0;
  const t = String(neg ? -d : d);
  const ePos = t.indexOf('e');
  const mant = ePos < 0 ? t : t.slice(0, ePos);
  const e10 = ePos < 0 ? 0 : Number(t.slice(ePos + 1));
  const dot = mant.indexOf('.');
  let all = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  let point = (dot < 0 ? mant.length : dot) + e10;
  let lead = 0;
  while (lead < all.length - 1 && all.charCodeAt(lead) === 48) lead++;
  all = all.slice(lead);
  point -= lead;
  const keep = point + 17; // digits of `all` that survive %.17f
  if (keep < all.length) {
    if (keep < 0) return '0';
    const next = all.charCodeAt(keep) - 48;
    let rest = false;
    for (let i = keep + 1; i < all.length; i++) {
      if (all.charCodeAt(i) !== 48) {
        rest = true;
        break;
      }
    }
    let kept = all.slice(0, keep);
    const lastOdd = keep > 0 && (all.charCodeAt(keep - 1) & 1) === 1;
    if (next > 5 || (next === 5 && (rest || lastOdd))) {
      if (kept.length === 0) {
        kept = '1';
        point++;
      } else {
        const inc = incrementDigits(kept);
        if (inc.length > kept.length) point++;
        kept = inc;
      }
    }
    if (kept.length === 0) return '0';
    all = kept;
  }
  return fixedFromDigits(neg, all, point);
}

/**
 * Exactly what Redis prints for a double passed to ld2string(LD_STR_HUMAN)
 * / addReplyHumanLongDouble (GEOPOS, GEOSEARCH WITHCOORD): "%.17Lf" of the
 * double's exact binary value, trailing zeros and '.' removed, "-0" -> "0".
 * E.g. 13.361389338970184 -> "13.36138933897018433".
 */
export function formatHumanExact(d: number): string {
  if (d !== d) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return '0';
  const neg = d < 0;
  const a = neg ? -d : d;
  let t: string;
  if (a >= 1e21) {
    t = BigInt(a).toString();
  } else if (Number.isInteger(a * 262144) && !Number.isInteger(a * 131072)) {
    // Exactly 18 fractional bits: the expansion ends in a 5 at the 18th
    // decimal, an exact tie that printf breaks to even (toFixed breaks up).
    const t18 = a.toFixed(18);
    let body = t18.slice(0, -1);
    const lastOdd = (body.charCodeAt(body.length - 1) & 1) === 1;
    if (lastOdd) {
      const dot = body.indexOf('.');
      const inc = incrementDigits(body.slice(0, dot) + body.slice(dot + 1));
      const intLen = inc.length - 17;
      body = inc.slice(0, intLen) + '.' + inc.slice(intLen);
    }
    t = body;
  } else {
    t = a.toFixed(17);
  }
  const dot = t.indexOf('.');
  const digits = dot < 0 ? t : t.slice(0, dot) + t.slice(dot + 1);
  return fixedFromDigits(neg, digits, dot < 0 ? t.length : dot);
}
