/*
 * RdbWriter: a growable byte buffer with the RDB format's primitive encodings.
 *
 * The encoder writes one unit (the header, a database's SELECTDB/RESIZEDB, one key with its
 * value, the trailer) into this buffer and then takes the bytes out as a Buffer of their own,
 * so a whole dataset never exists as one string or one buffer: callers receive a sequence of
 * chunks they can write to a file or a socket as they come (and, later, produce in time
 * slices). The working buffer is reused across units and only grows (doubling), so encoding
 * many small keys allocates one right-sized Buffer per key and nothing else.
 *
 * The primitives follow rdb.c:
 * - length: 6-bit (1 byte), 14-bit (2 bytes, big endian), 32-bit (0x80 + 4 bytes BE) or 64-bit
 *   (0x81 + 8 bytes BE) forms, the shortest that fits;
 * - a string: when it is the canonical text of an integer that fits 32 bits (and is at most 11
 *   chars), the special encodings INT8/16/32 (little endian); else, when compression is on and
 *   it is longer than 20 bytes, an LZF blob if the compressed form saves at least 4 bytes
 *   (rdbSaveLzfStringObject's budget); else its length and bytes;
 * - times: 8 bytes little endian; doubles: the IEEE 754 bits little endian.
 * Everything is O(bytes written); LZF is O(n) with a fixed table.
 */

import { lzfCompress } from '../../util/lzf.js';
import { string2l } from '../../util/numbers.js';
import {
  RDB_14BITLEN, RDB_32BITLEN, RDB_64BITLEN, RDB_6BITLEN, RDB_ENCVAL, RDB_ENC_INT16, RDB_ENC_INT32,
  RDB_ENC_INT8, RDB_ENC_LZF,
} from './constants.js';

const INITIAL = 16 * 1024;

/** Scratch buffers for LZF (input bytes of a string value, compressed output). */
let lzfIn: Buffer = Buffer.allocUnsafe(INITIAL);
let lzfOut: Buffer = Buffer.allocUnsafe(INITIAL);

function grow(b: Buffer, n: number): Buffer {
  return b.length >= n ? b : Buffer.allocUnsafe(Math.max(n, b.length * 2));
}

/** The INT8/16/32 special encoding of `v`, or 0 bytes written when it does not fit 32 bits. */
function intEncodingSize(v: number): number {
  if (v >= -128 && v <= 127) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 0;
}

/** rdbSaveLen into b at p (room for 9 bytes made); returns the end. `n` is exact up to 2^53. */
export function writeRdbLen(b: Buffer, p: number, n: number): number {
  if (n < 64) {
    b[p++] = (RDB_6BITLEN << 6) | n;
  } else if (n < 16384) {
    b[p++] = (RDB_14BITLEN << 6) | (n >>> 8);
    b[p++] = n & 0xff;
  } else if (n <= 0xffffffff) {
    b[p++] = RDB_32BITLEN;
    b.writeUInt32BE(n, p);
    p += 4;
  } else {
    b[p++] = RDB_64BITLEN;
    b.writeBigUInt64BE(BigInt(n), p);
    p += 8;
  }
  return p;
}

export class RdbWriter {
  private buf: Buffer = Buffer.allocUnsafe(INITIAL);
  private pos = 0;

  constructor(
    /** rdbcompression: LZF-compress strings longer than 20 bytes when it pays. */
    public compress = true,
  ) {}

  /** Bytes written since the last take(). */
  get length(): number {
    return this.pos;
  }

  /** The bytes written since the last take(), as a Buffer of their own; the writer restarts empty. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }

  /** Forget the bytes written after `length` (a unit that failed half way). */
  truncate(length: number): void {
    if (length < this.pos) this.pos = length;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.pos + n, this.buf.length * 2));
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.ensure(n);
    this.buf.set(src.subarray(start, end), this.pos);
    this.pos += n;
  }

  /** Raw latin1 chars, one byte each. */
  latin1(s: string): void {
    this.ensure(s.length);
    this.pos += this.buf.latin1Write(s, this.pos);
  }

  /** rdbSaveLen. `n` is a non-negative integer (exact up to 2^53). */
  len(n: number): void {
    this.ensure(9);
    this.pos = writeRdbLen(this.buf, this.pos, n);
  }

  /** rdbSaveMillisecondTime: a signed 64-bit little-endian integer. */
  millis(ms: number): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(Math.trunc(ms)), this.pos);
    this.pos += 8;
  }

  /** rdbSaveBinaryDoubleValue: the IEEE 754 bits, little endian. */
  binaryDouble(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.pos);
    this.pos += 8;
  }

  /** Write the INT8/16/32 special encoding of `v` (caller checked it fits). */
  private encodedInt(v: number): void {
    const size = intEncodingSize(v);
    this.ensure(size);
    const b = this.buf;
    const p = this.pos;
    if (size === 2) {
      b[p] = (RDB_ENCVAL << 6) | RDB_ENC_INT8;
      b.writeInt8(v, p + 1);
    } else if (size === 3) {
      b[p] = (RDB_ENCVAL << 6) | RDB_ENC_INT16;
      b.writeInt16LE(v, p + 1);
    } else {
      b[p] = (RDB_ENCVAL << 6) | RDB_ENC_INT32;
      b.writeInt32LE(v, p + 1);
    }
    this.pos = p + size;
  }

  /**
   * rdbSaveLongLongAsStringObject: an int-encoded string object. The INT8/16/32 special forms
   * when it fits 32 bits, else its decimal text (never compressed).
   */
  intString(v: number | bigint): void {
    if (typeof v === 'number' && intEncodingSize(v) !== 0) {
      this.encodedInt(v);
      return;
    }
    const s = String(v);
    this.len(s.length);
    this.latin1(s);
  }

  /**
   * rdbSaveRawString: the bytes of `s` (a latin1 string or raw bytes) with the integer and LZF
   * special encodings where they apply.
   */
  rawString(s: string | Uint8Array): void {
    const n = s.length;
    if (n <= 11 && n > 0) {
      const text = typeof s === 'string' ? s : Buffer.from(s.buffer, s.byteOffset, n).latin1Slice(0, n);
      const v = string2l(text);
      if (v !== null && intEncodingSize(v) !== 0) {
        this.encodedInt(v);
        return;
      }
    }
    if (this.compress && n > 20 && this.lzfString(s)) return;
    this.len(n);
    if (typeof s === 'string') this.latin1(s);
    else this.bytes(s);
  }

  /** rdbSaveLzfStringObject: an LZF blob when it saves at least 4 bytes; false otherwise. */
  private lzfString(s: string | Uint8Array): boolean {
    const n = s.length;
    let src: Uint8Array;
    if (typeof s === 'string') {
      lzfIn = grow(lzfIn, n);
      lzfIn.latin1Write(s, 0);
      src = lzfIn;
    } else {
      src = s;
    }
    const cap = n - 4;
    lzfOut = grow(lzfOut, cap);
    const clen = lzfCompress(src, n, lzfOut, cap);
    if (clen === 0) return false;
    this.lzfBlob(lzfOut, clen, n);
    return true;
  }

  /** rdbSaveLzfBlob: the LZF marker, compressed and original lengths, compressed bytes. */
  lzfBlob(data: Uint8Array, clen: number, originalLen: number): void {
    this.byte((RDB_ENCVAL << 6) | RDB_ENC_LZF);
    this.len(clen);
    this.len(originalLen);
    this.bytes(data, 0, clen);
  }
}
