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
import { noteKeyBytes } from '../../util/key-hash.js';

const EMPTY = Buffer.alloc(0);

/** A malformed input: `offset` is where the reader was when it found out. */
export class RdbFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at offset ${offset})`);
  }
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

  /** Step over n bytes. */
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** Is the string at the cursor LZF-compressed (its length byte 0xC3)? */
  atLzf(): boolean {
    return this.pos < this.end && this.buf[this.pos] === 0xc3;
  }

  /** Step over a string without reading it (an LZF string is not inflated). */
  skipString(): void {
    const at = this.pos;
    const n = this.lenOrEnc();
    const enc = this.enc;
    if (enc === -1) this.skip(n);
    else if (enc <= 2) this.skip(1 << enc);
    else if (enc === 3) {
      const clen = this.len();
      this.len();
      this.skip(clen);
    } else this.fail(`Unknown RDB string encoding type ${enc}`, at);
  }

  /** The special string encoding lenOrEnc() last found, -1 for a plain length. */
  private enc = -1;

  /** A length, or (with `enc` set) a special string encoding; no allocation on this hot path. */
  private lenOrEnc(): number {
    const at = this.pos;
    if (at >= this.end) this.fail('Unexpected EOF reading RDB file');
    const b = this.buf[at] as number;
    this.pos = at + 1;
    const kind = b >> 6;
    this.enc = -1;
    if (kind === 0) return b & 0x3f;
    if (kind === 1) return ((b & 0x3f) << 8) | this.byte();
    if (kind === 3) {
      this.enc = b & 0x3f;
      return 0;
    }
    if (b === 0x80) {
      this.need(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return v;
    }
    if (b === 0x81) {
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('Length too large', at);
      return Number(v);
    }
    return this.fail(`Unknown length encoding ${b} in rdbLoadLen()`, at);
  }

  /** rdbLoadLen: a plain length (a special encoding here is corruption). */
  len(): number {
    const at = this.pos;
    const n = this.lenOrEnc();
    if (this.enc !== -1) this.fail('Unexpected string encoding where a length was expected', at);
    return n;
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
    const n = this.lenOrEnc();
    const enc = this.enc;
    if (enc === -1) return this.bytes(n);
    if (enc <= 2) return Buffer.from(String(this.intLE(1 << enc)), 'latin1');
    if (enc === 3) {
      this.inflate(at, false);
      return this.blobBuf;
    }
    return this.fail(`Unknown RDB string encoding type ${enc}`, at);
  }

  /** Where blob() left its bytes: blobBuf[blobStart, blobEnd), valid until the next read. */
  blobBuf: Buffer = EMPTY;
  blobStart = 0;
  blobEnd = 0;
  /** blob()'s reusable output for compressed strings. */
  private scratch: Buffer = EMPTY;

  /**
   * An LZF string (after its encoding byte at `at`), inflated into the reusable scratch buffer
   * (`reuse`) or a Buffer of exactly its length; the bytes are left in blobBuf[0, blobEnd).
   */
  private inflate(at: number, reuse: boolean): void {
    const clen = this.len();
    const olen = this.len();
    const from = this.pos;
    this.skip(clen);
    if (olen === 0) this.fail('Invalid LZF compressed string', at);
    let out: Buffer;
    if (!reuse) out = Buffer.allocUnsafe(olen);
    else {
      if (this.scratch.length < olen) this.scratch = Buffer.allocUnsafe(Math.max(olen, 1 << 16));
      out = this.scratch;
    }
    if (lzfDecompress(this.buf, clen, out, olen, from) !== olen) this.fail('Invalid LZF compressed string', at);
    this.blobBuf = out;
    this.blobStart = 0;
    this.blobEnd = olen;
  }

  /**
   * stringBuf() without a Buffer object of its own (the bulk-load path for packed values):
   * the bytes stay in the file buffer, or an LZF string is inflated into a scratch buffer the
   * reader reuses, so they must be consumed before the next read.
   */
  blob(): void {
    const at = this.pos;
    const n = this.lenOrEnc();
    const enc = this.enc;
    if (enc === -1) {
      this.need(n);
      this.blobBuf = this.buf;
      this.blobStart = this.pos;
      this.pos += n;
      this.blobEnd = this.pos;
      return;
    }
    if (enc === 3) {
      this.inflate(at, true);
      return;
    }
    this.pos = at;
    const b = this.stringBuf();
    this.blobBuf = b;
    this.blobStart = 0;
    this.blobEnd = b.length;
  }

  /** The last blob() as a Buffer of its own bytes' view (for the general decoders). */
  blobView(): Buffer {
    return this.blobBuf.subarray(this.blobStart, this.blobEnd);
  }

  /** A string as a latin1 JS string. */
  string(): string {
    const at = this.pos;
    const n = this.lenOrEnc();
    const enc = this.enc;
    if (enc === -1) {
      const p = this.pos;
      if (p + n > this.end) this.fail('Unexpected EOF reading RDB file');
      this.pos = p + n;
      return this.buf.latin1Slice(p, p + n);
    }
    // Integer encodings: the decimal text straight from the bytes (no Buffer in between).
    if (enc <= 2) return String(this.intLE(1 << enc));
    this.pos = at;
    return this.stringBuf().latin1Slice();
  }

  /**
   * string() for a key about to be stored: a plain string's dict hash is taken from its bytes
   * here (util/key-hash.ts), cheaper than the dict hashing the new string's chars.
   */
  key(): string {
    // A plain string (not an integer or LZF encoding: top bits of the length byte not 11)
    // ends where the read stops; decided before reading, since an LZF read resets `enc`.
    const plain = this.pos < this.end && (this.buf[this.pos] as number) >> 6 !== 3;
    const s = this.string();
    if (plain) noteKeyBytes(s, this.buf, this.pos - s.length);
    return s;
  }

  /**
   * rdbLoadCheckModuleValue for a MODULE_AUX record (after its opcode at `at`): walk its typed
   * module values to the module EOF marker; returns the module id.
   */
  skipModuleAux(at: number): number | bigint {
    const moduleId = this.len64();
    this.len(); // when_opcode
    this.len(); // when
    for (;;) {
      const op = this.len();
      if (op === 0) return moduleId;
      if (op === 1 || op === 2) this.len64();
      else if (op === 3) this.skip(4);
      else if (op === 4) this.skip(8);
      else if (op === 5) this.skipString();
      else this.fail(`Unknown module opcode ${op} in module aux data`, at);
    }
  }

  /** A signed little-endian integer of `size` bytes (1, 2 or 4). */
  private intLE(size: number): number {
    this.need(size);
    const p = this.pos;
    this.pos = p + size;
    const b = this.buf;
    if (size === 1) return (b[p] as number) << 24 >> 24;
    if (size === 2) return ((b[p] as number) | ((b[p + 1] as number) << 8)) << 16 >> 16;
    return (b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16) | ((b[p + 3] as number) << 24);
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
