import { describe, expect, it } from 'vitest';
import { OrderedMap } from '../../src/ds/ordered-map.js';
import { rng } from '../helpers/random.js';

describe('OrderedMap', () => {
  it('matches a sorted reference under random inserts, deletes and seeks', () => {
    const r = rng(7);
    const m = new OrderedMap<number>();
    const ref = new Map<string, number>();
    for (let i = 0; i < 20000; i++) {
      const k = String.fromCharCode(...Array.from({ length: 1 + Math.floor(r() * 3) }, () => Math.floor(r() * 256)));
      const op = r();
      if (op < 0.55) {
        const isNew = !ref.has(k);
        expect(m.set(k, i)).toBe(isNew);
        ref.set(k, i);
      } else if (op < 0.85) {
        expect(m.delete(k)).toBe(ref.get(k));
        ref.delete(k);
      } else {
        const sorted = [...ref.keys()].sort();
        const from = sorted.filter((x) => x >= k);
        const cur = m.seek(k);
        const got: string[] = [];
        while (got.length < 5 && cur.next()) got.push(cur.key);
        expect(got).toEqual(from.slice(0, 5));
      }
      expect(m.size).toBe(ref.size);
    }
    const sorted = [...ref.keys()].sort();
    expect(m.keyList()).toEqual(sorted);
    expect(m.firstKey()).toBe(sorted[0]);
    expect(m.lastKey()).toBe(sorted[sorted.length - 1]);
    for (const k of sorted) expect(m.get(k)).toBe(ref.get(k));
  });

  it('keeps values on insert-if-absent and handles in-order appends in many chunks', () => {
    const m = new OrderedMap<string>();
    for (let i = 0; i < 1000; i++) m.set(String(i).padStart(4, '0'), 'v' + i);
    expect(m.set('0005', 'other', true)).toBe(false);
    expect(m.get('0005')).toBe('v5');
    const seen: string[] = [];
    m.forEach((k) => {
      seen.push(k);
      return seen.length < 3;
    });
    expect(seen).toEqual(['0000', '0001', '0002']);
    expect(m.values().length).toBe(1000);
  });
});
