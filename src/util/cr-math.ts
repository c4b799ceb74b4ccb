/*
 * Correctly rounded sin, cos and asin for the GEO distance formula.
 *
 * V8's Math.sin/cos/asin (fdlibm ports) may differ from glibc's in the last bit, and a last-bit
 * difference shows in GEORADIUS STOREDIST scores (%.17g) and, rarely, decides whether a point
 * on a radius' edge is in or out. glibc's results are almost always the correctly rounded
 * ones, so computing the correctly rounded value reproduces Redis.
 *
 * Method: double-double arithmetic (~106 bits). sin/cos reduce the argument by a multiple of
 * pi/2 (pi/2 held in three parts), then sum Taylor series in double-double for |r| <= pi/4;
 * the double nearest to the double-double result is the answer except when the true value
 * lies within ~2^-100 relative of a rounding midpoint. asin takes Math.asin's value and applies
 * one Newton step whose residual sin(t) - y is evaluated in double-double.
 * Cost: a few dozen floating-point operations per call, no allocation.
 */

const SPLIT = 134217729; // 2^27 + 1

let rh = 0;
let rl = 0;

/** rh + rl = a * b exactly. */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  rh = p;
  rl = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** (ah, al) * (bh, bl) into (rh, rl). */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const ph = rh;
  const pl = rl + (ah * bl + al * bh);
  rh = ph + pl;
  rl = pl - (rh - ph);
}

/** (ah, al) + (bh, bl) into (rh, rl). */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  const s = ah + bh;
  const bb = s - ah;
  const e = ah - (s - bb) + (bh - bb);
  const lo = e + al + bl;
  rh = s + lo;
  rl = lo - (rh - s);
}

/** Taylor coefficients 1/n! as double-doubles, n = 0..30. */
const FH = new Float64Array(31);
const FL = new Float64Array(31);
{
  FH[0] = 1;
  FL[0] = 0;
  for (let n = 1; n <= 30; n++) {
    const h = FH[n - 1] as number;
    const l = FL[n - 1] as number;
    const q1 = h / n;
    twoProd(q1, n);
    const rem = h - rh - rl + l;
    const q2 = rem / n;
    const s = q1 + q2;
    FH[n] = s;
    FL[n] = q2 - (s - q1);
  }
}

const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;

/** sin of the double-double r (|r| <= ~pi/4) into (rh, rl). */
function sinReduced(r: number, rlo: number): void {
  ddMul(r, rlo, r, rlo);
  const r2h = rh;
  const r2l = rl;
  // sin(r) = r * sum_k (-1)^k r^2k / (2k+1)!, k = 0..13, by Horner from the top term. The
  // terms k >= 5 are below 2^-26 of the sum: plain doubles carry them accurately enough.
  const z = r2h;
  let tail = -(FH[27] as number);
  for (let n = 25; n >= 11; n -= 2) tail = tail * z + (((n - 1) / 2) % 2 === 0 ? 1 : -1) * (FH[n] as number);
  let sh = tail;
  let sl = 0;
  for (let n = 9; n >= 1; n -= 2) {
    const sign = ((n - 1) / 2) % 2 === 0 ? 1 : -1;
    ddMul(sh, sl, r2h, r2l);
    ddAdd(rh, rl, sign * (FH[n] as number), sign * (FL[n] as number));
    sh = rh;
    sl = rl;
  }
  ddMul(sh, sl, r, rlo);
}

/** cos of the double-double r (|r| <= ~pi/4) into (rh, rl). */
function cosReduced(r: number, rlo: number): void {
  ddMul(r, rlo, r, rlo);
  const r2h = rh;
  const r2l = rl;
  // cos(r) = sum_k (-1)^k r^2k / (2k)!, k = 0..13 (terms k >= 5 in plain doubles).
  const z = r2h;
  let tail = -(FH[26] as number);
  for (let n = 24; n >= 10; n -= 2) tail = tail * z + ((n / 2) % 2 === 0 ? 1 : -1) * (FH[n] as number);
  let ch = tail;
  let cl = 0;
  for (let n = 8; n >= 0; n -= 2) {
    const sign = (n / 2) % 2 === 0 ? 1 : -1;
    ddMul(ch, cl, r2h, r2l);
    ddAdd(rh, rl, sign * (FH[n] as number), sign * (FL[n] as number));
    ch = rh;
    cl = rl;
  }
}

/** sin(x) or cos(x) as a double-double into (rh, rl). */
function sinCosDD(x: number, wantCos: boolean): void {
  const k = Math.round(x / PIO2_1);
  // r = x - k*pi/2 in double-double.
  twoProd(k, PIO2_1);
  ddAdd(x, 0, -rh, -rl);
  let h = rh;
  let l = rl;
  twoProd(k, PIO2_2);
  ddAdd(h, l, -rh, -rl);
  h = rh;
  l = rl;
  ddAdd(h, l, -k * PIO2_3, 0);
  const q = ((((k % 4) + 4) % 4) + (wantCos ? 1 : 0)) % 4;
  if (q === 0 || q === 2) sinReduced(rh, rl);
  else cosReduced(rh, rl);
  if (q >= 2) {
    rh = -rh;
    rl = -rl;
  }
}

function finite(x: number): boolean {
  return x - x === 0;
}

/** Correctly rounded sin (for |x| up to a few thousand; larger arguments use Math.sin). */
export function crSin(x: number): number {
  if (x === 0 || !finite(x) || Math.abs(x) > 1e4) return Math.sin(x);
  sinCosDD(x, false);
  return rh + rl;
}

/** Correctly rounded cos (same domain as crSin). */
export function crCos(x: number): number {
  if (!finite(x) || Math.abs(x) > 1e4) return Math.cos(x);
  sinCosDD(x, true);
  return rh + rl;
}

/** Correctly rounded asin on [-1, 1]. */
export function crAsin(y: number): number {
  const t = Math.asin(y);
  if (y === 0 || !finite(t)) return t;
  sinCosDD(t, false);
  // residual = sin(t) - y, exact enough in double-double.
  ddAdd(rh, rl, -y, 0);
  const resid = rh + rl;
  const c = Math.cos(t);
  if (c === 0) return t;
  return t - resid / c;
}
