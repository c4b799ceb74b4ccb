import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE, ChunkedArray } from '../../src/ds/chunked-array.js';
import { Dict, type DictOptions } from '../../src/ds/dict.js';
import { hashString } from '../../src/util/key-hash.js';
import { rng as prng } from '../helpers/random.js';

/** Every slot points back at itself and the dict matches the reference exactly. */
function checkConsistent<V>(d: Dict<V>, ref: Map<string, V>): void {
  expect(d.size).toBe(ref.size);
  const bad: string[] = [];
  for (let s = 0; s < d.size; s++) {
    const k = d.keyAt(s);
    if (d.slotOf(k) !== s) bad.push(`slot ${s} key ${k} indexed at ${d.slotOf(k)}`);
    if (!ref.has(k) || d.valueAt(s) !== ref.get(k)) bad.push(`slot ${s} key ${k} value ${String(d.valueAt(s))}`);
  }
  for (const [k, v] of ref) {
    if (!d.has(k) || d.get(k) !== v) bad.push(`key ${k} expected ${String(v)} got ${String(d.get(k))}`);
  }
  expect(bad.slice(0, 5)).toEqual([]);
}

/** Tiny tables, every rehash incremental, one bucket moved per write. */
const TINY_SLOW: DictOptions = { minBuckets: 1, rehashAtOnce: 0, rehashPerWrite: 1 };
/** Configurations: default, tiny tables (many incremental grows and shrinks), presized. */
const CONFIGS: [string, DictOptions][] = [
  ['default', {}],
  ['tiny tables, slow incremental rehash', TINY_SLOW],
  ['small tables, faster incremental rehash', { minBuckets: 2, rehashAtOnce: 0, rehashPerWrite: 3 }],
  ['presized', { expectedSize: 2000 }],
];

describe('ChunkedArray', () => {
  it('pushes, reads, overwrites and pops across chunk boundaries', () => {
    const a = new ChunkedArray<number>();
    const n = 2 * CHUNK_SIZE + 123;
    for (let i = 0; i < n; i++) a.push(i * 3);
    expect(a.length).toBe(n);
    expect(a.get(0)).toBe(0);
    expect(a.get(CHUNK_SIZE - 1)).toBe((CHUNK_SIZE - 1) * 3);
    expect(a.get(CHUNK_SIZE)).toBe(CHUNK_SIZE * 3);
    expect(a.get(n - 1)).toBe((n - 1) * 3);
    a.set(CHUNK_SIZE + 5, -1);
    expect(a.get(CHUNK_SIZE + 5)).toBe(-1);
    let wrong = 0;
    for (let i = n - 1; i >= CHUNK_SIZE - 10; i--) if (a.pop() !== (i === CHUNK_SIZE + 5 ? -1 : i * 3)) wrong++;
    expect(wrong).toBe(0);
    expect(a.length).toBe(CHUNK_SIZE - 10);
    // grow again over the spare chunk and past it
    for (let i = CHUNK_SIZE - 10; i < CHUNK_SIZE + 20; i++) a.push(i);
    expect(a.get(CHUNK_SIZE + 19)).toBe(CHUNK_SIZE + 19);
    expect(a.get(CHUNK_SIZE - 11)).toBe((CHUNK_SIZE - 11) * 3);
    while (a.length > 0) a.pop();
    expect(a.pop()).toBeUndefined();
    a.push(7);
    expect(a.get(0)).toBe(7);
    a.clear();
    expect(a.length).toBe(0);
  });

  it('seesaws across a boundary with objects', () => {
    const a = new ChunkedArray<{ n: number }>();
    for (let i = 0; i < CHUNK_SIZE; i++) a.push({ n: i });
    for (let r = 1; r <= 5; r++) {
      a.push({ n: -r });
      expect(a.length).toBe(CHUNK_SIZE + 1);
      expect(a.get(CHUNK_SIZE).n).toBe(-r);
      expect(a.pop()!.n).toBe(-r);
      expect(a.pop()!.n).toBe(CHUNK_SIZE - 1);
      a.push({ n: CHUNK_SIZE - 1 });
    }
    expect(a.length).toBe(CHUNK_SIZE);
    for (let i = 0; i < CHUNK_SIZE; i += 4099) expect(a.get(i).n).toBe(i);
  });
});

describe('Dict basics', () => {
  it.each(CONFIGS)('get/set/has/delete/take/setIfAbsent (%s)', (_name, opts) => {
    const d = new Dict<number>(opts);
    expect(d.size).toBe(0);
    expect(d.get('a')).toBeUndefined();
    expect(d.has('a')).toBe(false);
    expect(d.delete('a')).toBe(false);
    expect(d.take('a')).toBeUndefined();
    expect(d.slotOf('a')).toBe(-1);
    expect(d.randomKey()).toBeUndefined();
    expect(d.randomEntry()).toBeUndefined();
    expect(d.randomSlot()).toBe(-1);

    expect(d.set('a', 1)).toBe(true);
    expect(d.set('a', 2)).toBe(false);
    expect(d.get('a')).toBe(2);
    expect(d.setIfAbsent('a', 3)).toBe(2);
    expect(d.setIfAbsent('b', 4)).toBeUndefined();
    expect(d.get('b')).toBe(4);
    for (let i = 0; i < 100; i++) d.set('k' + i, i);
    expect(d.size).toBe(102);
    const s = d.slotOf('k50');
    expect(d.keyAt(s)).toBe('k50');
    expect(d.valueAt(s)).toBe(50);
    d.setValueAt(s, 500);
    expect(d.get('k50')).toBe(500);
    expect(d.take('k50')).toBe(500);
    expect(d.take('k50')).toBeUndefined();
    expect(d.delete('a')).toBe(true);
    expect(d.has('a')).toBe(false);
    expect(d.size).toBe(100);
    d.clear();
    expect(d.size).toBe(0);
    expect(d.get('b')).toBeUndefined();
    expect(d.set('b', 1)).toBe(true);
    expect(d.layoutStats().rehashing).toBe(false);
  });

  it('is binary safe for latin1 keys, including the empty key', () => {
    const d = new Dict<string>(TINY_SLOW);
    const keys = ['', '\x00', '\x00\x00', '\xff', '\xff\xfe\x00', 'a\r\nb', 'é', '\x80\x81'];
    for (const k of keys) d.set(k, 'v' + k);
    for (const k of keys) expect(d.get(k)).toBe('v' + k);
    expect(d.size).toBe(keys.length);
    expect(d.delete('\x00')).toBe(true);
    expect(d.get('\x00\x00')).toBe('v\x00\x00');
    expect(d.get('')).toBe('v');
  });

  it('handles long keys that differ only in the middle', () => {
    const d = new Dict<number>(TINY_SLOW);
    const mid = 'm'.repeat(200);
    for (let i = 0; i < 50; i++) d.set('<' + mid.slice(0, 100) + i + mid.slice(100) + '>', i);
    for (let i = 0; i < 50; i++) expect(d.get('<' + mid.slice(0, 100) + i + mid.slice(100) + '>')).toBe(i);
    expect(d.size).toBe(50);
  });

  it('accepts undefined and object values', () => {
    const d = new Dict<{ x: number } | undefined>();
    d.set('u', undefined);
    expect(d.has('u')).toBe(true);
    expect(d.size).toBe(1);
    const o = { x: 1 };
    d.set('o', o);
    expect(d.get('o')).toBe(o);
  });
});

describe('Dict against a reference Map', () => {
  it.each(CONFIGS)('random operations, including during grows and shrinks (%s)', (_name, opts) => {
    const rnd = prng(12345);
    const d = new Dict<number>(opts);
    const ref = new Map<string, number>();
    const keySpace = 3000;
    let sawRehash = false;
    let sawShrink = false;
    for (let step = 0; step < 40_000; step++) {
      const k = 'k' + Math.floor(rnd() * keySpace);
      const op = rnd();
      // Grow for the first half, shrink-biased in the second half; the last quarter drains
      // the dict to about 100 keys (shrinks several times).
      const insertBias = step < 20_000 ? 0.6 : 0.3;
      if (step >= 30_000 && op < 0.6) {
        if (op < 0.02) {
          expect(d.set(k, step)).toBe(!ref.has(k));
          ref.set(k, step);
        } else {
          expect(d.delete(k)).toBe(ref.delete(k));
        }
      } else if (op < insertBias) {
        const v = step;
        expect(d.set(k, v)).toBe(!ref.has(k));
        ref.set(k, v);
      } else if (op < insertBias + 0.25) {
        expect(d.delete(k)).toBe(ref.delete(k));
      } else if (op < insertBias + 0.3) {
        const had = ref.get(k);
        expect(d.setIfAbsent(k, -step)).toBe(had);
        if (had === undefined) ref.set(k, -step);
      } else if (op < insertBias + 0.35) {
        const had = ref.get(k);
        expect(d.take(k)).toBe(had);
        ref.delete(k);
      } else {
        expect(d.get(k)).toBe(ref.get(k));
      }
      if (d.rehashing) {
        sawRehash = true;
        const st = d.layoutStats();
        if (st.oldBuckets > st.buckets) sawShrink = true;
      }
      if (step % 2500 === 0) checkConsistent(d, ref);
    }
    checkConsistent(d, ref);
    if (opts.rehashAtOnce === 0) {
      expect(sawRehash).toBe(true);
      expect(sawShrink).toBe(true);
    }
    while (d.rehashStep(7));
    checkConsistent(d, ref);
    const st = d.layoutStats();
    expect(st.pendingBuckets).toBe(0);
    expect(st.buckets).toBeGreaterThanOrEqual(d.size); // load factor <= 1 once settled
    expect(st.longestChain).toBeLessThan(20);
  });

  it('long keys of one length that differ only in the middle spread over the buckets', () => {
    const d = new Dict<number>();
    const side = 'x'.repeat(98);
    const key = (i: number): string => side + String(i).padStart(4, '0') + side; // 200 bytes
    for (let i = 0; i < 5000; i++) d.set(key(i), i);
    while (d.rehashStep(1000));
    expect(d.size).toBe(5000);
    expect(d.layoutStats().longestChain).toBeLessThan(20);
    for (let i = 0; i < 5000; i += 97) expect(d.get(key(i))).toBe(i);
  });

  it('releases slot-metadata chunks as it empties, down to a small chunk 0', () => {
    const d = new Dict<number>();
    const N = 70_000;
    for (let i = 0; i < N; i++) d.set('k' + i, i);
    const full = d.layoutStats();
    expect(full.metaChunks).toBe(2);
    expect(full.metaCells).toBe(2 * 2 ** 17);
    // just below the chunk boundary the spare chunk stays (no flapping around 65,536)
    for (let i = N - 1; i >= 65_000; i--) d.delete('k' + i);
    expect(d.layoutStats().metaChunks).toBe(2);
    for (let i = 64_999; i >= 3; i--) d.delete('k' + i);
    expect(d.size).toBe(3);
    const small = d.layoutStats();
    expect(small.metaChunks).toBe(1);
    expect(small.metaCells).toBeLessThanOrEqual(64);
    for (let i = 0; i < 3; i++) expect(d.get('k' + i)).toBe(i);
    // grows again from there
    for (let i = 3; i < 70_000; i++) d.set('k' + i, i);
    expect(d.layoutStats().metaChunks).toBe(2);
    for (let i = 0; i < 70_000; i += 501) expect(d.get('k' + i)).toBe(i);
  });

  it('deletes during a rehash re-point chain predecessors in the old table (colliding keys)', () => {
    // Keys whose hashes agree in the low 11 bits form one chain in the 1024-bucket table and in
    // the 2048-bucket table it grows into: every swap-last move among them re-points a slot link.
    // They are found by searching candidate keys with hashString (whatever this process's seed).
    const rnd = prng(4242);
    const d = new Dict<number>(TINY_SLOW);
    const ref = new Map<string, number>();
    // the first candidate whose bucket (of 1024) is in the upper half fixes the target bits, so
    // the chain stays in the old table for a few hundred writes
    let c = 0;
    while ((hashString('c:' + c) & 1023) < 512) c++;
    const target = hashString('c:' + c) & 2047;
    const colliding: string[] = [];
    for (; colliding.length < 367; c++) if ((hashString('c:' + c) & 2047) === target) colliding.push('c:' + c);
    const collidingSet = new Set(colliding);
    const collide = (i: number): string => colliding[i / 3]!;
    expect(hashString(collide(0)) & 2047).toBe(target);
    expect(hashString(collide(3)) & 2047).toBe(target);
    const keyOf = (i: number): string => (i % 3 === 0 ? collide(i) : 'k' + i);
    for (let i = 0; i <= 1024; i++) {
      d.set(keyOf(i), i);
      ref.set(keyOf(i), i);
    }
    expect(d.rehashing).toBe(true); // 1025 entries > 1024 buckets: growing, 1 bucket per write
    expect(d.layoutStats().longestChain).toBeGreaterThanOrEqual(341);
    const collideBucket = hashString(collide(0)) & 1023;
    // No lookups in this loop (a lookup moves a bucket too): only writes drive the rehash.
    let rehashingDeletes = 0;
    let movedInOldChain = 0;
    for (let step = 0; step < 400; step++) {
      const i = Math.floor(rnd() * 1100);
      const k = keyOf(i);
      if (rnd() < 0.1) {
        d.set(k, -step);
        ref.set(k, -step);
      } else {
        if (d.rehashing) {
          rehashingDeletes++;
          // the entry swap-last will move is a colliding key whose chain is still in the old table
          const st = d.layoutStats();
          const last = d.keyAt(d.size - 1);
          if (ref.has(k) && last !== k && collidingSet.has(last) && collideBucket >= st.oldBuckets - st.pendingBuckets) {
            movedInOldChain++;
          }
        }
        expect(d.delete(k)).toBe(ref.delete(k));
      }
    }
    expect(rehashingDeletes).toBeGreaterThan(300);
    expect(movedInOldChain).toBeGreaterThan(10);
    checkConsistent(d, ref);
    while (d.rehashStep(10));
    checkConsistent(d, ref);
    // drain everything: shrinks all the way down, the colliding chain included
    for (const k of [...ref.keys()]) {
      expect(d.take(k)).toBe(ref.get(k));
      ref.delete(k);
    }
    checkConsistent(d, ref);
    while (d.rehashStep(10));
    expect(d.layoutStats().buckets).toBe(1);
  });

  it('expectedSize presizes the table: no rehash while loading that many entries', () => {
    expect(new Dict({ expectedSize: 100 }).layoutStats().buckets).toBe(128);
    expect(new Dict({ expectedSize: 1_000_000 }).layoutStats().buckets).toBe(2 ** 20);
    expect(new Dict({ expectedSize: 1e12 }).layoutStats().buckets).toBe(2 ** 26); // capped
    const d = new Dict<number>({ expectedSize: 5000 });
    expect(d.layoutStats().buckets).toBe(8192);
    for (let i = 0; i < 5000; i++) {
      d.set('k' + i, i);
      if (d.rehashing) expect.fail(`rehash at ${i}`);
    }
    expect(d.layoutStats().buckets).toBe(8192);
    d.clear();
    expect(d.layoutStats().buckets).toBe(0);
    d.set('a', 1);
    expect(d.layoutStats().buckets).toBe(8192);
  });

  it('append + indexAppended (bulk load): batches, growth from any table size, mid-rehash, duplicates', () => {
    for (const [name, opts] of CONFIGS) {
      const d = new Dict<number>(opts);
      const ref = new Map<string, number>();
      // some keys through set() first, leaving a grow half done in the slow configurations
      for (let i = 0; i < 300; i++) {
        d.set('s' + i, i);
        ref.set('s' + i, i);
      }
      let batch = 1;
      for (let i = 0; i < 20_000; ) {
        for (let j = 0; j < batch && i < 20_000; j++, i++) {
          d.append('a' + i, hashString('a' + i), i);
          ref.set('a' + i, i);
        }
        expect([name, d.indexAppended()]).toEqual([name, -1]);
        batch = batch * 3 + 1;
      }
      expect(d.rehashing).toBe(false);
      expect(d.layoutStats().buckets).toBeGreaterThanOrEqual(d.size);
      checkConsistent(d, ref);
      // the dict works as usual afterwards
      d.delete('a5');
      ref.delete('a5');
      d.set('a5', -5);
      ref.set('a5', -5);
      checkConsistent(d, ref);
      // a key appended twice, or appended while already present, is reported by its slot
      d.append('x', hashString('x'), 1);
      d.append('y', hashString('y'), 2);
      d.append('x', hashString('x'), 3);
      const dup = d.indexAppended();
      expect(dup).toBe(d.size - 1);
      expect(d.keyAt(dup)).toBe('x');
      const e = new Dict<number>(opts);
      e.set('k', 1);
      e.append('k', hashString('k'), 2);
      expect(e.keyAt(e.indexAppended())).toBe('k');
    }
  });

  it('allocates no table until the first insert and stays at 8 buckets up to 8 entries', () => {
    const d = new Dict<number>();
    expect(d.layoutStats().buckets).toBe(0);
    expect(d.get('x')).toBeUndefined();
    expect(d.delete('x')).toBe(false);
    for (let i = 0; i < 8; i++) d.set('k' + i, i);
    expect(d.layoutStats().buckets).toBe(8);
    d.set('k8', 8);
    expect(d.layoutStats().buckets).toBe(16); // small tables rehash at once
    expect(d.rehashing).toBe(false);
  });

  it('grows incrementally beyond 2^12 buckets and shrinks when mostly empty', () => {
    const d = new Dict<number>();
    for (let i = 0; i <= 8192; i++) d.set('k' + i, i);
    let st = d.layoutStats();
    expect(d.rehashing).toBe(true);
    expect(st).toMatchObject({ buckets: 16384, oldBuckets: 8192 });
    expect(st.pendingBuckets).toBeGreaterThan(8000);
    // each lookup moves one bucket
    d.get('k1');
    expect(d.layoutStats().pendingBuckets).toBeLessThan(st.pendingBuckets);
    for (let i = 0; i <= 8192; i++) expect(d.get('k' + i)).toBe(i);
    while (d.rehashStep(1000));
    for (let i = 100; i <= 8192; i++) d.delete('k' + i);
    while (d.rehashStep(1000));
    st = d.layoutStats();
    expect(st.buckets).toBeLessThanOrEqual(1024);
    expect(st.buckets).toBeGreaterThanOrEqual(d.size);
    for (let i = 0; i < 100; i++) expect(d.get('k' + i)).toBe(i);
    expect(d.size).toBe(100);
  });

  it('a burst of inserts during a shrink does not build long chains', () => {
    // a presized table that received few keys: the first delete shrinks it, by at most 64x
    const d = new Dict<number>({ expectedSize: 1 << 20 });
    for (let i = 0; i < 10; i++) d.set('a' + i, i);
    for (let i = 1; i < 10; i++) d.delete('a' + i);
    expect(d.rehashing).toBe(true);
    expect(d.layoutStats()).toMatchObject({ buckets: 1 << 14, oldBuckets: 1 << 20 });
    let worst = 0;
    for (let i = 0; i < 20_000; i++) {
      d.set('b' + i, i);
      if (i % 1000 === 0) worst = Math.max(worst, d.layoutStats().longestChain);
    }
    expect(worst).toBeLessThan(20);
    expect(d.get('a0')).toBe(0);
    for (let i = 0; i < 20_000; i += 97) expect(d.get('b' + i)).toBe(i);
  });

  it('rehashStep drives a rehash to its end and reports progress', () => {
    const d = new Dict<number>(TINY_SLOW);
    for (let i = 0; i < 1025; i++) d.set('k' + i, i);
    expect(d.rehashing).toBe(true);
    const before = d.layoutStats().pendingBuckets;
    expect(before).toBeGreaterThan(900);
    expect(d.rehashStep(100)).toBe(true);
    const after = d.layoutStats().pendingBuckets;
    expect(after).toBeLessThanOrEqual(before - 100);
    expect(after).toBeGreaterThan(before - 100 * 16);
    let calls = 0;
    while (d.rehashStep(100)) calls++;
    expect(calls).toBeLessThan(10);
    expect(d.rehashStep(100)).toBe(false);
    expect(d.layoutStats()).toMatchObject({ pendingBuckets: 0, oldBuckets: 0, buckets: 2048 });
    for (let i = 0; i < 1025; i++) expect(d.get('k' + i)).toBe(i);
  });
});

describe('Dict scan', () => {
  it('returns 0 at once on an empty dict and visits each key once when unchanged', () => {
    const d = new Dict<number>();
    expect(d.scan(0, 10, () => expect.fail('nothing to visit'))).toBe(0);
    for (let i = 0; i < 1000; i++) d.set('k' + i, i);
    const seen = new Map<string, number>();
    let cursor = 0;
    let calls = 0;
    do {
      cursor = d.scan(cursor, 37, (k, v) => {
        expect(d.get(k)).toBe(v);
        seen.set(k, (seen.get(k) ?? 0) + 1);
      });
      calls++;
      expect(cursor).toBeGreaterThanOrEqual(0);
    } while (cursor !== 0);
    expect(calls).toBe(Math.ceil(1000 / 37));
    expect(seen.size).toBe(1000);
    for (const n of seen.values()) expect(n).toBe(1);
  });

  it('clamps a cursor beyond the size', () => {
    const d = new Dict<number>();
    for (let i = 0; i < 10; i++) d.set('k' + i, i);
    const seen: string[] = [];
    expect(d.scan(1_000_000, 100, (k) => seen.push(k))).toBe(0);
    expect(seen.length).toBe(10);
  });

  it.each(CONFIGS)('returns every key present for the whole scan, across deletes and inserts (%s)', (_name, opts) => {
    const rnd = prng(777);
    for (let round = 0; round < 20; round++) {
      const d = new Dict<number>(opts);
      let next = 0;
      const initial = 200 + Math.floor(rnd() * 800);
      for (let i = 0; i < initial; i++) d.set('k' + next++, 0);
      const startKeys = new Set<string>(d.keys());
      const deletedDuringScan = new Set<string>();
      const seen = new Set<string>();
      let cursor = 0;
      do {
        const count = 1 + Math.floor(rnd() * 20);
        cursor = d.scan(cursor, count, (k) => {
          seen.add(k);
          // the visitor itself sometimes deletes (lazy expiry does this)
          if (rnd() < 0.05) {
            d.delete(k);
            deletedDuringScan.add(k);
          }
        });
        // between calls: deletes of random existing keys, inserts (growth)
        const dels = Math.floor(rnd() * 15);
        for (let j = 0; j < dels && d.size > 0; j++) {
          const k = d.randomKey()!;
          d.delete(k);
          deletedDuringScan.add(k);
        }
        const ins = Math.floor(rnd() * 25);
        for (let j = 0; j < ins; j++) d.set('k' + next++, 1);
      } while (cursor !== 0);
      for (const k of startKeys) {
        if (!deletedDuringScan.has(k)) expect(seen.has(k)).toBe(true);
      }
    }
  });

  it('survives clear() in the middle of a scan', () => {
    const d = new Dict<number>();
    for (let i = 0; i < 100; i++) d.set('k' + i, i);
    const c = d.scan(0, 10, () => {});
    expect(c).toBe(90);
    d.clear();
    d.set('x', 1);
    const seen: string[] = [];
    expect(d.scan(c, 10, (k) => seen.push(k))).toBe(0);
    expect(seen).toEqual(['x']);
  });
});

describe('Dict iteration', () => {
  it('keys/values/entries/forEach/iterator cover every entry', () => {
    const d = new Dict<number>(TINY_SLOW);
    const ref = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      d.set('k' + i, i);
      ref.set('k' + i, i);
    }
    for (let i = 0; i < 300; i += 3) {
      d.delete('k' + i);
      ref.delete('k' + i);
    }
    expect(new Set(d.keys())).toEqual(new Set(ref.keys()));
    expect([...d.values()].sort((a, b) => a - b)).toEqual([...ref.values()].sort((a, b) => a - b));
    expect(new Map(d.entries())).toEqual(ref);
    expect(new Map(d)).toEqual(ref);
    const viaForEach = new Map<string, number>();
    d.forEach((v, k) => viaForEach.set(k, v));
    expect(viaForEach).toEqual(ref);
  });

  it('allows deleting the current entry while iterating', () => {
    const d = new Dict<number>();
    for (let i = 0; i < 500; i++) d.set('k' + i, i);
    const seen = new Set<string>();
    d.forEach((v, k) => {
      seen.add(k);
      if (v % 2 === 0) d.delete(k);
    });
    expect(seen.size).toBe(500);
    expect(d.size).toBe(250);
    for (const k of d.keys()) {
      seen.delete(k);
      d.delete(k);
    }
    expect(d.size).toBe(0);
  });
});

describe('Dict sampling', () => {
  it('draws keys uniformly, also after deletes reshuffled the slots', () => {
    const d = new Dict<number>({ ...TINY_SLOW, random: prng(99) });
    for (let i = 0; i < 60; i++) d.set('k' + i, i);
    for (let i = 0; i < 60; i += 2) d.delete('k' + i); // 30 keys left
    const counts = new Map<string, number>();
    const draws = 30_000;
    for (let i = 0; i < draws; i++) {
      const k = d.randomKey()!;
      expect(d.has(k)).toBe(true);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(counts.size).toBe(30);
    const expected = draws / 30;
    let chi2 = 0;
    for (const c of counts.values()) chi2 += (c - expected) ** 2 / expected;
    // 29 degrees of freedom: P(chi2 > 70) < 1e-4
    expect(chi2).toBeLessThan(70);
  });

  it('randomEntry and randomSlot agree with the stored data', () => {
    const d = new Dict<number>();
    for (let i = 0; i < 50; i++) d.set('k' + i, i);
    for (let i = 0; i < 200; i++) {
      const e = d.randomEntry()!;
      expect(d.get(e.key)).toBe(e.value);
      const s = d.randomSlot();
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(50);
      expect(d.get(d.keyAt(s))).toBe(d.valueAt(s));
    }
  });

  it('uses Math.random by default and covers every key', () => {
    const d = new Dict<number>();
    for (let i = 0; i < 10; i++) d.set('k' + i, i);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(d.randomKey()!);
    expect(seen.size).toBe(10);
  });
});
