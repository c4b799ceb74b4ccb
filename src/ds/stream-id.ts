/*
 * Stream entry IDs: two unsigned 64-bit integers, milliseconds and sequence, ordered first by
 * milliseconds then by sequence.
 *
 * Representation. A JS number holds every integer up to 2^53 - 1 exactly, which covers every
 * realistic millisecond clock and sequence, but Redis accepts (and clients do send) parts up
 * to 2^64 - 1, e.g. `XADD s 1-18446744073709551615`. Each part is therefore a `U64`: a number
 * when the value is at most Number.MAX_SAFE_INTEGER and a bigint above it, never both for the
 * same value. That canonical form keeps the hot path on plain numbers, lets `===` decide
 * equality, and lets `<` / `>` compare mixed number/bigint operands correctly (JS compares
 * them by mathematical value). Arithmetic goes through the helpers below, which switch to
 * BigInt only when an operand or the result leaves the safe range.
 *
 * Sorting keys. Pending-entry lists are ordered maps keyed by ID; the key is the 16-char
 * latin1 string of the ID's big-endian bytes (Redis's streamEncodeID), whose string order is
 * exactly the ID order.
 *
 * Parsing follows Redis's string2ull: the strict signed grammar first (negative values are
 * rejected), then strtoull's laxer one (leading white space, a sign, leading zeros; a minus
 * sign negates modulo 2^64; overflow is an error).
 */

import { parseInt64 } from '../util/numbers.js';

/** An unsigned 64-bit integer: a number up to 2^53 - 1, a bigint above (canonical). */
export type U64 = number | bigint;

export interface StreamId {
  readonly ms: U64;
  readonly seq: U64;
}

export const U64_MAX = (1n << 64n) - 1n;
const SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const TWO32 = 4294967296;

export const ID_ZERO: StreamId = Object.freeze({ ms: 0, seq: 0 });
export const ID_MAX: StreamId = Object.freeze({ ms: U64_MAX, seq: U64_MAX });

/** The canonical U64 of a bigint in [0, 2^64). */
export function canonU64(b: bigint): U64 {
  return b <= SAFE_BIG ? Number(b) : b;
}

export function big(v: U64): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** a + b (the caller guarantees no overflow past 2^64 - 1 or handles wrap itself). */
export function u64Add(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (s <= Number.MAX_SAFE_INTEGER) return s;
  }
  return canonU64((big(a) + big(b)) & U64_MAX);
}

/** a - b for a >= b. */
export function u64Sub(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return canonU64(big(a) - big(b));
}

export function u64Inc(a: U64): U64 {
  if (typeof a === 'number' && a < Number.MAX_SAFE_INTEGER) return a + 1;
  return canonU64((big(a) + 1n) & U64_MAX);
}

export function u64Dec(a: U64): U64 {
  if (typeof a === 'number') return a - 1;
  return canonU64(a - 1n);
}

/** -1, 0, 1 like streamCompareID. */
export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms > b.ms ? 1 : -1;
  if (a.seq !== b.seq) return a.seq > b.seq ? 1 : -1;
  return 0;
}

export function compareParts(ams: U64, aseq: U64, bms: U64, bseq: U64): number {
  if (ams !== bms) return ams > bms ? 1 : -1;
  if (aseq !== bseq) return aseq > bseq ? 1 : -1;
  return 0;
}

export function idIsZero(id: StreamId): boolean {
  return id.ms === 0 && id.seq === 0;
}

export function idIsMax(id: StreamId): boolean {
  return id.ms === U64_MAX && id.seq === U64_MAX;
}

export function makeId(ms: U64, seq: U64): StreamId {
  return { ms, seq };
}

/** streamIncrID: the next ID, or null when `id` is the largest one (Redis wraps to 0-0). */
export function incrId(id: StreamId): StreamId | null {
  if (id.seq === U64_MAX) {
    if (id.ms === U64_MAX) return null;
    return { ms: u64Inc(id.ms), seq: 0 };
  }
  return { ms: id.ms, seq: u64Inc(id.seq) };
}

/** streamDecrID: the previous ID, or null when `id` is 0-0. */
export function decrId(id: StreamId): StreamId | null {
  if (id.seq === 0) {
    if (id.ms === 0) return null;
    return { ms: u64Dec(id.ms), seq: U64_MAX };
  }
  return { ms: id.ms, seq: u64Dec(id.seq) };
}

export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/* ---- sortable 16-char keys --------------------------------------------------------------- */

function put32(v: number): string {
  return String.fromCharCode((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
}

function u64Key(v: U64): string {
  if (typeof v === 'number') {
    return put32(Math.floor(v / TWO32)) + put32(v >>> 0);
  }
  return put32(Number(v >> 32n)) + put32(Number(v & 0xffffffffn));
}

/** streamEncodeID as a latin1 string: string order equals ID order. */
export function idKey(ms: U64, seq: U64): string {
  return u64Key(ms) + u64Key(seq);
}

function get32(k: string, at: number): number {
  return (
    ((k.charCodeAt(at) << 24) >>> 0) + (k.charCodeAt(at + 1) << 16) + (k.charCodeAt(at + 2) << 8) + k.charCodeAt(at + 3)
  );
}

function u64FromKey(k: string, at: number): U64 {
  const hi = get32(k, at);
  const lo = get32(k, at + 4);
  if (hi < 0x200000) return hi * TWO32 + lo;
  return canonU64((BigInt(hi) << 32n) | BigInt(lo));
}

/** streamDecodeID. */
export function idFromKey(k: string): StreamId {
  return { ms: u64FromKey(k, 0), seq: u64FromKey(k, 8) };
}

/* ---- parsing ----------------------------------------------------------------------------- */

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Redis's string2ull over a C string: strict signed parsing first (negative → invalid), then
 * strtoull semantics. Returns null when the text is not a valid unsigned 64-bit number.
 */
export function parseU64(s: string): U64 | null {
  const strict = parseInt64(s);
  if (strict !== null) {
    if (strict < 0) return null;
    return typeof strict === 'bigint' ? canonU64(strict) : strict;
  }
  const n = s.length;
  if (n === 0) return null;
  let i = 0;
  while (i < n && isCSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === 43 || c === 45) {
      neg = c === 45;
      i++;
    }
  }
  const start = i;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  if (i === start || i !== n) return null;
  let v = BigInt(s.slice(start, n));
  if (v > U64_MAX) return null;
  if (neg) v = (-v) & U64_MAX;
  return canonU64(v);
}

/* ---- int64 view of a wrapped difference (listpack integer sizes) ------------------------- */

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** (a - b) mod 2^64 read as a signed 64-bit integer (what Redis stores as a delta). */
export function wrappedDelta(a: U64, b: U64): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  let d = (big(a) - big(b)) & U64_MAX;
  if (d > I64_MAX) d -= 1n << 64n;
  return d >= -SAFE_BIG && d <= SAFE_BIG ? Number(d) : d;
}

export { I64_MIN, I64_MAX };
