/*
 * HyperLogLog registers in Redis 7.0's exact byte representation.
 *
 * A HyperLogLog estimates the number of distinct elements of a multiset in a fixed amount of
 * memory. Each element is hashed to 64 bits (MurmurHash64A, seed 0xadc83b19, as Redis does):
 * the low 14 bits choose one of 16384 registers, and the position of the first 1 bit in the
 * remaining 50 bits (1 + number of trailing zeros, at most 51) is the element's "rank". A
 * register keeps the largest rank it has seen. The cardinality is estimated from the
 * histogram of register values with Otmar Ertl's improved raw estimator ("New cardinality
 * estimation algorithms for HyperLogLog sketches", arXiv:1702.01284), which needs no bias
 * tables or range corrections: z = m*tau(1 - C[q+1]/m), then for k = q..1 z = (z + C[k]) / 2,
 * then z += m*sigma(C[0]/m), and the estimate is round(alpha_inf * m^2 / z). The standard
 * error with m = 16384 registers is about 1.04/sqrt(m) = 0.81%.
 *
 * The value is an ordinary string, so GET/SET/DUMP/RESTORE move it between servers. Layout:
 *   bytes 0..3   "HYLL"
 *   byte  4      encoding: 0 dense, 1 sparse
 *   bytes 5..7   zero (reserved)
 *   bytes 8..15  cached cardinality, little endian; the top bit of byte 15 set = cache stale
 *   bytes 16..   registers
 * Dense: 16384 registers of 6 bits packed LSB first (register i starts at bit 6i), 12288
 * bytes, 12304 in total. Sparse: a run-length code of opcodes that together cover exactly
 * 16384 registers:
 *   ZERO   00xxxxxx             1..64 registers at 0
 *   XZERO  01xxxxxx yyyyyyyy    1..16384 registers at 0 (14-bit length - 1)
 *   VAL    1vvvvvxx             1..4 registers at value 1..32
 * A new HLL is sparse (one XZERO: 18 bytes). It becomes dense when a register needs a value
 * above 32, or when an edit would make the sparse string longer than hll-sparse-max-bytes.
 *
 * Invariants kept identical to Redis so the bytes match after the same operations: the
 * sparse editor splits the opcode covering the register into at most three opcodes (XZERO is
 * used for zero runs longer than 64), then merges adjacent VAL opcodes of equal value within a
 * window of five opcodes starting at the previous one; every change marks the cache stale.
 * Readers never trust a sparse string: every walk checks that the opcodes cover exactly 16384
 * registers and reports corruption instead of reading outside the value. A run that reaches
 * past register 16383 is corruption wherever it appears, trailing opcodes included: this is
 * the behaviour of the reference build (Debian's 7.0.15 carries the CVE-2025-32023 fix, which
 * rejects such values in the merge and sparse-to-dense walks where the original 7.0.15 code
 * stopped at the overflowing VAL and accepted what it had read so far).
 *
 * Complexity: add O(1) dense, O(sparse length) sparse (bounded by hll-sparse-max-bytes);
 * count O(16384); merge O(16384). The 64-bit hash is computed on 32-bit halves with exact
 * 16-bit partial products (no BigInt on the hot path): about 10 million 16-byte elements per
 * second, roughly 10x the same arithmetic on BigInt (bench/hll-error.mjs measures both).
 *
 * Values being edited are Sds (a Buffer plus a length). Redis's C code may read one byte past
 * the end of a value (the SDS terminator, always 0); here reads past the length either hit
 * the zeroed spare capacity (this file zeroes the byte after the length whenever it shrinks a
 * value) or fall outside the Buffer, where a typed array read gives `undefined`, which the
 * bitwise operators treat as 0. Either way the result is Redis's.
 */

import { Sds } from './sds.js';

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
export const HLL_BITS = 6;
export const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;

export const HLL_SPARSE_VAL_MAX_VALUE = 32;
export const HLL_SPARSE_VAL_MAX_LEN = 4;
export const HLL_SPARSE_ZERO_MAX_LEN = 64;
export const HLL_SPARSE_XZERO_MAX_LEN = 16384;

/** The seed Redis hashes HLL elements with. */
export const HLL_HASH_SEED = 0xadc83b19;

const HLL_ALPHA_INF = 0.72134752044448170368; // 0.5 / ln(2)

/** Offset of the byte holding the cache-validity bit (card[7]). */
const CARD_MSB = 15;

/* ---- MurmurHash64A on 32-bit halves --------------------------------------------------------- */

const MH = 0xc6a4a793;
const ML = 0x5bd1e995;
const ML0 = ML & 0xffff;
const ML1 = ML >>> 16;

// Result registers of mulM() and hash*(): module state avoids allocating a pair per call.
let rh = 0;
let rl = 0;

/** (xh:xl) * m mod 2^64 into (rh:rl). */
function mulM(xh: number, xl: number): void {
  const a0 = xl & 0xffff;
  const a1 = xl >>> 16;
  const p01 = a0 * ML1;
  const p10 = a1 * ML0;
  const mid = ((a0 * ML0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = a1 * ML1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  rl = Math.imul(xl, ML);
  rh = (carry + Math.imul(xh, ML) + Math.imul(xl, MH)) | 0;
}

/** MurmurHash64A of a latin1 string into (rh:rl). */
function hashString(key: string, seed: number): void {
  const len = key.length;
  mulM(0, len);
  let hh = rh;
  let hl = rl ^ seed;
  const blocks = len - (len & 7);
  let i = 0;
  for (; i < blocks; i += 8) {
    const kl =
      key.charCodeAt(i) | (key.charCodeAt(i + 1) << 8) | (key.charCodeAt(i + 2) << 16) | (key.charCodeAt(i + 3) << 24);
    const kh =
      key.charCodeAt(i + 4) | (key.charCodeAt(i + 5) << 8) | (key.charCodeAt(i + 6) << 16) | (key.charCodeAt(i + 7) << 24);
    mulM(kh, kl);
    mulM(rh, rl ^ (rh >>> 15));
    mulM(hh ^ rh, hl ^ rl);
    hh = rh;
    hl = rl;
  }
  const rem = len & 7;
  if (rem !== 0) {
    if (rem >= 7) hh ^= key.charCodeAt(i + 6) << 16;
    if (rem >= 6) hh ^= key.charCodeAt(i + 5) << 8;
    if (rem >= 5) hh ^= key.charCodeAt(i + 4);
    if (rem >= 4) hl ^= key.charCodeAt(i + 3) << 24;
    if (rem >= 3) hl ^= key.charCodeAt(i + 2) << 16;
    if (rem >= 2) hl ^= key.charCodeAt(i + 1) << 8;
    hl ^= key.charCodeAt(i);
    mulM(hh, hl);
    hh = rh;
    hl = rl;
  }
  mulM(hh, hl ^ (hh >>> 15));
  rl = rl ^ (rh >>> 15);
}

/** MurmurHash64A of bytes into (rh:rl). */
function hashBytes(key: Uint8Array, seed: number): void {
  const len = key.length;
  mulM(0, len);
  let hh = rh;
  let hl = rl ^ seed;
  const blocks = len - (len & 7);
  let i = 0;
  for (; i < blocks; i += 8) {
    const kl = key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24);
    const kh = key[i + 4]! | (key[i + 5]! << 8) | (key[i + 6]! << 16) | (key[i + 7]! << 24);
    mulM(kh, kl);
    mulM(rh, rl ^ (rh >>> 15));
    mulM(hh ^ rh, hl ^ rl);
    hh = rh;
    hl = rl;
  }
  const rem = len & 7;
  if (rem !== 0) {
    if (rem >= 7) hh ^= key[i + 6]! << 16;
    if (rem >= 6) hh ^= key[i + 5]! << 8;
    if (rem >= 5) hh ^= key[i + 4]!;
    if (rem >= 4) hl ^= key[i + 3]! << 24;
    if (rem >= 3) hl ^= key[i + 2]! << 16;
    if (rem >= 2) hl ^= key[i + 1]! << 8;
    hl ^= key[i]!;
    mulM(hh, hl);
    hh = rh;
    hl = rl;
  }
  mulM(hh, hl ^ (hh >>> 15));
  rl = rl ^ (rh >>> 15);
}

/** MurmurHash64A (Redis's endian-neutral variant) as an unsigned 64-bit BigInt. */
export function murmurHash64A(key: string | Uint8Array, seed: number): bigint {
  if (typeof key === 'string') hashString(key, seed >>> 0);
  else hashBytes(key, seed >>> 0);
  return (BigInt(rh >>> 0) << 32n) | BigInt(rl >>> 0);
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * hllPatLen: the register an element maps to and its rank (1..51), packed as
 * `index * 64 + rank`.
 */
export function hllPatLen(ele: string | Uint8Array): number {
  if (typeof ele === 'string') hashString(ele, HLL_HASH_SEED);
  else hashBytes(ele, HLL_HASH_SEED);
  const index = rl & (HLL_REGISTERS - 1);
  const rest = rl >>> HLL_P;
  let count: number;
  if (rest !== 0) count = ctz32(rest) + 1;
  else if (rh !== 0) count = 32 - HLL_P + ctz32(rh) + 1;
  else count = HLL_Q + 1;
  return index * 64 + count;
}

/* ---- Dense registers -------------------------------------------------------------------------- */

/** Register `reg` of the dense array starting at `off`. */
export function denseGet(b: Uint8Array, off: number, reg: number): number {
  const bit = reg * HLL_BITS;
  const pos = off + (bit >>> 3);
  const fb = bit & 7;
  // The byte after the last one may be outside `b`: `undefined` shifts as 0, as the SDS
  // terminator Redis reads there.
  return ((b[pos]! >> fb) | (b[pos + 1]! << (8 - fb))) & HLL_REGISTER_MAX;
}

/** Set register `reg` of the dense array starting at `off` to `v` (0..63). */
export function denseSet(b: Uint8Array, off: number, reg: number, v: number): void {
  const bit = reg * HLL_BITS;
  const pos = off + (bit >>> 3);
  const fb = bit & 7;
  const fb8 = 8 - fb;
  b[pos] = (b[pos]! & ~(HLL_REGISTER_MAX << fb)) | (v << fb);
  // Writes past the end of a typed array are ignored (the last register's upper part is empty).
  b[pos + 1] = (b[pos + 1]! & ~(HLL_REGISTER_MAX >> fb8)) | (v >> fb8);
}

/** hllDenseSet: raise a register to `count`; 1 if it changed. */
function denseRaise(b: Uint8Array, reg: number, count: number): number {
  if (count > denseGet(b, HLL_HDR_SIZE, reg)) {
    denseSet(b, HLL_HDR_SIZE, reg, count);
    return 1;
  }
  return 0;
}

/** Histogram of the 16384 dense registers at `off` added into `h`. */
function denseHisto(b: Uint8Array, off: number, h: Float64Array): void {
  let r = off;
  for (let j = 0; j < 1024; j++, r += 12) {
    const b0 = b[r]!, b1 = b[r + 1]!, b2 = b[r + 2]!, b3 = b[r + 3]!;
    const b4 = b[r + 4]!, b5 = b[r + 5]!, b6 = b[r + 6]!, b7 = b[r + 7]!;
    const b8 = b[r + 8]!, b9 = b[r + 9]!, b10 = b[r + 10]!, b11 = b[r + 11]!;
    h[b0 & 63]!++;
    h[((b0 >> 6) | (b1 << 2)) & 63]!++;
    h[((b1 >> 4) | (b2 << 4)) & 63]!++;
    h[(b2 >> 2) & 63]!++;
    h[b3 & 63]!++;
    h[((b3 >> 6) | (b4 << 2)) & 63]!++;
    h[((b4 >> 4) | (b5 << 4)) & 63]!++;
    h[(b5 >> 2) & 63]!++;
    h[b6 & 63]!++;
    h[((b6 >> 6) | (b7 << 2)) & 63]!++;
    h[((b7 >> 4) | (b8 << 4)) & 63]!++;
    h[(b8 >> 2) & 63]!++;
    h[b9 & 63]!++;
    h[((b9 >> 6) | (b10 << 2)) & 63]!++;
    h[((b10 >> 4) | (b11 << 4)) & 63]!++;
    h[(b11 >> 2) & 63]!++;
  }
}

/* ---- Sparse opcodes --------------------------------------------------------------------------- */

const isZero = (op: number): boolean => (op & 0xc0) === 0;
const isXZero = (op: number): boolean => (op & 0xc0) === 0x40;
const isVal = (op: number): boolean => (op & 0x80) !== 0;
const zeroLen = (op: number): number => (op & 0x3f) + 1;
const xzeroLen = (op: number, next: number): number => (((op & 0x3f) << 8) | next) + 1;
const valValue = (op: number): number => ((op >> 2) & 0x1f) + 1;
const valLen = (op: number): number => (op & 3) + 1;
const valOp = (val: number, len: number): number => (((val - 1) << 2) | (len - 1)) | 0x80;

/** Set an Sds's length, zeroing the byte after it (the SDS terminator Redis keeps there). */
function setLen(s: Sds, n: number): void {
  s.len = n;
  if (n < s.buf.length) s.buf[n] = 0;
}

/* ---- Values ----------------------------------------------------------------------------------- */

/** createHLLObject's bytes: an empty sparse HLL (one XZERO opcode), 18 bytes, cache valid. */
export function createHll(): Sds {
  const s = new Sds('', HLL_HDR_SIZE + 2);
  s.growZero(HLL_HDR_SIZE + 2);
  const b = s.buf;
  b[0] = 0x48; // H
  b[1] = 0x59; // Y
  b[2] = 0x4c; // L
  b[3] = 0x4c; // L
  b[4] = HLL_SPARSE;
  const l = HLL_SPARSE_XZERO_MAX_LEN - 1;
  b[HLL_HDR_SIZE] = (l >> 8) | 0x40;
  b[HLL_HDR_SIZE + 1] = l & 0xff;
  return s;
}

/**
 * isHLLObjectOrReply's structural checks on a string value: at least a header, the magic,
 * a known encoding, and the exact size when dense. Sparse opcodes are checked when walked.
 */
export function isHllValue(b: Uint8Array, len: number): boolean {
  if (len < HLL_HDR_SIZE) return false;
  if (b[0] !== 0x48 || b[1] !== 0x59 || b[2] !== 0x4c || b[3] !== 0x4c) return false;
  const enc = b[4]!;
  if (enc > HLL_SPARSE) return false;
  return enc !== HLL_DENSE || len === HLL_DENSE_SIZE;
}

export function hllEncoding(b: Uint8Array): number {
  return b[4]!;
}

/** The cached cardinality, or null when the cache is stale. */
export function hllCachedCard(b: Uint8Array): number | bigint | null {
  if ((b[CARD_MSB]! & 0x80) !== 0) return null;
  const lo = (b[8]! | (b[9]! << 8) | (b[10]! << 16) | (b[11]! << 24)) >>> 0;
  const hi = (b[12]! | (b[13]! << 8) | (b[14]! << 16) | (b[15]! << 24)) >>> 0;
  if (hi < 0x200000) return hi * 0x100000000 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Store a freshly computed cardinality in the cache (valid). */
export function hllSetCachedCard(b: Uint8Array, card: number): void {
  let v = card;
  for (let i = 8; i < 16; i++) {
    b[i] = v % 256;
    v = Math.floor(v / 256);
  }
}

export function hllInvalidateCache(b: Uint8Array): void {
  b[CARD_MSB] = b[CARD_MSB]! | 0x80;
}

/**
 * hllSparseToDense: rewrite a sparse value as dense in place (keeping the header, cache
 * included). False when the opcodes do not cover exactly 16384 registers (corrupt value);
 * the value is then unchanged. A dense value is left as is.
 */
export function hllSparseToDense(s: Sds): boolean {
  const src = s.buf;
  if (src[4] === HLL_DENSE) return true;
  const dense = Buffer.alloc(HLL_DENSE_SIZE);
  src.copy(dense, 0, 0, HLL_HDR_SIZE);
  dense[4] = HLL_DENSE;
  const end = s.len;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = src[p]!;
    if (isZero(op)) {
      idx += zeroLen(op);
      p++;
    } else if (isXZero(op)) {
      idx += xzeroLen(op, src[p + 1]!);
      p += 2;
    } else {
      let runlen = valLen(op);
      const v = valValue(op);
      if (runlen + idx > HLL_REGISTERS) return false;
      while (runlen-- > 0) denseSet(dense, HLL_HDR_SIZE, idx++, v);
      p++;
    }
    if (idx > HLL_REGISTERS) return false;
  }
  if (idx !== HLL_REGISTERS) return false;
  s.buf = dense;
  s.len = HLL_DENSE_SIZE;
  return true;
}

/**
 * hllSparseSet: raise register `index` of a sparse value to `count` in place, promoting the
 * value to dense when `count` does not fit a VAL opcode or the edit would grow the value past
 * `sparseMaxBytes`. Returns 1 when the register changed, 0 when it already held `count` or
 * more, -1 when the value is corrupt.
 */
export function hllSparseSet(s: Sds, index: number, count: number, sparseMaxBytes: number): number {
  if (count > HLL_SPARSE_VAL_MAX_VALUE) return promote(s, index, count);

  // Room for the worst case (an XZERO split into XZERO VAL XZERO grows by 3 bytes).
  s.reserve(s.len + 3);
  const b = s.buf;
  let end = s.len;

  // Step 1: find the opcode covering `index`.
  let p = HLL_HDR_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p]!;
    let oplen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (isVal(op)) span = valLen(op);
    else {
      span = xzeroLen(op, b[p + 1]!);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;

  const op = b[p]!;
  let next = isXZero(op) ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const opZero = isZero(op);
  const opXZero = isXZero(op);
  const runlen = opZero ? zeroLen(op) : opXZero ? xzeroLen(op, b[p + 1]!) : valLen(op);

  // Step 2: the trivial cases.
  let trivial = false;
  if (!opZero && !opXZero) {
    if (valValue(op) >= count) return 0;
    if (runlen === 1) trivial = true;
  } else if (opZero && runlen === 1) {
    trivial = true;
  }

  if (trivial) {
    b[p] = valOp(count, 1);
  } else {
    // Step 3: split the opcode into up to three.
    const seq: number[] = [];
    const last = first + span - 1;
    if (opZero || opXZero) {
      if (index !== first) pushZeros(seq, index - first);
      seq.push(valOp(count, 1));
      if (index !== last) pushZeros(seq, last - index);
    } else {
      const cur = valValue(op);
      if (index !== first) seq.push(valOp(cur, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(cur, last - index));
    }
    const delta = seq.length - (opXZero ? 2 : 1);
    if (delta > 0 && s.len + delta > sparseMaxBytes) return promote(s, index, count);
    if (delta !== 0 && next !== -1) b.copyWithin(next + delta, next, end);
    setLen(s, s.len + delta);
    for (let i = 0; i < seq.length; i++) b[p + i] = seq[i]!;
    end += delta;
  }

  // Step 4: merge adjacent VAL opcodes of equal value, scanning five opcodes from `prev`.
  p = prev !== -1 ? prev : HLL_HDR_SIZE;
  let scan = 5;
  while (p < end && scan-- !== 0) {
    const o = b[p]!;
    if (isXZero(o)) {
      p += 2;
      continue;
    }
    if (isZero(o)) {
      p++;
      continue;
    }
    if (p + 1 < end && isVal(b[p + 1]!)) {
      const v1 = valValue(o);
      const o2 = b[p + 1]!;
      if (v1 === valValue(o2)) {
        const len = valLen(o) + valLen(o2);
        if (len <= HLL_SPARSE_VAL_MAX_LEN) {
          b[p + 1] = valOp(v1, len);
          b.copyWithin(p, p + 1, end);
          setLen(s, s.len - 1);
          end--;
          continue;
        }
      }
    }
    p++;
  }
  hllInvalidateCache(b);
  return 1;
}

function pushZeros(seq: number[], len: number): void {
  if (len > HLL_SPARSE_ZERO_MAX_LEN) {
    const l = len - 1;
    seq.push((l >> 8) | 0x40, l & 0xff);
  } else {
    seq.push(len - 1);
  }
}

function promote(s: Sds, index: number, count: number): number {
  if (!hllSparseToDense(s)) return -1;
  denseRaise(s.buf, index, count);
  return 1;
}

/**
 * hllAdd: add an element to a value of either encoding (it may be promoted to dense).
 * 1 if a register changed, 0 if not, -1 if the value is corrupt.
 */
export function hllAdd(s: Sds, ele: string | Uint8Array, sparseMaxBytes: number): number {
  const pl = hllPatLen(ele);
  return hllSetRegister(s, pl >>> 6, pl & 63, sparseMaxBytes);
}

/** Raise register `index` to `count` in a value of either encoding; as hllAdd. */
export function hllSetRegister(s: Sds, index: number, count: number, sparseMaxBytes: number): number {
  const enc = s.buf[4];
  if (enc === HLL_DENSE) return denseRaise(s.buf, index, count);
  if (enc === HLL_SPARSE) return hllSparseSet(s, index, count, sparseMaxBytes);
  return -1;
}

/* ---- Estimation ------------------------------------------------------------------------------- */

/** Ertl's sigma function. */
export function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

/** Ertl's tau function. */
export function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const t = 1 - x;
    z -= t * t * y;
  } while (zPrime !== z);
  return z / 3;
}

/** The estimate from a histogram of register values (index = value, 0..63). */
export function hllEstimate(h: Float64Array): number {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - h[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += h[j]!;
    z *= 0.5;
  }
  z += m * hllSigma(h[0]! / m);
  return Math.round((HLL_ALPHA_INF * m * m) / z);
}

/**
 * hllCount of a value (dense or sparse), or -1 when a sparse value does not cover exactly
 * 16384 registers.
 */
export function hllCount(b: Uint8Array, len: number): number {
  const h = new Float64Array(64);
  if (b[4] === HLL_DENSE) {
    denseHisto(b, HLL_HDR_SIZE, h);
  } else {
    let idx = 0;
    let p = HLL_HDR_SIZE;
    while (p < len) {
      const op = b[p]!;
      if (isZero(op)) {
        const n = zeroLen(op);
        idx += n;
        h[0]! += n;
        p++;
      } else if (isXZero(op)) {
        const n = xzeroLen(op, b[p + 1]!);
        idx += n;
        h[0]! += n;
        p += 2;
      } else {
        const n = valLen(op);
        idx += n;
        h[valValue(op)]! += n;
        p++;
      }
    }
    if (idx !== HLL_REGISTERS) return -1;
  }
  return hllEstimate(h);
}

/** The estimate for 16384 registers held one per byte (the multi-key PFCOUNT union). */
export function hllCountRaw(regs: Uint8Array): number {
  const h = new Float64Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) h[regs[i]! & 63]!++;
  return hllEstimate(h);
}

/**
 * hllMerge: max[i] = max(max[i], register i of the value). False when a sparse value is
 * corrupt (opcodes not covering exactly 16384 registers).
 */
export function hllMerge(max: Uint8Array, b: Uint8Array, len: number): boolean {
  if (b[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(b, HLL_HDR_SIZE, i);
      if (v > max[i]!) max[i] = v;
    }
    return true;
  }
  let i = 0;
  let p = HLL_HDR_SIZE;
  while (p < len) {
    const op = b[p]!;
    if (isZero(op)) {
      i += zeroLen(op);
      p++;
    } else if (isXZero(op)) {
      i += xzeroLen(op, b[p + 1]!);
      p += 2;
    } else {
      let runlen = valLen(op);
      const v = valValue(op);
      if (runlen + i > HLL_REGISTERS) return false;
      while (runlen-- > 0) {
        if (v > max[i]!) max[i] = v;
        i++;
      }
      p++;
    }
    if (i > HLL_REGISTERS) return false;
  }
  return i === HLL_REGISTERS;
}

/** PFDEBUG DECODE's text for a sparse value: "z:N", "Z:N", "v:VAL,LEN" separated by spaces. */
export function hllDecodeSparse(b: Uint8Array, len: number): string {
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < len) {
    const op = b[p]!;
    if (isZero(op)) {
      parts.push(`z:${zeroLen(op)}`);
      p++;
    } else if (isXZero(op)) {
      parts.push(`Z:${xzeroLen(op, b[p + 1]!)}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(op)},${valLen(op)}`);
      p++;
    }
  }
  return parts.join(' ');
}
