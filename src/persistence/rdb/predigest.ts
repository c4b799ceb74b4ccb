/*
 * Predigesting an RDB file: the byte-level half of a load, run in a worker thread so that the
 * main thread is left with only what must happen in its own heap (creating the key and value
 * objects and inserting them into the dicts). engine/rdb-load.ts runs both halves at once.
 *
 * Why split the work this way: on a cache-like dataset (strings, small hashes, small sorted
 * sets) a one-thread load spends about half its time turning bytes into other bytes (the
 * CRC-64 of the whole file, inflating LZF strings, translating each Redis listpack into a nodis
 * listpack) and half making objects and collecting garbage. Objects cannot cross isolates, but
 * bytes can: a worker does the first half and hands its output over in chunks (transferred
 * ArrayBuffers, no copy), and the main thread decodes those chunks with the ordinary decoder.
 *
 * The output is an RDB stream of its own, the input with three changes, so the main thread's
 * decoder (decoder.ts, in predigested mode) reads it with the code that reads files:
 *   - every LZF-compressed key and string value is written inflated (a plain string);
 *   - a hash or sorted set in listpack form that the bulk-load fast path takes on
 *     (listpack-convert.ts) becomes value type RDB_TYPE_PREDIGESTED_HASH / _ZSET, whose
 *     payload is one plain string holding the translated nodis listpack; one that it does not
 *     take on (over the listpack limits, duplicates, malformed) is copied inflated under its
 *     own type, and the main thread's general path converts or refuses it;
 *   - the trailer is written as zeros ("not computed"): the CRC-64 is checked here, at the
 *     trailer, through a SharedCrc that the parallel loader's two threads advance whenever
 *     they have time (shared-crc.ts), so little of it is left for the end.
 * Everything else (opcodes, the other value types) is copied byte for byte, walked with the
 * format's length rules (RdbReader.skipString and the per-type skips below) without decoding.
 *
 * Chunks end on record boundaries (never inside a key's record or an opcode, nor between a
 * key and the expiry / idle / frequency opcodes before it, which the decoder keeps only while
 * it reads that key), so the main thread can decode each one as soon as it arrives; a record larger than a chunk gets a chunk
 * of its own size. Errors: any malformed input throws RdbFormatError; the loader then loads
 * the file again on one thread with the ordinary decoder, which reports the error with its
 * file offset, so the messages are the same either way.
 * Cost: O(file size) time, the chunks in flight of memory (the loader bounds their number).
 */

import {
  RDB_OPCODE_AUX, RDB_OPCODE_EOF, RDB_OPCODE_EXPIRETIME, RDB_OPCODE_EXPIRETIME_MS, RDB_OPCODE_FREQ,
  RDB_OPCODE_FUNCTION, RDB_OPCODE_FUNCTION2, RDB_OPCODE_IDLE, RDB_OPCODE_MODULE_AUX, RDB_OPCODE_RESIZEDB, RDB_OPCODE_SELECTDB,
  RDB_TYPE_HASH, RDB_TYPE_HASH_LISTPACK, RDB_TYPE_LIST, RDB_TYPE_LIST_QUICKLIST, RDB_TYPE_LIST_QUICKLIST_2, RDB_TYPE_PREDIGESTED_HASH,
  RDB_TYPE_PREDIGESTED_ZSET, RDB_TYPE_SET, RDB_TYPE_STREAM_LISTPACKS, RDB_TYPE_STREAM_LISTPACKS_2, RDB_TYPE_STREAM_LISTPACKS_3,
  RDB_TYPE_STRING, RDB_TYPE_ZSET, RDB_TYPE_ZSET_2, RDB_TYPE_ZSET_LISTPACK, RDB_VERSION, isValueType,
} from './constants.js';
import { writeRdbLen } from './byte-writer.js';
import { convertedLength, copyConverted, hashListpackConvert, zsetListpackConvert } from './listpack-convert.js';
import { RdbFormatError, RdbReader } from './rdb-reader.js';
import type { SharedCrc } from './shared-crc.js';

/** The listpack limits the translation checks (DecodeLimits' hash and zset parts). */
export interface PredigestLimits {
  hash: { maxEntries: number; maxValue: number };
  zset: { maxEntries: number; maxValue: number };
}

/**
 * Receives out[0, length) (the next chunk, which it now owns) and `srcPos`, how far into the
 * file the chunk reaches; returns the buffer to write the following chunk into.
 */
export type ChunkSink = (out: Buffer, length: number, srcPos: number) => Buffer;

export interface PredigestOptions {
  /**
   * The file's CRC-64, which the caller may advance meanwhile (shared-crc.ts: the parallel
   * loader's threads step it when they have time); the walk finishes it at the trailer and
   * refuses a mismatch with Redis's message. Null: not checked (rdbchecksum no).
   */
  checksum: SharedCrc | null;
  /**
   * Chunks are handed over once they hold this many bytes; the first ones sooner (from a
   * sixteenth of it, doubling), so the consumer starts while this walk is still cold.
   */
  chunkBytes: number;
}

/** A fresh chunk buffer with an ArrayBuffer of its own (so it can be transferred). */
export function newChunk(bytes: number): Buffer {
  return Buffer.allocUnsafeSlow(bytes);
}

export class Predigester {
  private readonly r: RdbReader;
  private out: Buffer;
  private o = 0;
  /** The current chunk is handed over once it holds this many bytes. */
  private flushAt: number;

  constructor(
    buf: Buffer,
    private readonly limits: PredigestLimits,
    private readonly emit: ChunkSink,
    private readonly opts: PredigestOptions,
  ) {
    this.r = new RdbReader(buf);
    this.out = newChunk(opts.chunkBytes + (opts.chunkBytes >> 2));
    this.flushAt = Math.max(1, opts.chunkBytes >> 4);
  }

  /** Walk the whole file, handing over every chunk; throws RdbFormatError on bad input. */
  run(): void {
    const r = this.r;
    if (r.remaining < 9 || r.buf.latin1Slice(0, 5) !== 'REDIS') throw new RdbFormatError('Wrong signature trying to load DB from file', 0);
    const version = Number(r.buf.latin1Slice(5, 9));
    if (!/^[0-9]{4}$/.test(r.buf.latin1Slice(5, 9)) || version < 1 || version > RDB_VERSION) {
      throw new RdbFormatError(`Can't handle RDB format version ${version}`, 5);
    }
    r.pos = 9;
    this.copy(0, 9);
    /** A key's prefix opcodes (expiry, idle time, frequency) were copied, its record not yet. */
    let prefixed = false;
    for (;;) {
      if (this.o >= this.flushAt && !prefixed) this.flush();
      const at = r.pos;
      const t = r.byte();
      if (t === RDB_OPCODE_EOF) {
        this.trailer(r.pos, version);
        return;
      }
      if (this.opcode(t, at)) {
        if (t === RDB_OPCODE_EXPIRETIME_MS || t === RDB_OPCODE_EXPIRETIME || t === RDB_OPCODE_IDLE || t === RDB_OPCODE_FREQ) prefixed = true;
      } else {
        this.record(t, at);
        prefixed = false;
      }
    }
  }

  /** Skip (and copy) a non-key opcode's record; false when `t` is not an opcode. */
  private opcode(t: number, at: number): boolean {
    const r = this.r;
    switch (t) {
      case RDB_OPCODE_EXPIRETIME_MS:
        r.skip(8);
        break;
      case RDB_OPCODE_EXPIRETIME:
        r.skip(4);
        break;
      case RDB_OPCODE_IDLE:
      case RDB_OPCODE_SELECTDB:
        r.len();
        break;
      case RDB_OPCODE_FREQ:
        r.skip(1);
        break;
      case RDB_OPCODE_RESIZEDB:
        r.len();
        r.len();
        break;
      case RDB_OPCODE_AUX:
        r.skipString();
        r.skipString();
        break;
      case RDB_OPCODE_FUNCTION2:
        r.skipString();
        break;
      case RDB_OPCODE_FUNCTION:
        r.skipString();
        r.skipString();
        if (r.len() !== 0) r.skipString();
        r.skipString();
        break;
      case RDB_OPCODE_MODULE_AUX:
        r.skipModuleAux(at);
        break;
      default:
        return false;
    }
    this.copy(at, r.pos);
    return true;
  }

  /** One key: type byte, key, value. */
  private record(t: number, at: number): void {
    const r = this.r;
    if (!isValueType(t)) r.fail(`Unknown RDB type ${t}`, at);
    this.ensure(1);
    const typeAt = this.o++;
    this.out[typeAt] = t;
    this.plainString();
    if (t === RDB_TYPE_STRING) {
      this.plainString();
    } else if (t === RDB_TYPE_HASH_LISTPACK || t === RDB_TYPE_ZSET_LISTPACK) {
      this.listpack(t, typeAt);
    } else {
      const vat = r.pos;
      this.skipValue(t);
      this.copy(vat, r.pos);
    }
  }

  /** A hash / zset listpack: translated when the fast path takes it, else copied inflated. */
  private listpack(t: number, typeAt: number): void {
    const r = this.r;
    r.blob();
    const l = t === RDB_TYPE_HASH_LISTPACK ? this.limits.hash : this.limits.zset;
    const convert = t === RDB_TYPE_HASH_LISTPACK ? hashListpackConvert : zsetListpackConvert;
    if (convert(r.blobBuf, l.maxEntries, l.maxValue, r.blobStart, r.blobEnd)) {
      const n = convertedLength();
      this.out[typeAt] = t === RDB_TYPE_HASH_LISTPACK ? RDB_TYPE_PREDIGESTED_HASH : RDB_TYPE_PREDIGESTED_ZSET;
      this.ensure(n + 9);
      this.o = writeRdbLen(this.out, this.o, n);
      this.o += copyConverted(this.out, this.o);
      return;
    }
    this.writeBlob();
  }

  /** A string at the cursor, written as a plain string (an LZF one inflated). */
  private plainString(): void {
    const r = this.r;
    if (r.atLzf()) {
      r.blob();
      this.writeBlob();
      return;
    }
    const at = r.pos;
    r.skipString();
    this.copy(at, r.pos);
  }

  /** The reader's last blob() as a plain string. */
  private writeBlob(): void {
    const r = this.r;
    const n = r.blobEnd - r.blobStart;
    this.ensure(n + 9);
    this.o = writeRdbLen(this.out, this.o, n);
    this.o += r.blobBuf.copy(this.out, this.o, r.blobStart, r.blobEnd);
  }

  /** Step over a value of type `t` (any type but a string or a listpack hash / zset). */
  private skipValue(t: number): void {
    const r = this.r;
    switch (t) {
      case RDB_TYPE_LIST:
      case RDB_TYPE_SET:
      case RDB_TYPE_LIST_QUICKLIST: {
        const n = r.len();
        for (let i = 0; i < n; i++) r.skipString();
        return;
      }
      case RDB_TYPE_HASH: {
        const n = r.len();
        for (let i = 0; i < 2 * n; i++) r.skipString();
        return;
      }
      case RDB_TYPE_ZSET: {
        const n = r.len();
        for (let i = 0; i < n; i++) {
          r.skipString();
          const b = r.byte();
          if (b < 253) r.skip(b); // text score; 253-255 are NaN / inf / -inf
        }
        return;
      }
      case RDB_TYPE_ZSET_2: {
        const n = r.len();
        for (let i = 0; i < n; i++) {
          r.skipString();
          r.skip(8);
        }
        return;
      }
      case RDB_TYPE_LIST_QUICKLIST_2: {
        const n = r.len();
        for (let i = 0; i < n; i++) {
          r.len();
          r.skipString();
        }
        return;
      }
      case RDB_TYPE_STREAM_LISTPACKS:
      case RDB_TYPE_STREAM_LISTPACKS_2:
      case RDB_TYPE_STREAM_LISTPACKS_3:
        this.skipStream(t);
        return;
      default:
        r.skipString(); // the packed encodings: one string (ziplist, intset, zipmap, listpack)
    }
  }

  /** A stream: nodes, counters, then consumer groups with their PELs and consumers. */
  private skipStream(t: number): void {
    const r = this.r;
    const nodes = r.len();
    for (let i = 0; i < 2 * nodes; i++) r.skipString(); // node key, node listpack
    const counters = t === RDB_TYPE_STREAM_LISTPACKS ? 3 : 8; // length, last ID (+ first ID, max deleted ID, entries added)
    for (let i = 0; i < counters; i++) r.len64();
    const groups = r.len();
    for (let g = 0; g < groups; g++) {
      r.skipString();
      r.len64();
      r.len64();
      if (t !== RDB_TYPE_STREAM_LISTPACKS) r.len64(); // entries read
      const pel = r.len();
      for (let i = 0; i < pel; i++) {
        r.skip(16 + 8); // ID, delivery time
        r.len64(); // delivery count
      }
      const consumers = r.len();
      for (let c = 0; c < consumers; c++) {
        r.skipString();
        r.skip(t === RDB_TYPE_STREAM_LISTPACKS_3 ? 16 : 8); // seen time (+ active time)
        r.skip(16 * r.len()); // the consumer's PEL IDs
      }
    }
  }

  /**
   * EOF (the CRC covers the file up to `crcEnd`, the EOF byte included): write the end with a
   * zero checksum, hand over the last chunk, then check the CRC (the consumer decodes that
   * chunk meanwhile, and must not take the load as done before the walk returns); a mismatch
   * fails with Redis's message.
   */
  private trailer(crcEnd: number, version: number): void {
    const r = this.r;
    this.ensure(9);
    this.out[this.o++] = RDB_OPCODE_EOF;
    const expected = version >= 5 ? r.bytes(8).readBigUInt64LE(0) : 0n;
    if (version >= 5) {
      this.out.fill(0, this.o, this.o + 8);
      this.o += 8;
    }
    this.flush();
    if (expected === 0n || this.opts.checksum === null) return;
    const got = this.opts.checksum.finish(crcEnd);
    if (got !== expected) {
      r.fail(`Wrong RDB checksum expected: (${expected.toString(16)}) got: (${got.toString(16)}). Aborting now.`, crcEnd);
    }
  }

  private flush(): void {
    this.out = this.emit(this.out, this.o, this.r.pos);
    this.o = 0;
    this.flushAt = Math.min(this.opts.chunkBytes, this.flushAt * 2);
  }

  /** Room for n more bytes in the current chunk (a big record grows it). */
  private ensure(n: number): void {
    if (this.o + n <= this.out.length) return;
    const b = newChunk(Math.max(this.o + n, this.out.length * 2));
    this.out.copy(b, 0, 0, this.o);
    this.out = b;
  }

  /** Copy file bytes [from, to) to the output. */
  private copy(from: number, to: number): void {
    const n = to - from;
    this.ensure(n);
    const src = this.r.buf;
    const out = this.out;
    let o = this.o;
    if (n < 32) for (let i = from; i < to; i++) out[o++] = src[i] as number;
    else o += src.copy(out, o, from, to);
    this.o = o;
  }
}
