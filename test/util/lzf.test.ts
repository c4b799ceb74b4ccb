import { describe, expect, it } from 'vitest';
import { lzfCompress, lzfDecompress } from '../../src/util/lzf.js';
import { rng } from '../helpers/random.js';

function compress(src: Buffer, cap = src.length + 64): Buffer | null {
  const out = Buffer.alloc(cap + 8);
  const n = lzfCompress(src, src.length, out, cap);
  return n === 0 ? null : out.subarray(0, n);
}

function decompress(c: Buffer, len: number): Buffer | null {
  const out = Buffer.alloc(len);
  const n = lzfDecompress(c, c.length, out, len);
  return n === len ? out : null;
}

/** A small deterministic PRNG (mulberry32). */
describe('lzf', () => {
  it('decompresses a stream produced by Redis (DUMP of a compressible string)', () => {
    // Redis 7.0.15: SET k ('abcdefghij' x 10 + 'xyz' + 'abc' x 20), DUMP k -> LZF blob.
    const blob = Buffer.from('0a6162636465666768696a61e050090278797a205ce02e02016263', 'hex');
    const expected = 'abcdefghij'.repeat(10) + 'xyz' + 'abc'.repeat(20);
    const out = decompress(blob, expected.length);
    expect(out?.latin1Slice()).toBe(expected);
  });

  it('round-trips compressible and random data of many sizes', () => {
    const r = rng(42);
    for (const size of [1, 2, 3, 4, 31, 32, 33, 100, 264, 265, 1000, 8192, 8193, 70000]) {
      // Repetitive text: compresses.
      const words = ['foo', 'bar', 'redis', 'nodis', '12345', '\x00\xff'];
      let s = '';
      while (s.length < size) s += words[Math.floor(r() * words.length)];
      const text = Buffer.from(s.slice(0, size), 'latin1');
      const c = compress(text);
      if (c !== null) expect(decompress(c, text.length)).toEqual(text);
      if (size >= 100) expect(c).not.toBeNull();
      if (size >= 100) expect(c!.length).toBeLessThan(text.length);
      // Random bytes: may not compress, but a result must round-trip.
      const rnd = Buffer.alloc(size);
      for (let i = 0; i < size; i++) rnd[i] = Math.floor(r() * 256);
      const c2 = compress(rnd);
      if (c2 !== null) expect(decompress(c2, size)).toEqual(rnd);
    }
  });

  it('handles long runs (references of maximal length and overlapping copies)', () => {
    const src = Buffer.alloc(5000, 0x61);
    const c = compress(src);
    expect(c).not.toBeNull();
    expect(c!.length).toBeLessThan(100);
    expect(decompress(c!, 5000)).toEqual(src);
  });

  it('returns 0 when the output does not fit the budget', () => {
    const r = rng(7);
    const rnd = Buffer.alloc(200);
    for (let i = 0; i < 200; i++) rnd[i] = Math.floor(r() * 256);
    // Random data cannot be squeezed into fewer bytes than its length minus 4.
    expect(compress(rnd, rnd.length - 4)).toBeNull();
    expect(lzfCompress(Buffer.alloc(0), 0, Buffer.alloc(16), 16)).toBe(0);
  });

  it('rejects corrupt input instead of reading or writing out of bounds', () => {
    // A back reference before the start of the output.
    expect(lzfDecompress(Buffer.from([0x20, 0x05]), 2, Buffer.alloc(10), 10)).toBe(-1);
    // A literal run longer than the input.
    expect(lzfDecompress(Buffer.from([0x05, 0x61]), 2, Buffer.alloc(10), 10)).toBe(-1);
    // Output larger than announced.
    const c = compress(Buffer.from('hello hello hello hello hello', 'latin1'))!;
    expect(lzfDecompress(c, c.length, Buffer.alloc(5), 5)).toBe(-1);
  });
});
