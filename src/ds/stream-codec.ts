/*
 * The byte-level codecs of ds/stream-store.ts.
 *
 * 1. The listpack size model: how many bytes Redis's listpack would spend on an integer or a
 *    string element (strings that are canonical int64s are stored as integers; every element
 *    carries a back-length of 1-5 bytes). The stream store sums these to know when Redis would
 *    start a new node, without building listpacks.
 * 2. The packed entry format: unsigned LEB128 varints (exact up to 2^64 - 1: numbers on the
 *    fast path, BigInt past 49 bits) and length-prefixed latin1 strings in a Buffer.
 *
 * Readers return the value and leave the position after it in the exported `rpos` (a live
 * module binding), so decoding allocates nothing per element.
 */

import { canonU64, type U64 } from './stream-id.js';
import { parseInt64 } from '../util/numbers.js';

/* ---- the listpack size model (what Redis's listpack would use for each element) --------- */

function lpIntEncLen(v: number | bigint): number {
  if (typeof v === 'bigint') return 9;
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

/** Bytes of an integer element: encoding plus its one-byte back-length. */
export function lpIntSize(v: number | bigint): number {
  return lpIntEncLen(v) + 1;
}

function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** Bytes of a string element (stored as an integer when it is a canonical int64). */
export function lpStrSize(s: string): number {
  const n = s.length;
  if (n > 0 && n < 21) {
    const c = s.charCodeAt(0);
    if ((c >= 48 && c <= 57) || c === 45) {
      const v = parseInt64(s);
      if (v !== null) return lpIntSize(v);
    }
  }
  const enc = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
  return enc + backlenSize(enc);
}

/* ---- varints and strings in a Buffer ---------------------------------------------------- */

export function varintSize(v: U64): number {
  if (typeof v === 'number') {
    let n = 1;
    while (v >= 128) {
      v = Math.floor(v / 128);
      n++;
    }
    return n;
  }
  let n = 1;
  while (v >= 128n) {
    v >>= 7n;
    n++;
  }
  return n;
}

export function writeVarint(b: Buffer, p: number, v: U64): number {
  if (typeof v === 'number') {
    while (v >= 128) {
      b[p++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    b[p++] = v;
    return p;
  }
  while (v >= 128n) {
    b[p++] = Number(v & 127n) | 128;
    v >>= 7n;
  }
  b[p++] = Number(v);
  return p;
}

/** Position after the last read (avoids allocating a result pair per read). */
export let rpos = 0;

export function readVarint(b: Buffer, p: number): U64 {
  let c = b[p] as number;
  if (c < 128) {
    rpos = p + 1;
    return c;
  }
  let v = c & 127;
  let mul = 128;
  let i = p + 1;
  for (let k = 1; k < 7; k++) {
    c = b[i++] as number;
    v += (c & 127) * mul;
    if (c < 128) {
      rpos = i;
      return v;
    }
    mul *= 128;
  }
  // More than 49 bits: decode exactly with BigInt.
  let bv = 0n;
  let shift = 0n;
  i = p;
  for (;;) {
    c = b[i++] as number;
    bv |= BigInt(c & 127) << shift;
    if (c < 128) break;
    shift += 7n;
  }
  rpos = i;
  return canonU64(bv);
}

export function strSize(s: string): number {
  const n = s.length;
  return (n < 128 ? 1 : varintSize(n)) + n;
}

export function writeStr(b: Buffer, p: number, s: string): number {
  const n = s.length;
  if (n < 128) b[p++] = n;
  else p = writeVarint(b, p, n);
  if (n < 24) {
    for (let i = 0; i < n; i++) b[p + i] = s.charCodeAt(i);
  } else {
    b.latin1Write(s, p);
  }
  return p + n;
}

export function readStr(b: Buffer, p: number): string {
  const n = readVarint(b, p) as number;
  const start = rpos;
  rpos = start + n;
  return b.latin1Slice(start, start + n);
}

export function skipStr(b: Buffer, p: number): number {
  const n = readVarint(b, p) as number;
  return rpos + n;
}

