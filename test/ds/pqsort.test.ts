// Partial quicksort: the requested prefix equals a full sort's, for every size and range, and
// the order of equal keys is the algorithm's own (deterministic, not stable).
import { describe, expect, it } from 'vitest';
import { pqsort } from '../../src/ds/pqsort.js';

describe('pqsort', () => {
  it('puts the wanted range in sorted position', () => {
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let n = 1; n < 200; n += 7) {
      for (const k of [1, 2, 5, Math.ceil(n / 2), n]) {
        if (k > n) continue;
        const arr = Array.from({ length: n }, () => Math.floor(rnd() * 1000));
        const full = [...arr].sort((a, b) => a - b);
        const part = [...arr];
        pqsort(part, (a, b) => a - b, 0, k - 1);
        expect(part.slice(0, k)).toEqual(full.slice(0, k));
        expect([...part].sort((a, b) => a - b)).toEqual(full);
      }
    }
  });

  it('is not stable: equal keys follow the partitioning', () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ d: i % 2, id: i }));
    pqsort(items, (a, b) => a.d - b.d, 0, 2);
    expect(items.slice(0, 5).every((x) => x.d === 0)).toBe(true);
    // Partitioning swaps equal keys around: the zeros do not keep their input order.
    expect(items.slice(0, 5).map((x) => x.id)).not.toEqual([0, 2, 4, 6, 8]);
  });
});
