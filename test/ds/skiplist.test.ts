import { describe, expect, it } from 'vitest';
import {
  LEX_MINUS,
  LEX_PLUS,
  LEX_VALUE,
  randomLevel,
  SkipList,
  type LexRange,
  type ScoreRange,
} from '../../src/ds/skiplist.js';
import { rng as prng } from '../helpers/random.js';

type Pair = [number, string];
const cmp = (a: Pair, b: Pair): number => (a[0] - b[0]) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

function contents(zsl: SkipList): Pair[] {
  const out: Pair[] = [];
  for (let x = zsl.first(); x !== 0; x = zsl.next(x)) out.push([zsl.scoreOf(x), zsl.memberOf(x)]);
  return out;
}

function reversed(zsl: SkipList): Pair[] {
  const out: Pair[] = [];
  for (let x = zsl.tail; x !== 0; x = zsl.prev(x)) out.push([zsl.scoreOf(x), zsl.memberOf(x)]);
  return out;
}

describe('SkipList', () => {
  it('starts empty', () => {
    const z = new SkipList();
    expect(z.length).toBe(0);
    expect(z.first()).toBe(0);
    expect(z.tail).toBe(0);
    expect(z.byRank(1)).toBe(0);
    expect(z.rankOf(1, 'a')).toBe(0);
    expect(z.validate()).toBeNull();
  });

  it('orders by score, then member bytes (shorter prefix first)', () => {
    const z = new SkipList(prng(1));
    const input: Pair[] = [[1, 'b'], [1, 'a'], [0, 'z'], [1, 'ab'], [-Infinity, 'x'], [Infinity, 'y'], [1, '\xff'], [1, '\x00'], [1, '']];
    for (const [s, m] of input) z.insert(s, m);
    expect(contents(z)).toEqual([...input].sort(cmp));
    expect(reversed(z)).toEqual([...input].sort(cmp).reverse());
    expect(z.validate()).toBeNull();
  });

  it('random level follows p = 0.25 and caps at 32', () => {
    const r = prng(7);
    const counts = new Array<number>(33).fill(0);
    const N = 200_000;
    for (let i = 0; i < N; i++) counts[randomLevel(r)]!++;
    expect(counts[1]! / N).toBeCloseTo(0.75, 1);
    expect(counts[2]! / N).toBeCloseTo(0.1875, 1);
    expect(randomLevel(() => 0)).toBe(32);
    expect(randomLevel(() => 0.99)).toBe(1);
  });

  it('matches a sorted reference under random inserts, deletes, updates (ranks, by-rank)', () => {
    const r = prng(42);
    const z = new SkipList(r);
    const ref = new Map<string, number>();
    for (let step = 0; step < 6000; step++) {
      const m = 'm' + Math.floor(r() * 800);
      const s = Math.floor(r() * 50) - 25 + (r() < 0.3 ? 0.5 : 0);
      const op = r();
      const cur = ref.get(m);
      if (op < 0.5) {
        if (cur === undefined) {
          z.insert(s, m);
          ref.set(m, s);
        } else {
          z.updateScore(cur, m, s);
          ref.set(m, s);
        }
      } else if (op < 0.8) {
        expect(z.delete(cur ?? s, m)).toBe(cur !== undefined);
        ref.delete(m);
      } else if (cur !== undefined) {
        expect(z.delete(cur + 1000, m)).toBe(false); // wrong score: not found
      }
      if (step % 500 === 0) expect(z.validate()).toBeNull();
    }
    expect(z.validate()).toBeNull();
    const sorted: Pair[] = [...ref].map(([m, s]) => [s, m] as Pair).sort(cmp);
    expect(contents(z)).toEqual(sorted);
    expect(reversed(z)).toEqual([...sorted].reverse());
    for (let i = 0; i < sorted.length; i++) {
      const [s, m] = sorted[i]!;
      expect(z.rankOf(s, m)).toBe(i + 1);
      const x = z.byRank(i + 1);
      expect(z.memberOf(x)).toBe(m);
    }
    expect(z.byRank(sorted.length + 1)).toBe(0);
    expect(z.rankOf(0, 'nope')).toBe(0);
  });

  it('updateScore keeps the node id, in place or moved', () => {
    const z = new SkipList(prng(3));
    const a = z.insert(1, 'a');
    const b = z.insert(2, 'b');
    z.insert(3, 'c');
    expect(z.updateScore(2, 'b', 2.5)).toBe(b); // stays between a and c
    expect(z.updateScore(1, 'a', 10)).toBe(a); // moves to the end
    expect(contents(z)).toEqual([[2.5, 'b'], [3, 'c'], [10, 'a']]);
    expect(z.tail).toBe(a);
    expect(z.validate()).toBeNull();
    expect(() => z.updateScore(99, 'zz', 1)).toThrow();
  });

  const range = (min: number, max: number, minex = false, maxex = false): ScoreRange => ({ min, max, minex, maxex });

  it('score ranges: first/last in range, exclusivity, empty ranges', () => {
    const z = new SkipList(prng(5));
    for (let i = 0; i < 100; i++) z.insert(i, 'e' + String(i).padStart(3, '0'));
    expect(z.memberOf(z.firstInRange(range(10, 20)))).toBe('e010');
    expect(z.memberOf(z.lastInRange(range(10, 20)))).toBe('e020');
    expect(z.memberOf(z.firstInRange(range(10, 20, true, true)))).toBe('e011');
    expect(z.memberOf(z.lastInRange(range(10, 20, true, true)))).toBe('e019');
    expect(z.memberOf(z.firstInRange(range(-Infinity, Infinity)))).toBe('e000');
    expect(z.memberOf(z.lastInRange(range(-Infinity, Infinity)))).toBe('e099');
    expect(z.firstInRange(range(10.2, 10.8))).toBe(0);
    expect(z.lastInRange(range(10.2, 10.8))).toBe(0);
    expect(z.firstInRange(range(5, 5, true))).toBe(0);
    expect(z.firstInRange(range(20, 10))).toBe(0);
    expect(z.firstInRange(range(100, 200))).toBe(0);
    expect(z.lastInRange(range(-5, -1))).toBe(0);
    expect(z.isInRange(range(99, 99))).toBe(true);
  });

  const lex = (min: string, max: string): LexRange => {
    const item = (s: string): [number, string, boolean] =>
      s === '-' ? [LEX_MINUS, '', true] : s === '+' ? [LEX_PLUS, '', true] : [LEX_VALUE, s.slice(1), s[0] === '('];
    const [minKind, mn, minex] = item(min);
    const [maxKind, mx, maxex] = item(max);
    return { min: mn, max: mx, minKind, maxKind, minex, maxex };
  };

  it('lex ranges over equal scores', () => {
    const z = new SkipList(prng(9));
    for (const m of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) z.insert(0, m);
    expect(z.memberOf(z.firstInLexRange(lex('-', '+')))).toBe('a');
    expect(z.memberOf(z.lastInLexRange(lex('-', '+')))).toBe('g');
    expect(z.memberOf(z.firstInLexRange(lex('(b', '[e')))).toBe('c');
    expect(z.memberOf(z.lastInLexRange(lex('(b', '[e')))).toBe('e');
    expect(z.memberOf(z.lastInLexRange(lex('(b', '(e')))).toBe('d');
    expect(z.firstInLexRange(lex('+', '-'))).toBe(0);
    expect(z.firstInLexRange(lex('[z', '+'))).toBe(0);
    expect(z.firstInLexRange(lex('(c', '[c'))).toBe(0);
    expect(z.firstInLexRange(lex('-', '-'))).toBe(0);
    expect(z.firstInLexRange(lex('+', '+'))).toBe(0);
  });

  it('range deletions by score, lex and rank keep invariants', () => {
    const r = prng(11);
    for (const kind of ['score', 'lex', 'rank'] as const) {
      const z = new SkipList(r);
      let ref: Pair[] = [];
      for (let i = 0; i < 500; i++) {
        const p: Pair = kind === 'lex' ? [0, 'k' + String(i).padStart(4, '0')] : [i % 97, 'm' + i];
        z.insert(p[0], p[1]);
        ref.push(p);
      }
      ref.sort(cmp);
      const gone: string[] = [];
      let n: number;
      if (kind === 'score') {
        n = z.deleteRangeByScore(range(10, 20, false, true), (m) => gone.push(m));
        ref = ref.filter((p) => !(p[0] >= 10 && p[0] < 20));
      } else if (kind === 'lex') {
        n = z.deleteRangeByLex(lex('[k0100', '(k0200'), (m) => gone.push(m));
        ref = ref.filter((p) => !(p[1] >= 'k0100' && p[1] < 'k0200'));
      } else {
        n = z.deleteRangeByRank(5, 104, (m) => gone.push(m));
        ref = [...ref.slice(0, 4), ...ref.slice(104)];
      }
      expect(n).toBe(gone.length);
      expect(n).toBe(500 - ref.length);
      expect(z.validate()).toBeNull();
      expect(contents(z)).toEqual(ref);
    }
  });

  it('reuses freed ids and compacts sparse storage, reporting new ids', () => {
    const z = new SkipList(prng(13));
    for (let i = 0; i < 5000; i++) z.insert(i, 'x' + i);
    const space = z.idSpace;
    for (let i = 0; i < 100; i++) z.delete(i, 'x' + i);
    for (let i = 0; i < 100; i++) z.insert(-i - 1, 'y' + i);
    expect(z.idSpace).toBe(space); // freed ids were reused
    z.deleteRangeByRank(1, 4800, () => {});
    expect(z.sparse).toBe(true);
    const before = contents(z);
    const moved = new Map<string, number>();
    z.compact((m, id) => moved.set(m, id));
    expect(z.sparse).toBe(false);
    expect(z.idSpace).toBe(z.length + 1);
    expect(contents(z)).toEqual(before);
    expect(moved.size).toBe(z.length);
    for (const [m, id] of moved) expect(z.memberOf(id)).toBe(m);
    expect(z.validate()).toBeNull();
  });

  it('clone is independent and keeps ids', () => {
    const z = new SkipList(prng(17));
    const ids = new Map<string, number>();
    for (let i = 0; i < 300; i++) ids.set('c' + i, z.insert(i % 13, 'c' + i));
    const c = z.clone();
    for (const [m, id] of ids) expect(c.memberOf(id)).toBe(m);
    c.delete(0, 'c0');
    c.insert(100, 'new');
    z.updateScore(1, 'c1', -5);
    expect(z.validate()).toBeNull();
    expect(c.validate()).toBeNull();
    expect(z.length).toBe(300);
    expect(c.length).toBe(300);
    expect(contents(c).some(([, m]) => m === 'new')).toBe(true);
    expect(contents(z).some(([, m]) => m === 'new')).toBe(false);
  });

  it('grows across storage chunks (more than 2^16 nodes)', () => {
    const z = new SkipList(prng(19));
    const N = 70_000;
    for (let i = 0; i < N; i++) z.insert(N - i, 'n' + i); // always at the head
    expect(z.length).toBe(N);
    expect(z.memberOf(z.first())).toBe('n' + (N - 1));
    expect(z.memberOf(z.byRank(N))).toBe('n0');
    expect(z.rankOf(35_000, 'n' + (N - 35_000))).toBe(35_000);
    expect(z.validate()).toBeNull();
  });
});
