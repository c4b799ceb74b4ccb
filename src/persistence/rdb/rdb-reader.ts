/*
 * RdbReader: a cursor over the bytes of an RDB file or a DUMP payload, with the format's
 * primitive decodings (the inverse of byte-writer.ts):
 *
 * - length: the two top bits of the first byte pick a 6-bit, 14-bit (big endian), 32-bit
 *   (0x80, 4 bytes BE) or 64-bit (0x81, 8 bytes BE) length; top bits 11 mark a special string
 *   encoding instead (INT8/16/32 little endian, or an LZF blob: compressed length, original
 *   length, compressed bytes);
 * - strings come back as latin1 JS strings (one char per byte) or, for blobs that embed other
 *   structures (listpacks, ziplists, intsets, zipmaps), as Buffers;
 * - times: 8 bytes little endian (ms) or 4 bytes (s); doubles: the IEEE 754 bits, or the old
 *   text form (a length byte, 253/254/255 for NaN/+inf/-inf).
 *
 * Every read checks the bounds first and throws RdbFormatError naming the offset where the
 * bad data starts, so a truncated or corrupt input fails cleanly instead of reading garbage.
 * Cost: O(bytes read); LZF is O(original length).
 */

import { lzfDecompress } from '../../util/lzf.js';

/** A malformed input: `offset` is where the reader was when it found out. */
export class RdbFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at offset ${offset})`);
  }
}

/** A length or a special string encoding: `enc` is -1 for a plain length. */
interface LenResult {
  len: number;
  enc: number;
}

export class RdbReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    /** Where the readable bytes end (a DUMP payload stops before its footer). */
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  fail(message: string, at = this.pos): never {
    throw new RdbFormatError(message, at);
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.end) this.fail('Unexpected EOF reading RDB file');
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  private lenOrEnc(): LenResult {
    const at = this.pos;
    const b = this.byte();
    const kind = (b & 0xc0) >> 6;
    if (kind === 0) return { len: b & 0x3f, enc: -1 };
    if (kind === 1) return { len: ((b & 0x3f) << 8) | this.byte(), enc: -1 };
    if (kind === 3) return { len: 0, enc: b & 0x3f };
    if (b === 0x80) {
      this.need(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return { len: v, enc: -1 };
    }
    if (b === 0x81) {
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('Length too large', at);
      return { len: Number(v), enc: -1 };
    }
    return this.fail(`Unknown length encoding ${b} in rdbLoadLen()`, at);
  }

  /** rdbLoadLen: a plain length (a special encoding here is corruption). */
  len(): number {
    const at = this.pos;
    const r = this.lenOrEnc();
    if (r.enc !== -1) this.fail('Unexpected string encoding where a length was expected', at);
    return r.len;
  }

  /** A 64-bit length as an exact value (stream IDs, counters): number when safe, else bigint. */
  len64(): number | bigint {
    const b = this.buf[this.pos];
    if (b === 0x81) {
      this.pos++;
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    return this.len();
  }

  /** rdbGenericLoadStringObject as raw bytes. */
  stringBuf(): Buffer {
    const at = this.pos;
    const r = this.lenOrEnc();
    if (r.enc === -1) return this.bytes(r.len);
    switch (r.enc) {
      case 0:
        return Buffer.from(String(this.bytes(1).readInt8(0)), 'latin1');
      case 1:
        return Buffer.from(String(this.bytes(2).readInt16LE(0)), 'latin1');
      case 2:
        return Buffer.from(String(this.bytes(4).readInt32LE(0)), 'latin1');
      case 3: {
        const clen = this.len();
        const olen = this.len();
        const src = this.bytes(clen);
        if (olen === 0) this.fail('Invalid LZF compressed string', at);
        const out = Buffer.allocUnsafe(olen);
        if (lzfDecompress(src, clen, out, olen) !== olen) this.fail('Invalid LZF compressed string', at);
        return out;
      }
      default:
        return this.fail(`Unknown RDB string encoding type ${r.enc}`, at);
    }
  }

  /** A string as a latin1 JS string. */
  string(): string {
    const at = this.pos;
    const r = this.lenOrEnc();
    if (r.enc === -1) {
      this.need(r.len);
      const s = this.buf.latin1Slice(this.pos, this.pos + r.len);
      this.pos += r.len;
      return s;
    }
    this.pos = at;
    return this.stringBuf().latin1Slice();
  }

  /** rdbLoadMillisecondTime: signed 64-bit little endian, as a number. */
  millis(): number {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  /** rdbLoadTime: signed 32-bit little endian seconds. */
  seconds(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  binaryDouble(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** rdbLoadDoubleValue: the text form of RDB_TYPE_ZSET. */
  textDouble(): number {
    const at = this.pos;
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const s = this.bytes(n).latin1Slice();
    const v = Number(s.trim() === '' ? NaN : s);
    if (Number.isNaN(v)) this.fail('Invalid double value', at);
    return v;
  }
}
