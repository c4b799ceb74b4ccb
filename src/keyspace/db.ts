/*
 * A database: the main dict (key → RObject) and the expires dict (key → absolute unix ms),
 * with Redis's lookup semantics.
 *
 * Lazy expiry: every lookup first checks the key's deadline against the keyspace's cached
 * command time (`ks.now`, fixed for the whole command, script or transaction); an expired key
 * is deleted on the spot and reported to the hooks (the engine propagates DEL and notifies
 * `expired`). A replica never deletes on its own: it reports the key as missing and waits for
 * its master's DEL.
 *
 * Keys live in both dicts by the same latin1 string; the expires dict is small when few keys
 * carry a TTL, and the active expiry cycle samples only it. Both dicts support O(1) random
 * sampling and a SCAN cursor (ds/dict.ts), which RANDOMKEY, SCAN and the cycles rely on.
 */

import { Dict } from '../ds/dict.js';
import type { RObject } from './object.js';

/** Services the keyspace calls out to; the engine implements them. */
export interface KeyspaceHooks {
  /** `key` was deleted from `db` because its TTL passed (lazily or by the active cycle). */
  expired(db: Db, key: string): void;
}

export interface KeyspaceStats {
  hits: number;
  misses: number;
  expiredKeys: number;
  expiredStalePerc: number;
  expiredTimeCapReachedCount: number;
  expireCycleCpuMilliseconds: number;
}

/** The set of databases plus the clock and policies every lookup shares. */
export interface KeyspaceEnv {
  /** Cached time of the running command, unix ms. */
  now: number;
  /** LRU clock (seconds, 24-bit) refreshed by the engine with `now`. */
  lruClock: number;
  /** True on a replica: lookups never delete expired keys themselves. */
  isReplica: boolean;
  readonly stats: KeyspaceStats;
  readonly hooks: KeyspaceHooks;
}

/** Maximum tries RANDOMKEY makes on a replica whose keys are all expired. */
const RANDOMKEY_REPLICA_TRIES = 100;

export class Db {
  dict: Dict<RObject> = new Dict<RObject>();
  expires: Dict<number> = new Dict<number>();
  /** Average TTL estimate maintained by the active expiry cycle (INFO keyspace avg_ttl). */
  avgTtl = 0;
  /** Resume point of the active expiry cycle in `expires`. */
  expireCursor = 0;

  constructor(
    readonly id: number,
    private readonly env: KeyspaceEnv,
  ) {}

  get size(): number {
    return this.dict.size;
  }

  /** Has the key a TTL in the past? (no side effects) */
  isExpired(key: string): boolean {
    const when = this.expires.get(key);
    return when !== undefined && when < this.env.now;
  }

  /**
   * Delete `key` if its TTL has passed. Returns true when the key is (logically) expired: on a
   * master it is gone afterwards; on a replica it stays until the master's DEL arrives.
   */
  expireIfNeeded(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when >= this.env.now) return false;
    if (this.env.isReplica) return true;
    this.dict.delete(key);
    this.expires.delete(key);
    this.env.stats.expiredKeys++;
    this.env.hooks.expired(this, key);
    return true;
  }

  /** lookupKeyRead: expiry, hit/miss statistics, LRU update unless `noTouch`. */
  lookupRead(key: string, noTouch = false): RObject | null {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) {
      this.env.stats.misses++;
      return null;
    }
    const o = this.dict.get(key);
    if (o === undefined) {
      this.env.stats.misses++;
      return null;
    }
    this.env.stats.hits++;
    if (!noTouch) o.lru = this.env.lruClock;
    return o;
  }

  /** lookupKeyWrite: expiry, no statistics. */
  lookupWrite(key: string): RObject | null {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return null;
    const o = this.dict.get(key);
    if (o === undefined) return null;
    o.lru = this.env.lruClock;
    return o;
  }

  /** The object without expiry checks, statistics or LRU update (DEBUG OBJECT, SCAN). */
  peek(key: string): RObject | undefined {
    return this.dict.get(key);
  }

  /** Add a key that does not exist. */
  add(key: string, o: RObject): void {
    o.lru = this.env.lruClock;
    this.dict.set(key, o);
  }

  /**
   * setKey: store `o` under `key`, replacing any value; the TTL is cleared unless `keepTtl`.
   */
  set(key: string, o: RObject, keepTtl = false): void {
    o.lru = this.env.lruClock;
    this.dict.set(key, o);
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
  }

  /** Remove a key and its TTL. */
  delete(key: string): boolean {
    if (!this.dict.delete(key)) return false;
    if (this.expires.size !== 0) this.expires.delete(key);
    return true;
  }

  /** Absolute expire time in unix ms, or -1 when the key has no TTL. */
  getExpire(key: string): number {
    const when = this.expires.get(key);
    return when === undefined ? -1 : when;
  }

  setExpire(key: string, when: number): void {
    this.expires.set(key, when);
  }

  /** Remove the TTL; true if there was one. */
  persist(key: string): boolean {
    return this.expires.delete(key);
  }

  /**
   * RANDOMKEY: a uniformly sampled key that is not expired. Expired samples are deleted on a
   * master; on a replica whose keys are all volatile, give up after a bounded number of tries
   * and return whatever was sampled last, as Redis does.
   */
  randomKey(): string | null {
    let tries = 0;
    const allVolatile = this.dict.size === this.expires.size;
    for (;;) {
      const key = this.dict.randomKey();
      if (key === undefined) return null;
      if (this.expires.size !== 0 && this.expires.has(key)) {
        if (allVolatile && this.env.isReplica && ++tries >= RANDOMKEY_REPLICA_TRIES) return key;
        if (this.expireIfNeeded(key)) continue;
      }
      return key;
    }
  }

  /** Drop every key. Returns how many were removed. */
  flush(): number {
    const n = this.dict.size;
    this.dict = new Dict<RObject>();
    this.expires = new Dict<number>();
    this.avgTtl = 0;
    this.expireCursor = 0;
    return n;
  }

  /** SWAPDB: exchange the contents (not the ids) of two databases. */
  swapWith(other: Db): void {
    const d = this.dict;
    const e = this.expires;
    const a = this.avgTtl;
    this.dict = other.dict;
    this.expires = other.expires;
    this.avgTtl = other.avgTtl;
    other.dict = d;
    other.expires = e;
    other.avgTtl = a;
    this.expireCursor = 0;
    other.expireCursor = 0;
  }
}

/** All databases plus the shared environment. */
export class Keyspace implements KeyspaceEnv {
  now = Date.now();
  lruClock = 0;
  isReplica = false;
  readonly stats: KeyspaceStats = {
    hits: 0,
    misses: 0,
    expiredKeys: 0,
    expiredStalePerc: 0,
    expiredTimeCapReachedCount: 0,
    expireCycleCpuMilliseconds: 0,
  };
  readonly dbs: Db[];

  constructor(
    count: number,
    readonly hooks: KeyspaceHooks,
  ) {
    this.dbs = [];
    for (let i = 0; i < count; i++) this.dbs.push(new Db(i, this));
  }

  /** Set the cached command time (and the LRU clock derived from it). */
  setTime(ms: number): void {
    this.now = ms;
    this.lruClock = Math.floor(ms / 1000) & 0xffffff;
  }

  totalKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }
}
