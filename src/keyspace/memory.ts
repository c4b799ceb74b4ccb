/*
 * Memory estimates of keys and values (MEMORY USAGE, MEMORY STATS, and the per-object
 * accounting maxmemory can build on).
 *
 * The model. nodis stores values as V8 heap objects, so the estimate counts what V8 spends on
 * them on a 64-bit build without pointer compression (Node's default):
 * - a latin1 string costs a 16-byte header (map, hash, length) plus its bytes rounded up to 8;
 * - an RObject is a 5-field object (type, enc, ptr, lru, mem): 64 bytes;
 * - a Dict entry (ds/dict.ts) costs two dense-array cells (key and value), 8 bytes of slot
 *   metadata (hash and chain link) and 4-8 bytes of bucket table: about 32 bytes (measured:
 *   30 for 1M and 4M entries, heap plus the index's typed arrays); a Dict's own base 800
 *   (between its ~430 B empty and ~1.3 KB once its first bucket table exists);
 * - typed-array backed structures (intset, skiplist columns, Sds) report their own capacity.
 * Like Redis's objectComputeSize, big collections are not walked whole: the first `samples`
 * elements (5 by default, 0 = all) are measured and the average is multiplied by the size, so
 * MEMORY USAGE is O(samples). The numbers are nodis's own memory, not Redis's jemalloc sizes:
 * they are for finding big keys and for accounting, and they track what this process spends.
 *
 * Extending. objectSize() is a switch on the type and encoding: a new type or encoding adds
 * its case there, next to the others, reading its payload through the type's own module.
 */

import { Dict } from '../ds/dict.js';
import { IntSet } from '../ds/intset.js';
import { Quicklist } from '../ds/quicklist.js';
import { Sds } from '../ds/sds.js';
import { streamBytes, streamOf } from './types/stream.js';
import {
  ENC_HT, ENC_INTSET, ENC_LISTPACK, ENC_QUICKLIST, ENC_SKIPLIST, OBJ_HASH, OBJ_LIST, OBJ_SET, OBJ_STREAM, OBJ_STRING, OBJ_ZSET,
  type RObject,
} from './object.js';

/** OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
export const DEFAULT_SAMPLES = 5;

export const STRING_HEADER = 16;
export const ROBJECT_BYTES = 64;
export const DICT_ENTRY_BYTES = 32;
export const DICT_BASE_BYTES = 800;
/** A JS object with a few fields (a payload wrapper such as ZSetSkiplist or Sds). */
const SMALL_OBJECT_BYTES = 40;
/** A Buffer / typed array object with its ArrayBuffer and backing-store bookkeeping. */
const TYPED_ARRAY_BYTES = 96;
/** A JS array object (header + elements store header). */
const ARRAY_BYTES = 32;
/** A quicklist node object (prev, next, data, count, flags). */
const QUICKLIST_NODE_BYTES = 64;

/** Heap bytes of a latin1 string of `len` chars. */
export function stringBytes(len: number): number {
  return STRING_HEADER + ((len + 7) & ~7);
}

/** Heap bytes a Dict spends on `n` entries (keys and values not included). */
export function dictBytes(n: number): number {
  return DICT_BASE_BYTES + n * DICT_ENTRY_BYTES;
}

function sampleCount(samples: number): number {
  return samples <= 0 ? Number.MAX_SAFE_INTEGER : samples;
}

/** Average bytes of the first `samples` entries of a Dict (key + value), times its size. */
function dictContentBytes<V>(d: Dict<V>, samples: number, valueBytes: (v: V) => number): number {
  const n = d.size;
  if (n === 0) return 0;
  const k = Math.min(n, sampleCount(samples));
  let sum = 0;
  for (let i = 0; i < k; i++) sum += stringBytes(d.keyAt(i).length) + valueBytes(d.valueAt(i));
  return (sum / k) * n;
}

function stringPayloadBytes(p: unknown): number {
  if (typeof p === 'string') return stringBytes(p.length);
  if (p instanceof Sds) return SMALL_OBJECT_BYTES + TYPED_ARRAY_BYTES + p.allocated;
  return 0;
}

function quicklistBytes(q: Quicklist, samples: number): number {
  if (q.len === 0) return SMALL_OBJECT_BYTES;
  const k = Math.min(q.len, sampleCount(samples));
  let sum = 0;
  let i = 0;
  for (let n = q.head; n !== null && i < k; n = n.next, i++) sum += QUICKLIST_NODE_BYTES + stringBytes(n.data.length);
  return SMALL_OBJECT_BYTES + (sum / i) * q.len;
}

function stringArrayBytes(a: readonly string[], samples: number): number {
  const n = a.length;
  let bytes = ARRAY_BYTES + 8 * n;
  if (n === 0) return bytes;
  const k = Math.min(n, sampleCount(samples));
  let sum = 0;
  for (let i = 0; i < k; i++) sum += stringBytes((a[i] as string).length);
  bytes += (sum / k) * n;
  return bytes;
}

/** Estimated bytes of a value (objectComputeSize): the object and its payload. */
export function objectSize(o: RObject, samples = DEFAULT_SAMPLES): number {
  const p = o.ptr;
  let size = ROBJECT_BYTES;
  switch (o.type) {
    case OBJ_STRING:
      size += stringPayloadBytes(p);
      break;
    case OBJ_LIST:
      if (o.enc === ENC_QUICKLIST && p instanceof Quicklist) size += quicklistBytes(p, samples);
      break;
    case OBJ_SET:
      if (o.enc === ENC_INTSET && p instanceof IntSet) size += SMALL_OBJECT_BYTES + TYPED_ARRAY_BYTES + p.allocatedBytes;
      else if (o.enc === ENC_HT && Array.isArray(p)) size += stringArrayBytes(p as string[], samples);
      else if (o.enc === ENC_HT && p instanceof Dict) size += dictBytes(p.size) + dictContentBytes(p as Dict<null>, samples, () => 0);
      break;
    case OBJ_HASH:
      if (o.enc === ENC_LISTPACK && typeof p === 'string') size += stringBytes(p.length);
      else if (o.enc === ENC_HT && p instanceof Dict) {
        size += dictBytes(p.size) + dictContentBytes(p as Dict<string>, samples, (v) => stringBytes(v.length));
      }
      break;
    case OBJ_ZSET:
      if (o.enc === ENC_LISTPACK && typeof p === 'string') size += stringBytes(p.length);
      else if (o.enc === ENC_SKIPLIST && p !== null && typeof p === 'object') size += zsetSkiplistBytes(p, samples);
      break;
    case OBJ_STREAM:
      size += streamBytes(streamOf(o));
      break;
    default:
      break;
  }
  return Math.round(size);
}

/** The skiplist encoding: the list's columns (members included) and the member → id Dict. */
function zsetSkiplistBytes(p: object, samples: number): number {
  const z = p as { zsl?: { bytes?: number }; dict?: unknown };
  let size = SMALL_OBJECT_BYTES;
  if (z.zsl && typeof z.zsl.bytes === 'number') size += z.zsl.bytes;
  if (z.dict instanceof Dict) {
    const d = z.dict as Dict<number>;
    // Member strings are shared by the dict and the skiplist's columns: counted once, here.
    size += dictBytes(d.size) + dictContentBytes(d, samples, () => 0);
  }
  return size;
}

/** MEMORY USAGE: the value, the key string and its entry in the keyspace dict. */
export function keyUsage(key: string, o: RObject, samples = DEFAULT_SAMPLES): number {
  return objectSize(o, samples) + stringBytes(key.length) + DICT_ENTRY_BYTES;
}
