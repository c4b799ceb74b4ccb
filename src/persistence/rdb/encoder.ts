/*
 * RDB encoder: a Redis 7.0 (RDB version 10) snapshot as a stream of Buffer chunks.
 *
 * File layout (rdbSaveRio):
 *
 *   "REDIS0010"
 *   AUX redis-ver 7.0.15, AUX redis-bits 64, AUX ctime <unix s>, AUX used-mem <bytes>,
 *   [AUX repl-stream-db, AUX repl-id, AUX repl-offset   (snapshots for replication)]
 *   AUX aof-base 0|1
 *   FUNCTION2 <library source>   (one per function library)
 *   for every non-empty database:
 *     SELECTDB <id>  RESIZEDB <keys> <keys with a TTL>
 *     for every key: [EXPIRETIME_MS <unix ms, 8 bytes LE>] [IDLE <s> | FREQ <counter>]
 *                    <type byte> <key as a string> <value payload (encode-object.ts)>
 *   EOF
 *   CRC-64/Jones of everything before it, 8 bytes little endian (zeros with rdbchecksum no)
 *
 * Streaming: the encoder is a small state machine: header() and trailer() return their bytes,
 * openDb() and add() accumulate database openers and keys until flush() hands them out as one
 * chunk, and the running CRC is updated as they go. Callers write chunks as they come, and can
 * interleave the walk with other work (the time-sliced snapshot, snapshot.ts, adds a few keys
 * per step), or send chunks to a replica socket. `writeKeyspace` is the simple
 * one-shot walk over a Keyspace (`encodeKeyspace` collects its chunks).
 *
 * IDLE/FREQ follow maxmemory-policy like rdbSaveKeyValuePair: an LRU policy stores the idle
 * time in seconds, an LFU policy the logarithmic counter after its pending decay.
 */

import type { Keyspace } from '../../keyspace/db.js';
import type { RObject } from '../../keyspace/object.js';
import { idleSeconds, lfuDecayed } from '../../keyspace/evict.js';
import { Crc64 } from '../../util/crc64.js';
import { RdbWriter } from './byte-writer.js';
import {
  RDB_OPCODE_AUX, RDB_OPCODE_EOF, RDB_OPCODE_EXPIRETIME_MS, RDB_OPCODE_FREQ, RDB_OPCODE_IDLE,
  RDB_OPCODE_RESIZEDB, RDB_OPCODE_SELECTDB, RDB_VERSION,
} from './constants.js';
import { encodeTypedObject } from './encode-object.js';

export const RDB_REDIS_VERSION = '7.0.15';

/** The replication state stored in snapshots made for (or by) a master with a backlog. */
export interface RdbReplInfo {
  /** The database the replication stream has selected (repl-stream-db). */
  streamDb: number;
  replId: string;
  offset: number;
}

export interface RdbOptions {
  /** rdbcompression: LZF for strings over 20 bytes (default true). */
  compression?: boolean;
  /** rdbchecksum: append the CRC-64 (default true), else 8 zero bytes. */
  checksum?: boolean;
  /** ctime aux field, unix seconds (default: now). */
  ctime?: number;
  /** used-mem aux field (default 0). */
  usedMem?: number;
  /** aof-base aux field: the snapshot is an AOF preamble. */
  aofBase?: boolean;
  repl?: RdbReplInfo | null;
  /** maxmemory-policy decides IDLE / FREQ opcodes: 'lru', 'lfu' or 'none'. */
  evictionInfo?: 'lru' | 'lfu' | 'none';
  /** LRU clock (seconds, 24 bits) for IDLE. */
  lruClock?: number;
  /** Current unix ms, for the LFU decay. */
  nowMs?: number;
  /** lfu-decay-time in minutes. */
  lfuDecayTime?: number;
  /**
   * The function libraries, already encoded as RDB records (FUNCTION2 opcode + source each),
   * written after the aux fields and before the databases, as rdbSaveRio does.
   */
  functions?: Buffer;
}

export class RdbEncoder {
  private readonly w: RdbWriter;
  private readonly crc: Crc64 | null;
  private readonly opts: RdbOptions;
  /** Bytes produced so far (rdb_last_... statistics, progress reports). */
  bytes = 0;
  /** Keys encoded so far. */
  keys = 0;

  constructor(opts: RdbOptions = {}) {
    this.opts = opts;
    this.w = new RdbWriter(opts.compression ?? true);
    this.crc = opts.checksum ?? true ? new Crc64() : null;
  }

  private emit(): Buffer {
    const b = this.w.take();
    this.crc?.update(b);
    this.bytes += b.length;
    return b;
  }

  private aux(key: string, value: string | number): void {
    const w = this.w;
    w.byte(RDB_OPCODE_AUX);
    w.rawString(key);
    w.rawString(String(value));
  }

  /** The magic string and the aux fields. */
  header(): Buffer {
    const o = this.opts;
    this.w.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
    this.aux('redis-ver', RDB_REDIS_VERSION);
    this.aux('redis-bits', 64);
    this.aux('ctime', o.ctime ?? Math.floor(Date.now() / 1000));
    this.aux('used-mem', o.usedMem ?? 0);
    if (o.repl) {
      this.aux('repl-stream-db', o.repl.streamDb);
      this.aux('repl-id', o.repl.replId);
      this.aux('repl-offset', o.repl.offset);
    }
    this.aux('aof-base', o.aofBase ? 1 : 0);
    if (o.functions !== undefined && o.functions.length > 0) this.w.bytes(o.functions);
    return this.emit();
  }

  /*
   * The database openers and keys accumulate until flush(), so a walk over many small keys
   * hands out chunks of a useful size (one Buffer per ~64 KB, not per key).
   */

  /** Bytes written by openDb()/add() and not flushed yet. */
  get buffered(): number {
    return this.w.length;
  }

  /** The accumulated bytes as one chunk (empty Buffer when there are none). */
  flush(): Buffer {
    return this.emit();
  }

  openDb(id: number, size: number, expiresSize: number): void {
    const w = this.w;
    w.byte(RDB_OPCODE_SELECTDB);
    w.len(id);
    w.byte(RDB_OPCODE_RESIZEDB);
    w.len(size);
    w.len(expiresSize);
  }

  add(key: string, o: RObject, expireMs?: number): void {
    const w = this.w;
    const mark = w.length;
    const opts = this.opts;
    if (expireMs !== undefined && expireMs !== -1) {
      w.byte(RDB_OPCODE_EXPIRETIME_MS);
      w.millis(expireMs);
    }
    if (opts.evictionInfo === 'lru') {
      w.byte(RDB_OPCODE_IDLE);
      w.len(idleSeconds(o.lru, opts.lruClock ?? 0));
    } else if (opts.evictionInfo === 'lfu') {
      w.byte(RDB_OPCODE_FREQ);
      w.byte(lfuDecayed(o.lru, opts.nowMs ?? Date.now(), opts.lfuDecayTime ?? 1));
    }
    try {
      encodeTypedObject(w, o, key);
    } catch (e) {
      w.truncate(mark); // drop the partial unit
      throw e;
    }
    this.keys++;
  }

  /** EOF and the checksum: the last chunk. */
  trailer(): Buffer {
    this.w.byte(RDB_OPCODE_EOF);
    const body = this.emit();
    const sum = this.crc ? this.crc.digestLE() : Buffer.alloc(8);
    this.bytes += 8;
    return Buffer.concat([body, sum]);
  }
}

/**
 * RdbEncoder's unit shape, which other dump formats share (the AOF rewrite's command form,
 * aof/rewrite.ts): writeKeyspace and the forkless snapshot (snapshot.ts) walk through either.
 */
export interface KeyspaceEncoder {
  header(): Buffer;
  openDb(id: number, size: number, expiresSize: number): void;
  add(key: string, o: RObject, expireMs?: number): void;
  /** Bytes produced by openDb()/add() and not flushed yet. */
  readonly buffered: number;
  flush(): Buffer;
  trailer(): Buffer;
  readonly bytes: number;
}

/**
 * The whole keyspace through `enc`, in database order (every key of database 0, then 1, ...),
 * handed to `sink` in ~64 KB chunks. Synchronous; for large datasets prefer the sliced
 * snapshot.
 */
export function writeKeyspace(ks: Keyspace, enc: KeyspaceEncoder, sink: (chunk: Buffer) => void): void {
  sink(enc.header());
  for (const db of ks.dbs) {
    if (db.size === 0) continue;
    enc.openDb(db.id, db.size, db.expires.size);
    const expires = db.expires;
    const timed = expires.size !== 0;
    db.dict.forEach((o, key) => {
      enc.add(key, o, timed ? expires.get(key) : undefined);
      if (enc.buffered >= CHUNK_BYTES) sink(enc.flush());
    });
  }
  sink(enc.trailer());
}

/** The whole keyspace as RDB chunks (writeKeyspace collected). */
export function encodeKeyspace(ks: Keyspace, opts: RdbOptions = {}): Buffer[] {
  const out: Buffer[] = [];
  writeKeyspace(ks, new RdbEncoder(opts), (chunk) => out.push(chunk));
  return out;
}

/** Target size of the chunks the keyspace writers hand out (here and in snapshot.ts). */
export const CHUNK_BYTES = 64 * 1024;

/** encodeKeyspace joined into one Buffer (tests, small datasets). */
export function encodeKeyspaceToBuffer(ks: Keyspace, opts: RdbOptions = {}): Buffer {
  return Buffer.concat(encodeKeyspace(ks, opts));
}

/**
 * A DUMP payload (createDumpPayload): the value's type byte and payload, the RDB version as
 * 2 bytes little endian, then the CRC-64 of all that, 8 bytes little endian.
 */
export function dumpPayload(o: RObject, compression = true): Buffer {
  const w = new RdbWriter(compression);
  encodeTypedObject(w, o);
  w.byte(RDB_VERSION & 0xff);
  w.byte((RDB_VERSION >>> 8) & 0xff);
  const body = w.take();
  return Buffer.concat([body, new Crc64().update(body).digestLE()]);
}
