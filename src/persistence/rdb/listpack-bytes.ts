/*
 * Redis-format listpack bytes, for the RDB types that embed a listpack verbatim
 * (RDB_TYPE_HASH_LISTPACK, RDB_TYPE_ZSET_LISTPACK and the packed nodes of
 * RDB_TYPE_LIST_QUICKLIST_2). nodis keeps its compact encodings in its own layouts
 * (ds/listpack.ts, ds/listpack-node.ts); this module produces the bytes Redis's listpack.c would
 * hold for the same sequence of entries, so a Redis server loads them as its own.
 *
 * Layout:
 *   <total bytes: u32 LE> <entry count: u16 LE, 65535 = "count them"> <entry>... <0xFF>
 *   entry = <encoding + data> <backlen>
 * An element that is the canonical text of a signed 64-bit integer (lpStringToInt64: no sign
 * '+', no leading zeros, no "-0") is stored as the smallest integer encoding that holds it:
 *   0xxxxxxx            0..127
 *   110xxxxx yyyyyyyy   13-bit two's complement, -4096..4095
 *   F1 / F2 / F3 / F4   16 / 24 / 32 / 64-bit two's complement, little endian
 * anything else as a string: 10xxxxxx (length < 64), 1110xxxx yyyyyyyy (< 4096) or
 * F0 + u32 LE length, then the bytes. The backlen is the size of <encoding + data> written
 * 7 bits per byte, most significant group first, every byte but the first carrying the high
 * bit, so it can be read backwards from the entry's end (1 byte up to 127, 2 below 16383, ...).
 *
 * The builder appends entries into a growable buffer and patches the header at the end:
 * O(total bytes), one pass, no intermediate strings.
 */

import { string2l, string2ll } from '../../util/numbers.js';

const LP_EOF = 0xff;
const HDR = 6;

/** lpStringToInt64: the integer value of a canonical decimal string, else null. */
export function listpackInt(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  const c = s.charCodeAt(0);
  if (c !== 45 && (c < 48 || c > 57)) return null;
  const v = string2l(s);
  if (v !== null) return v;
  return n >= 16 ? string2ll(s) : null;
}

/** Bytes taken by the backlen of an entry whose encoding + data is `l` bytes. */
function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

export class ListpackBuilder {
  private buf: Buffer;
  private pos = HDR;
  private count = 0;

  constructor(sizeHint = 64) {
    this.buf = Buffer.allocUnsafe(Math.max(HDR + 1, sizeHint));
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.pos + n, this.buf.length * 2));
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  private backlen(l: number): void {
    const size = backlenSize(l);
    this.ensure(size);
    const b = this.buf;
    const p = this.pos;
    // Most significant 7-bit group first; all but the first byte carry the high bit.
    for (let i = size - 1; i >= 0; i--) {
      const group = Math.floor(l / 2 ** (7 * i)) & 127;
      b[p + (size - 1 - i)] = i === size - 1 ? group : group | 128;
    }
    this.pos = p + size;
  }

  /** Append an element given as bytes; integers in canonical form get an integer encoding. */
  addString(s: string): this {
    const v = listpackInt(s);
    if (v !== null) return this.addInteger(v);
    const n = s.length;
    const hdr = n < 64 ? 1 : n < 4096 ? 2 : 5;
    this.ensure(hdr + n);
    const b = this.buf;
    let p = this.pos;
    if (hdr === 1) {
      b[p++] = 0x80 | n;
    } else if (hdr === 2) {
      b[p++] = 0xe0 | (n >>> 8);
      b[p++] = n & 0xff;
    } else {
      b[p++] = 0xf0;
      b.writeUInt32LE(n, p);
      p += 4;
    }
    p += b.latin1Write(s, p);
    this.pos = p;
    this.backlen(hdr + n);
    this.count++;
    return this;
  }

  /** Append a signed 64-bit integer element (lpAppendInteger). */
  addInteger(v: number | bigint): this {
    this.ensure(9);
    const b = this.buf;
    const p = this.pos;
    let size: number;
    if (typeof v === 'bigint' && v >= -2147483648n && v <= 2147483647n) v = Number(v);
    if (typeof v === 'bigint') {
      b[p] = 0xf4;
      b.writeBigInt64LE(v, p + 1);
      size = 9;
    } else if (v >= 0 && v <= 127) {
      b[p] = v;
      size = 1;
    } else if (v >= -4096 && v <= 4095) {
      const u = v < 0 ? (1 << 13) + v : v;
      b[p] = 0xc0 | (u >>> 8);
      b[p + 1] = u & 0xff;
      size = 2;
    } else if (v >= -32768 && v <= 32767) {
      b[p] = 0xf1;
      b.writeInt16LE(v, p + 1);
      size = 3;
    } else if (v >= -8388608 && v <= 8388607) {
      b[p] = 0xf2;
      b.writeIntLE(v, p + 1, 3);
      size = 4;
    } else if (v >= -2147483648 && v <= 2147483647) {
      b[p] = 0xf3;
      b.writeInt32LE(v, p + 1);
      size = 5;
    } else {
      b[p] = 0xf4;
      b.writeBigInt64LE(BigInt(v), p + 1);
      size = 9;
    }
    this.pos = p + size;
    this.backlen(size);
    this.count++;
    return this;
  }

  /** Number of entries added so far. */
  get length(): number {
    return this.count;
  }

  /** Terminate the listpack and return its bytes (the builder must not be used afterwards). */
  finish(): Buffer {
    this.ensure(1);
    this.buf[this.pos++] = LP_EOF;
    this.buf.writeUInt32LE(this.pos, 0);
    this.buf.writeUInt16LE(this.count < 65535 ? this.count : 65535, 4);
    return this.buf.subarray(0, this.pos);
  }
}

/** The listpack holding `values` in order (each one as addString would store it). */
export function listpackFromStrings(values: readonly string[], from = 0, to = values.length): Buffer {
  let hint = HDR + 1;
  for (let i = from; i < to; i++) hint += (values[i] as string).length + 3;
  const b = new ListpackBuilder(hint);
  for (let i = from; i < to; i++) b.addString(values[i] as string);
  return b.finish();
}
