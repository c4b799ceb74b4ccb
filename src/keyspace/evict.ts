/*
 * Choosing keys to evict under maxmemory: the access clocks (LRU and LFU) and the sampling
 * eviction pool, as Redis's evict.c does it. What to free and when is the engine's business
 * (src/engine/evict.ts); this file only answers "which key next?".
 *
 * Access clocks. Every value carries one 24-bit field, RObject.lru, read two ways:
 * - LRU: the time of the last access in seconds modulo 2^24 (the keyspace's lruClock). The
 *   idle time is the clock minus the stamp, allowing for one wrap (about every 194 days).
 * - LFU: 16 bits of "minutes modulo 2^16" when the counter was last decayed, and an 8-bit
 *   logarithmic access counter. An access first applies the decay owed (one step per
 *   `lfu-decay-time` minutes since the stamp), then increments the counter with probability
 *   1 / ((counter - 5) * lfu-log-factor + 1), so with the default factor of 10 it reaches 255
 *   after about a million accesses; new keys start at 5 (LFU_INIT_VAL) so they are not evicted
 *   before they had a chance to be used.
 * Which reading applies follows maxmemory-policy; after a switch the old stamps are read the
 * new way until keys are touched again, exactly as in Redis.
 *
 * The pool. Exact LRU/LFU would need every key in an ordered structure updated on each read,
 * which costs memory and time on the hot path. Redis approximates: each eviction samples
 * `maxmemory-samples` random keys from every database and merges them into a 16-entry pool
 * sorted by "idle" score (idle time for LRU, 255 - counter for LFU, the inverted deadline for
 * volatile-ttl; higher = better victim). The best entry still present in the keyspace is
 * evicted; entries that vanished meanwhile ("ghosts") are dropped. The pool persists across
 * evictions, so good candidates found earlier keep competing: with 5 samples this is close to
 * true LRU on skewed workloads (the benchmark in bench/maxmemory-hitratio.mjs measures it).
 * Invariants: the occupied entries are a prefix of the 16 slots, sorted by ascending score
 * (empty slots only at the right end); insertion keeps that order, picking takes from the
 * right, and when the pool is full a better candidate pushes out the worst entry (index 0).
 * Random policies need no pool: a uniformly random key of the next database in round robin.
 *
 * Complexity: one pick costs O(dbs * samples + 16) plus ghost retries; sampling uses the
 * dict's dense slot array (O(1) uniform slots, ds/dict.ts).
 */

import type { Db, Keyspace } from './db.js';
import type { RObject } from './object.js';

/** LFU_INIT_VAL: the counter of a new key. */
export const LFU_INIT_VAL = 5;
/** EVPOOL_SIZE. */
export const POOL_SIZE = 16;
const LRU_CLOCK_MAX = (1 << 24) - 1;

/** What maxmemory-policy asks for. */
export interface EvictionPolicy {
  readonly name: string;
  /** noeviction: never free anything. */
  readonly none: boolean;
  /** allkeys-*: sample the main dict; else only keys with a TTL. */
  readonly allKeys: boolean;
  readonly lru: boolean;
  readonly lfu: boolean;
  readonly ttl: boolean;
  readonly random: boolean;
}

export function parsePolicy(name: string): EvictionPolicy {
  const n = name.toLowerCase();
  const none = n === 'noeviction';
  return {
    name: n,
    none,
    allKeys: n.startsWith('allkeys-'),
    lru: n.endsWith('-lru'),
    lfu: n.endsWith('-lfu'),
    ttl: n === 'volatile-ttl',
    random: n.endsWith('-random'),
  };
}

/* ---- LRU ------------------------------------------------------------------------------------ */

/** estimateObjectIdleTime, in seconds (the 24-bit clock wraps every 2^24 s). */
export function idleSeconds(lru: number, lruClock: number): number {
  return lruClock >= lru ? lruClock - lru : lruClock + (LRU_CLOCK_MAX - lru);
}

/** estimateObjectIdleTime, in milliseconds (the clock has a 1 s resolution). */
export function idleMs(lru: number, lruClock: number): number {
  return idleSeconds(lru, lruClock) * 1000;
}

/**
 * objectSetLRUOrLFU: the lru field of a key loaded (RDB) or restored (RESTORE) with a FREQ
 * counter and / or an IDLE time in seconds (-1: absent): under an LFU policy the counter
 * stamped now, under any other the access time `idle` seconds ago on the wrapping 24-bit
 * clock; undefined when the policy's kind was not given.
 */
export function lruFromSaved(lfu: boolean, freq: number, idle: number, lruClock: number, nowMs: number): number | undefined {
  if (lfu) return freq >= 0 ? (lfuMinutes(nowMs) << 8) | freq : undefined;
  if (idle < 0) return undefined;
  const abs = lruClock - idle;
  return abs < 0 ? abs + LRU_CLOCK_MAX : abs;
}

/* ---- LFU ------------------------------------------------------------------------------------ */

/** LFUGetTimeInMinutes: unix minutes modulo 2^16. */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 0xffff;
}

/** LFUDecrAndReturn: the counter after the decay owed since its stamp. */
export function lfuDecayed(lru: number, nowMs: number, decayMinutes: number): number {
  const ldt = lru >>> 8;
  const counter = lru & 255;
  if (decayMinutes <= 0) return counter;
  const now = lfuMinutes(nowMs);
  const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  const periods = Math.floor(elapsed / decayMinutes);
  if (periods === 0) return counter;
  return periods > counter ? 0 : counter - periods;
}

/** LFULogIncr: the probabilistic logarithmic increment. */
export function lfuLogIncr(counter: number, logFactor: number, rand: () => number = Math.random): number {
  if (counter === 255) return 255;
  const base = counter - LFU_INIT_VAL;
  const p = 1 / ((base < 0 ? 0 : base) * logFactor + 1);
  return rand() < p ? counter + 1 : counter;
}

/** updateLFU: the new lru field value after one access. */
export function lfuTouch(lru: number, nowMs: number, logFactor: number, decayMinutes: number): number {
  const counter = lfuLogIncr(lfuDecayed(lru, nowMs, decayMinutes), logFactor);
  return (lfuMinutes(nowMs) << 8) | counter;
}

/** The lru field of a new object: the LRU clock, or "now" with LFU_INIT_VAL. */
export function initialLru(ks: { lfu: boolean; lruClock: number; now: number }): number {
  return ks.lfu ? (lfuMinutes(ks.now) << 8) | LFU_INIT_VAL : ks.lruClock;
}

/* ---- the pool ------------------------------------------------------------------------------- */

/** A chosen victim. */
export interface Victim {
  db: Db;
  key: string;
}

export class EvictionPool {
  private readonly score = new Float64Array(POOL_SIZE);
  private readonly keys: Array<string | null> = new Array<string | null>(POOL_SIZE).fill(null);
  private readonly dbids = new Int32Array(POOL_SIZE);
  /** Round-robin position of the random policies (static next_db). */
  private nextDb = 0;

  constructor(private readonly rand: () => number = Math.random) {}

  /** Occupied entries, worst first (tests and debugging). */
  entries(): Array<{ key: string; db: number; score: number }> {
    const out: Array<{ key: string; db: number; score: number }> = [];
    for (let k = 0; k < POOL_SIZE; k++) {
      const key = this.keys[k];
      if (key !== null && key !== undefined) out.push({ key, db: this.dbids[k] as number, score: this.score[k] as number });
    }
    return out;
  }

  clear(): void {
    this.keys.fill(null);
    this.score.fill(0);
  }

  /** evictionPoolPopulate: sample `samples` keys of `db` and merge them into the pool. */
  populate(ks: Keyspace, db: Db, policy: EvictionPolicy, samples: number): void {
    const sampled = policy.allKeys ? db.dict : db.expires;
    const n = sampled.size;
    if (n === 0) return;
    const all = n <= samples;
    const count = all ? n : samples;
    const main = db.dict;
    for (let j = 0; j < count; j++) {
      const slot = all ? j : Math.floor(this.rand() * n);
      const key = sampled.keyAt(slot);
      let score: number;
      if (policy.ttl) {
        score = Number.MAX_SAFE_INTEGER - (db.expires.valueAt(slot) as number);
      } else {
        const o: RObject | undefined = policy.allKeys ? main.valueAt(slot) : main.get(key);
        if (o === undefined) continue;
        score = policy.lfu ? 255 - lfuDecayed(o.lru, ks.now, ks.lfuDecayTime) : idleMs(o.lru, ks.lruClock);
      }
      this.insert(key, db.id, score);
    }
  }

  private insert(key: string, dbid: number, score: number): void {
    const keys = this.keys;
    const sc = this.score;
    let k = 0;
    while (k < POOL_SIZE && keys[k] !== null && (sc[k] as number) < score) k++;
    const last = POOL_SIZE - 1;
    if (k === 0 && keys[last] !== null) return; // worse than everything in a full pool
    if (k < POOL_SIZE && keys[k] === null) {
      // an empty slot: insert as is
    } else if (keys[last] === null) {
      // room on the right: shift k.. one place right
      for (let i = last; i > k; i--) {
        keys[i] = keys[i - 1] as string | null;
        sc[i] = sc[i - 1] as number;
        this.dbids[i] = this.dbids[i - 1] as number;
      }
    } else {
      // full: drop the worst (index 0) by shifting 1..k-1 left, insert at k-1
      k--;
      for (let i = 0; i < k; i++) {
        keys[i] = keys[i + 1] as string | null;
        sc[i] = sc[i + 1] as number;
        this.dbids[i] = this.dbids[i + 1] as number;
      }
    }
    keys[k] = key;
    sc[k] = score;
    this.dbids[k] = dbid;
  }

  /**
   * The next key to evict under `policy`, or null when there is nothing to evict (noeviction,
   * or no candidate keys in any database).
   */
  pick(ks: Keyspace, policy: EvictionPolicy, samples: number): Victim | null {
    if (policy.none) return null;
    const dbs = ks.dbs;
    if (policy.random) {
      for (let i = 0; i < dbs.length; i++) {
        this.nextDb = (this.nextDb + 1) % dbs.length;
        const db = dbs[this.nextDb] as Db;
        const d = policy.allKeys ? db.dict : db.expires;
        if (d.size !== 0) return { db, key: d.keyAt(Math.floor(this.rand() * d.size)) };
      }
      return null;
    }
    for (;;) {
      let total = 0;
      for (const db of dbs) {
        const n = policy.allKeys ? db.dict.size : db.expires.size;
        if (n === 0) continue;
        this.populate(ks, db, policy, samples);
        total += n;
      }
      if (total === 0 || this.keys[0] === null) return null;
      for (let k = POOL_SIZE - 1; k >= 0; k--) {
        const key = this.keys[k];
        if (key === null || key === undefined) continue;
        const db = dbs[this.dbids[k] as number] as Db;
        this.keys[k] = null;
        this.score[k] = 0;
        if (policy.allKeys ? db.dict.has(key) : db.expires.has(key)) return { db, key };
        // a ghost: removed or expired since it was sampled; try the next best
      }
      // Every entry was a ghost: sample again.
    }
  }
}
