/*
 * The 32-bit key hash of the dict index (ds/dict.ts), with a one-entry memo.
 *
 * The function: FNV-1a over the key's bytes (Math.imul), started from a per-process random
 * seed xor the length, finished with the murmur3 fmix32 so that the low bits (the bucket
 * index) depend on every input byte. Every byte of the key is hashed, however long the key:
 * hashing only a window of a long key (say its ends) would let keys of one length that differ
 * in the middle share one chain, making inserts quadratic, and the cost of hashing is linear
 * in the key anyway, like reading it from the socket. hashString over a latin1 string and
 * hashBytes over the same bytes in a Buffer give the same value.
 *
 * Why the memo: reading a string char by char from JavaScript costs about 30 instructions a
 * char in optimized code (charCodeAt dispatches on the string's representation every time),
 * so hashing a 16-char key costs about 500 instructions. A command usually looks its key up
 * several times in a row (the value dict, the TTL dict, then the write), so the last key hashed
 * is remembered: a repeat is an identity hit of `===`; a miss compares two strings (cheap
 * unless they have the same length) and hashes the chars. The RDB loader, which has each key's
 * bytes in the file buffer, hands their hash over (noteKeyBytes) before inserting the key:
 * the loop over a Buffer costs about 5 instructions a byte. (The request parser does not: the
 * extra work in its hot loop measured more than it saved, +330 instructions per SET.)
 */

import { randomBytes } from 'node:crypto';

const SEED = randomBytes(4).readInt32LE(0);
const FNV_PRIME = 0x01000193;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Signed 32-bit hash of a latin1 key. */
export function hashString(key: string): number {
  const n = key.length;
  let h = SEED ^ n;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), FNV_PRIME);
  return fmix(h);
}

/** hashString of the latin1 string of b[p, p + n). */
export function hashBytes(b: Buffer, p: number, n: number): number {
  let h = SEED ^ n;
  for (let i = p, e = p + n; i < e; i++) h = Math.imul(h ^ b[i]!, FNV_PRIME);
  return fmix(h);
}

/**
 * Keys longer than this are not memoized: the memo would keep a long key alive, and the
 * equality check of a miss against a long key of the same length is dear.
 */
const MEMO_MAX = 128;
let memoKey = '';
let memoHash = hashString('');

/** hashString(key), from the memo when key is (equal to) the last key hashed or noted. */
export function keyHash(key: string): number {
  if (key === memoKey) return memoHash;
  const h = hashString(key);
  if (key.length <= MEMO_MAX) {
    memoKey = key;
    memoHash = h;
  }
  return h;
}

/** Record that `key` (made from b[p, p + key.length)) hashes to hashBytes of those bytes. */
export function noteKeyBytes(key: string, b: Buffer, p: number): void {
  const n = key.length;
  if (n > MEMO_MAX) return;
  memoKey = key;
  memoHash = hashBytes(b, p, n);
}
