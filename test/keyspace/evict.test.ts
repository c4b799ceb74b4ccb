// The eviction pool and access clocks (keyspace/evict.ts) and the incremental memory account
// of Db (keyspace/db.ts), on a bare Keyspace with a fixed clock.
import { describe, expect, it } from 'vitest';
import { Keyspace, EXPIRE_ENTRY_BYTES, type Db } from '../../src/keyspace/db.js';
import {
  EvictionPool, LFU_INIT_VAL, POOL_SIZE, idleMs, lfuDecayed, lfuLogIncr, lfuMinutes, lfuTouch, parsePolicy,
} from '../../src/keyspace/evict.js';
import { keyUsage } from '../../src/keyspace/memory.js';
import { createStringObject } from '../../src/keyspace/types/string.js';
import { createListFromValues } from '../../src/keyspace/types/list.js';
import { RObject } from '../../src/keyspace/object.js';

const NOW = 1_700_000_000_000;

function keyspace(): Keyspace {
  const ks = new Keyspace(4, { expired() {} });
  ks.setTime(NOW);
  return ks;
}

/** n string keys k0..k(n-1) in db; lru stamp of key i set by `stamp(i)`. */
function fill(ks: Keyspace, db: Db, n: number, stamp: (i: number) => number, prefix = 'k'): void {
  for (let i = 0; i < n; i++) {
    const o = createStringObject(`value-${i}`);
    db.set(`${prefix}${i}`, o);
    o.lru = stamp(i);
  }
  void ks;
}

/** Seeded PRNG so sampling is reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Evict `count` keys with the pool; returns their names in eviction order. */
function evict(ks: Keyspace, pool: EvictionPool, policy: string, count: number, samples = 64): string[] {
  const p = parsePolicy(policy);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const v = pool.pick(ks, p, samples);
    if (v === null) break;
    v.db.delete(v.key);
    out.push(`${v.db.id}:${v.key}`);
  }
  return out;
}

describe('policies', () => {
  it('parses the eight policy names', () => {
    expect(parsePolicy('noeviction').none).toBe(true);
    const al = parsePolicy('allkeys-lru');
    expect([al.allKeys, al.lru, al.lfu, al.random, al.ttl]).toEqual([true, true, false, false, false]);
    const vl = parsePolicy('volatile-lfu');
    expect([vl.allKeys, vl.lru, vl.lfu]).toEqual([false, false, true]);
    expect(parsePolicy('volatile-ttl').ttl).toBe(true);
    expect(parsePolicy('allkeys-random').random).toBe(true);
    expect(parsePolicy('volatile-random').allKeys).toBe(false);
  });
});

describe('LRU and LFU clocks', () => {
  it('idle time allows for one wrap of the 24-bit clock', () => {
    expect(idleMs(100, 160)).toBe(60_000);
    expect(idleMs((1 << 24) - 10, 5)).toBe(14_000);
  });

  it('LFU: the log increment, saturation, decay and stamp', () => {
    expect(lfuLogIncr(5, 0)).toBe(6); // factor 0: always
    expect(lfuLogIncr(255, 0)).toBe(255);
    // counter 105 with factor 10: p = 1/1001
    expect(lfuLogIncr(105, 10, () => 0.0009)).toBe(106);
    expect(lfuLogIncr(105, 10, () => 0.0011)).toBe(105);
    // below LFU_INIT_VAL the increment is certain
    expect(lfuLogIncr(2, 10, () => 0.99)).toBe(3);
    const min = lfuMinutes(NOW);
    const stamp = ((min - 10) << 8) | 20;
    expect(lfuDecayed(stamp, NOW, 1)).toBe(10);
    expect(lfuDecayed(stamp, NOW, 5)).toBe(18);
    expect(lfuDecayed(stamp, NOW, 0)).toBe(20);
    expect(lfuDecayed(((min - 100) << 8) | 20, NOW, 1)).toBe(0);
    const touched = lfuTouch(stamp, NOW, 0, 1);
    expect(touched >>> 8).toBe(min);
    expect(touched & 255).toBe(11);
  });

  it('lookups maintain LRU stamps, or LFU counters under an LFU policy', () => {
    const ks = keyspace();
    const db = ks.dbs[0] as Db;
    db.set('a', createStringObject('1'));
    const o = db.peek('a') as RObject;
    expect(o.lru).toBe(ks.lruClock);
    ks.setTime(NOW + 5000);
    db.lookupRead('a', true);
    expect(o.lru).toBe(ks.lruClock - 5);
    db.lookupRead('a');
    expect(o.lru).toBe(ks.lruClock);

    ks.lfu = true;
    ks.lfuLogFactor = 0;
    db.set('b', createStringObject('2'));
    const b = db.peek('b') as RObject;
    expect(b.lru & 255).toBe(LFU_INIT_VAL);
    for (let i = 0; i < 3; i++) db.lookupRead('b');
    db.lookupWrite('b');
    expect(b.lru & 255).toBe(LFU_INIT_VAL + 4);
    db.lookupRead('b', true);
    expect(b.lru & 255).toBe(LFU_INIT_VAL + 4);
    // Overwriting keeps the counter (dbOverwrite); a new key starts at LFU_INIT_VAL.
    db.set('b', createStringObject('3'));
    expect((db.peek('b') as RObject).lru & 255).toBe(LFU_INIT_VAL + 4);
  });
});

describe('the eviction pool', () => {
  it('allkeys-lru evicts the most idle keys first', () => {
    const ks = keyspace();
    const db = ks.dbs[0] as Db;
    fill(ks, db, 40, (i) => ks.lruClock - (i % 2 === 0 ? 1000 + i : i));
    const pool = new EvictionPool(seeded(1));
    const gone = evict(ks, pool, 'allkeys-lru', 20);
    // The 20 even keys are the idle ones, most idle (highest i) first.
    expect(gone).toEqual(Array.from({ length: 20 }, (_, j) => `0:k${38 - 2 * j}`));
    expect(db.size).toBe(20);
  });

  it('allkeys-lfu evicts the least frequently used keys first, after decay', () => {
    const ks = keyspace();
    const db = ks.dbs[0] as Db;
    const min = lfuMinutes(NOW);
    // Counters 0..29; key 29 was stamped 40 minutes ago with 50: decays to 10.
    fill(ks, db, 30, (i) => (i === 29 ? ((min - 40) << 8) | 50 : (min << 8) | i));
    ks.lfuDecayTime = 1;
    const pool = new EvictionPool(seeded(2));
    const gone = evict(ks, pool, 'allkeys-lfu', 12);
    expect(gone.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `0:k${i}`));
    expect(gone.slice(10).sort()).toEqual(['0:k10', '0:k29']);
  });

  it('volatile-* evict only keys with a TTL; volatile-ttl the soonest first', () => {
    for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
      const ks = keyspace();
      const db = ks.dbs[1] as Db;
      fill(ks, db, 20, () => ks.lruClock);
      for (let i = 0; i < 20; i += 2) db.setExpire(`k${i}`, NOW + 100_000 - i * 1000);
      const gone = evict(ks, new EvictionPool(seeded(3)), policy, 100);
      expect(gone.length).toBe(10);
      expect(gone.every((k) => Number(k.slice(3)) % 2 === 0)).toBe(true);
      if (policy === 'volatile-ttl') {
        expect(gone).toEqual(Array.from({ length: 10 }, (_, j) => `1:k${18 - 2 * j}`));
      }
      expect(db.size).toBe(10);
      expect(new EvictionPool().pick(ks, parsePolicy(policy), 5)).toBeNull();
    }
  });

  it('allkeys-random empties every database; noeviction never picks', () => {
    const ks = keyspace();
    fill(ks, ks.dbs[0] as Db, 10, () => 0, 'a');
    fill(ks, ks.dbs[3] as Db, 10, () => 0, 'b');
    expect(new EvictionPool().pick(ks, parsePolicy('noeviction'), 5)).toBeNull();
    const gone = evict(ks, new EvictionPool(seeded(4)), 'allkeys-random', 100);
    expect(gone.length).toBe(20);
    expect(gone.filter((k) => k.startsWith('3:')).length).toBe(10);
    expect(ks.totalKeys()).toBe(0);
  });

  it('samples every database and skips ghosts', () => {
    const ks = keyspace();
    fill(ks, ks.dbs[0] as Db, 10, () => ks.lruClock - 10, 'x');
    fill(ks, ks.dbs[2] as Db, 10, () => ks.lruClock - 500, 'y');
    const pool = new EvictionPool(seeded(5));
    const p = parsePolicy('allkeys-lru');
    for (const db of ks.dbs) pool.populate(ks, db, p, 64);
    const entries = pool.entries();
    expect(entries.length).toBe(POOL_SIZE);
    // Sorted by ascending score: the 10 db-2 keys (idle 500 s) are the best, at the right.
    expect(entries.slice(-10).every((e) => e.db === 2)).toBe(true);
    expect(entries.map((e) => e.score)).toEqual([...entries.map((e) => e.score)].sort((a, b) => a - b));
    // Delete the best pooled key behind the pool's back: it is a ghost and gets skipped.
    const best = entries[entries.length - 1] as { key: string };
    (ks.dbs[2] as Db).delete(best.key);
    const v = pool.pick(ks, p, 64);
    expect(v?.db.id).toBe(2);
    expect(v?.key).not.toBe(best.key);
  });

  it('with few samples, still approximates LRU (most evicted keys are the old half)', () => {
    const ks = keyspace();
    const db = ks.dbs[0] as Db;
    fill(ks, db, 2000, (i) => ks.lruClock - (i < 1000 ? 5000 + i : i % 100));
    const gone = evict(ks, new EvictionPool(seeded(6)), 'allkeys-lru', 500, 5);
    const old = gone.filter((k) => Number(k.slice(3)) < 1000).length;
    expect(old).toBeGreaterThan(490);
  });
});

describe('the memory account', () => {
  /** The account recomputed from scratch. */
  function recount(db: Db): number {
    let n = 0;
    db.dict.forEach((o, k) => {
      n += keyUsage(k, o);
    });
    return n + db.expires.size * EXPIRE_ENTRY_BYTES;
  }

  it('follows adds, overwrites, deletes, TTLs, expiry, flush and swap', () => {
    const ks = keyspace();
    const db = ks.dbs[0] as Db;
    const other = ks.dbs[1] as Db;
    expect(ks.datasetBytes()).toBe(0);
    db.add('a', createStringObject('x'.repeat(100)));
    db.set('b', createStringObject('y'));
    expect(db.memBytes).toBe(recount(db));
    const before = db.memBytes;
    db.set('a', createStringObject('z'.repeat(1000)));
    expect(db.memBytes - before).toBeGreaterThanOrEqual(896);
    expect(db.memBytes).toBe(recount(db));
    db.setExpire('a', NOW + 10);
    db.setExpire('a', NOW + 20);
    expect(db.memBytes).toBe(recount(db));
    db.persist('a');
    db.setExpire('b', NOW - 1);
    expect(db.memBytes).toBe(recount(db));
    expect(db.lookupRead('b')).toBeNull(); // lazily expired
    expect(db.memBytes).toBe(recount(db));
    db.setExpire('a', NOW + 5);
    db.set('a', createStringObject('1')); // clears the TTL
    expect(db.expires.size).toBe(0);
    expect(db.memBytes).toBe(recount(db));
    // Rename-like move keeps one charge.
    const o = db.remove('a') as RObject;
    expect(o.mem).toBe(0);
    other.add('moved', o);
    expect(db.memBytes).toBe(0);
    expect(other.memBytes).toBe(recount(other));
    db.swapWith(other);
    expect(db.memBytes).toBe(recount(db));
    expect(other.memBytes).toBe(0);
    db.flush();
    expect(ks.datasetBytes()).toBe(0);
  });

  it('re-measures values changed in place when they are reported', () => {
    const ks = keyspace();
    const db = ks.dbs[0] as Db;
    const list = createListFromValues(['a', 'b']);
    db.add('l', list);
    const small = db.memBytes;
    const big = createListFromValues(Array.from({ length: 5000 }, (_, i) => `element-${i}`));
    list.ptr = big.ptr; // an in-place change the Db did not see
    expect(ks.datasetBytes()).toBe(small);
    ks.noteModified(db, 'l');
    ks.noteModified(db, 'gone'); // reported keys that vanished are skipped
    expect(ks.datasetBytes()).toBeGreaterThan(small + 5000 * 8);
    expect(db.memBytes).toBe(recount(db));
  });
});
