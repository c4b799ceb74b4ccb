import { describe, expect, it } from 'vitest';
import {
  LP_EMPTY,
  lpAppend,
  lpBytes,
  lpCompare,
  lpDelete,
  lpDeleteRange,
  lpEquals,
  lpFind,
  lpFirst,
  lpFromValues,
  lpGet,
  lpGetDetached,
  lpGetNumber,
  lpGetValue,
  lpInsert,
  lpIsNumber,
  lpLength,
  lpNext,
  lpVarintLen,
  lpWriteNumber,
  lpWriteVarint,
  lpPositions,
  lpReplace,
  lpSafeToAdd,
  lpSeek,
  lpStrlen,
  lpValues,
  type Listpack,
  type LpValue,
} from '../../src/ds/listpack.js';
import { d2string } from '../../src/util/numbers.js';
import { rng } from '../helpers/random.js';

const text = (v: LpValue): string => (typeof v === 'string' ? v : d2string(v));

function walk(lp: Listpack): LpValue[] {
  const out: LpValue[] = [];
  for (let p = lpFirst(lp); p !== -1; p = lpNext(lp, p)) out.push(lpGetValue(lp, p));
  return out;
}

describe('listpack', () => {
  it('starts empty', () => {
    expect(lpLength(LP_EMPTY)).toBe(0);
    expect(lpFirst(LP_EMPTY)).toBe(-1);
    expect(lpSeek(LP_EMPTY, 0)).toBe(-1);
    expect(lpSeek(LP_EMPTY, -1)).toBe(-1);
    expect(lpValues(LP_EMPTY)).toEqual([]);
    expect(lpFind(LP_EMPTY, 'a')).toBe(-1);
    expect(lpBytes(LP_EMPTY)).toBe(1);
  });

  it('appends strings and numbers and reads them back', () => {
    let lp = lpAppend(LP_EMPTY, 'field', 'value');
    lp = lpAppend(lp, 'score', 1.5);
    lp = lpAppend(lp, '', -7);
    lp = lpAppend(lp, 'bin\x00\xff', -0);
    expect(lpLength(lp)).toBe(8);
    expect(walk(lp)).toEqual(['field', 'value', 'score', 1.5, '', -7, 'bin\x00\xff', -0]);
    expect(Object.is(walk(lp)[7], -0)).toBe(true);
    expect(lpValues(lp)).toEqual(['field', 'value', 'score', '1.5', '', '-7', 'bin\x00\xff', '-0']);
    const p3 = lpSeek(lp, 3);
    expect(lpIsNumber(lp, p3)).toBe(true);
    expect(lpIsNumber(lp, lpSeek(lp, 2))).toBe(false);
    expect(lpGetNumber(lp, p3)).toBe(1.5);
    expect(lpGet(lp, p3)).toBe('1.5');
    expect(lpStrlen(lp, p3)).toBe(3);
    expect(lpStrlen(lp, lpSeek(lp, 0))).toBe(5);
    expect(lpGet(lp, lpSeek(lp, -1))).toBe('-0');
  });

  it('stores numbers exactly across the int32 boundary and beyond', () => {
    const nums = [0, 1, -1, 63, 64, -64, -65, 127, 128, 2147483647, -2147483648, 2147483648, -2147483649,
      2 ** 53, -(2 ** 53), 0.1, -1e-300, 1e308, Infinity, -Infinity, 5e-324, 4611686018427387904];
    const lp = lpFromValues(nums);
    expect(walk(lp)).toEqual(nums);
    expect(lpValues(lp)).toEqual(nums.map(d2string));
    // small integers cost 2 bytes, others 9
    expect(lpBytes(lpFromValues([5]))).toBe(1 + 2);
    expect(lpBytes(lpFromValues([0.5]))).toBe(1 + 9);
  });

  it('parses string entries as numbers for lpGetNumber', () => {
    const lp = lpFromValues(['3.25', 'abc', '10']);
    expect(lpGetNumber(lp, lpSeek(lp, 0))).toBe(3.25);
    expect(lpGetNumber(lp, lpSeek(lp, 1))).toBeNaN();
    expect(lpGetNumber(lp, lpSeek(lp, 2))).toBe(10);
  });

  it('handles long entries and counts with multi-byte varints', () => {
    const big = 'x'.repeat(70000);
    const values: string[] = [];
    for (let i = 0; i < 300; i++) values.push(i === 150 ? big : `e${i}`);
    const lp = lpFromValues(values);
    expect(lpLength(lp)).toBe(300);
    expect(lpValues(lp)).toEqual(values);
    expect(lpGet(lp, lpSeek(lp, 150))).toBe(big);
    expect(lpStrlen(lp, lpSeek(lp, 150))).toBe(70000);
    expect(lpFind(lp, 'e299')).toBe(lpSeek(lp, 299));
    // count crosses 127 -> 128 (header grows) and back
    let lp2 = lpFromValues(Array.from({ length: 127 }, (_, i) => String(i)));
    expect(lpBytes(lp2)).toBe(1 + 127 + 10 * 1 + 90 * 2 + 27 * 3); // count, headers, digits
    lp2 = lpAppend(lp2, 'x');
    expect(lpLength(lp2)).toBe(128);
    expect(lpGet(lp2, lpSeek(lp2, -1))).toBe('x');
    expect(lpGet(lp2, lpFirst(lp2))).toBe('0');
    lp2 = lpDelete(lp2, lpFirst(lp2), 1);
    expect(lpLength(lp2)).toBe(127);
    expect(lpGet(lp2, lpFirst(lp2))).toBe('1');
    lp2 = lpInsert(lp2, lpFirst(lp2), 'a', 'b');
    expect(lpLength(lp2)).toBe(129);
    expect(lpValues(lp2).slice(0, 3)).toEqual(['a', 'b', '1']);
  });

  it('finds with skip (keys of pairs only) and from a position', () => {
    const lp = lpFromValues(['a', 'b', 'b', 'a', 'c', 1, '1', 'z']);
    expect(lpFind(lp, 'a', 1)).toBe(lpSeek(lp, 0));
    expect(lpFind(lp, 'b', 1)).toBe(lpSeek(lp, 2));
    expect(lpFind(lp, 'c', 1)).toBe(lpSeek(lp, 4));
    expect(lpFind(lp, '1', 1)).toBe(lpSeek(lp, 6));
    expect(lpFind(lp, 'z', 1)).toBe(-1);
    expect(lpFind(lp, 'z')).toBe(lpSeek(lp, 7));
    expect(lpFind(lp, '1')).toBe(lpSeek(lp, 5)); // number entry compared by its text
    expect(lpFind(lp, 'a', 0, lpSeek(lp, 1))).toBe(lpSeek(lp, 3));
    expect(lpFind(lp, '')).toBe(-1);
    expect(lpFind(lpFromValues(['x', '', 'y']), '')).toBe(lpSeek(lpFromValues(['x', '', 'y']), 1));
  });

  it('compares entries byte-wise', () => {
    const lp = lpFromValues(['abc', '\xff', '', 2]);
    const p = lpPositions(lp);
    expect(lpCompare(lp, p[0]!, 'abc')).toBe(0);
    expect(lpCompare(lp, p[0]!, 'abd')).toBeLessThan(0);
    expect(lpCompare(lp, p[0]!, 'ab')).toBeGreaterThan(0);
    expect(lpCompare(lp, p[0]!, 'abcd')).toBeLessThan(0);
    expect(lpCompare(lp, p[1]!, 'z')).toBeGreaterThan(0);
    expect(lpCompare(lp, p[2]!, '')).toBe(0);
    expect(lpCompare(lp, p[2]!, 'a')).toBeLessThan(0);
    expect(lpCompare(lp, p[3]!, '2')).toBe(0);
    expect(lpEquals(lp, p[0]!, 'abc')).toBe(true);
    expect(lpEquals(lp, p[0]!, 'abx')).toBe(false);
    expect(lpEquals(lp, p[3]!, '2')).toBe(true);
  });

  it('detached copies equal the entries', () => {
    const long = 'q'.repeat(100);
    const lp = lpFromValues(['short', long, 3.5]);
    const p = lpPositions(lp);
    expect(lpGetDetached(lp, p[0]!)).toBe('short');
    expect(lpGetDetached(lp, p[1]!)).toBe(long);
    expect(lpGetDetached(lp, p[2]!)).toBe('3.5');
  });

  it('replace, delete and deleteRange keep the rest intact', () => {
    let lp = lpFromValues(['a', '1', 'b', '2', 'c', '3']);
    lp = lpReplace(lp, lpSeek(lp, 3), 'a much longer value than before');
    expect(lpValues(lp)).toEqual(['a', '1', 'b', 'a much longer value than before', 'c', '3']);
    lp = lpReplace(lp, lpSeek(lp, 3), 2.5);
    expect(walk(lp)).toEqual(['a', '1', 'b', 2.5, 'c', '3']);
    lp = lpDelete(lp, lpSeek(lp, 2), 2);
    expect(lpValues(lp)).toEqual(['a', '1', 'c', '3']);
    expect(lpLength(lp)).toBe(4);
    lp = lpDeleteRange(lp, -2, 5); // more than available: stops at the end
    expect(lpValues(lp)).toEqual(['a', '1']);
    expect(lpDeleteRange(lp, 5, 1)).toBe(lp);
    lp = lpDelete(lp, lpFirst(lp), 2);
    expect(lp).toBe(LP_EMPTY);
    expect(lpSafeToAdd(lp, 100)).toBe(true);
    expect(lpSafeToAdd(lp, 2 ** 30)).toBe(false);
    expect(lpSafeToAdd(null, 10)).toBe(true);
  });

  it('matches an array model under random edits', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = rng(seed);
      const model: LpValue[] = [];
      let lp = LP_EMPTY;
      const randValue = (): LpValue => {
        const k = r();
        if (k < 0.15) return Math.floor(r() * 2000) - 1000;
        if (k < 0.25) return (r() - 0.5) * 1e6;
        const len = r() < 0.05 ? 200 + Math.floor(r() * 300) : Math.floor(r() * 20);
        let s = '';
        for (let i = 0; i < len; i++) s += String.fromCharCode(Math.floor(r() * 256));
        return s;
      };
      for (let step = 0; step < 300; step++) {
        const op = r();
        const idx = Math.floor(r() * (model.length + 1));
        if (op < 0.35) {
          const a = randValue();
          if (r() < 0.5) {
            const b = randValue();
            lp = lpInsert(lp, idx < model.length ? lpSeek(lp, idx) : -1, a, b);
            model.splice(idx, 0, a, b);
          } else {
            lp = lpInsert(lp, idx < model.length ? lpSeek(lp, idx) : -1, a);
            model.splice(idx, 0, a);
          }
        } else if (op < 0.5) {
          const a = randValue();
          lp = lpAppend(lp, a);
          model.push(a);
        } else if (op < 0.65 && model.length > 0) {
          const i = idx % model.length;
          const v = randValue();
          lp = lpReplace(lp, lpSeek(lp, i), v);
          model[i] = v;
        } else if (op < 0.85 && model.length > 0) {
          const i = idx % model.length;
          const n = 1 + Math.floor(r() * 3);
          lp = lpDelete(lp, lpSeek(lp, i), n);
          model.splice(i, n);
        } else if (model.length > 0) {
          const i = Math.floor(r() * model.length);
          const t = text(model[i]!);
          const found = lpFind(lp, t);
          const expected = model.findIndex((v) => text(v) === t);
          expect(found).toBe(lpSeek(lp, expected));
        }
        expect(lpLength(lp)).toBe(model.length);
      }
      expect(walk(lp)).toEqual(model);
      expect(lpValues(lp)).toEqual(model.map(text));
      const pos = lpPositions(lp);
      expect(pos.length).toBe(model.length);
      for (let i = 0; i < model.length; i++) {
        expect(pos[i]).toBe(lpSeek(lp, i));
        expect(lpSeek(lp, i - model.length)).toBe(pos[i]);
        expect(lpStrlen(lp, pos[i]!)).toBe(text(model[i]!).length);
      }
    }
  });

  it('byte writers produce the bytes of the string encoders', () => {
    const nums = [0, 1, -1, 63, 64, -64, 127, 128, 300, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -0, 0.5, -2.25, 1e300, Infinity, -Infinity, 2 ** 53];
    const b = new Uint8Array(64);
    for (const v of nums) {
      const lp = lpFromValues([v]);
      const end = lpWriteNumber(b, 3, v);
      expect(Buffer.from(b.subarray(3, end)).latin1Slice()).toBe(lp.slice(1));
    }
    for (const n of [0, 1, 127, 128, 16383, 16384, 2 ** 21, 2 ** 28, 2 ** 31 + 5]) {
      const lp = lpFromValues(new Array<string>(Math.min(n, 3)).fill('x'));
      const end = lpWriteVarint(b, 2, n);
      expect(end - 2).toBe(lpVarintLen(n));
      if (n <= 3) expect(Buffer.from(b.subarray(2, end)).latin1Slice()).toBe(lp.slice(0, end - 2));
    }
    // a string entry: varint header 2 * length, then the bytes
    const long = 'y'.repeat(200);
    const end = lpWriteVarint(b, 0, long.length * 2);
    expect(Buffer.from(b.subarray(0, end)).latin1Slice() + long).toBe(lpFromValues([long]).slice(1));
  });
});
