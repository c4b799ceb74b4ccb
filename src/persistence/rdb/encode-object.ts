/*
 * One value's RDB encoding: its type byte (rdbSaveObjectType) and its payload (rdbSaveObject),
 * chosen by the object's type and encoding exactly as Redis 7.0 chooses them. This is the one
 * place where a type plugs in its serializer: a new type adds a case to both switches below.
 *
 *   string                  RDB_TYPE_STRING: `int` values as INT8/16/32 (or decimal text
 *                           beyond 32 bits); others through the raw-string rules (integer
 *                           text, LZF over 20 bytes, verbatim)
 *   list (quicklist)        RDB_TYPE_LIST_QUICKLIST_2: node count, then per node its container
 *                           (PLAIN: the bare element; PACKED: a Redis listpack of its elements)
 *   set intset / hashtable  RDB_TYPE_SET_INTSET (Redis's intset blob) / RDB_TYPE_SET (members)
 *   zset listpack           RDB_TYPE_ZSET_LISTPACK: member, score... with scores as Redis's
 *                           zzlInsertAt stores them (integers up to 2^62 as listpack integers,
 *                           others as d2string text)
 *   zset skiplist           RDB_TYPE_ZSET_2: length, then member + binary double from the
 *                           greatest element down (Redis's order: the loader then inserts at
 *                           the head every time)
 *   hash listpack           RDB_TYPE_HASH_LISTPACK: field, value... in the hash's order
 *   hash hashtable          RDB_TYPE_HASH: length, then field, value pairs
 *   stream                  RDB_TYPE_STREAM_LISTPACKS_2 (the type Redis 7.0 writes; 7.0
 *                           cannot read 7.2's _3): per node its master ID (16 bytes, big
 *                           endian) and Redis's listpack for it; length, last / first /
 *                           max-deleted IDs, entries-added; then each consumer group: name,
 *                           last ID, entries-read, its PEL (raw ID, delivery ms, count) and
 *                           consumers (name, seen ms, the raw IDs they own)
 *
 * Listpack-encoded values are re-encoded from nodis's own layouts into Redis's listpack bytes
 * (listpack-bytes.ts), so what Redis loads has the encoding it would have had itself. Cost:
 * O(size of the value) per value, plus a copy of each packed list node.
 */

import type { RObject } from '../../keyspace/object.js';
import {
  OBJ_STRING, OBJ_LIST, OBJ_SET, OBJ_ZSET, OBJ_HASH, OBJ_STREAM, ENC_INT, ENC_INTSET, ENC_LISTPACK, typeName,
} from '../../keyspace/object.js';
import { stringReplyValue } from '../../keyspace/types/string.js';
import { listQuicklist } from '../../keyspace/types/list.js';
import { setIntset, setIterate, setSize } from '../../keyspace/types/set.js';
import { zsetForEach, zsetLength, zsetRangeByRank } from '../../keyspace/types/zset.js';
import { hashForEach, hashLength } from '../../keyspace/types/hash.js';
import { streamOf, type Stream } from '../../keyspace/types/stream.js';
import { idKey, type U64 } from '../../ds/stream-id.js';
import { d2string, string2l } from '../../util/numbers.js';
import type { RdbWriter } from './byte-writer.js';
import {
  QUICKLIST_NODE_CONTAINER_PACKED, QUICKLIST_NODE_CONTAINER_PLAIN, RDB_TYPE_HASH, RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_LIST_QUICKLIST_2, RDB_TYPE_SET, RDB_TYPE_SET_INTSET, RDB_TYPE_STRING, RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK, RDB_TYPE_STREAM_LISTPACKS_2,
} from './constants.js';
import { ListpackBuilder, listpackFromStrings } from './listpack-bytes.js';

/** Thrown for a value nodis cannot serialize yet (its type has no RDB encoder). */
export class RdbUnsupportedTypeError extends Error {}

/** rdbSaveObjectType: the RDB type byte of `o`. */
export function rdbTypeOf(o: RObject): number {
  switch (o.type) {
    case OBJ_STRING:
      return RDB_TYPE_STRING;
    case OBJ_LIST:
      return RDB_TYPE_LIST_QUICKLIST_2;
    case OBJ_SET:
      return o.enc === ENC_INTSET ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET;
    case OBJ_ZSET:
      return o.enc === ENC_LISTPACK ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
    case OBJ_HASH:
      return o.enc === ENC_LISTPACK ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
    case OBJ_STREAM:
      return RDB_TYPE_STREAM_LISTPACKS_2;
    default:
      throw new RdbUnsupportedTypeError(`RDB encoding of ${typeName(o)} values is not implemented`);
  }
}

/** rdbSaveObject: the payload of `o` (after its type byte). */
export function encodeObject(w: RdbWriter, o: RObject): void {
  switch (o.type) {
    case OBJ_STRING:
      encodeString(w, o);
      return;
    case OBJ_LIST:
      encodeList(w, o);
      return;
    case OBJ_SET:
      encodeSet(w, o);
      return;
    case OBJ_ZSET:
      encodeZset(w, o);
      return;
    case OBJ_HASH:
      encodeHash(w, o);
      return;
    case OBJ_STREAM:
      encodeStream(w, streamOf(o));
      return;
    default:
      throw new RdbUnsupportedTypeError(`RDB encoding of ${typeName(o)} values is not implemented`);
  }
}

/**
 * The type byte, then the key's name when given (a key entry of an RDB file), then the payload;
 * without a key this is the body of a DUMP payload.
 */
export function encodeTypedObject(w: RdbWriter, o: RObject, key?: string): void {
  w.byte(rdbTypeOf(o));
  if (key !== undefined) w.rawString(key);
  encodeObject(w, o);
}

function encodeString(w: RdbWriter, o: RObject): void {
  const v = stringReplyValue(o);
  if (o.enc === ENC_INT && typeof v === 'string') {
    // rdbSaveLongLongAsStringObject: the int encoding keeps the canonical decimal text.
    const n = string2l(v);
    w.intString(n !== null ? n : BigInt(v));
    return;
  }
  w.rawString(v);
}

function encodeList(w: RdbWriter, o: RObject): void {
  const ql = listQuicklist(o);
  w.len(ql.len);
  for (let n = ql.head; n !== null; n = n.next) {
    if (n.plain) {
      w.len(QUICKLIST_NODE_CONTAINER_PLAIN);
      w.rawString(n.raw());
    } else {
      w.len(QUICKLIST_NODE_CONTAINER_PACKED);
      w.rawString(listpackFromStrings(n.values()));
    }
  }
}

function encodeSet(w: RdbWriter, o: RObject): void {
  if (o.enc === ENC_INTSET) {
    w.rawString(setIntset(o).toBlob());
    return;
  }
  w.len(setSize(o));
  setIterate(o, (m) => {
    w.rawString(m);
  });
}

/** double2ll as zzlInsertAt uses it: integral scores within +-2^62 are stored as integers. */
function scoreAsInteger(d: number): number | bigint | null {
  if (!(d >= -4611686018427387904 && d <= 4611686018427387904) || !Number.isInteger(d)) return null;
  if (Number.isSafeInteger(d)) return d === 0 ? 0 : d;
  return BigInt(d);
}

function encodeZset(w: RdbWriter, o: RObject): void {
  const len = zsetLength(o);
  if (o.enc === ENC_LISTPACK) {
    const b = new ListpackBuilder();
    zsetForEach(o, (member, score) => {
      b.addString(member);
      const i = scoreAsInteger(score);
      if (i !== null) b.addInteger(i);
      else b.addString(d2string(score));
    });
    w.rawString(b.finish());
    return;
  }
  w.len(len);
  if (len === 0) return;
  zsetRangeByRank(o, 0, len - 1, true, (member, score) => {
    w.rawString(member);
    w.binaryDouble(score);
  });
}

function encodeHash(w: RdbWriter, o: RObject): void {
  if (o.enc === ENC_LISTPACK) {
    const b = new ListpackBuilder();
    hashForEach(o, (f, v) => {
      b.addString(f);
      b.addString(v);
    });
    w.rawString(b.finish());
    return;
  }
  w.len(hashLength(o));
  hashForEach(o, (f, v) => {
    w.rawString(f);
    w.rawString(v);
  });
}

/** A 64-bit length (stream IDs and counters may pass 2^53). */
function len64(w: RdbWriter, v: U64): void {
  if (typeof v === 'number') {
    w.len(v);
    return;
  }
  if (v <= 0xffffffffn) {
    w.len(Number(v));
    return;
  }
  const b = Buffer.allocUnsafe(9);
  b[0] = 0x81;
  b.writeBigUInt64BE(BigInt.asUintN(64, v), 1);
  w.bytes(b);
}

function encodeStream(w: RdbWriter, s: Stream): void {
  w.len(s.blocks.length);
  for (const blk of s.blocks) {
    w.rawString(idKey(blk.ms, blk.seq));
    const b = new ListpackBuilder(blk.used + 64);
    blk.listpackElements((v) => {
      if (typeof v === 'string') b.addString(v);
      else b.addInteger(v);
    });
    w.rawString(b.finish());
  }
  len64(w, s.length);
  len64(w, s.lastId.ms);
  len64(w, s.lastId.seq);
  len64(w, s.firstId.ms);
  len64(w, s.firstId.seq);
  len64(w, s.maxDeletedId.ms);
  len64(w, s.maxDeletedId.seq);
  len64(w, s.entriesAdded);
  const groups = s.cgroups;
  w.len(groups === null ? 0 : groups.size);
  groups?.forEach((name, g) => {
    w.rawString(name);
    len64(w, g.lastId.ms);
    len64(w, g.lastId.seq);
    // entries_read is saved as the unsigned image of the signed counter (-1 = 2^64-1).
    len64(w, typeof g.entriesRead === 'bigint' ? BigInt.asUintN(64, g.entriesRead) : g.entriesRead < 0 ? BigInt.asUintN(64, BigInt(g.entriesRead)) : g.entriesRead);
    w.len(g.pel.size);
    g.pel.forEach((id, nack) => {
      w.latin1(id);
      w.millis(nack.deliveryTime);
      len64(w, typeof nack.deliveryCount === 'bigint' ? BigInt.asUintN(64, nack.deliveryCount) : nack.deliveryCount);
    });
    w.len(g.consumers.size);
    g.consumers.forEach((cname, c) => {
      w.rawString(cname);
      w.millis(c.seenTime);
      w.len(c.pel.size);
      c.pel.forEach((id) => {
        w.latin1(id);
      });
    });
  });
}
