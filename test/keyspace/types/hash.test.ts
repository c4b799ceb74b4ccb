// Hash type unit tests: the encoding API against a Map model, conversions, duplication, and the
// memory the listpack encoding saves over the hashtable encoding.
import { describe, expect, it } from 'vitest';
import v8 from 'node:v8';
import vm from 'node:vm';
import { encodingName, type RObject } from '../../../src/keyspace/object.js';
import {
  createHashObject,
  duplicateHash,
  hashConvert,
  hashDelete,
  hashExists,
  hashGet,
  hashLength,
  hashPairs,
  hashSampler,
  hashSet,
  hashStrlen,
  hashTryConversion,
  type HashLimits,
} from '../../../src/keyspace/types/hash.js';
import { rng } from '../../helpers/random.js';

const toMap = (o: RObject): Map<string, string> => {
  const p = hashPairs(o);
  const m = new Map<string, string>();
  for (let i = 0; i < p.length; i += 2) m.set(p[i] as string, p[i + 1] as string);
  return m;
};

describe('hash type', () => {
  it('matches a Map model through random sets and deletes, converting at the thresholds', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed);
      const limits: HashLimits = { maxEntries: 1 + Math.floor(r() * 20), maxValue: 1 + Math.floor(r() * 30) };
      const o = createHashObject();
      const model = new Map<string, string>();
      let converted = false;
      for (let step = 0; step < 400; step++) {
        const f = `f${Math.floor(r() * 40)}`;
        if (r() < 0.65) {
          const v = 'v'.repeat(Math.floor(r() * 35));
          const before = encodingName(o);
          hashTryConversion(o, [f, v], 0, 1, limits.maxValue);
          const existed = hashSet(o, f, v, limits);
          expect(existed).toBe(model.has(f));
          model.set(f, v);
          const shouldBeHt = before === 'hashtable' || f.length > limits.maxValue || v.length > limits.maxValue ||
            model.size > limits.maxEntries;
          expect(encodingName(o)).toBe(shouldBeHt ? 'hashtable' : 'listpack');
          if (shouldBeHt) converted = true;
        } else {
          expect(hashDelete(o, f)).toBe(model.delete(f));
        }
        expect(hashLength(o)).toBe(model.size);
        expect(hashGet(o, f)).toBe(model.get(f));
        expect(hashExists(o, f)).toBe(model.has(f));
        expect(hashStrlen(o, f)).toBe(model.get(f)?.length ?? 0);
      }
      expect(toMap(o)).toEqual(model);
      const s = hashSampler(o);
      expect(s.size).toBe(model.size);
      for (let i = 0; i < s.size; i++) expect(model.get(s.field(i))).toBe(s.value(i));
      expect(converted || encodingName(o) === 'listpack').toBe(true);
    }
  });

  it('conversion keeps every pair, binary safe; duplicates are independent', () => {
    const o = createHashObject();
    const lim = { maxEntries: 1000, maxValue: 1000 };
    for (let i = 0; i < 50; i++) hashSet(o, `\x00f\xff${i}`, `value-${'x'.repeat(i)}`, lim);
    const before = toMap(o);
    const lpCopy = duplicateHash(o);
    hashConvert(o);
    expect(encodingName(o)).toBe('hashtable');
    expect(toMap(o)).toEqual(before);
    hashConvert(o); // no-op
    expect(encodingName(lpCopy)).toBe('listpack');
    const htCopy = duplicateHash(o);
    expect(encodingName(htCopy)).toBe('hashtable');
    hashSet(htCopy, 'new', '1', lim);
    hashDelete(o, '\x00f\xff0');
    hashSet(lpCopy, '\x00f\xff1', 'changed', lim);
    expect(hashLength(o)).toBe(49);
    expect(hashLength(htCopy)).toBe(51);
    expect(hashGet(o, '\x00f\xff1')).toBe('value-x');
    expect(hashGet(lpCopy, '\x00f\xff1')).toBe('changed');
    expect(hashGet(htCopy, '\x00f\xff0')).toBe('value-');
  });

  it('tryConversion looks at every argument and the listpack safety size', () => {
    const o = createHashObject();
    hashTryConversion(o, ['cmd', 'key', 'a', 'bb', 'ccc'], 2, 4, 3);
    expect(encodingName(o)).toBe('listpack');
    hashTryConversion(o, ['cmd', 'key', 'a', 'dddd'], 2, 3, 3);
    expect(encodingName(o)).toBe('hashtable');
    const p = createHashObject();
    // 20 arguments of 28 MB (one shared string): 560 MB would not fit a listpack string
    const big = 'x'.repeat(28 * 1024 * 1024);
    const args = new Array<string>(20).fill(big);
    hashTryConversion(p, args, 0, 9, Number.MAX_SAFE_INTEGER);
    expect(encodingName(p)).toBe('listpack');
    hashTryConversion(p, args, 0, 19, Number.MAX_SAFE_INTEGER);
    expect(encodingName(p)).toBe('hashtable');
  });

  it('the listpack encoding uses several times less memory than the hashtable', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const N = 20000;
    const measure = (ht: boolean): number => {
      const keep: RObject[] = [];
      gc();
      const before = process.memoryUsage().heapUsed;
      const lim = { maxEntries: ht ? 0 : 128, maxValue: 64 };
      for (let i = 0; i < N; i++) {
        const o = createHashObject();
        for (let j = 0; j < 10; j++) hashSet(o, `field:${j}`, `value:${(i + j) % 10000}`, lim);
        keep.push(o);
      }
      gc();
      const used = process.memoryUsage().heapUsed - before;
      expect(encodingName(keep[0] as RObject)).toBe(ht ? 'hashtable' : 'listpack');
      return used / N;
    };
    const lp = measure(false);
    const ht = measure(true);
    // ~250 bytes per 10-field hash as a listpack (about 16 per pair plus the string and
    // object headers) against ~1.9 KB as a hashtable.
    expect(lp).toBeLessThan(400);
    expect(lp * 4).toBeLessThan(ht);
  });
});
