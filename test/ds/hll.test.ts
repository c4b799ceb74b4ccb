// HyperLogLog registers: the hash against a BigInt reference, dense and sparse register
// access, the sparse editor against a dense model, promotion, corruption detection (fuzzed:
// never an exception), the estimator and the cache bits.
import { describe, expect, it } from 'vitest';
import {
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  createHll,
  denseGet,
  denseSet,
  hllAdd,
  hllCachedCard,
  hllCount,
  hllCountRaw,
  hllDecodeSparse,
  hllEstimate,
  hllInvalidateCache,
  hllMerge,
  hllPatLen,
  hllSetCachedCard,
  hllSetRegister,
  hllSigma,
  hllSparseSet,
  hllSparseToDense,
  hllTau,
  isHllValue,
  murmurHash64A,
} from '../../src/ds/hll.js';
import { Sds } from '../../src/ds/sds.js';
import { rng } from '../helpers/random.js';

/** MurmurHash64A written directly on 64-bit BigInts, as a reference. */
function murmurRef(b: Uint8Array, seed: number): bigint {
  const M = 0xc6a4a7935bd1e995n;
  const mask = (1n << 64n) - 1n;
  const len = b.length;
  let h = (BigInt(seed) ^ (BigInt(len) * M)) & mask;
  let i = 0;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (; i + 8 <= len; i += 8) {
    let k = dv.getBigUint64(i, true);
    k = (k * M) & mask;
    k ^= k >> 47n;
    k = (k * M) & mask;
    h ^= k;
    h = (h * M) & mask;
  }
  const rem = len & 7;
  if (rem) {
    for (let j = rem - 1; j >= 0; j--) h ^= BigInt(b[i + j]!) << BigInt(8 * j);
    h = (h * M) & mask;
  }
  h ^= h >> 47n;
  h = (h * M) & mask;
  h ^= h >> 47n;
  return h;
}

function randomBytes(r: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

/** Equality of register arrays (vitest's deep equality is slow on 16384 elements). */
function sameRegs(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** Registers of a value of either encoding, one per byte (null when corrupt). */
function registers(s: Sds): Uint8Array | null {
  const max = new Uint8Array(HLL_REGISTERS);
  return hllMerge(max, s.buf, s.len) ? max : null;
}

describe('MurmurHash64A', () => {
  it('matches a 64-bit BigInt reference for every tail length and both input forms', () => {
    const r = rng(1);
    for (let n = 0; n < 3000; n++) {
      const b = randomBytes(r, n % 67);
      const seed = n % 3 === 0 ? 0xadc83b19 : Math.floor(r() * 2 ** 32);
      const want = murmurRef(b, seed);
      expect(murmurHash64A(b, seed)).toBe(want);
      expect(murmurHash64A(b.latin1Slice(), seed)).toBe(want);
    }
  });

  it('hllPatLen takes the low 14 bits as index and 1 + trailing zeros of the rest as rank', () => {
    const r = rng(2);
    for (let n = 0; n < 2000; n++) {
      const s = randomBytes(r, 1 + (n % 20)).latin1Slice();
      const h = murmurHash64A(s, 0xadc83b19);
      const index = Number(h & 16383n);
      let rest = (h >> 14n) | (1n << 50n);
      let count = 1;
      while ((rest & 1n) === 0n) {
        count++;
        rest >>= 1n;
      }
      const pl = hllPatLen(s);
      expect(pl >>> 6).toBe(index);
      expect(pl & 63).toBe(count);
    }
  });
});

describe('dense registers', () => {
  it('set/get round-trips every register without disturbing neighbours', () => {
    const b = Buffer.alloc(HLL_DENSE_SIZE);
    const want = new Uint8Array(HLL_REGISTERS);
    const r = rng(3);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < HLL_REGISTERS; i++) {
        const v = Math.floor(r() * 64);
        want[i] = v;
        denseSet(b, HLL_HDR_SIZE, i, v);
      }
      for (let i = 0; i < HLL_REGISTERS; i++) expect(denseGet(b, HLL_HDR_SIZE, i)).toBe(want[i]);
    }
    // Register 0 is the low 6 bits of the first byte, register 1 starts at bit 6.
    b.fill(0);
    denseSet(b, HLL_HDR_SIZE, 1, 0b111111);
    expect(b[HLL_HDR_SIZE]).toBe(0b11000000);
    expect(b[HLL_HDR_SIZE + 1]).toBe(0b00001111);
  });
});

describe('values', () => {
  it('a new HLL is the 18-byte sparse value Redis creates', () => {
    const s = createHll();
    expect(s.view().toString('hex')).toBe('48594c4c01000000' + '0000000000000000' + '7fff');
    expect(isHllValue(s.buf, s.len)).toBe(true);
    expect(hllCachedCard(s.buf)).toBe(0);
    expect(hllCount(s.buf, s.len)).toBe(0);
    expect(hllDecodeSparse(s.buf, s.len)).toBe('Z:16384');
  });

  it('structural checks: magic, encoding, dense size', () => {
    const s = createHll();
    const b = Buffer.from(s.view());
    expect(isHllValue(b, 15)).toBe(false);
    const bad = Buffer.from(b);
    bad[0] = 0x30;
    expect(isHllValue(bad, bad.length)).toBe(false);
    const enc = Buffer.from(b);
    enc[4] = 2;
    expect(isHllValue(enc, enc.length)).toBe(false);
    enc[4] = HLL_DENSE;
    expect(isHllValue(enc, enc.length)).toBe(false); // dense but 18 bytes
  });

  it('the cache: valid after a store, stale after invalidation (MSB of card[7])', () => {
    const s = createHll();
    hllSetCachedCard(s.buf, 123456789);
    expect(hllCachedCard(s.buf)).toBe(123456789);
    hllInvalidateCache(s.buf);
    expect(s.buf[15]).toBe(0x80);
    expect(hllCachedCard(s.buf)).toBe(null);
    // Values beyond 2^53 come back exact as BigInt.
    s.buf.writeBigUInt64LE(0x7fffffffffffffffn, 8);
    expect(hllCachedCard(s.buf)).toBe(0x7fffffffffffffffn);
  });
});

describe('sparse editing', () => {
  it('matches a dense model register for register, merging runs as it goes', () => {
    const r = rng(4);
    for (let round = 0; round < 200; round++) {
      const s = createHll();
      const model = new Uint8Array(HLL_REGISTERS);
      const n = Math.floor(r() * 300);
      // Cluster some registers together so VAL runs and merges happen.
      const base = Math.floor(r() * HLL_REGISTERS);
      for (let k = 0; k < n; k++) {
        const idx = r() < 0.5 ? (base + Math.floor(r() * 12)) % HLL_REGISTERS : Math.floor(r() * HLL_REGISTERS);
        const v = 1 + Math.floor(r() * (r() < 0.3 ? 2 : 32));
        const changed = hllSparseSet(s, idx, v, 1 << 30);
        expect(changed).toBe(v > model[idx]! ? 1 : 0);
        if (v > model[idx]!) model[idx] = v;
      }
      expect(s.buf[4]).toBe(HLL_SPARSE);
      expect(sameRegs(registers(s), model)).toBe(true);
      // Adjacent VAL opcodes of equal value never stay unmerged when they could be.
      const ops = hllDecodeSparse(s.buf, s.len).split(' ');
      for (let i = 0; i + 1 < ops.length; i++) {
        const a = /^v:(\d+),(\d+)$/.exec(ops[i]!);
        const b = /^v:(\d+),(\d+)$/.exec(ops[i + 1]!);
        if (a && b && a[1] === b[1]) expect(Number(a[2]) + Number(b[2])).toBeGreaterThan(4);
      }
      // Sparse and dense count the same.
      const d = new Sds(s.view());
      expect(hllSparseToDense(d)).toBe(true);
      expect(d.len).toBe(HLL_DENSE_SIZE);
      expect(sameRegs(registers(d), model)).toBe(true);
      expect(hllCount(d.buf, d.len)).toBe(hllCount(s.buf, s.len));
    }
  });

  it('promotes to dense for a value above 32 and when growing past the byte limit', () => {
    const s = createHll();
    expect(hllSparseSet(s, 5, 33, 3000)).toBe(1);
    expect(s.buf[4]).toBe(HLL_DENSE);
    expect(s.len).toBe(HLL_DENSE_SIZE);
    expect(denseGet(s.buf, HLL_HDR_SIZE, 5)).toBe(33);

    const t = createHll();
    let i = 0;
    while (t.buf[4] === HLL_SPARSE) {
      hllSetRegister(t, (i * 97) % HLL_REGISTERS, 1 + (i % 30), 100);
      if (t.buf[4] === HLL_SPARSE) expect(t.len).toBeLessThanOrEqual(100);
      i++;
    }
    expect(t.len).toBe(HLL_DENSE_SIZE);
    expect(i).toBeGreaterThan(10);
  });

  it('hllAdd adds elements; adding again changes nothing', () => {
    const s = createHll();
    let changed = 0;
    for (let i = 0; i < 1000; i++) changed += hllAdd(s, `e${i}`, 3000);
    expect(changed).toBeGreaterThan(900);
    for (let i = 0; i < 1000; i++) expect(hllAdd(s, `e${i}`, 3000)).toBe(0);
    const est = hllCount(s.buf, s.len);
    expect(Math.abs(est - 1000)).toBeLessThan(30);
  });
});

describe('corruption', () => {
  it('opcodes that do not cover exactly 16384 registers are reported', () => {
    const s = createHll();
    hllAdd(s, 'a', 3000);
    const extra = new Sds(s.view());
    extra.append('hello');
    expect(hllCount(extra.buf, extra.len)).toBe(-1);
    expect(hllMerge(new Uint8Array(HLL_REGISTERS), extra.buf, extra.len)).toBe(false);
    expect(hllSparseToDense(new Sds(extra.view()))).toBe(false);
    const short = new Sds(s.view().subarray(0, s.len - 1));
    expect(hllCount(short.buf, short.len)).toBe(-1);
    const empty = new Sds(s.view().subarray(0, HLL_HDR_SIZE));
    expect(hllSparseSet(empty, 3, 2, 3000)).toBe(-1);
  });

  it('fuzzed values never throw and corrupt ones are detected consistently', () => {
    const r = rng(5);
    for (let round = 0; round < 1500; round++) {
      const s = createHll();
      const n = Math.floor(r() * 400);
      for (let i = 0; i < n; i++) hllAdd(s, `x${round}:${i}`, 3000);
      const b = Buffer.from(s.view());
      for (let k = 0; k < 5; k++) {
        b[HLL_HDR_SIZE + Math.floor(r() * (b.length - HLL_HDR_SIZE))] = Math.floor(r() * 256);
        if (r() < 0.5) break;
      }
      const v = new Sds(b);
      if (!isHllValue(v.buf, v.len)) continue;
      const count = hllCount(v.buf, v.len);
      const max = new Uint8Array(HLL_REGISTERS);
      const merged = hllMerge(max, v.buf, v.len);
      // Every walk accepts exactly the values whose runs cover 16384 registers.
      if (v.buf[4] === HLL_SPARSE) expect(count === -1).toBe(!merged);
      if (merged) expect(hllCountRaw(max)).toBe(count);
      for (let i = 0; i < 20; i++) {
        const res = hllAdd(v, `y${i}`, 3000);
        expect([-1, 0, 1]).toContain(res);
        if (res === -1) break;
      }
    }
  });
});

describe('estimator', () => {
  it('sigma and tau at their fixed points', () => {
    expect(hllSigma(1)).toBe(Infinity);
    expect(hllSigma(0)).toBe(0);
    expect(hllTau(0)).toBe(0);
    expect(hllTau(1)).toBe(0);
    expect(hllTau(0.5)).toBeGreaterThan(0);
  });

  it('empty registers estimate 0; a single register at 1 estimates 1', () => {
    const h = new Float64Array(64);
    h[0] = HLL_REGISTERS;
    expect(hllEstimate(h)).toBe(0);
    h[0] = HLL_REGISTERS - 1;
    h[1] = 1;
    expect(hllEstimate(h)).toBe(1);
  });

  it('raw (one byte per register) and dense counts agree', () => {
    const s = createHll();
    for (let i = 0; i < 20000; i++) hllAdd(s, `k${i}`, 3000);
    expect(s.buf[4]).toBe(HLL_DENSE);
    const regs = registers(s) as Uint8Array;
    expect(hllCountRaw(regs)).toBe(hllCount(s.buf, s.len));
    expect(Math.abs(hllCount(s.buf, s.len) - 20000) / 20000).toBeLessThan(0.03);
  });
});
