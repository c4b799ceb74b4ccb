/*
 * The AOF base file: the dataset at one instant, in one of two forms.
 *
 *  - RDB preamble (aof-use-rdb-preamble yes): an RDB snapshot written by the RDB encoder with
 *    the aof-base aux field set; the file begins with "REDIS".
 *  - Plain commands (rewriteAppendOnlyFileRio): per non-empty database a SELECT, then for each
 *    key the shortest command sequence that rebuilds it: SET for strings, RPUSH / SADD / ZADD /
 *    HMSET in batches of at most 64 items per command (AOF_REWRITE_ITEMS_PER_CMD, so that no
 *    single command's argv gets huge on load), for streams XADD per entry, XSETID, XGROUP and
 *    XCLAIM (keyspace/types/stream.ts), then PEXPIREAT for a key with a TTL.
 *
 * The RDB form comes from the RDB encoder, the command form from CommandEncoder below, which
 * has the encoder's shape (header, openDb -> SELECT, add -> the key's commands and PEXPIREAT,
 * ~64 KB chunks). writeBase() drives either synchronously over the keyspace as it is when
 * called (the base created at startup); the background rewrite walks the dataset with the
 * forkless snapshot (persistence/rdb/snapshot.ts) instead, which keeps the cut while writes go
 * on. Cost is O(dataset) time; memory is bounded by the chunk size plus one key's encoding.
 */

import type { Keyspace } from '../../keyspace/db.js';
import { OBJ_HASH, OBJ_LIST, OBJ_SET, OBJ_STREAM, OBJ_STRING, OBJ_ZSET, type RObject, typeName } from '../../keyspace/object.js';
import { stringReplyValue } from '../../keyspace/types/string.js';
import { listQuicklist } from '../../keyspace/types/list.js';
import { setIterate } from '../../keyspace/types/set.js';
import { zsetForEach } from '../../keyspace/types/zset.js';
import { hashForEach } from '../../keyspace/types/hash.js';
import { streamOf, streamRewriteCommands } from '../../keyspace/types/stream.js';
import { d2string } from '../../util/numbers.js';
import { writeAll } from '../../util/sync-file.js';
import { type KeyspaceEncoder, RdbEncoder, type RdbOptions, writeKeyspace } from '../rdb/encoder.js';
import { respCommand } from './command-reader.js';

const ITEMS_PER_CMD = 64;

function str(v: string | Buffer): string {
  return typeof v === 'string' ? v : v.latin1Slice();
}

/** The commands that rebuild `key` (without its TTL). */
function rewriteObject(key: string, o: RObject, out: (argv: string[]) => void): void {
  const batched = (cmd: string, items: string[][]): void => {
    let argv: string[] = [cmd, key];
    let count = 0;
    for (const it of items) {
      argv.push(...it);
      if (++count === ITEMS_PER_CMD) {
        out(argv);
        argv = [cmd, key];
        count = 0;
      }
    }
    if (count) out(argv);
  };
  switch (o.type) {
    case OBJ_STRING:
      out(['SET', key, str(stringReplyValue(o))]);
      return;
    case OBJ_LIST: {
      const items: string[][] = [];
      for (let n = listQuicklist(o).head; n !== null; n = n.next) for (const v of n.values()) items.push([v]);
      batched('RPUSH', items);
      return;
    }
    case OBJ_SET: {
      const items: string[][] = [];
      setIterate(o, (m) => {
        items.push([m]);
      });
      batched('SADD', items);
      return;
    }
    case OBJ_ZSET: {
      const items: string[][] = [];
      zsetForEach(o, (m, score) => {
        items.push([d2string(score), m]);
      }, true);
      batched('ZADD', items);
      return;
    }
    case OBJ_HASH: {
      const items: string[][] = [];
      hashForEach(o, (f, v) => {
        items.push([f, v]);
      });
      batched('HMSET', items);
      return;
    }
    case OBJ_STREAM:
      streamRewriteCommands(key, streamOf(o), out);
      return;
    default:
      throw new Error(`AOF rewrite of ${typeName(o)} values is not implemented`);
  }
}

export interface BaseOptions {
  rdbPreamble: boolean;
  timestamp: boolean;
  rdb: RdbOptions;
  /** The function libraries' sources: a FUNCTION LOAD each before the keys (plain form). */
  functionCodes?: readonly string[];
}

/** The encoder of a base file: an RDB preamble, or the plain command form. */
export function baseEncoder(opts: BaseOptions): KeyspaceEncoder {
  return opts.rdbPreamble
    ? new RdbEncoder({ ...opts.rdb, aofBase: true })
    : new CommandEncoder(opts.timestamp, opts.functionCodes);
}

/** Write the base file for `ks` to `fd` with `enc` (baseEncoder); returns the bytes written. */
export function writeBase(fd: number, ks: Keyspace, enc: KeyspaceEncoder): number {
  writeKeyspace(ks, enc, (chunk) => writeAll(fd, chunk));
  return enc.bytes;
}

/** The plain (command) form of the base in the snapshot encoder's shape. */
export class CommandEncoder implements KeyspaceEncoder {
  private parts: string[] = [];
  private size = 0;
  bytes = 0;

  /** `timestamp`: open with a #TS annotation; `functionCodes`: FUNCTION LOAD each first. */
  constructor(private readonly timestamp: boolean, private readonly functionCodes: readonly string[] = []) {}

  private push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
  }

  header(): Buffer {
    if (this.timestamp) this.push(`#TS:${Math.floor(Date.now() / 1000)}\r\n`);
    for (const code of this.functionCodes) this.push(respCommand(['FUNCTION', 'LOAD', code]));
    return this.flush();
  }

  openDb(id: number): void {
    this.push(respCommand(['SELECT', String(id)]));
  }

  add(key: string, o: RObject, expireMs?: number): void {
    rewriteObject(key, o, (argv) => this.push(respCommand(argv)));
    if (expireMs !== undefined) this.push(respCommand(['PEXPIREAT', key, String(expireMs)]));
  }

  get buffered(): number {
    return this.size;
  }

  flush(): Buffer {
    if (this.size === 0) return Buffer.alloc(0);
    const b = Buffer.from(this.parts.length === 1 ? (this.parts[0] as string) : this.parts.join(''), 'latin1');
    this.parts = [];
    this.size = 0;
    this.bytes += b.length;
    return b;
  }

  trailer(): Buffer {
    return this.flush();
  }
}
