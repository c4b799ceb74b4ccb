/*
 * Readers for the packed structures Redis embeds in RDB strings, each turning the blob into the
 * plain sequence of its elements (integers as their decimal text, strings as latin1):
 *
 *   listpack  <total u32 LE> <count u16 LE> entries... 0xFF; each entry is an encoding byte
 *             (7-bit uint, 6/12/32-bit string lengths, 13/16/24/32/64-bit integers) with its
 *             data, then a backlen of 1..5 bytes;
 *   ziplist   <zlbytes u32> <zltail u32> <zllen u16> entries... 0xFF; each entry is prevlen
 *             (1 byte, or 0xFE + u32), an encoding (00/01/10 string lengths of 6/14/32 bits,
 *             11xx integers of 16/32/64/24/8 bits or a 4-bit immediate 0..12), then the data;
 *   intset    <encoding u32: 2, 4 or 8> <length u32> sorted little-endian integers;
 *   zipmap    <count byte> (<len> key <len> <free byte> value <free bytes>)... 0xFF, lengths
 *             one byte (< 254) or 254 + u32 LE.
 *
 * Every read is bounds-checked against the blob and the declared sizes are cross-checked
 * (total bytes, terminators), so a corrupt blob throws RdbFormatError instead of producing a
 * value. O(blob size) each.
 */

import { RdbFormatError } from './rdb-reader.js';

function bad(what: string, at: number): never {
  throw new RdbFormatError(`${what} integrity check failed`, at);
}

/** The elements of a Redis listpack. */
export function listpackElements(b: Buffer, at: number): string[] {
  if (b.length < 7 || b.readUInt32LE(0) !== b.length) bad('Listpack', at);
  const out: string[] = [];
  let p = 6;
  const end = b.length - 1;
  while (p < end) {
    const start = p;
    const c = b[p] as number;
    let v: string;
    if (c < 0x80) {
      v = String(c);
      p += 1;
    } else if ((c & 0xc0) === 0x80) {
      const n = c & 0x3f;
      if (p + 1 + n > end) bad('Listpack', at);
      v = b.latin1Slice(p + 1, p + 1 + n);
      p += 1 + n;
    } else if ((c & 0xe0) === 0xc0) {
      if (p + 2 > end) bad('Listpack', at);
      let u = ((c & 0x1f) << 8) | (b[p + 1] as number);
      if (u >= 1 << 12) u -= 1 << 13;
      v = String(u);
      p += 2;
    } else if ((c & 0xf0) === 0xe0) {
      if (p + 2 > end) bad('Listpack', at);
      const n = ((c & 0x0f) << 8) | (b[p + 1] as number);
      if (p + 2 + n > end) bad('Listpack', at);
      v = b.latin1Slice(p + 2, p + 2 + n);
      p += 2 + n;
    } else if (c === 0xf0) {
      if (p + 5 > end) bad('Listpack', at);
      const n = b.readUInt32LE(p + 1);
      if (p + 5 + n > end) bad('Listpack', at);
      v = b.latin1Slice(p + 5, p + 5 + n);
      p += 5 + n;
    } else if (c >= 0xf1 && c <= 0xf4) {
      const size = c === 0xf1 ? 2 : c === 0xf2 ? 3 : c === 0xf3 ? 4 : 8;
      if (p + 1 + size > end) bad('Listpack', at);
      v = size === 8 ? String(b.readBigInt64LE(p + 1)) : String(b.readIntLE(p + 1, size));
      p += 1 + size;
    } else {
      return bad('Listpack', at);
    }
    // backlen: the entry's size, 7 bits per byte.
    const l = p - start;
    const bl = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
    p += bl;
    if (p > end) bad('Listpack', at);
    out.push(v);
  }
  if (p !== end || b[end] !== 0xff) bad('Listpack', at);
  const count = b.readUInt16LE(4);
  if (count !== 65535 && count !== out.length) bad('Listpack', at);
  return out;
}

/** The elements of a Redis ziplist. */
export function ziplistElements(b: Buffer, at: number): string[] {
  if (b.length < 11 || b.readUInt32LE(0) !== b.length) bad('Ziplist', at);
  const out: string[] = [];
  let p = 10;
  const end = b.length - 1;
  while (p < end) {
    p += b[p] === 0xfe ? 5 : 1; // prevlen
    if (p >= end) bad('Ziplist', at);
    const c = b[p] as number;
    const kind = c >> 6;
    let v: string;
    if (kind === 0) {
      const n = c & 0x3f;
      if (p + 1 + n > end) bad('Ziplist', at);
      v = b.latin1Slice(p + 1, p + 1 + n);
      p += 1 + n;
    } else if (kind === 1) {
      if (p + 2 > end) bad('Ziplist', at);
      const n = ((c & 0x3f) << 8) | (b[p + 1] as number);
      if (p + 2 + n > end) bad('Ziplist', at);
      v = b.latin1Slice(p + 2, p + 2 + n);
      p += 2 + n;
    } else if (kind === 2) {
      if (p + 5 > end) bad('Ziplist', at);
      const n = b.readUInt32BE(p + 1);
      if (p + 5 + n > end) bad('Ziplist', at);
      v = b.latin1Slice(p + 5, p + 5 + n);
      p += 5 + n;
    } else {
      let size: number;
      if (c === 0xc0) size = 2;
      else if (c === 0xd0) size = 4;
      else if (c === 0xe0) size = 8;
      else if (c === 0xf0) size = 3;
      else if (c === 0xfe) size = 1;
      else if (c >= 0xf1 && c <= 0xfd) size = 0;
      else return bad('Ziplist', at);
      if (p + 1 + size > end) bad('Ziplist', at);
      if (size === 0) v = String((c & 0x0f) - 1);
      else if (size === 8) v = String(b.readBigInt64LE(p + 1));
      else v = String(b.readIntLE(p + 1, size));
      p += 1 + size;
    }
    out.push(v);
  }
  if (p !== end || b[end] !== 0xff) bad('Ziplist', at);
  const count = b.readUInt16LE(8);
  if (count !== 65535 && count !== out.length) bad('Ziplist', at);
  return out;
}

/** The members of a Redis intset, in order. */
export function intsetElements(b: Buffer, at: number): string[] {
  if (b.length < 8) bad('Intset', at);
  const enc = b.readUInt32LE(0);
  const n = b.readUInt32LE(4);
  if ((enc !== 2 && enc !== 4 && enc !== 8) || b.length !== 8 + n * enc) bad('Intset', at);
  const out: string[] = new Array<string>(n);
  let prev: bigint | null = null;
  for (let i = 0; i < n; i++) {
    const p = 8 + i * enc;
    const v = enc === 8 ? b.readBigInt64LE(p) : BigInt(b.readIntLE(p, enc));
    if (prev !== null && v <= prev) bad('Intset', at);
    prev = v;
    out[i] = String(v);
  }
  return out;
}

/** The field/value pairs of a Redis zipmap, flattened. */
export function zipmapElements(b: Buffer, at: number): string[] {
  const out: string[] = [];
  let p = 1;
  const end = b.length;
  const readLen = (): number => {
    if (p >= end) bad('Zipmap', at);
    const c = b[p] as number;
    if (c < 254) {
      p += 1;
      return c;
    }
    if (c === 254 && p + 5 <= end) {
      const n = b.readUInt32LE(p + 1);
      p += 5;
      return n;
    }
    return bad('Zipmap', at);
  };
  for (;;) {
    if (p >= end) bad('Zipmap', at);
    if (b[p] === 0xff) break;
    const kl = readLen();
    if (p + kl > end) bad('Zipmap', at);
    const k = b.latin1Slice(p, p + kl);
    p += kl;
    const vl = readLen();
    if (p >= end) bad('Zipmap', at);
    const free = b[p] as number;
    p += 1;
    if (p + vl + free > end) bad('Zipmap', at);
    out.push(k, b.latin1Slice(p, p + vl));
    p += vl + free;
  }
  if (p !== end - 1) bad('Zipmap', at);
  return out;
}
