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
 * Keys live in both dicts by the same latin1 string (setExpire stores the main dict's own key
 * string, so a TTL does not copy the key); the expires dict is small when few keys carry a
 * TTL, and the active expiry cycle samples only it. Both dicts support O(1) random sampling and
 * a SCAN cursor (ds/dict.ts), which RANDOMKEY, SCAN, eviction and the cycles rely on.
 *
 * Access clocks: lookups stamp the value's `lru` field with the LRU clock, or, under an LFU
 * maxmemory-policy, update its logarithmic counter (keyspace/evict.ts).
 *
 * Memory accounting (what maxmemory compares against). Each stored value carries the bytes it
 * was charged (RObject.mem: keyUsage of key + value, keyspace/memory.ts), and each Db keeps the
 * sum of its keys' charges plus EXPIRE_ENTRY_BYTES per TTL. Invariant: db.memBytes equals the
 * sum of `mem` over the values in db.dict plus the TTL entries; a value outside any dict has
 * mem 0. Every path that inserts or removes a key (add, set, delete, lazy expiry, flush, swap)
 * adjusts the sum directly. Values changed in place (LPUSH, HSET, APPEND ...) are re-measured
 * lazily: the engine reports each modified key (noteModified, fed by signalModifiedKey), and
 * settle() recharges those keys (charge = new estimate - old charge) before anyone reads the
 * total. Re-measuring costs O(samples) per modified key, not a walk of the value, and needs no
 * instrumentation inside the types. A key modified and then deleted, or replaced, before the
 * settle is simply skipped or charged at its current size: recharging is idempotent.
 */

import { Dict } from '../ds/dict.js';
import { keyHash } from '../util/key-hash.js';
import { initialLru, lfuTouch } from './evict.js';
import { keyUsage } from './memory.js';
import type { RObject } from './object.js';

/** What a TTL costs: its expires dict entry (the key string is shared with the main dict). */
export const EXPIRE_ENTRY_BYTES = 56;
/** Pending modified keys beyond which noteModified settles at once (bounds the list). */
const SETTLE_BACKLOG = 1 << 16;

/** Services the keyspace calls out to; the engine implements them. */
export interface KeyspaceHooks {
  /** `key` was deleted from `db` because its TTL passed (lazily or by the active cycle). */
  expired(db: Db, key: string): void;
  /**
   * Called before `key` of `db` is written, deleted or (re)created, or its TTL changes: the
   * forkless snapshot serializes the old entry first (set by Keyspace.addWriteHook while a
   * BGSAVE, a rewrite or a full sync runs).
   */
  beforeWrite?: ((db: Db, key: string) => void) | undefined;
  /**
   * True while clients are paused (CLIENT PAUSE): expired keys read as missing but stay in
   * the dataset, so the pause keeps it constant (checkClientPauseTimeoutAndReturnIfPaused).
   */
  expiryPaused?: (() => boolean) | undefined;
  /** True while a replica runs a command of its master (expired keys are then still present). */
  masterCall?: (() => boolean) | undefined;
}

export interface KeyspaceStats {
  hits: number;
  misses: number;
  expiredKeys: number;
  expiredStalePerc: number;
  expiredTimeCapReachedCount: number;
  expireCycleCpuMilliseconds: number;
  /** Values Redis would have freed in a background thread (keyspace/lazyfree.ts). */
  lazyfreedObjects: number;
}

/** The set of databases plus the clock and policies every lookup shares. */
export interface KeyspaceEnv {
  /** Cached time of the running command, unix ms. */
  now: number;
  /** LRU clock (seconds, 24-bit) refreshed by the engine with `now`. */
  lruClock: number;
  /** True on a replica: lookups never delete expired keys themselves. */
  isReplica: boolean;
  /** An AOF is being replayed: no key counts as expired (Redis's keyIsExpired while loading). */
  replaying: boolean;
  /** A replica runs its master's command: keys are never considered expired (the DEL will come). */
  masterCall: boolean;
  /** replica-read-only is off: a write lookup on a replica deletes an expired key (writable replica). */
  replicaWritable: boolean;
  /** An LFU maxmemory-policy is in force: lookups maintain LFU counters instead of LRU. */
  lfu: boolean;
  lfuLogFactor: number;
  lfuDecayTime: number;
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
  /** Estimated bytes of this database's keys, values and TTL entries (see the header). */
  memBytes = 0;

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
    return when !== undefined && when < this.env.now && !this.env.replaying;
  }

  /**
   * Delete `key` if its TTL has passed. Returns true when the key is (logically) expired: on a
   * master it is gone afterwards; on a replica it stays until the master's DEL arrives. While
   * clients are paused it stays too, unless `forWrite`: a write (only possible in the
   * transaction that paused) must not find the stale entry under the key it creates.
   */
  expireIfNeeded(key: string, forWrite = false): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when >= this.env.now || this.env.replaying) return false;
    if (this.env.isReplica && (this.env.masterCall || !(forWrite && this.env.replicaWritable))) return !this.env.masterCall;
    if (!forWrite && this.env.hooks.expiryPaused?.()) return true;
    this.remove(key);
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
    if (!noTouch) this.touch(o);
    return o;
  }

  /** Record an access: the LRU stamp or the LFU counter. */
  touch(o: RObject): void {
    const env = this.env;
    if (env.lfu) o.lru = lfuTouch(o.lru, env.now, env.lfuLogFactor, env.lfuDecayTime);
    else o.lru = env.lruClock;
  }

  /** lookupKeyWrite: expiry, no statistics. */
  lookupWrite(key: string): RObject | null {
    this.env.hooks.beforeWrite?.(this, key);
    if (this.expires.size !== 0 && this.expireIfNeeded(key, true)) return null;
    const o = this.dict.get(key);
    if (o === undefined) return null;
    this.touch(o);
    return o;
  }

  /** The object without expiry checks, statistics or LRU update (DEBUG OBJECT, SCAN). */
  peek(key: string): RObject | undefined {
    return this.dict.get(key);
  }

  /**
   * Add a key that does not exist. A value that was never stamped gets a fresh access stamp
   * (createObject's); one moved from another key (RENAME, MOVE) keeps its own.
   */
  add(key: string, o: RObject): void {
    this.env.hooks.beforeWrite?.(this, key);
    if (o.lru === 0) o.lru = initialLru(this.env);
    this.dict.set(key, o);
    this.charge(key, o);
  }

  /**
   * Bulk load (the RDB loader): add a key the caller knows is new, with its TTL (-1: none),
   * without indexing it yet (Dict.append: the key's hash comes from keyHash's memo, which the
   * loader primed from the key's bytes). indexLoaded() must follow before anything else uses
   * this database.
   */
  addLoaded(key: string, o: RObject, expire: number): void {
    this.env.hooks.beforeWrite?.(this, key);
    if (o.lru === 0) o.lru = initialLru(this.env);
    const h = keyHash(key);
    this.dict.append(key, h, o);
    this.charge(key, o);
    if (expire !== -1) {
      this.expires.append(key, h, expire);
      this.memBytes += EXPIRE_ENTRY_BYTES;
    }
  }

  /** Index the keys addLoaded added; returns one that is there twice, or null. */
  indexLoaded(): string | null {
    this.expires.indexAppended();
    const dup = this.dict.indexAppended();
    return dup < 0 ? null : this.dict.keyAt(dup);
  }

  /**
   * setKey: store `o` under `key`, replacing any value; the TTL is cleared unless `keepTtl`.
   * Overwriting keeps the old value's LFU counter under an LFU policy (dbOverwrite).
   */
  set(key: string, o: RObject, keepTtl = false): void {
    this.env.hooks.beforeWrite?.(this, key);
    const d = this.dict;
    const slot = d.slotOf(key);
    if (slot >= 0) {
      const old = d.valueAt(slot);
      if (old !== o) {
        this.memBytes -= old.mem;
        old.mem = 0;
        o.lru = this.env.lfu ? old.lru : this.env.lruClock;
        d.setValueAt(slot, o);
      }
      if (!keepTtl && this.expires.size !== 0 && this.expires.delete(key)) this.memBytes -= EXPIRE_ENTRY_BYTES;
    } else {
      o.lru = initialLru(this.env);
      d.set(key, o);
    }
    this.charge(key, o);
  }

  /** Remove a key and its TTL. */
  delete(key: string): boolean {
    return this.remove(key) !== undefined;
  }

  /** Remove a key and its TTL; returns the value (with its charge released) or undefined. */
  remove(key: string): RObject | undefined {
    this.env.hooks.beforeWrite?.(this, key);
    const o = this.dict.take(key);
    if (o === undefined) return undefined;
    this.memBytes -= o.mem;
    o.mem = 0;
    if (this.expires.size !== 0 && this.expires.delete(key)) this.memBytes -= EXPIRE_ENTRY_BYTES;
    return o;
  }

  /** Charge `o` (stored under `key`) at its current estimated size. */
  private charge(key: string, o: RObject): void {
    const n = keyUsage(key, o);
    this.memBytes += n - o.mem;
    o.mem = n;
  }

  /** Re-measure a key whose value may have changed in place (no-op when it is gone). */
  recharge(key: string): void {
    const o = this.dict.get(key);
    if (o !== undefined) this.charge(key, o);
  }

  /** Absolute expire time in unix ms, or -1 when the key has no TTL. */
  getExpire(key: string): number {
    const when = this.expires.get(key);
    return when === undefined ? -1 : when;
  }

  setExpire(key: string, when: number): void {
    this.env.hooks.beforeWrite?.(this, key);
    const e = this.expires;
    const slot = e.size === 0 ? -1 : e.slotOf(key);
    if (slot >= 0) {
      e.setValueAt(slot, when);
      return;
    }
    // Share the main dict's key string rather than keeping the caller's copy.
    const at = this.dict.slotOf(key);
    e.set(at >= 0 ? this.dict.keyAt(at) : key, when);
    this.memBytes += EXPIRE_ENTRY_BYTES;
  }

  /** Remove the TTL; true if there was one. */
  persist(key: string): boolean {
    this.env.hooks.beforeWrite?.(this, key);
    if (!this.expires.delete(key)) return false;
    this.memBytes -= EXPIRE_ENTRY_BYTES;
    return true;
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
    this.memBytes = 0;
    return n;
  }

  /** SWAPDB: exchange the contents (not the ids) of two databases. */
  swapWith(other: Db): void {
    const d = this.dict;
    const e = this.expires;
    const a = this.avgTtl;
    const m = this.memBytes;
    this.dict = other.dict;
    this.expires = other.expires;
    this.avgTtl = other.avgTtl;
    this.memBytes = other.memBytes;
    other.dict = d;
    other.expires = e;
    other.avgTtl = a;
    other.memBytes = m;
    this.expireCursor = 0;
    other.expireCursor = 0;
  }
}

/** All databases plus the shared environment. */
export class Keyspace implements KeyspaceEnv {
  now = Date.now();
  lruClock = 0;
  isReplica = false;
  replaying = false;
  get masterCall(): boolean {
    return this.hooks.masterCall?.() ?? false;
  }
  replicaWritable = false;
  lfu = false;
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  readonly stats: KeyspaceStats = {
    hits: 0,
    misses: 0,
    expiredKeys: 0,
    expiredStalePerc: 0,
    expiredTimeCapReachedCount: 0,
    expireCycleCpuMilliseconds: 0,
    lazyfreedObjects: 0,
  };
  readonly dbs: Db[];

  constructor(
    count: number,
    readonly hooks: KeyspaceHooks,
  ) {
    this.dbs = [];
    for (let i = 0; i < count; i++) this.dbs.push(new Db(i, this));
  }

  /* ---- write hooks -------------------------------------------------------------------- */

  /** The hooks of the running snapshots, in the order they started (hooks.beforeWrite calls each). */
  private readonly writeHooks: Array<(db: Db, key: string) => void> = [];

  /** A snapshot starts intercepting writes (several may run at once, each with its own cut). */
  addWriteHook(hook: (db: Db, key: string) => void): void {
    this.writeHooks.push(hook);
    this.installWriteHooks();
  }

  removeWriteHook(hook: (db: Db, key: string) => void): void {
    const i = this.writeHooks.indexOf(hook);
    if (i === -1) return;
    this.writeHooks.splice(i, 1);
    this.installWriteHooks();
  }

  /** Point hooks.beforeWrite at nothing, the one hook, or each in turn (the hot path sees one call). */
  private installWriteHooks(): void {
    const hooks = this.writeHooks;
    if (hooks.length === 0) this.hooks.beforeWrite = undefined;
    else if (hooks.length === 1) this.hooks.beforeWrite = hooks[0];
    else {
      this.hooks.beforeWrite = (db, key) => {
        for (const h of hooks) h(db, key);
      };
    }
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

  /* ---- memory accounting ---------------------------------------------------------------- */

  private pendingDbs: Db[] = [];
  private pendingKeys: string[] = [];

  /** A key's value may have changed in place: re-measure it at the next settle(). */
  noteModified(db: Db, key: string): void {
    const keys = this.pendingKeys;
    const n = keys.length;
    // A pipeline hitting one key (LPUSH mylist ...) notes it once.
    if (n !== 0 && keys[n - 1] === key && this.pendingDbs[n - 1] === db) return;
    this.pendingDbs.push(db);
    if (keys.push(key) >= SETTLE_BACKLOG) this.settle();
  }

  /** Recharge every key reported since the last call. */
  settle(): void {
    const keys = this.pendingKeys;
    const n = keys.length;
    if (n === 0) return;
    const dbs = this.pendingDbs;
    for (let i = 0; i < n; i++) (dbs[i] as Db).recharge(keys[i] as string);
    this.pendingDbs = [];
    this.pendingKeys = [];
  }

  /** Estimated bytes of every database's keys, values and TTLs (settled first). */
  datasetBytes(): number {
    this.settle();
    let n = 0;
    for (const db of this.dbs) n += db.memBytes;
    return n;
  }
}
