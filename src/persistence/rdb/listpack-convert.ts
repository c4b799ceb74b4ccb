/*
 * The bulk-load fast path for the two most common RDB values of a cache-like dataset: a small
 * hash (RDB_TYPE_HASH_LISTPACK) and a small sorted set (RDB_TYPE_ZSET_LISTPACK). Both arrive as
 * a Redis listpack blob and both end up as a nodis listpack (ds/listpack.ts: one latin1 string).
 * The general path unpacks the blob into one JS string per element, checks them, and packs them
 * again (lpFromValues): per key a dozen short-lived strings, arrays and a Set, which at a
 * million keys costs more in garbage collection than in decoding. This module instead
 * translates the blob's entries straight into the bytes of the nodis listpack in a reusable
 * scratch buffer (hashListpackConvert / zsetListpackConvert), and makes one string of it at
 * the end (the *Fast wrappers), or leaves the bytes for the parallel loader's worker to copy
 * into its output (predigest.ts: there the string is made by the main thread).
 *
 * Output format (must equal lpFromValues of the same values; a test compares them):
 *   <entry count varint> then per entry <h varint> <payload>, varints base 128 with the least
 *   significant group first; h = 2 * length for a string; a score is a number entry: h = 3 with
 *   the zigzag varint of an int32, else h = 1 with the float64 little endian.
 * Hash fields and values are strings (integer entries of the blob become their decimal text,
 * written digit by digit); zset scores are numbers (-0 as 0, as the general path stores them):
 * integer entries as they are, text scores parsed from their digits (exactly, see scoreText),
 * since Redis 7.0 writes a fractional score with 17 significant digits ("%.17g") and Number()
 * on such text costs about 100 ns a score.
 *
 * The fast path never reports errors: anything it does not take on, a malformed blob, a value
 * over the listpack limits, duplicates, zset pairs out of order, makes it return false / null,
 * and the caller runs the general path, which refuses bad input with the proper message or
 * converts to the big encoding. So the fast path accepts exactly a subset of what the general path accepts,
 * with the same result. O(blob size); duplicate checks O(n^2) byte compares up to 16 fields,
 * a Set above.
 */

import { lpVarintLen, lpWriteNumber, lpWriteVarint } from '../../ds/listpack.js';
import { writeSafeInt } from '../../util/numbers.js';

let scratch = Buffer.allocUnsafe(1 << 16);
/** Start of entries in the scratch buffer: room for the count varint in front of them. */
const BODY = 5;
/** Payload offsets and lengths of the fields / members written (for duplicate checks). */
let fieldOff = new Int32Array(256);
let fieldLen = new Int32Array(256);
const f64 = new Float64Array(1);

function grow(need: number): void {
  if (need <= scratch.length) return;
  const b = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
  scratch.copy(b, 0, 0, scratch.length);
  scratch = b;
}

/** Where the last successful conversion left its listpack: scratch[convStart, convEnd). */
let convStart = 0;
let convEnd = 0;

/** Put the count varint in front of scratch[BODY, end) and note where the listpack is. */
function finish(count: number, end: number): true {
  const start = BODY - lpVarintLen(count);
  lpWriteVarint(scratch, start, count);
  convStart = start;
  convEnd = end;
  return true;
}

/** Length in bytes of the listpack the last successful conversion built. */
export function convertedLength(): number {
  return convEnd - convStart;
}

/** Copy the last conversion's listpack bytes to dst[at...]; returns the byte count. */
export function copyConverted(dst: Buffer, at: number): number {
  return scratch.copy(dst, at, convStart, convEnd);
}

/* The walker: one Redis listpack entry at a time. After next(): kind 0 = string at
   (sOff, sLen) of the blob, 1 = integer iVal (number; bigint for 64-bit values beyond 2^53). */
let pos = 0;
let sOff = 0;
let sLen = 0;
let iVal: number | bigint = 0;

/** Decode the entry at `pos`; returns the kind (0 string, 1 integer) or -1 when malformed. */
function next(b: Buffer, end: number): number {
  const start = pos;
  const c = b[pos] as number;
  let kind = 1;
  let p = pos;
  if (c < 0x80) {
    iVal = c;
    p += 1;
  } else if ((c & 0xc0) === 0x80) {
    sLen = c & 0x3f;
    sOff = p + 1;
    p = sOff + sLen;
    kind = 0;
  } else if ((c & 0xe0) === 0xc0) {
    if (p + 2 > end) return -1;
    let u = ((c & 0x1f) << 8) | (b[p + 1] as number);
    if (u >= 1 << 12) u -= 1 << 13;
    iVal = u;
    p += 2;
  } else if ((c & 0xf0) === 0xe0) {
    if (p + 2 > end) return -1;
    sLen = ((c & 0x0f) << 8) | (b[p + 1] as number);
    sOff = p + 2;
    p = sOff + sLen;
    kind = 0;
  } else if (c === 0xf0) {
    if (p + 5 > end) return -1;
    sLen = b.readUInt32LE(p + 1);
    sOff = p + 5;
    p = sOff + sLen;
    kind = 0;
  } else if (c >= 0xf1 && c <= 0xf4) {
    const size = c === 0xf1 ? 2 : c === 0xf2 ? 3 : c === 0xf3 ? 4 : 8;
    if (p + 1 + size > end) return -1;
    if (size === 8) {
      const big = b.readBigInt64LE(p + 1);
      iVal = big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
    } else {
      iVal = b.readIntLE(p + 1, size);
    }
    p += 1 + size;
  } else {
    return -1;
  }
  if (p > end) return -1;
  const l = p - start;
  p += l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
  if (p > end) return -1;
  pos = p;
  return kind;
}

/** Copy blob bytes into scratch (tiny ranges: a loop beats the native call). */
function copyIn(b: Buffer, from: number, len: number, to: number): number {
  const s = scratch;
  for (let i = 0; i < len; i++) s[to + i] = b[from + i] as number;
  return len;
}

/** Where copyEntry put the entry's bytes in scratch (after the length prefix), and how many. */
let eOff = 0;
let eLen = 0;

/**
 * Write the entry next() just read (kind 0: the string at sOff/sLen, else iVal as text) as a
 * length-prefixed string at scratch[out] (room already made); sets eOff/eLen. Returns the new
 * end, or -1 when the entry is longer than maxValue.
 */
function copyEntry(b: Buffer, kind: number, maxValue: number, out: number): number {
  if (kind === 0) {
    if (sLen > maxValue) return -1;
    out = lpWriteVarint(scratch, out, sLen * 2);
    eOff = out;
    eLen = sLen;
    return out + copyIn(b, sOff, sLen, out);
  }
  const v = iVal;
  if (typeof v === 'bigint') {
    const t = String(v);
    if (t.length > maxValue) return -1;
    out = lpWriteVarint(scratch, out, t.length * 2);
    eOff = out;
    eLen = t.length;
    return out + scratch.latin1Write(t, out);
  }
  // The decimal text of a safe integer, written digit by digit (no string in between). It has
  // at most 17 chars, so its header (2 * length) is one varint byte, written after the digits.
  eOff = out + 1;
  const end = writeSafeInt(scratch, eOff, v);
  eLen = end - eOff;
  if (eLen > maxValue) return -1;
  scratch[out] = eLen * 2;
  return end;
}

/** Are scratch[a, a+len) and scratch[c, c+len) the same bytes? (from the end: fields often differ there) */
function sameBytes(a: number, c: number, len: number): boolean {
  const s = scratch;
  for (let i = len - 1; i >= 0; i--) if (s[a + i] !== s[c + i]) return false;
  return true;
}

/** Byte order of scratch[a, a+la) against scratch[c, c+lc): <0, 0, >0. */
function cmp(a: number, la: number, c: number, lc: number): number {
  const s = scratch;
  const n = la < lc ? la : lc;
  for (let i = 0; i < n; i++) {
    const d = (s[a + i] as number) - (s[c + i] as number);
    if (d !== 0) return d;
  }
  return la - lc;
}

function recordField(i: number, off: number, len: number): void {
  if (i >= fieldOff.length) {
    const o = new Int32Array(fieldOff.length * 2);
    o.set(fieldOff);
    fieldOff = o;
    const l = new Int32Array(fieldLen.length * 2);
    l.set(fieldLen);
    fieldLen = l;
  }
  fieldOff[i] = off;
  fieldLen[i] = len;
}

/** Are the n recorded fields (payloads in scratch) pairwise distinct? */
function distinct(n: number): boolean {
  if (n <= 16) {
    for (let i = 1; i < n; i++) {
      const li = fieldLen[i] as number;
      const oi = fieldOff[i] as number;
      for (let j = 0; j < i; j++) {
        if (fieldLen[j] === li && sameBytes(fieldOff[j] as number, oi, li)) return false;
      }
    }
    return true;
  }
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const o = fieldOff[i] as number;
    seen.add(scratch.latin1Slice(o, o + (fieldLen[i] as number)));
  }
  return seen.size === n;
}

/**
 * Checks the header of the blob b[start, stop) and readies the walk and the scratch buffer
 * (room for the blob at twice its size); returns the offset of its 0xFF terminator or -1.
 */
function open(b: Buffer, start: number, stop: number): number {
  const n = stop - start;
  if (n < 7 || b.readUInt32LE(start) !== n) return -1;
  pos = start + 6;
  grow(BODY + 2 * n + 64);
  return stop - 1;
}

/**
 * Finish the listpack of the `count` entries written up to scratch[out]; false when they are
 * not pairs with distinct first elements, or the walk did not end exactly at the terminator
 * with the header's count.
 */
function pairs(b: Buffer, start: number, end: number, count: number, out: number): boolean {
  if (count === 0 || (count & 1) !== 0 || pos !== end || b[end] !== 0xff) return false;
  const hc = b.readUInt16LE(start + 4);
  if (hc !== 65535 && hc !== count) return false;
  return distinct(count >> 1) && finish(count, out);
}

/**
 * Translate a Redis hash listpack (the blob b[start, stop)) into a nodis hash listpack (then
 * read it with copyConverted / convertedLength); false (general path) when it is malformed,
 * empty, over `maxEntries` pairs or `maxValue` bytes in an element, or has duplicate fields.
 */
export function hashListpackConvert(b: Buffer, maxEntries: number, maxValue: number, start = 0, stop = b.length): boolean {
  const end = open(b, start, stop);
  if (end < 0) return false;
  let out = BODY;
  let count = 0;
  while (pos < end) {
    const kind = next(b, end);
    if (kind < 0) return false;
    // Integer entries can grow as text (1 byte -> up to 20 digits): keep room for that.
    if (out + 32 + sLen > scratch.length) grow(out + 32 + sLen);
    out = copyEntry(b, kind, maxValue, out);
    if (out < 0) return false;
    if ((count & 1) === 0) {
      if (count / 2 >= maxEntries) return false;
      recordField(count >> 1, eOff, eLen);
    }
    count++;
  }
  return pairs(b, start, end, count, out);
}

/** hashListpackConvert's listpack as a string, or null. */
export function hashListpackFast(b: Buffer, maxEntries: number, maxValue: number, start = 0, stop = b.length): string | null {
  return hashListpackConvert(b, maxEntries, maxValue, start, stop) ? scratch.latin1Slice(convStart, convEnd) : null;
}

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];
/** Significant digits gathered exactly in one double (below 2^53); at most TAIL_DIGITS more go to the tail. */
const HEAD_DIGITS = 15;
const TAIL_DIGITS = 4;
const f64u = new Uint32Array(f64.buffer);

/** The exact error of the product p = fl(a * b): a * b = p + twoProductError(a, b, p) (Dekker). */
function twoProductError(a: number, b: number, p: number): number {
  const A = 134217729 * a;
  const ah = A - (A - a);
  const al = a - ah;
  const B = 134217729 * b;
  const bh = B - (B - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * (head * 10^tailDigits + tail) / 10^frac, correctly rounded, for the 16 to 19 digit decimals
 * Redis 7.0 writes for scores (%.17g: "12.339999999999999"); NaN when it cannot tell (the
 * caller then uses Number()). The integer is kept exactly as a pair of doubles hi + lo, the
 * quotient q0 = hi / 10^frac is corrected by the exact remainder (Dekker's product), and the
 * rounding of q0 + correction is trusted unless the true value lies within 1e-7 of an ulp of
 * a rounding midpoint, or the sum leaves q0's binade.
 */
function longDecimal(head: number, tail: number, tailDigits: number, frac: number): number {
  const scale = POW10[tailDigits] as number;
  const hi0 = head * scale;
  const err0 = twoProductError(head, scale, hi0);
  const hi = hi0 + tail;
  const lo = tail - (hi - hi0) + err0; // Fast2Sum: |hi0| >= tail unless head is 0 (then exact)
  let q0 = hi;
  let c = lo;
  if (frac > 0) {
    const P = POW10[frac] as number;
    q0 = hi / P;
    const p = q0 * P;
    c = (hi - p - twoProductError(q0, P, p) + lo) / P; // hi - p is exact (Sterbenz)
  }
  f64[0] = q0;
  const e = (f64u[1] as number) >>> 20;
  if (e <= 53 || e >= 2047) return NaN;
  const q = q0 + c;
  f64[0] = q;
  if ((f64u[1] as number) >>> 20 !== e) return NaN;
  f64u[1] = (e - 52) << 20;
  f64u[0] = 0;
  const units = Math.abs(c) / f64[0];
  return Math.abs(units - Math.floor(units) - 0.5) < 1e-7 ? NaN : q;
}

/**
 * A score written as text: [-]digits[.digits] is converted from its digits (exactly: up to 15
 * digits as digits / 10^k, both exact doubles and one correctly rounded division, what Number()
 * returns; up to 19 through longDecimal); anything else goes through the general path's rules
 * (zzlStrtod: inf forms, Number()).
 */
function scoreText(b: Buffer, off: number, len: number): number {
  let p = off;
  const end = off + len;
  let neg = false;
  if (p < end && b[p] === 45) {
    neg = true;
    p++;
  }
  // [digits][.digits]: the integer part, then the fraction, each in one tight loop.
  let m = 0;
  let tail = 0;
  let digits = 0;
  let frac = 0;
  let c = 0;
  for (; p < end && (c = (b[p] as number) - 48) >>> 0 <= 9; p++) {
    if (digits++ < HEAD_DIGITS) m = m * 10 + c;
    else tail = tail * 10 + c;
  }
  let ok = digits > 0;
  if (p < end && b[p] === 46) {
    const from = ++p;
    for (; p < end && (c = (b[p] as number) - 48) >>> 0 <= 9; p++) {
      if (digits++ < HEAD_DIGITS) m = m * 10 + c;
      else tail = tail * 10 + c;
    }
    frac = p - from;
    ok = frac > 0;
  }
  if (p === end && ok) {
    let v = NaN;
    if (digits <= HEAD_DIGITS) v = m / (POW10[frac] as number);
    else if (digits <= HEAD_DIGITS + TAIL_DIGITS && frac <= 22) v = longDecimal(m, tail, digits - HEAD_DIGITS, frac);
    if (!Number.isNaN(v)) return neg ? -v : v;
  }
  const t = b.latin1Slice(off, end);
  const l = t.toLowerCase();
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  return t.length === 0 || t.trim() !== t ? NaN : Number(t);
}

/**
 * Translate a Redis zset listpack into a nodis zset listpack (as hashListpackConvert); false
 * when it is malformed, empty, over the limits, has a NaN score, pairs not strictly ascending
 * by (score, member), or duplicate members.
 */
export function zsetListpackConvert(b: Buffer, maxEntries: number, maxValue: number, start = 0, stop = b.length): boolean {
  const end = open(b, start, stop);
  if (end < 0) return false;
  let out = BODY;
  let count = 0;
  let prevScore = -Infinity;
  let prevOff = -1;
  let prevLen = 0;
  let memOff = 0;
  let memLen = 0;
  while (pos < end) {
    const kind = next(b, end);
    if (kind < 0) return false;
    if (out + 32 + sLen > scratch.length) grow(out + 32 + sLen);
    if ((count & 1) === 0) {
      // member
      if (count / 2 >= maxEntries) return false;
      out = copyEntry(b, kind, maxValue, out);
      if (out < 0) return false;
      memOff = eOff;
      memLen = eLen;
      recordField(count >> 1, memOff, memLen);
    } else {
      // score
      let s = kind === 0 ? scoreText(b, sOff, sLen) : Number(iVal);
      if (Number.isNaN(s)) return false;
      if (s === 0) s = 0;
      if (prevOff >= 0) {
        if (s < prevScore) return false;
        if (s === prevScore && cmp(prevOff, prevLen, memOff, memLen) >= 0) return false;
      }
      prevScore = s;
      prevOff = memOff;
      prevLen = memLen;
      out = lpWriteNumber(scratch, out, s);
    }
    count++;
  }
  return pairs(b, start, end, count, out);
}

/** zsetListpackConvert's listpack as a string, or null. */
export function zsetListpackFast(b: Buffer, maxEntries: number, maxValue: number, start = 0, stop = b.length): string | null {
  return zsetListpackConvert(b, maxEntries, maxValue, start, stop) ? scratch.latin1Slice(convStart, convEnd) : null;
}
