import { afterEach, describe, expect, it } from 'vitest';
import { Quicklist, setPackedThreshold } from '../../src/ds/quicklist.js';
import {
  encodeEntry, entrySize, packValues, readBackward, readForward, unpackValues, P,
} from '../../src/ds/listpack-node.js';
import { lzfCompress, lzfDecompress } from '../../src/util/lzf.js';
import { rng } from '../helpers/random.js';

/** A small seeded PRNG (mulberry32) so failures reproduce. */
function randValue(r: () => number): string {
  const k = r();
  if (k < 0.4) return String(Math.floor(r() * 1000));
  if (k < 0.8) return 'v' + 'x'.repeat(Math.floor(r() * 40));
  if (k < 0.95) return String.fromCharCode(...Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256)));
  return 'y'.repeat(Math.floor(r() * 20000));
}

afterEach(() => {
  setPackedThreshold(0);
});

describe('listpack-node encoding', () => {
  it('round-trips lengths across every header size, both directions', () => {
    const values = ['', 'a', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(16383), 'w'.repeat(16384), '\x00\xff\x80'];
    const d = packValues(values);
    expect(d.length).toBe(values.reduce((n, v) => n + entrySize(v.length), 0));
    expect(unpackValues(d)).toEqual(values);
    const back: string[] = [];
    let end = d.length;
    while (end > 0) {
      end = readBackward(d, end);
      back.push(d.slice(P.start, P.start + P.len));
    }
    expect(back.reverse()).toEqual(values);
    const e = encodeEntry('hello');
    expect(readForward(e, 0)).toBe(e.length);
    expect(e.length).toBe(7);
  });
});

describe('lzf', () => {
  it('compresses repetitive data and restores it exactly', () => {
    const r = rng(7);
    for (let t = 0; t < 200; t++) {
      const len = Math.floor(r() * 5000) + 1;
      const src = new Uint8Array(len);
      const alphabet = 1 + Math.floor(r() * 8);
      for (let i = 0; i < len; i++) src[i] = r() < 0.1 ? Math.floor(r() * 256) : 97 + Math.floor(r() * alphabet);
      const out = new Uint8Array(len + 64);
      const n = lzfCompress(src, len, out, out.length);
      expect(n).toBeGreaterThan(0);
      const back = new Uint8Array(len);
      expect(lzfDecompress(out, n, back, len)).toBe(len);
      expect(Buffer.from(back).equals(Buffer.from(src))).toBe(true);
    }
    const same = new Uint8Array(10000).fill(120);
    const out = new Uint8Array(10000);
    const n = lzfCompress(same, same.length, out, out.length);
    expect(n).toBeLessThan(200);
  });

  it('refuses output that does not fit and rejects corrupt input', () => {
    const src = Uint8Array.from({ length: 100 }, (_, i) => (i * 7919) & 255);
    const out = new Uint8Array(50);
    expect(lzfCompress(src, src.length, out, 50)).toBe(0);
    expect(lzfDecompress(Uint8Array.from([0xe0, 5, 0]), 3, new Uint8Array(10), 10)).toBe(-1);
  });
});

describe('Quicklist', () => {
  it('pushes and pops at both ends', () => {
    const q = new Quicklist(-2, 0);
    q.push('b', true);
    q.push('a', true);
    q.push('c', false);
    expect(q.toArray()).toEqual(['a', 'b', 'c']);
    expect(q.pop(true)).toBe('a');
    expect(q.pop(false)).toBe('c');
    expect(q.pop(false)).toBe('b');
    expect(q.pop(true)).toBeUndefined();
    expect(q.count).toBe(0);
    expect(q.len).toBe(0);
    q.verify();
  });

  it('honours a positive fill as elements per node', () => {
    const q = new Quicklist(4, 0);
    for (let i = 0; i < 10; i++) q.push(String(i), false);
    expect(q.len).toBe(3);
    expect(q.head?.count).toBe(4);
    q.verify();
  });

  it('honours negative fills as node byte limits', () => {
    for (const [fill, limit] of [[-1, 4096], [-2, 8192], [-5, 65536]] as const) {
      const q = new Quicklist(fill, 0);
      for (let i = 0; i < 3000; i++) q.push('x'.repeat(50), false);
      for (let n = q.head; n !== null; n = n.next) expect(n.size).toBeLessThanOrEqual(limit);
      // nodes are filled close to the limit
      expect(q.head?.size).toBeGreaterThan(limit - 60);
      q.verify();
    }
  });

  it('positive fill keeps the 8 KB safety limit', () => {
    const q = new Quicklist(1000, 0);
    for (let i = 0; i < 100; i++) q.push('x'.repeat(1000), false);
    for (let n = q.head; n !== null; n = n.next) expect(n.size).toBeLessThanOrEqual(8192);
    q.verify();
  });

  it('puts elements at or above the packed threshold in plain nodes', () => {
    setPackedThreshold(10);
    const q = new Quicklist(-2, 0);
    q.push('aa', false);
    q.push('bb', false);
    q.push('x'.repeat(10), false);
    q.push('cc', false);
    expect(q.len).toBe(3);
    expect(q.head?.next?.plain).toBe(true);
    expect(q.replace(0, 'y'.repeat(20))).toBe(true);
    expect(q.toArray()).toEqual(['y'.repeat(20), 'bb', 'x'.repeat(10), 'cc']);
    expect(q.replace(2, 'zz')).toBe(true);
    expect(q.toArray()).toEqual(['y'.repeat(20), 'bb', 'zz', 'cc']);
    expect(q.insertAtPivot('bb', 'L'.repeat(12), true)).toBe(true);
    expect(q.toArray()).toEqual(['y'.repeat(20), 'bb', 'L'.repeat(12), 'zz', 'cc']);
    q.verify();
  });

  it('compresses interior nodes beyond the depth and keeps the ends raw', () => {
    const q = new Quicklist(8, 1);
    const vals: string[] = [];
    for (let i = 0; i < 200; i++) {
      const v = `element-${i % 7}-` + 'abc'.repeat(10);
      vals.push(v);
      q.push(v, false);
    }
    q.verify();
    expect(q.head?.compressed).toBe(false);
    expect(q.tail?.compressed).toBe(false);
    let compressed = 0;
    for (let n = q.head; n !== null; n = n.next) if (n.compressed) compressed++;
    expect(compressed).toBeGreaterThan(q.len - 3);
    expect(q.toArray()).toEqual(vals);
    expect(q.index(100)).toBe(vals[100]);
    // the compressed form saves memory
    let stored = 0;
    for (let n = q.head; n !== null; n = n.next) stored += n.data.length;
    expect(stored).toBeLessThan(q.uncompressedSize() / 2);
    // pop everything: new ends get decompressed as they surface
    for (let i = 0; i < 100; i++) {
      expect(q.pop(true)).toBe(vals[i]);
      expect(q.pop(false)).toBe(vals[199 - i]);
      q.verify();
    }
    expect(q.count).toBe(0);
  });

  it('iterates forward and backward from any index', () => {
    const q = new Quicklist(3, 0);
    const vals = Array.from({ length: 20 }, (_, i) => `v${i}`);
    for (const v of vals) q.push(v, false);
    for (const start of [0, 5, 19, -1, -7]) {
      const s = start < 0 ? 20 + start : start;
      const it = q.iterator(start, true);
      const got: string[] = [];
      for (let v = it.next(); v !== null; v = it.next()) got.push(v);
      expect(got).toEqual(vals.slice(s));
      const back = q.iterator(start, false);
      const got2: string[] = [];
      for (let v = back.next(); v !== null; v = back.next()) got2.push(v);
      expect(got2).toEqual(vals.slice(0, s + 1).reverse());
    }
    expect(q.iterator(20, true).next()).toBeNull();
    expect(q.iterator(-21, true).next()).toBeNull();
  });

  it('copies independently (dup)', () => {
    const q = Quicklist.fromValues(['a', 'b', 'c'], 2, 0);
    const d = q.dup();
    q.push('z', false);
    d.pop(true);
    expect(q.toArray()).toEqual(['a', 'b', 'c', 'z']);
    expect(d.toArray()).toEqual(['b', 'c']);
    d.verify();
  });

  it('stores ten short elements in one compact node', () => {
    const q = Quicklist.fromValues(Array.from({ length: 10 }, (_, i) => `value:${i}`), -2, 0);
    expect(q.len).toBe(1);
    expect(q.head?.data.length).toBe(90);
  });

  // The model test: a JS array and the quicklist see the same random operations.
  for (const [fill, compress, threshold] of [
    [-2, 0, 0], [2, 0, 0], [5, 1, 0], [1, 2, 0], [-1, 1, 100], [3, 0, 8], [16, 2, 1], [0, 0, 0],
  ] as const) {
    it(`matches an array model (fill ${fill}, compress ${compress}, threshold ${threshold})`, () => {
      const r = rng(fill * 31 + compress * 7 + threshold + 1000);
      setPackedThreshold(threshold);
      const q = new Quicklist(fill, compress);
      let m: string[] = [];
      for (let step = 0; step < 3000; step++) {
        const op = Math.floor(r() * 11);
        const len = m.length;
        const idx = len === 0 ? 0 : Math.floor(r() * (len * 2 + 4)) - len - 2;
        switch (op) {
          case 0:
          case 1: {
            const v = randValue(r);
            q.push(v, op === 0);
            if (op === 0) m.unshift(v);
            else m.push(v);
            break;
          }
          case 2:
          case 3:
            expect(q.pop(op === 2)).toBe(op === 2 ? m.shift() : m.pop());
            break;
          case 4: {
            const norm = idx < 0 ? len + idx : idx;
            expect(q.index(idx)).toBe(norm >= 0 && norm < len ? m[norm] : undefined);
            break;
          }
          case 5: {
            const v = randValue(r);
            const norm = idx < 0 ? len + idx : idx;
            const ok = norm >= 0 && norm < len;
            expect(q.replace(idx, v)).toBe(ok);
            if (ok) m[norm] = v;
            break;
          }
          case 6: {
            const pivot = len > 0 && r() < 0.8 ? (m[Math.floor(r() * len)] as string) : 'nope';
            const v = randValue(r);
            const after = r() < 0.5;
            const at = m.indexOf(pivot);
            expect(q.insertAtPivot(pivot, v, after)).toBe(at !== -1);
            if (at !== -1) m.splice(after ? at + 1 : at, 0, v);
            break;
          }
          case 7: {
            const n = Math.floor(r() * 6);
            const norm = idx < 0 ? len + idx : idx;
            const expected = n <= 0 || norm < 0 || norm >= len ? 0 : Math.min(n, len - norm);
            expect(q.delRange(idx, n)).toBe(expected);
            if (expected > 0) m.splice(norm, expected);
            break;
          }
          case 8: {
            const v = len > 0 && r() < 0.7 ? (m[Math.floor(r() * len)] as string) : 'nope';
            const limit = Math.floor(r() * 3);
            const fromTail = r() < 0.5;
            let removed = 0;
            if (fromTail) {
              for (let i = m.length - 1; i >= 0 && (limit === 0 || removed < limit); i--) {
                if (m[i] === v) {
                  m.splice(i, 1);
                  removed++;
                }
              }
            } else {
              const out: string[] = [];
              for (const x of m) {
                if (x === v && (limit === 0 || removed < limit)) removed++;
                else out.push(x);
              }
              m = out;
            }
            expect(q.removeMatching(v, limit, fromTail)).toBe(removed);
            break;
          }
          case 9: {
            // a burst of small pushes to fill nodes
            for (let i = 0; i < 20; i++) {
              const v = String(i);
              q.push(v, false);
              m.push(v);
            }
            break;
          }
          default: {
            const it = q.iterator(idx, r() < 0.5);
            it.next();
          }
        }
        expect(q.count).toBe(m.length);
        if (step % 50 === 0) {
          q.verify();
          expect(q.toArray()).toEqual(m);
        }
      }
      q.verify();
      expect(q.toArray()).toEqual(m);
    });
  }
});
