/*
 * Hash objects and Redis 7.0's two hash encodings.
 *
 * - `listpack` (ds/listpack.ts): field, value, field, value... packed in one latin1 string, in
 *   insertion order. Every hash starts here. Lookups scan the pairs (O(n)), which is cheap
 *   because the encoding is only kept while the hash is small.
 * - `hashtable` (ds/dict.ts): a Dict<string> from field to value, O(1) lookups, O(1) random
 *   sampling and a SCAN cursor.
 *
 * Conversion is one-way, listpack -> hashtable, at the moments Redis 7.0 converts
 * (t_hash.c hashTypeTryConversion / hashTypeSet):
 * - before a write, when any field or value argument is longer than hash-max-listpack-value,
 *   or when the new bytes would push the listpack past its safety size;
 * - inside a set, when the field or the value is too long (the HINCRBY* path, whose value is
 *   computed), and after any set (insert or update) that leaves the hash longer than
 *   hash-max-listpack-entries (an update converts too when the threshold was lowered).
 * A hash never goes back to a listpack, even when it shrinks (as in Redis).
 * The thresholds are passed in by the caller, which reads the config at the time of the call,
 * so CONFIG SET applies to the next conversion decision.
 *
 * Both encodings keep fields and values as latin1 strings (binary safe). A listpack hash is an
 * immutable string, so COPY shares it; a hashtable hash is copied entry by entry.
 *
 * Memory (100,000 hashes of 10 fields like "field:3" -> "value:1234", loaded with HSET, key,
 * object and keyspace entry included): listpack 36 bytes per field, hashtable 212; Redis
 * 7.0.15 (INFO used_memory) 47 and 167. The listpack is why small hashes cost less than in
 * Redis; a per-hash Dict costs more than Redis's dict for small hashes, hence the thresholds.
 */

import { RObject, OBJ_HASH, ENC_LISTPACK, ENC_HT } from '../object.js';
import { Dict } from '../../ds/dict.js';
import {
  LP_EMPTY,
  lpAppend,
  lpDelete,
  lpFind,
  lpFirst,
  lpGet,
  lpGetDetached,
  lpLength,
  lpNext,
  lpPositions,
  lpReplace,
  lpSafeToAdd,
  lpStrlen,
  type Listpack,
} from '../../ds/listpack.js';

export type HashDict = Dict<string>;

/** The thresholds of the listpack encoding (hash-max-listpack-entries / -value). */
export interface HashLimits {
  maxEntries: number;
  maxValue: number;
}

/** A new, empty hash in the listpack encoding (createHashObject). */
export function createHashObject(): RObject {
  return new RObject(OBJ_HASH, ENC_LISTPACK, LP_EMPTY);
}

/** A hash holding an existing listpack of field/value pairs (RDB loading, tests). */
export function createHashFromListpack(lp: Listpack): RObject {
  return new RObject(OBJ_HASH, ENC_LISTPACK, lp);
}

/** A hash in the hashtable encoding holding `d`. */
export function createHashFromDict(d: HashDict): RObject {
  return new RObject(OBJ_HASH, ENC_HT, d);
}

/** Convert a listpack hash to a hashtable (no-op for a hashtable). */
export function hashConvert(o: RObject): void {
  if (o.enc !== ENC_LISTPACK) return;
  const lp = o.ptr as Listpack;
  const d: HashDict = new Dict<string>();
  for (let p = lpFirst(lp); p !== -1; ) {
    const v = lpNext(lp, p);
    // Detached copies: the old listpack string must not stay alive behind the fields.
    d.set(lpGetDetached(lp, p), lpGetDetached(lp, v));
    p = lpNext(lp, v);
  }
  o.enc = ENC_HT;
  o.ptr = d;
}

/**
 * hashTypeTryConversion: before writing argv[start..end] (fields and values) into `o`,
 * convert to a hashtable when one of them is longer than maxValue or the listpack would grow
 * past its safety size.
 */
export function hashTryConversion(o: RObject, argv: readonly string[], start: number, end: number, maxValue: number): void {
  if (o.enc !== ENC_LISTPACK) return;
  let sum = 0;
  for (let i = start; i <= end; i++) {
    const len = (argv[i] as string).length;
    if (len > maxValue) {
      hashConvert(o);
      return;
    }
    sum += len;
  }
  if (!lpSafeToAdd(o.ptr as Listpack, sum)) hashConvert(o);
}

export function hashLength(o: RObject): number {
  if (o.enc === ENC_LISTPACK) return lpLength(o.ptr as Listpack) >>> 1;
  return (o.ptr as HashDict).size;
}

/** The value of `field`, or undefined. */
export function hashGet(o: RObject, field: string): string | undefined {
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    const p = lpFind(lp, field, 1);
    return p === -1 ? undefined : lpGet(lp, lpNext(lp, p));
  }
  return (o.ptr as HashDict).get(field);
}

export function hashExists(o: RObject, field: string): boolean {
  if (o.enc === ENC_LISTPACK) return lpFind(o.ptr as Listpack, field, 1) !== -1;
  return (o.ptr as HashDict).has(field);
}

/** Length of the value of `field`, 0 when missing (HSTRLEN). */
export function hashStrlen(o: RObject, field: string): number {
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    const p = lpFind(lp, field, 1);
    return p === -1 ? 0 : lpStrlen(lp, lpNext(lp, p));
  }
  const v = (o.ptr as HashDict).get(field);
  return v === undefined ? 0 : v.length;
}

/**
 * hashTypeSet: set field to value; returns true when the field existed (an update), false on
 * insert. Converts to a hashtable when field or value is longer than limits.maxValue, and after
 * a set that leaves the hash longer than limits.maxEntries.
 */
export function hashSet(o: RObject, field: string, value: string, limits: HashLimits): boolean {
  if (o.enc === ENC_LISTPACK) {
    if (field.length > limits.maxValue || value.length > limits.maxValue) {
      hashConvert(o);
    } else {
      const lp = o.ptr as Listpack;
      const p = lpFind(lp, field, 1);
      const update = p !== -1;
      const next = update ? lpReplace(lp, lpNext(lp, p), value) : lpAppend(lp, field, value);
      o.ptr = next;
      // Checked after updates too, so a lowered threshold converts on the next write.
      if (lpLength(next) >>> 1 > limits.maxEntries) hashConvert(o);
      return update;
    }
  }
  return !(o.ptr as HashDict).set(field, value);
}

/** hashTypeDelete: remove `field`; true if it was there. */
export function hashDelete(o: RObject, field: string): boolean {
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    const p = lpFind(lp, field, 1);
    if (p === -1) return false;
    o.ptr = lpDelete(lp, p, 2);
    return true;
  }
  return (o.ptr as HashDict).delete(field);
}

/**
 * Visit every field/value pair: listpack hashes in insertion order, hashtables in their slot
 * order. The callback must not modify the hash.
 */
export function hashForEach(o: RObject, fn: (field: string, value: string) => void): void {
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    for (let p = lpFirst(lp); p !== -1; ) {
      const v = lpNext(lp, p);
      fn(lpGet(lp, p), lpGet(lp, v));
      p = lpNext(lp, v);
    }
    return;
  }
  (o.ptr as HashDict).forEach((value, field) => fn(field, value));
}

/** All pairs flattened: [field, value, field, value, ...] in iteration order. */
export function hashPairs(o: RObject): string[] {
  const out: string[] = [];
  hashForEach(o, (f, v) => {
    out.push(f, v);
  });
  return out;
}

/**
 * Random access to the pairs of a hash, for HRANDFIELD: `size` pairs, pair(i) for
 * 0 <= i < size. Built once per command (a listpack is indexed by one O(n) scan).
 */
export interface HashSampler {
  readonly size: number;
  field(i: number): string;
  value(i: number): string;
}

export function hashSampler(o: RObject): HashSampler {
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    const pos = lpPositions(lp);
    return {
      size: pos.length >>> 1,
      field: (i) => lpGet(lp, pos[2 * i] as number),
      value: (i) => lpGet(lp, pos[2 * i + 1] as number),
    };
  }
  const d = o.ptr as HashDict;
  return {
    size: d.size,
    field: (i) => d.keyAt(i),
    value: (i) => d.valueAt(i),
  };
}

/** hashTypeDup: an independent copy with the same encoding (COPY). */
export function duplicateHash(o: RObject): RObject {
  if (o.enc === ENC_LISTPACK) return new RObject(OBJ_HASH, ENC_LISTPACK, o.ptr);
  const src = o.ptr as HashDict;
  const d: HashDict = new Dict<string>();
  // Insert bottom slot first so the copy keeps the original's slot order.
  for (let i = 0; i < src.size; i++) d.set(src.keyAt(i), src.valueAt(i));
  return new RObject(OBJ_HASH, ENC_HT, d);
}
