/*
 * Listpack: the compact encoding of small hashes and small sorted sets.
 *
 * What it is: a whole sequence of entries packed into ONE latin1 JS string,
 * the way Redis packs a listpack into one allocation. A hash stores
 * field, value, field, value...; a sorted set stores member, score,
 * member, score... in score order.
 *
 * Why a single string: memory is the point of the compact encodings. A JS
 * array of strings costs about 8 bytes of slot plus a 16-byte string header
 * (rounded to 8 bytes) per entry, 64 bytes for a pair of short strings; packed
 * into one string the same pair costs its bytes plus one length byte each
 * (about 16 bytes for "field1"/"value1"), and the whole listpack has a single
 * 16-byte header. Strings are also immutable and shared freely, so a COPY is
 * free, and V8 keeps one-byte strings one byte per char.
 *
 * Layout (every "byte" is one latin1 char, 0..255):
 *
 *   <count varint> <entry> <entry> ...
 *
 *   varint: base-128, least significant group first, high bit = "more".
 *   entry:  <h varint> <payload>
 *     h even      a string of h/2 bytes follows
 *     h == 1      a number stored as a float64: 8 bytes, little endian
 *     h == 3      an integral number in int32 range: zigzag varint follows
 *
 * `count` is the number of entries (not pairs). Entries are addressed by
 * their char offset ("position", p) in the string; -1 means "no entry".
 * Positions are valid only for the listpack string they were taken from:
 * every edit returns a new string (as Redis's pointers die on realloc).
 *
 * Complexity: lookups and seeks are linear scans, O(n) in bytes; edits build
 * a new string, O(n) (Redis memmoves the tail: same order). The structure is
 * only used below small thresholds (hash-max-listpack-entries, ...), where a
 * scan over a few KB of contiguous chars beats any pointer structure.
 *
 * V8 note: an edit is a concatenation, which V8 represents lazily as a
 * "cons string" tree holding the old pieces; reading one char flattens it
 * into one contiguous string, and the garbage collector then drops the
 * wrapper. Each edit flattens its result at once (flat()) so a stored
 * listpack never keeps the previous version alive. Substrings of 13+ chars
 * are V8 "sliced strings" that keep their parent alive: values that outlive
 * the listpack (conversion to a dict) are taken with lpGetDetached().
 *
 * API (all functions are pure; a Listpack is a plain string):
 *   LP_EMPTY                        the empty listpack
 *   lpLength(lp)                    number of entries, O(1)
 *   lpBytes(lp)                     size in bytes (chars)
 *   lpFirst(lp) / lpNext(lp, p)     iterate positions; -1 at the end
 *   lpSeek(lp, index)               position of entry `index` (negative: from
 *                                   the end), -1 when out of range
 *   lpPositions(lp)                 positions of all entries, in order (for
 *                                   backward walks and random access)
 *   lpIsNumber(lp, p)               true for a number entry
 *   lpGet(lp, p)                    entry as a string (numbers: d2string text)
 *   lpGetDetached(lp, p)            same, never a slice of lp (for long-lived use)
 *   lpGetNumber(lp, p)              entry as a number (string entries: parsed
 *                                   as a double, NaN when not a number)
 *   lpStrlen(lp, p)                 length of lpGet(lp, p) without building it
 *   lpEquals(lp, p, s)              entry text === s
 *   lpCompare(lp, p, s)             byte-wise order of entry text vs s: <0, 0, >0
 *   lpFind(lp, s, skip, from?)      first entry equal to s, comparing one entry
 *                                   and skipping `skip` (1 = pairs' keys only)
 *   lpAppend(lp, a, b?)             append one or two entries
 *   lpInsert(lp, p, a, b?)          insert one or two entries before position p
 *                                   (p = -1 appends)
 *   lpReplace(lp, p, v)             replace the entry at p
 *   lpDelete(lp, p, n)              delete n entries starting at position p
 *   lpDeleteRange(lp, index, n)     delete n entries starting at entry `index`
 *   lpFromValues(values)            build from an array of entries
 *   lpValues(lp)                    all entries as strings
 *   lpSafeToAdd(lp, bytes)          whether `bytes` more would stay under the
 *                                   size limit (Redis's lpSafeToAdd, 1 GB, and
 *                                   below V8's string length limit)
 *   lpWriteVarint(b, p, v)          write listpack bytes into a byte buffer
 *   lpWriteNumber(b, p, v)          (varint; a number entry), for builders that
 *   lpVarintLen(v)                  work on bytes; the varint's size in bytes
 */

import { d2string, string2d } from '../util/numbers.js';

export type Listpack = string;
/** An entry's value: a latin1 string, or a number (scores). */
export type LpValue = string | number;

export const LP_EMPTY: Listpack = '\x00';

/** Redis's LISTPACK_MAX_SAFETY_SIZE, capped below V8's maximum string length (2^29 - 24). */
export const LP_MAX_SAFE_BYTES = Math.min(1 << 30, (1 << 29) - 1024);

/** Entry headers of the two number forms. */
const H_FLOAT = 1;
const H_INT = 3;

/** One-char strings for every byte value. */
const CHR: string[] = [];
for (let i = 0; i < 256; i++) CHR.push(String.fromCharCode(i));

const f64 = new Float64Array(1);
const u8 = new Uint8Array(f64.buffer);

/** Force a (possibly cons) string into one flat string and return it. */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

function varint(v: number): string {
  if (v < 128) return CHR[v] as string;
  let out = '';
  while (v >= 128) {
    out += CHR[(v % 128) + 128];
    v = Math.floor(v / 128);
  }
  return out + CHR[v];
}

/** Bytes of the varint of v. */
export function lpVarintLen(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Decoded varint and the position after it (module-level to avoid allocating). */
let vval = 0;
function readVarint(lp: string, p: number): number {
  let c = lp.charCodeAt(p++);
  if (c < 128) {
    vval = c;
    return p;
  }
  let v = c & 127;
  let mul = 128;
  do {
    c = lp.charCodeAt(p++);
    v += (c & 127) * mul;
    mul *= 128;
  } while (c >= 128);
  vval = v;
  return p;
}

/** Encode one entry (header + payload). */
function encodeEntry(v: LpValue): string {
  if (typeof v === 'string') return varint(v.length * 2) + v;
  const z = int32Zigzag(v);
  if (z >= 0) return CHR[H_INT] + varint(z);
  f64[0] = v;
  return (
    CHR[H_FLOAT] +
    String.fromCharCode(u8[0] as number, u8[1] as number, u8[2] as number, u8[3] as number,
      u8[4] as number, u8[5] as number, u8[6] as number, u8[7] as number)
  );
}

/**
 * A number stored in the int32 form: its zigzag value; -1 when it takes the float64 form
 * (fractions, -0, beyond int32).
 */
function int32Zigzag(v: number): number {
  if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647 || Object.is(v, -0)) return -1;
  return ((v << 1) ^ (v >> 31)) >>> 0;
}

/*
 * Writers into a byte buffer, for code that builds listpack bytes directly (the RDB bulk
 * loader's translation, persistence/rdb/listpack-convert.ts): the same bytes as the string
 * encoders above, one byte per char. The caller makes room first.
 */

/** Write the varint of v (>= 0) at b[p...]; returns the position after it. */
export function lpWriteVarint(b: Uint8Array, p: number, v: number): number {
  while (v >= 128) {
    b[p++] = (v % 128) + 128;
    v = Math.floor(v / 128);
  }
  b[p++] = v;
  return p;
}

/** Write a number entry (header + payload, as encodeEntry) at b[p...]; returns the position after it. */
export function lpWriteNumber(b: Uint8Array, p: number, v: number): number {
  const z = int32Zigzag(v);
  if (z >= 0) {
    b[p++] = H_INT;
    return lpWriteVarint(b, p, z);
  }
  b[p++] = H_FLOAT;
  f64[0] = v;
  for (let i = 0; i < 8; i++) b[p + i] = u8[i] as number;
  return p + 8;
}

/** Position right after the entry at p. */
function skipEntry(lp: string, p: number): number {
  let h = lp.charCodeAt(p++);
  if (h >= 128) {
    p = readVarint(lp, p - 1);
    h = vval;
  }
  if ((h & 1) === 0) return p + (h >>> 1);
  if (h === H_FLOAT) return p + 8;
  while (lp.charCodeAt(p++) >= 128);
  return p;
}

/** Number of entries. O(1). */
export function lpLength(lp: Listpack): number {
  const c = lp.charCodeAt(0);
  if (c < 128) return c;
  readVarint(lp, 0);
  return vval;
}

export function lpBytes(lp: Listpack): number {
  return lp.length;
}

function headerEnd(lp: string): number {
  return lp.charCodeAt(0) < 128 ? 1 : readVarint(lp, 0);
}

export function lpFirst(lp: Listpack): number {
  const p = headerEnd(lp);
  return p < lp.length ? p : -1;
}

export function lpNext(lp: Listpack, p: number): number {
  const q = skipEntry(lp, p);
  return q < lp.length ? q : -1;
}

/** Position of entry `index` (negative counts from the end: -1 is the last), or -1. */
export function lpSeek(lp: Listpack, index: number): number {
  const n = lpLength(lp);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return -1;
  let p = headerEnd(lp);
  for (let i = 0; i < index; i++) p = skipEntry(lp, p);
  return p;
}

/** Positions of every entry, in order. */
export function lpPositions(lp: Listpack): number[] {
  const out: number[] = [];
  const end = lp.length;
  for (let p = headerEnd(lp); p < end; p = skipEntry(lp, p)) out.push(p);
  return out;
}

export function lpIsNumber(lp: Listpack, p: number): boolean {
  return (lp.charCodeAt(p) & 1) === 1;
}

function readFloat(lp: string, p: number): number {
  for (let i = 0; i < 8; i++) u8[i] = lp.charCodeAt(p + i);
  return f64[0] as number;
}

function readInt(lp: string, p: number): number {
  readVarint(lp, p);
  const z = vval;
  // zigzag decode of an unsigned 32-bit value
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** The number in a number entry whose header byte is h and payload starts at p. */
function numberAt(lp: string, h: number, p: number): number {
  return h === H_FLOAT ? readFloat(lp, p) : readInt(lp, p);
}

/** The entry as a string (number entries give their d2string text). */
export function lpGet(lp: Listpack, p: number): string {
  let h = lp.charCodeAt(p++);
  if (h >= 128) {
    p = readVarint(lp, p - 1);
    h = vval;
  }
  if ((h & 1) === 0) return lp.slice(p, p + (h >>> 1));
  return d2string(numberAt(lp, h, p));
}

/**
 * The entry as a string that does not reference `lp` (V8 keeps the parent of a substring of
 * 13+ chars alive): for values stored beyond the listpack's life.
 */
export function lpGetDetached(lp: Listpack, p: number): string {
  let h = lp.charCodeAt(p++);
  if (h >= 128) {
    p = readVarint(lp, p - 1);
    h = vval;
  }
  if ((h & 1) === 0) {
    const len = h >>> 1;
    if (len < 13) return lp.slice(p, p + len);
    const mid = p + (len >>> 1);
    // Two slices concatenated and flattened: a fresh string; the slices become garbage.
    return flat(lp.slice(p, mid) + lp.slice(mid, p + len));
  }
  return d2string(numberAt(lp, h, p));
}

/** The entry as a number: number entries exactly, string entries parsed (NaN if invalid). */
export function lpGetNumber(lp: Listpack, p: number): number {
  let h = lp.charCodeAt(p++);
  if (h >= 128) {
    p = readVarint(lp, p - 1);
    h = vval;
  }
  if ((h & 1) === 1) return numberAt(lp, h, p);
  const v = string2d(lp.slice(p, p + (h >>> 1)));
  return v === null ? NaN : v;
}

/** The entry's value as stored: a string or a number. */
export function lpGetValue(lp: Listpack, p: number): LpValue {
  let h = lp.charCodeAt(p++);
  if (h >= 128) {
    p = readVarint(lp, p - 1);
    h = vval;
  }
  if ((h & 1) === 0) return lp.slice(p, p + (h >>> 1));
  return numberAt(lp, h, p);
}

/** Length of lpGet(lp, p). */
export function lpStrlen(lp: Listpack, p: number): number {
  let h = lp.charCodeAt(p++);
  if (h >= 128) {
    p = readVarint(lp, p - 1);
    h = vval;
  }
  if ((h & 1) === 0) return h >>> 1;
  return d2string(numberAt(lp, h, p)).length;
}

/** True when the entry's text equals s. */
export function lpEquals(lp: Listpack, p: number, s: string): boolean {
  let h = lp.charCodeAt(p++);
  if (h >= 128) {
    p = readVarint(lp, p - 1);
    h = vval;
  }
  if ((h & 1) === 1) return d2string(numberAt(lp, h, p)) === s;
  return (h >>> 1) === s.length && lp.startsWith(s, p);
}

/** Byte-wise comparison (memcmp, then length) of the entry's text with s: <0, 0 or >0. */
export function lpCompare(lp: Listpack, p: number, s: string): number {
  let h = lp.charCodeAt(p++);
  if (h >= 128) {
    p = readVarint(lp, p - 1);
    h = vval;
  }
  if ((h & 1) === 1) {
    const t = d2string(numberAt(lp, h, p));
    return t < s ? -1 : t > s ? 1 : 0;
  }
  const len = h >>> 1;
  const n = len < s.length ? len : s.length;
  for (let i = 0; i < n; i++) {
    const d = lp.charCodeAt(p + i) - s.charCodeAt(i);
    if (d !== 0) return d;
  }
  return len - s.length;
}

/**
 * Position of the first entry whose text equals s, or -1. Compares one entry, then skips
 * `skip` entries (skip = 1 looks only at the keys of field/value pairs). `from` is the
 * position to start at (default: the first entry).
 */
export function lpFind(lp: Listpack, s: string, skip = 0, from = -1): number {
  const p0 = from < 0 ? headerEnd(lp) : from;
  if (skip === 1) return findKey(lp, s, p0);
  const end = lp.length;
  let p = p0;
  let left = 0;
  while (p < end) {
    const start = p;
    let h = lp.charCodeAt(p++);
    if (h >= 128) {
      p = readVarint(lp, p - 1);
      h = vval;
    }
    if (left === 0) {
      if (entryIs(lp, h, p, s)) return start;
      left = skip;
    } else {
      left--;
    }
    p = (h & 1) === 0 ? p + (h >>> 1) : skipEntry(lp, start);
  }
  return -1;
}

/** Does the entry with header h and payload at p have the text s? */
function entryIs(lp: string, h: number, p: number, s: string): boolean {
  if ((h & 1) === 1) return d2string(numberAt(lp, h, p)) === s;
  const len = h >>> 1;
  // The last char first: a cheap filter before sameText's substring.
  return len === s.length && (len === 0 || lp.charCodeAt(p + len - 1) === s.charCodeAt(len - 1)) && sameText(lp, p, s);
}

/**
 * The chars of lp from p equal s (same length checked by the caller). Compared from the end:
 * keys often share a prefix ("field:1", "field:2"...) but rarely a suffix. A few chars go
 * through a JS loop; longer ones through one substring and a native comparison, since every
 * charCodeAt on a listpack fresh from an edit (a flattened concatenation) unwraps it again:
 * for a 20-char field the loop cost 700 more instructions per lookup (perf stat).
 */
function sameText(lp: string, p: number, s: string): boolean {
  const n = s.length;
  if (n < 8) {
    let i = n - 1;
    while (i >= 0 && lp.charCodeAt(p + i) === s.charCodeAt(i)) i--;
    return i < 0;
  }
  return lp.substring(p, p + n) === s;
}

/** lpFind(lp, s, 1) from position p: the hot loop of hash and zset lookups, one pair per turn. */
function findKey(lp: string, s: string, p: number): number {
  const end = lp.length;
  const slen = s.length;
  const last = slen > 0 ? s.charCodeAt(slen - 1) : -1;
  while (p < end) {
    const start = p;
    let h = lp.charCodeAt(p++);
    if (h >= 128) {
      p = readVarint(lp, p - 1);
      h = vval;
    }
    if ((h & 1) === 0) {
      const len = h >>> 1;
      if (len === slen && (len === 0 || lp.charCodeAt(p + len - 1) === last) && sameText(lp, p, s)) {
        return start;
      }
      p += len;
    } else {
      if (d2string(numberAt(lp, h, p)) === s) return start;
      p = skipEntry(lp, start);
    }
    if (p >= end) break;
    // the value (or score) entry
    h = lp.charCodeAt(p);
    if (h < 128 && (h & 1) === 0) p += 1 + (h >>> 1);
    else p = skipEntry(lp, p);
  }
  return -1;
}

function withCount(lp: string, delta: number): { head: string; body: number } {
  const n = lpLength(lp);
  return { head: varint(n + delta), body: headerEnd(lp) };
}

/** Append one or two entries. */
export function lpAppend(lp: Listpack, a: LpValue, b?: LpValue): Listpack {
  const k = b === undefined ? 1 : 2;
  const n = lpLength(lp);
  const hdr = n < 128 ? 1 : lpVarintLen(n);
  let out = varint(n + k) + (hdr === lp.length ? '' : lp.slice(hdr)) + encodeEntry(a);
  if (b !== undefined) out += encodeEntry(b);
  return flat(out);
}

/** Insert one or two entries before the entry at position p (p = -1: append). */
export function lpInsert(lp: Listpack, p: number, a: LpValue, b?: LpValue): Listpack {
  if (p < 0 || p >= lp.length) return lpAppend(lp, a, b);
  const { head, body } = withCount(lp, b === undefined ? 1 : 2);
  let mid = encodeEntry(a);
  if (b !== undefined) mid += encodeEntry(b);
  return flat(head + lp.slice(body, p) + mid + lp.slice(p));
}

/** Replace the entry at position p with v. */
export function lpReplace(lp: Listpack, p: number, v: LpValue): Listpack {
  const q = skipEntry(lp, p);
  return flat(lp.slice(0, p) + encodeEntry(v) + lp.slice(q));
}

/** Delete `count` entries starting at position p (fewer if the listpack ends first). */
export function lpDelete(lp: Listpack, p: number, count: number): Listpack {
  if (count <= 0 || p < 0) return lp;
  const end = lp.length;
  let q = p;
  let k = 0;
  while (k < count && q < end) {
    q = skipEntry(lp, q);
    k++;
  }
  const { head, body } = withCount(lp, -k);
  return flat(head + lp.slice(body, p) + lp.slice(q));
}

/** Delete `count` entries starting at entry `index` (negative: from the end). */
export function lpDeleteRange(lp: Listpack, index: number, count: number): Listpack {
  const p = lpSeek(lp, index);
  return p < 0 ? lp : lpDelete(lp, p, count);
}

/** Build a listpack from entries. */
export function lpFromValues(values: readonly LpValue[]): Listpack {
  let out = varint(values.length);
  for (const v of values) out += encodeEntry(v);
  return flat(out);
}

/** Every entry as a string (lpGet), in order. */
export function lpValues(lp: Listpack): string[] {
  const out: string[] = [];
  const end = lp.length;
  for (let p = headerEnd(lp); p < end; p = skipEntry(lp, p)) out.push(lpGet(lp, p));
  return out;
}

/** Would adding `add` bytes keep the listpack under the safety limit? */
export function lpSafeToAdd(lp: Listpack | null, add: number): boolean {
  const len = lp === null ? 0 : lp.length;
  return len + add <= LP_MAX_SAFE_BYTES;
}
