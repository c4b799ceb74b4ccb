/*
 * C printf number formatting, as glibc does it, for the Lua 5.1 behaviour Redis scripts see:
 * tostring() and concatenation use "%.14g", string.format passes its conversions to sprintf,
 * and Redis converts numbers it hands to commands with "%.17g".
 *
 * JS's own toFixed/toPrecision differ from glibc in two ways that show: they round exact
 * ties away from zero (glibc rounds them to even: printf("%.2f", 0.125) is "0.12"), and
 * toPrecision switches to exponent form at other thresholds than %g. So the digits are taken
 * from toExponential(100) (the exact binary value up to 101 significant digits, enough to see
 * every tie a double can produce at the precisions used here) and rounded here, half to even.
 */

interface Digits {
  /** Significant digits, no leading zero (at least one digit). */
  d: string;
  /** Decimal exponent of the first digit: value = d[0].d[1..] x 10^e. */
  e: number;
}

/** The exact decimal digits of a finite, non-zero |x| (up to 101 significant digits). */
function digitsOf(x: number): Digits {
  const t = Math.abs(x).toExponential(100);
  const ePos = t.indexOf('e');
  let d = t.charAt(0) + t.slice(2, ePos);
  let end = d.length;
  while (end > 1 && d.charCodeAt(end - 1) === 48) end--;
  d = d.slice(0, end);
  return { d, e: Number(t.slice(ePos + 1)) };
}

/**
 * Round to `k` significant digits (k may be <= 0: rounding above the first digit), half to
 * even. Returns digits of length max(k, 1) (zeros padded) and the possibly bumped exponent;
 * a result of zero is { d: '0', e: exponent of the rounding unit }.
 */
function roundDigits(x: Digits, k: number): Digits {
  const { d, e } = x;
  if (k <= 0) {
    // Everything is below the rounding unit 10^(e-k+1)... compare with half a unit.
    if (k < 0) return { d: '0', e: e - k + 1 };
    const first = d.charCodeAt(0) - 48;
    const above = first > 5 || (first === 5 && d.length > 1);
    // A tie (exactly half) rounds to the even neighbour, which is zero.
    return above ? { d: '1', e: e + 1 } : { d: '0', e: e + 1 };
  }
  if (d.length <= k) return { d: d + '0'.repeat(k - d.length), e };
  const next = d.charCodeAt(k) - 48;
  let up = false;
  if (next > 5) up = true;
  else if (next === 5) {
    let rest = false;
    for (let i = k + 1; i < d.length; i++) {
      if (d.charCodeAt(i) !== 48) {
        rest = true;
        break;
      }
    }
    up = rest || (d.charCodeAt(k - 1) - 48) % 2 === 1;
  }
  let head = d.slice(0, k);
  if (!up) return { d: head, e };
  // Increment the digit string.
  const arr = head.split('');
  let i = k - 1;
  while (i >= 0) {
    if (arr[i] === '9') {
      arr[i] = '0';
      i--;
    } else {
      arr[i] = String.fromCharCode((arr[i] as string).charCodeAt(0) + 1);
      break;
    }
  }
  head = arr.join('');
  if (i < 0) return { d: '1' + head.slice(0, k - 1), e: e + 1 };
  return { d: head, e };
}

function expSuffix(e: number, upper: boolean): string {
  const a = e < 0 ? -e : e;
  return (upper ? 'E' : 'e') + (e < 0 ? '-' : '+') + (a < 10 ? '0' + a : String(a));
}

/** %.<prec>e of |x| (finite). */
function fmtE(x: number, prec: number, alt: boolean, upper: boolean): string {
  if (x === 0) return '0' + (prec > 0 ? '.' + '0'.repeat(prec) : alt ? '.' : '') + expSuffix(0, upper);
  const r = roundDigits(digitsOf(x), prec + 1);
  const frac = r.d.slice(1);
  return r.d.charAt(0) + (prec > 0 ? '.' + frac : alt ? '.' : '') + expSuffix(r.e, upper);
}

/** %.<prec>f of |x| (finite). */
function fmtF(x: number, prec: number, alt: boolean): string {
  let intPart: string;
  let fracPart: string;
  if (x === 0) {
    intPart = '0';
    fracPart = '0'.repeat(prec);
  } else {
    const dg = digitsOf(x);
    const r = roundDigits(dg, dg.e + 1 + prec);
    // r.d are digits from exponent r.e down to 10^-prec (or a single 0/1 for tiny values).
    if (r.d === '0') {
      intPart = '0';
      fracPart = '0'.repeat(prec);
    } else {
      const totalDigits = r.e + 1 + prec; // digits from 10^e down to 10^-prec
      let s = r.d;
      if (s.length < totalDigits) s += '0'.repeat(totalDigits - s.length);
      if (r.e >= 0) {
        intPart = s.slice(0, r.e + 1);
        fracPart = s.slice(r.e + 1);
      } else {
        intPart = '0';
        fracPart = '0'.repeat(-r.e - 1) + s;
        fracPart = fracPart.slice(0, prec);
      }
    }
  }
  return intPart + (prec > 0 ? '.' + fracPart : alt ? '.' : '');
}

/** %.<prec>g of |x| (finite). */
function fmtG(x: number, prec: number, alt: boolean, upper: boolean): string {
  const p = prec === 0 ? 1 : prec;
  let exp: number;
  if (x === 0) exp = 0;
  else exp = roundDigits(digitsOf(x), p).e;
  let s: string;
  if (exp < -4 || exp >= p) {
    s = fmtE(x, p - 1, alt, upper);
    if (!alt) {
      const ePos = s.indexOf(upper ? 'E' : 'e');
      s = stripZeros(s.slice(0, ePos)) + s.slice(ePos);
    }
  } else {
    s = fmtF(x, p - 1 - exp, alt);
    if (!alt) s = stripZeros(s);
  }
  return s;
}

/** Drop trailing zeros of a fraction and then a trailing point. */
function stripZeros(s: string): string {
  if (s.indexOf('.') === -1) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

/** "%.14g": LUAI_NUMFFORMAT, how Lua 5.1 writes numbers (tostring, concatenation). */
export function lua51NumberToString(n: number): string {
  if (Number.isInteger(n)) {
    if (n === 0) return Object.is(n, -0) ? '-0' : '0';
    if (n < 1e14 && n > -1e14) return String(n);
  }
  return formatFloat(n, 'g', 14, '');
}

/** One floating conversion (e E f F g G) with flags ('-', '+', ' ', '#', '0') and width. */
export function formatFloat(n: number, conv: string, prec: number, flags: string, width = 0): string {
  const upper = conv === 'E' || conv === 'G' || conv === 'F';
  const alt = flags.includes('#');
  let neg = n < 0 || Object.is(n, -0);
  let body: string;
  if (n !== n) {
    body = upper ? 'NAN' : 'nan';
    neg = false;
  } else if (n === Infinity || n === -Infinity) {
    body = upper ? 'INF' : 'inf';
  } else {
    const a = Math.abs(n);
    switch (conv) {
      case 'e':
      case 'E':
        body = fmtE(a, prec, alt, upper);
        break;
      case 'f':
      case 'F':
        body = fmtF(a, prec, alt);
        break;
      default:
        body = fmtG(a, prec, alt, upper);
    }
  }
  const sign = neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const finite = n === n && n !== Infinity && n !== -Infinity;
  return pad(sign, body, flags, width, finite);
}

/** Apply width with '-' (left) or '0' (zeros after the sign) padding. */
function pad(sign: string, body: string, flags: string, width: number, zeroOk: boolean): string {
  const len = sign.length + body.length;
  if (width <= len) return sign + body;
  if (flags.includes('-')) return sign + body + ' '.repeat(width - len);
  if (flags.includes('0') && zeroOk) return sign + '0'.repeat(width - len) + body;
  return ' '.repeat(width - len) + sign + body;
}

const LONG_MIN = -(2n ** 63n);

/** C's (long)d conversion on x86-64: truncation; out of range or NaN gives LONG_MIN. */
export function toCLong(d: number): bigint {
  if (!(d >= -9223372036854775808 && d < 9223372036854775808)) return LONG_MIN;
  return BigInt(Math.trunc(d));
}

/** An integer conversion (d i u o x X) of `v` with flags, width and precision (-1: none). */
export function formatInteger(v: bigint, conv: string, flags: string, width: number, prec: number): string {
  let neg = false;
  let mag: bigint;
  if (conv === 'd' || conv === 'i') {
    neg = v < 0n;
    mag = neg ? -v : v;
  } else {
    mag = BigInt.asUintN(64, v);
  }
  let digits: string;
  switch (conv) {
    case 'o':
      digits = mag.toString(8);
      break;
    case 'x':
      digits = mag.toString(16);
      break;
    case 'X':
      digits = mag.toString(16).toUpperCase();
      break;
    default:
      digits = mag.toString(10);
  }
  if (prec >= 0) {
    if (prec === 0 && mag === 0n) digits = '';
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
  }
  let prefix = '';
  if (flags.includes('#')) {
    if (conv === 'o' && !digits.startsWith('0')) digits = '0' + digits;
    else if ((conv === 'x' || conv === 'X') && mag !== 0n) prefix = conv === 'x' ? '0x' : '0X';
  }
  let sign = '';
  if (conv === 'd' || conv === 'i') sign = neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  return pad(sign + prefix, digits, flags, width, prec < 0);
}

/** %s / %c style padding of an already produced text. */
export function padText(s: string, flags: string, width: number): string {
  if (width <= s.length) return s;
  return flags.includes('-') ? s + ' '.repeat(width - s.length) : ' '.repeat(width - s.length) + s;
}
