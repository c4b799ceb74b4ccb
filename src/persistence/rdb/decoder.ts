/*
 * RDB decoder: reads a whole RDB file (any version 1..10) held in a Buffer into a staged
 * dataset, in steps, so a caller can load in time slices and serve -LOADING in between.
 *
 * The file is "REDIS" + a 4-digit version, then a sequence of opcodes and keys (see
 * encoder.ts for the layout), EOF (0xFF) and, from version 5, an 8-byte CRC-64 of everything
 * before it (0 = not computed). The decoder walks that sequence:
 *   AUX key/value            kept in `aux` (redis-ver, ctime, repl-id, ...)
 *   SELECTDB n / RESIZEDB    current database / size hints (onResize: the bulk loader presizes)
 *   EXPIRETIME_MS / _SEC     expiry of the next key (unix ms / s)
 *   IDLE / FREQ              LRU idle seconds / LFU counter of the next key
 *   FUNCTION2                a function library's source, kept raw so it is saved back
 *   FUNCTION                 (7.0 release candidates) name, engine, description, body: rebuilt
 *                            into the FUNCTION2 source form
 *   MODULE_AUX               module data nodis cannot interpret: skipped value by value (the
 *                            module opcodes make that possible), with a log line
 *   <type> key value         decode-object.ts
 *
 * Invariants: nothing reaches the live keyspace while decoding: keys are staged per database
 * and applied only after EOF and the checksum verified (applyRdb), so a bad file is refused
 * whole. (The bulk loader, engine/rdb-load.ts, passes a `sink` instead and gets each key as
 * it is decoded, with the RESIZEDB hints first to size its dicts; it empties the keyspace
 * again if the file turns out bad. In predigested mode the input is not a file but the chunks
 * of the parallel loader's worker, predigest.ts, fed one by one.) Errors are RdbFormatError
 * with the byte offset. Versions
 * above 10 are refused with Redis's "Can't handle RDB format version N".
 * Cost: O(file size) time; the staged keys are the dataset itself (no second copy).
 */

import type { Keyspace } from '../../keyspace/db.js';
import type { RObject } from '../../keyspace/object.js';
import { Crc64 } from '../../util/crc64.js';
import {
  RDB_OPCODE_AUX, RDB_OPCODE_EOF, RDB_OPCODE_EXPIRETIME, RDB_OPCODE_EXPIRETIME_MS, RDB_OPCODE_FREQ,
  RDB_OPCODE_FUNCTION, RDB_OPCODE_FUNCTION2, RDB_OPCODE_IDLE, RDB_OPCODE_MODULE_AUX, RDB_OPCODE_RESIZEDB, RDB_OPCODE_SELECTDB,
  RDB_TYPE_PREDIGESTED_HASH, RDB_TYPE_PREDIGESTED_ZSET, RDB_VERSION, isValueType,
} from './constants.js';
import { DEFAULT_LIMITS, decodeObject, decodePredigested, type DecodeLimits } from './decode-object.js';
import { RdbFormatError, RdbReader } from './rdb-reader.js';

export { RdbFormatError };

export interface StagedKey {
  key: string;
  value: RObject;
  /** Unix ms, -1 = none. */
  expire: number;
  /** IDLE seconds (-1 = none) / FREQ counter (-1 = none). */
  idle: number;
  freq: number;
}

export interface RdbDecodeOptions {
  limits?: DecodeLimits;
  /** Verify the CRC-64 trailer (rdbchecksum / loading with checksums). */
  checksum?: boolean;
  /** Number of databases the server has; SELECTDB beyond it is refused. */
  databases?: number;
  /** Drop keys already expired at `nowMs` (a master loading its own file). */
  dropExpiredAt?: number;
  /**
   * Keep every key's name to refuse duplicates (default true). A caller that applies keys as
   * it goes (takeStaged) checks duplicates against its own dataset instead.
   */
  trackDuplicates?: boolean;
  /** Structure events with their offsets (nodis-check-rdb's report). */
  trace?: (offset: number, msg: string) => void;
  /** Log lines (module aux skipped, ...). */
  log?: (level: 'notice' | 'warning', msg: string) => void;
  /**
   * The input is the parallel loader's predigested stream (predigest.ts), fed chunk by chunk
   * (feed()): its own value types are accepted, and step() stops at the end of each chunk.
   */
  predigested?: boolean;
  /** RESIZEDB hints: keys and keys with a TTL the file holds for database `db`. */
  onResize?: (db: number, size: number, expires: number) => void;
  /**
   * Receive each key as it is decoded instead of staging it (no StagedKey object, no staged
   * array: the bulk-load path). takeStaged() then has nothing to hand out.
   */
  sink?: (db: number, key: string, value: RObject, expire: number, idle: number, freq: number) => void;
}

export class RdbDecoder {
  r: RdbReader;
  version = 0;
  readonly aux = new Map<string, string>();
  /** Function library sources (FUNCTION2 payloads), in file order. */
  readonly functions: string[] = [];
  /** Staged keys per database id. */
  readonly dbs = new Map<number, StagedKey[]>();
  keys = 0;
  expiredSkipped = 0;
  /** Keys read with a TTL / with a TTL already in the past of `dropExpiredAt` or now. */
  expires = 0;
  alreadyExpired = 0;
  done = false;
  private db = 0;
  private seen = new Map<number, Set<string>>();
  private readonly opts: RdbDecodeOptions;
  private readonly limits: DecodeLimits;

  constructor(buf: Buffer, opts: RdbDecodeOptions = {}) {
    this.r = new RdbReader(buf);
    this.opts = opts;
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.header();
  }

  /** Predigested mode: the next chunk (the previous one must be used up: needsInput()). */
  feed(chunk: Buffer): void {
    this.r = new RdbReader(chunk);
  }

  /** Predigested mode: the current chunk is used up. */
  needsInput(): boolean {
    return !this.done && this.r.pos === this.r.end;
  }

  get loadedBytes(): number {
    return this.r.pos;
  }

  get totalBytes(): number {
    return this.r.end;
  }

  private header(): void {
    const r = this.r;
    if (r.remaining < 9 || r.buf.latin1Slice(0, 5) !== 'REDIS') {
      throw new RdbFormatError('Wrong signature trying to load DB from file', 0);
    }
    const vtext = r.buf.latin1Slice(5, 9);
    const v = /^[0-9]{4}$/.test(vtext) ? Number(vtext) : -1;
    if (v < 1 || v > RDB_VERSION) throw new RdbFormatError(`Can't handle RDB format version ${v}`, 5);
    this.version = v;
    r.pos = 9;
  }

  /** Decode up to `maxKeys` keys (and the opcodes between them). Returns true at the end. */
  step(maxKeys = Infinity): boolean {
    const r = this.r;
    const sink = this.opts.sink;
    const chunked = this.opts.predigested === true;
    let n = 0;
    let expire = -1;
    let idle = -1;
    let freq = -1;
    while (!this.done && n < maxKeys) {
      if (chunked && r.pos === r.end) return false;
      const at = r.pos;
      const t = r.byte();
      switch (t) {
        case RDB_OPCODE_EXPIRETIME_MS:
          expire = r.millis();
          continue;
        case RDB_OPCODE_EXPIRETIME:
          expire = r.seconds() * 1000;
          continue;
        case RDB_OPCODE_IDLE:
          idle = r.len();
          continue;
        case RDB_OPCODE_FREQ:
          freq = r.byte();
          continue;
        case RDB_OPCODE_SELECTDB: {
          const id = r.len();
          const max = this.opts.databases ?? 16;
          if (id >= max) {
            r.fail(`FATAL: Data file was created with a Redis server configured to handle more than ${max} databases`, at);
          }
          this.db = id;
          this.opts.trace?.(r.pos, `Selecting DB ID ${id}`);
          continue;
        }
        case RDB_OPCODE_RESIZEDB: {
          const size = r.len();
          const exp = r.len();
          this.opts.onResize?.(this.db, size, exp);
          continue;
        }
        case RDB_OPCODE_AUX: {
          const k = r.string();
          const v = r.string();
          this.aux.set(k, v);
          this.opts.trace?.(r.pos, `AUX FIELD ${k} = '${v}'`);
          continue;
        }
        case RDB_OPCODE_FUNCTION2:
          this.functions.push(r.string());
          continue;
        case RDB_OPCODE_FUNCTION: {
          // 7.0 release candidates: name, engine, optional description, body; rebuilt into
          // the FUNCTION2 form (metadata line + body), the description dropped.
          const name = r.string();
          const engine = r.string();
          if (r.len() !== 0) r.string();
          this.functions.push(`#!${engine} name=${name}\n${r.string()}`);
          continue;
        }
        case RDB_OPCODE_MODULE_AUX:
          this.skipModuleAux(at);
          continue;
        case RDB_OPCODE_EOF:
          this.trailer();
          return true;
        default:
          break;
      }
      const predigested = chunked && (t === RDB_TYPE_PREDIGESTED_HASH || t === RDB_TYPE_PREDIGESTED_ZSET);
      if (!predigested && !isValueType(t)) {
        if (t === 6 || t === 7) r.fail('The RDB file contains module data I can\'t load: no matching module', at);
        r.fail(`Unknown RDB type ${t}`, at);
      }
      const kat = r.pos;
      const key = r.key();
      const value = predigested ? decodePredigested(r, t) : decodeObject(r, t, this.limits);
      n++;
      const e = expire;
      expire = -1;
      if (e !== -1) {
        this.expires++;
        if (e < (this.opts.dropExpiredAt ?? Date.now())) this.alreadyExpired++;
      }
      const id = idle;
      const fq = freq;
      idle = -1;
      freq = -1;
      if (value === null) continue; // empty collection: Redis skips the key
      if (this.opts.trackDuplicates ?? true) {
        let seen = this.seen.get(this.db);
        if (seen === undefined) this.seen.set(this.db, (seen = new Set()));
        if (seen.has(key)) r.fail(`RDB has duplicated key '${key}' in DB ${this.db}`, kat);
        seen.add(key);
      }
      if (e !== -1 && this.opts.dropExpiredAt !== undefined && e < this.opts.dropExpiredAt) {
        this.expiredSkipped++;
        continue;
      }
      this.keys++;
      if (sink !== undefined) {
        sink(this.db, key, value, e, id, fq);
        continue;
      }
      let list = this.dbs.get(this.db);
      if (list === undefined) this.dbs.set(this.db, (list = []));
      list.push({ key, value, expire: e, idle: id, freq: fq });
    }
    return this.done;
  }

  /** Hand out the keys staged so far (per database id) and forget them. */
  takeStaged(fn: (db: number, k: StagedKey) => void): void {
    for (const [db, keys] of this.dbs) for (const k of keys) fn(db, k);
    this.dbs.clear();
  }

  private trailer(): void {
    const r = this.r;
    const eofAt = r.pos;
    if (this.version >= 5) {
      const sum = r.bytes(8);
      const expected = sum.readBigUInt64LE(0);
      if (expected !== 0n && (this.opts.checksum ?? true)) {
        const got = new Crc64().update(r.buf, 0, eofAt).value;
        if (got !== expected) {
          r.fail(`Wrong RDB checksum expected: (${expected.toString(16)}) got: (${got.toString(16)}). Aborting now.`, eofAt);
        }
      }
    }
    this.done = true;
  }

  /** A MODULE_AUX record nodis cannot interpret: skipped (RdbReader.skipModuleAux), with a log line. */
  private skipModuleAux(at: number): void {
    const moduleId = this.r.skipModuleAux(at);
    this.opts.log?.('warning', `Skipping module auxiliary data (module id ${String(moduleId)}): no module loaded to read it`);
  }
}

/** Decode a whole file at once (throws RdbFormatError). */
export function decodeRdb(buf: Buffer, opts: RdbDecodeOptions = {}): RdbDecoder {
  const d = new RdbDecoder(buf, opts);
  while (!d.step(1e9));
  return d;
}

/**
 * Replace the keyspace's contents with the decoded dataset (after a complete, verified
 * decode). `lruOf` turns IDLE/FREQ into the object's lru field when eviction wants it.
 */
export function applyRdb(ks: Keyspace, d: RdbDecoder, lruOf?: (k: StagedKey) => number | undefined): number {
  for (const db of ks.dbs) db.flush();
  let n = 0;
  for (const [id, keys] of d.dbs) {
    const db = ks.dbs[id];
    if (db === undefined) continue;
    for (const k of keys) {
      const lru = lruOf?.(k);
      if (lru !== undefined) k.value.lru = lru;
      db.add(k.key, k.value);
      if (k.expire !== -1) db.setExpire(k.key, k.expire);
      n++;
    }
  }
  return n;
}

/**
 * verifyDumpPayload: a DUMP payload ends with the RDB version (2 bytes LE, at most ours) and
 * the CRC-64 of everything before the CRC (8 bytes LE).
 */
export function verifyDumpPayload(p: Buffer, checkCrc = true): boolean {
  if (p.length < 10) return false;
  const ver = p.readUInt16LE(p.length - 10);
  if (ver > RDB_VERSION) return false;
  if (!checkCrc) return true;
  return new Crc64().update(p, 0, p.length - 8).digestLE().equals(p.subarray(p.length - 8));
}

/**
 * The value of a verified DUMP payload (type byte + payload). Null for an empty collection;
 * throws RdbFormatError for bad data. Bytes between the value and the footer are ignored, as
 * Redis ignores them.
 */
export function decodeDumpPayload(p: Buffer, limits: DecodeLimits = DEFAULT_LIMITS): RObject | null {
  const r = new RdbReader(p, 0, p.length - 10);
  const t = r.byte();
  if (!isValueType(t)) r.fail(`Unknown RDB type ${t}`, 0);
  return decodeObject(r, t, limits);
}
