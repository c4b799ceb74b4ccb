import { describe, expect, it } from 'vitest';
import { IntSet } from '../../src/ds/intset.js';

function strings(s: IntSet): string[] {
  return s.toStrings();
}

describe('IntSet', () => {
  it('keeps members sorted and unique', () => {
    const s = new IntSet();
    for (const v of [5, -3, 9, 5, 0, -3, 100]) s.add(v);
    expect(strings(s)).toEqual(['-3', '0', '5', '9', '100']);
    expect(s.size).toBe(5);
    expect(s.add(9)).toBe(false);
    expect(s.add(10)).toBe(true);
    expect(s.has(10)).toBe(true);
    expect(s.has(11)).toBe(false);
    expect(s.indexOf(-3)).toBe(0);
    expect(s.indexOf(100)).toBe(5);
  });

  it('starts 16-bit and upgrades to 32 and 64 bits', () => {
    const s = new IntSet();
    s.add(1);
    s.add(32767);
    s.add(-32768);
    expect(s.encoding).toBe(2);
    expect(s.blobLength).toBe(8 + 3 * 2);
    s.add(32768);
    expect(s.encoding).toBe(4);
    expect(strings(s)).toEqual(['-32768', '1', '32767', '32768']);
    s.add(-2147483649);
    expect(s.encoding).toBe(8);
    expect(strings(s)).toEqual(['-2147483649', '-32768', '1', '32767', '32768']);
    expect(s.blobLength).toBe(8 + 5 * 8);
  });

  it('prepends a negative upgrade value and appends a positive one', () => {
    const a = IntSet.from([1, 2, 3]);
    a.add(-100000);
    expect(strings(a)).toEqual(['-100000', '1', '2', '3']);
    const b = IntSet.from([1, 2, 3]);
    b.add(100000);
    expect(strings(b)).toEqual(['1', '2', '3', '100000']);
  });

  it('never downgrades when wide members go away', () => {
    const s = IntSet.from([1, 2, 5_000_000_000]);
    expect(s.encoding).toBe(8);
    expect(s.remove(5_000_000_000)).toBe(true);
    expect(s.encoding).toBe(8);
    expect(strings(s)).toEqual(['1', '2']);
  });

  it('handles the full int64 range with bigints', () => {
    const s = new IntSet();
    const max = 2n ** 63n - 1n;
    const min = -(2n ** 63n);
    s.add(max);
    s.add(min);
    s.add(0);
    s.add(2n ** 53n + 1n);
    expect(strings(s)).toEqual([String(min), '0', String(2n ** 53n + 1n), String(max)]);
    expect(s.get(0)).toBe(min);
    expect(s.get(1)).toBe(0);
    expect(s.has(max)).toBe(true);
    expect(s.has(max - 1n)).toBe(false);
    // A bigint in the safe range is the same member as the number.
    expect(s.has(0n)).toBe(true);
    expect(s.add(0n)).toBe(false);
    expect(() => s.add(2n ** 63n)).toThrow(RangeError);
  });

  it('answers "absent" for values wider than the current width', () => {
    const s = IntSet.from([1, 2, 3]);
    expect(s.has(70000)).toBe(false);
    expect(s.remove(70000)).toBe(false);
    expect(s.has(2n ** 60n)).toBe(false);
    expect(s.encoding).toBe(2);
  });

  it('removes at both ends and in the middle', () => {
    const s = IntSet.from([1, 2, 3, 4, 5]);
    expect(s.remove(1)).toBe(true);
    expect(s.remove(5)).toBe(true);
    expect(s.remove(3)).toBe(true);
    expect(s.remove(3)).toBe(false);
    expect(strings(s)).toEqual(['2', '4']);
    s.removeAt(0);
    s.removeAt(0);
    expect(s.size).toBe(0);
    expect(s.has(2)).toBe(false);
    expect(s.add(7)).toBe(true);
    expect(strings(s)).toEqual(['7']);
  });

  it('matches a reference model under random operations', () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const s = new IntSet();
    const model = new Set<bigint>();
    const pick = (): bigint => {
      const r = rnd();
      if (r < 0.4) return BigInt(Math.floor(rnd() * 200) - 100);
      if (r < 0.7) return BigInt(Math.floor(rnd() * 200000) - 100000);
      if (r < 0.9) return BigInt(Math.floor(rnd() * 2 ** 40)) - 2n ** 39n;
      return BigInt.asIntN(64, BigInt(Math.floor(rnd() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(rnd() * 2 ** 32)));
    };
    for (let i = 0; i < 5000; i++) {
      const v = pick();
      if (rnd() < 0.65) {
        expect(s.add(v)).toBe(!model.has(v));
        model.add(v);
      } else {
        expect(s.remove(v)).toBe(model.has(v));
        model.delete(v);
      }
      expect(s.size).toBe(model.size);
    }
    const sorted = [...model].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
    expect(s.toStrings()).toEqual(sorted);
    for (const m of model) expect(s.has(m)).toBe(true);
  });

  it('agrees with a model set exactly', () => {
    let seed = 99;
    const rnd = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 4294967296;
    };
    const s = new IntSet();
    const model = new Set<number>();
    for (let i = 0; i < 4000; i++) {
      const v = Math.floor(rnd() * 3000) - 1500 + (rnd() < 0.05 ? 1e6 : 0);
      if (rnd() < 0.6) {
        expect(s.add(v)).toBe(!model.has(v));
        model.add(v);
      } else {
        expect(s.remove(v)).toBe(model.has(v));
        model.delete(v);
      }
      expect(s.size).toBe(model.size);
    }
    expect(s.toStrings()).toEqual([...model].sort((a, b) => a - b).map(String));
  });

  it('serializes to and from Redis blobs', () => {
    const s = IntSet.from([3, 1, 2]);
    const blob = s.toBlob();
    expect([...blob]).toEqual([2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0, 3, 0]);
    const back = IntSet.fromBlob(blob);
    expect(back).not.toBeNull();
    expect(back!.toStrings()).toEqual(['1', '2', '3']);
    expect(back!.encoding).toBe(2);

    const wide = IntSet.from([-(2n ** 63n), 5, 2n ** 62n]);
    const w = IntSet.fromBlob(wide.toBlob());
    expect(w!.toStrings()).toEqual(wide.toStrings());
    expect(w!.encoding).toBe(8);

    const mid = IntSet.from([100000, -100000]);
    expect(IntSet.fromBlob(mid.toBlob())!.toStrings()).toEqual(['-100000', '100000']);
  });

  it('rejects corrupt blobs', () => {
    const good = IntSet.from([1, 2, 3]).toBlob();
    const badWidth = Buffer.from(good);
    badWidth.writeUInt32LE(3, 0);
    expect(IntSet.fromBlob(badWidth)).toBeNull();
    const badLen = Buffer.from(good);
    badLen.writeUInt32LE(4, 4);
    expect(IntSet.fromBlob(badLen)).toBeNull();
    const unsorted = Buffer.from(good);
    unsorted.writeInt16LE(5, 8);
    expect(IntSet.fromBlob(unsorted)).toBeNull();
    const dup = Buffer.from(good);
    dup.writeInt16LE(2, 8);
    expect(IntSet.fromBlob(dup)).toBeNull();
    expect(IntSet.fromBlob(Buffer.alloc(4))).toBeNull();
    expect(IntSet.fromBlob(Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]))!.size).toBe(0);
  });

  it('clones independently', () => {
    const s = IntSet.from([1, 2, 3]);
    const c = s.clone();
    c.add(4);
    s.remove(1);
    expect(s.toStrings()).toEqual(['2', '3']);
    expect(c.toStrings()).toEqual(['1', '2', '3', '4']);
  });

  it('picks random members uniformly', () => {
    const s = IntSet.from([10, 20, 30, 40]);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[s.randomIndex()]!++;
    for (const n of counts) expect(n).toBeGreaterThan(800);
    expect(new IntSet().randomIndex()).toBe(-1);
  });

  it('shrinks its array after mass removal', () => {
    const s = new IntSet();
    for (let i = 0; i < 1000; i++) s.add(i);
    const big = s.allocatedBytes;
    for (let i = 0; i < 990; i++) s.remove(i);
    expect(s.allocatedBytes).toBeLessThan(big / 4);
    expect(s.toStrings()).toEqual(['990', '991', '992', '993', '994', '995', '996', '997', '998', '999']);
  });
});
