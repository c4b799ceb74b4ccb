/*
 * Dataset digests (DEBUG DIGEST, DEBUG DIGEST-VALUE), the same numbers Redis computes, so two
 * servers holding equal data agree on the digest whatever their internal encodings.
 *
 * Two SHA-1 based operations on a 20-byte accumulator:
 *   xor(d, data)   d ^= SHA1(data)                  order-insensitive (sets, hash fields, keys)
 *   mix(d, data)   d = SHA1(d ^ SHA1(data))         order-sensitive (list elements, streams)
 * A value's digest starts from mixing its type as a 4-byte big-endian integer; then strings mix
 * their bytes; lists mix each element in order; sets xor each member; sorted sets and hashes
 * xor, per element, a fresh accumulator into which the member/field and the score (printf
 * "%.17g") / value were mixed; streams mix "<ms>.<seq>" and each field and value in order; a
 * key with a TTL xors the constant "!!expire!!" (not the time). The dataset digest mixes each
 * non-empty database's id (4 bytes big endian), then xors per key the accumulator of
 * mix(key) + the value's digest. An empty dataset has the all-zero digest.
 * Cost: one SHA-1 of each element (two per pair), O(dataset bytes).
 */

import { createHash } from 'node:crypto';
import type { Db, Keyspace } from './db.js';
import { OBJ_HASH, OBJ_LIST, OBJ_SET, OBJ_STREAM, OBJ_STRING, OBJ_ZSET, type RObject } from './object.js';
import { stringValue } from './types/string.js';
import { listQuicklist } from './types/list.js';
import { setIterate } from './types/set.js';
import { zsetForEach } from './types/zset.js';
import { hashForEach } from './types/hash.js';
import { streamDigestParts, streamOf } from './types/stream.js';
import { formatDouble17g } from '../util/numbers.js';

type Digest = Buffer;

function sha1(data: string | Uint8Array): Buffer {
  const h = createHash('sha1');
  if (typeof data === 'string') h.update(data, 'latin1');
  else h.update(data);
  return h.digest();
}

function xorDigest(d: Digest, data: string | Uint8Array): void {
  const h = sha1(data);
  for (let i = 0; i < 20; i++) d[i] = (d[i] as number) ^ (h[i] as number);
}

function mixDigest(d: Digest, data: string | Uint8Array): void {
  xorDigest(d, data);
  sha1(d).copy(d, 0);
}

function be32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

/** xorObjectDigest: fold the value `o` (with its TTL presence) into `d`. */
export function xorObjectDigest(d: Digest, o: RObject, hasExpire: boolean): void {
  mixDigest(d, be32(o.type));
  switch (o.type) {
    case OBJ_STRING:
      mixDigest(d, stringValue(o));
      break;
    case OBJ_LIST:
      for (let n = listQuicklist(o).head; n !== null; n = n.next) for (const v of n.values()) mixDigest(d, v);
      break;
    case OBJ_SET:
      setIterate(o, (m) => xorDigest(d, m));
      break;
    case OBJ_ZSET:
      zsetForEach(o, (m, score) => {
        const e = Buffer.alloc(20);
        mixDigest(e, m);
        mixDigest(e, formatDouble17g(score));
        xorDigest(d, e);
      });
      break;
    case OBJ_HASH:
      hashForEach(o, (f, v) => {
        const e = Buffer.alloc(20);
        mixDigest(e, f);
        mixDigest(e, v);
        xorDigest(d, e);
      });
      break;
    case OBJ_STREAM:
      streamDigestParts(streamOf(o), (bytes) => mixDigest(d, bytes));
      break;
    default:
      break;
  }
  if (hasExpire) xorDigest(d, '!!expire!!');
}

/** DEBUG DIGEST-VALUE of one key (logically expired keys included), as 40 hex chars. */
export function valueDigest(db: Db, key: string): string {
  const d = Buffer.alloc(20);
  const o = db.dict.get(key);
  if (o !== undefined) xorObjectDigest(d, o, db.expires.get(key) !== undefined);
  return d.toString('hex');
}

/** computeDatasetDigest, as 40 hex chars. */
export function datasetDigest(ks: Keyspace): string {
  const final = Buffer.alloc(20);
  for (const db of ks.dbs) {
    if (db.size === 0) continue;
    mixDigest(final, be32(db.id));
    const expires = db.expires;
    db.dict.forEach((o, key) => {
      const d = Buffer.alloc(20);
      mixDigest(d, key);
      xorObjectDigest(d, o, expires.get(key) !== undefined);
      xorDigest(final, d);
    });
  }
  return final.toString('hex');
}
