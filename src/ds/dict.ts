/*
 * Dict: the hash table behind the keyspace and the big hash/set/zset encodings.
 *
 * What it must do, beyond what a JS Map gives:
 * - O(1) uniform random sampling (eviction, active expiry, RANDOMKEY, SPOP);
 * - a SCAN cursor that returns every element present for the whole scan at
 *   least once, however the dict is changed between calls (duplicates are
 *   allowed, as in Redis);
 * - no size ceiling: one V8 Map holds at most 2^24 entries, and one JS array
 *   grows by copying itself and tops out near 2^27 elements;
 * - no long stall: a V8 Map rehashes itself whole when it grows or shrinks
 *   (one insert, measured here: 3 ms at 2^17 entries, 48 ms at 2^20, 290 ms
 *   at 2^22; more under memory pressure).
 *
 * Design: a dense array plus key-to-slot Maps.
 * - Entries are stored "struct of arrays": keyArr[s] and valArr[s] hold the
 *   key and value of slot s, for s in 0..size-1 with no holes. Both are
 *   ChunkedArrays (chunks of 2^16), so growth never copies existing slots.
 * - A Map from key to slot number finds an entry. A slot number is a small
 *   integer, stored unboxed in the Map, so an entry costs no JS object of its
 *   own: a key costs its string, one Map entry and two array cells. (The
 *   alternative, one { key, value, slot } object per entry, measured 2.3 GB
 *   instead of 1.7 GB RSS for 2^24 short keys, and slower inserts; its one
 *   advantage, a stable handle to an entry, is covered by set() updating in
 *   place with a single lookup and by the slot accessors below.)
 * - Delete swaps the last slot into the hole and updates the moved key's slot
 *   in its Map, so the dense array stays dense.
 * - Random sampling picks a uniform slot in 0..size-1: uniform by construction.
 *
 * SCAN: the cursor is the number of slots not yet visited; a call visits
 * slots from cursor-1 downwards and returns the new count (0 = done; the first
 * call passes 0, which means "start at the top", since a finished scan never
 * hands 0 back as a place to resume). Invariant: every entry present since
 * the scan began and not yet visited sits at a slot below the cursor.
 * - An insert appends at slot `size`, above the cursor (new keys need not be
 *   returned).
 * - A delete at slot p moves the last entry (slot size-1) into p. If size-1 is
 *   at or above the cursor the mover was already visited or is new: moving it
 *   down may only cause a duplicate. If size-1 is below the cursor then so is
 *   p: an unvisited entry moves to another unvisited slot. So the invariant
 *   holds, and a cursor larger than the current size is clamped to the size.
 * Chunking and re-sharding (below) never move a slot, so they cannot break it.
 * Iteration (keys/values/entries/forEach) walks downwards the same way, so
 * deleting the current element inside a loop is safe.
 *
 * Sharding: small dicts use one Map and never hash the key themselves (V8
 * hashes it anyway). Each Map is kept to about `maxMapSize` entries, which
 * bounds both V8's rehash stalls and the 2^24 limit. The default, 3 * 2^14,
 * is 3/4 of a power of two: V8 sizes a Map's table in powers of two, so with
 * evenly spread keys no Map ever rehashes more than 2^16 entries at once
 * (about 3 ms; a 2^17 limit measured bursts of 8 ms stalls). When the dict
 * outgrows maxMapSize * 2^bits entries it moves to a layout 16 times wider
 * (bits += 4: 1, 16, 256, 4096, 65536 Maps; switches at 49k, 786k, 12.6M and
 * 201M entries), choosing a key's Map by the low
 * bits of a 32-bit hash of the key (FNV-1a over char codes with Math.imul,
 * then a murmur3 finalizer; keys longer than 128 chars hash their first and
 * last 64 chars and their length). Maps of a layout are created lazily.
 * - The move is incremental: the old layout's Maps are drained through Map
 *   iterators, `migrateOnWrite` (16) entries per insert or delete, plus
 *   whatever the server cron asks for through rehashStep(n). Each moved key is
 *   deleted from its old Map and set in its new one, so a key lives in
 *   exactly one Map at any time: lookups during a move try the new layout and
 *   then the old. New keys go to the new layout; old Maps only shrink, and an
 *   old Map is dropped once drained.
 * - A move of n keys ends after at most n/16 inserts or deletes, while the
 *   next layout change needs the dict to grow 16-fold: moves never overlap.
 * - A layout never gets narrower again (only clear() resets it); V8 shrinks
 *   the individual Maps as they empty.
 *
 * Complexity: get/has/set/delete O(1) expected (plus the key hash when
 * sharded, about 20 ns for a 16-char key); random slot O(1); scan O(count);
 * an insert or delete during a move does O(16) extra work. Memory per entry:
 * key string + Map entry + 2 array cells (about 95 bytes with 5-char keys).
 *
 * Why Maps and not a custom open-addressing table over typed arrays: V8
 * hashes strings natively with a per-process random seed, so Map lookups
 * resist hash-flooding without a keyed hash written in JS; the shard choice
 * uses an unkeyed hash, and colliding keys only make one Map bigger.
 *
 * Slots are exposed (slotOf, keyAt, valueAt, setValueAt, randomSlot) so that
 * hot paths can read or replace a value without a second lookup and sample
 * without allocating. A slot stays valid across inserts and value updates but
 * not across delete/take/clear (which may move the last entry into a hole).
 */

import { ChunkedArray } from './chunked-array.js';

type KeyMap = Map<string, number>;

export interface DictOptions {
  /** Entries per Map before the dict moves to a 16x wider layout. Default 3 * 2^14. */
  maxMapSize?: number;
  /** Start with 2^bits Maps instead of one (0..16). Default 0. */
  initialShardBits?: number;
  /**
   * Start as wide as this many entries will make the dict (a bulk load that knows its size:
   * no layout change on the way). Takes precedence over initialShardBits.
   */
  expectedSize?: number;
  /** Entries moved per insert/delete while a layout change is in progress. Default 16. */
  migrateOnWrite?: number;
  /** Source of uniform numbers in [0, 1) for sampling. Default Math.random. */
  random?: () => number;
}

const DEFAULT_MAX_MAP_SIZE = 3 << 14;
const SHARD_STEP_BITS = 4;
const MAX_SHARD_BITS = 16;
const DEFAULT_MIGRATE_ON_WRITE = 16;
const HASH_WINDOW = 64;

/**
 * 32-bit hash of a latin1 key: FNV-1a over char codes, then the murmur3 fmix32
 * finalizer so that the low bits mix every input char. Keys longer than 128
 * chars hash their length and their first and last 64 chars only.
 */
export function hashKey(key: string): number {
  const n = key.length;
  let h = 0x811c9dc5 ^ n;
  if (n <= 2 * HASH_WINDOW) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < HASH_WINDOW; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    for (let i = n - HASH_WINDOW; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function emptyLayout(bits: number): (KeyMap | undefined)[] {
  const maps: (KeyMap | undefined)[] = [];
  for (let i = 0; i < 1 << bits; i++) maps.push(undefined);
  return maps;
}

/** Shape of the key index, for tests, DEBUG and INFO-style reporting. */
export interface DictLayoutStats {
  /** log2 of the number of Maps in the current layout. */
  shardBits: number;
  /** Maps allocated in the current layout (they are created lazily). */
  maps: number;
  /** Entries in the fullest Map, old layout included. */
  largestMap: number;
  /** True while entries are being moved from an old layout. */
  migrating: boolean;
  /** Entries still in the old layout. */
  pendingMigration: number;
}

export class Dict<V> {
  /** The one Map, when unsharded and not migrating (fast path); else null. */
  private single: KeyMap | null;
  /** Current layout: 2^bits Maps, created on first insert into them. */
  private maps: (KeyMap | undefined)[];
  private bits: number;
  private mask: number;
  /** Old layout being drained, or null. */
  private old: (KeyMap | undefined)[] | null = null;
  private oldMask = 0;
  private migIndex = 0;
  private migIter: Iterator<[string, number]> | null = null;
  /** Size above which the next insert starts a layout change. */
  private growAt: number;

  private readonly keyArr = new ChunkedArray<string>();
  private readonly valArr = new ChunkedArray<V>();

  private readonly maxMapSize: number;
  private readonly initialBits: number;
  private readonly migrateOnWrite: number;
  private readonly rng: () => number;

  constructor(options: DictOptions = {}) {
    this.maxMapSize = Math.max(1, options.maxMapSize ?? DEFAULT_MAX_MAP_SIZE);
    let bits = options.initialShardBits ?? 0;
    if (options.expectedSize !== undefined) {
      bits = 0;
      while (bits < MAX_SHARD_BITS && this.maxMapSize * 2 ** bits < options.expectedSize) bits += SHARD_STEP_BITS;
    }
    this.initialBits = Math.min(MAX_SHARD_BITS, Math.max(0, Math.floor(bits)));
    this.migrateOnWrite = Math.max(1, options.migrateOnWrite ?? DEFAULT_MIGRATE_ON_WRITE);
    this.rng = options.random ?? Math.random;
    this.bits = this.initialBits;
    this.mask = (1 << this.bits) - 1;
    this.maps = emptyLayout(this.bits);
    this.single = null;
    if (this.bits === 0) {
      this.single = new Map();
      this.maps[0] = this.single;
    }
    this.growAt = this.growLimit();
  }

  get size(): number {
    return this.keyArr.length;
  }

  // ---- lookups -------------------------------------------------------------

  get(key: string): V | undefined {
    const single = this.single;
    const s = single !== null ? single.get(key) : this.findHashed(key, hashKey(key));
    return s === undefined ? undefined : this.valArr.get(s);
  }

  has(key: string): boolean {
    const single = this.single;
    if (single !== null) return single.has(key);
    return this.findHashed(key, hashKey(key)) !== undefined;
  }

  /** Slot of key, or -1. Valid until the next delete/take/clear. */
  slotOf(key: string): number {
    const single = this.single;
    const s = single !== null ? single.get(key) : this.findHashed(key, hashKey(key));
    return s === undefined ? -1 : s;
  }

  /** Key at slot (0 <= slot < size, unchecked). */
  keyAt(slot: number): string {
    return this.keyArr.get(slot);
  }

  /** Value at slot (0 <= slot < size, unchecked). */
  valueAt(slot: number): V {
    return this.valArr.get(slot);
  }

  /** Replace the value at slot (0 <= slot < size, unchecked). */
  setValueAt(slot: number, value: V): void {
    this.valArr.set(slot, value);
  }

  // ---- writes --------------------------------------------------------------

  /** Set key to value; true if the key was new. */
  set(key: string, value: V): boolean {
    const single = this.single;
    if (single !== null) {
      const s = single.get(key);
      if (s !== undefined) {
        this.valArr.set(s, value);
        return false;
      }
      single.set(key, this.keyArr.length);
      this.append(key, value);
      return true;
    }
    const h = hashKey(key);
    const s = this.findHashed(key, h);
    if (s !== undefined) {
      this.valArr.set(s, value);
      return false;
    }
    this.indexKey(key, h, this.keyArr.length);
    this.append(key, value);
    return true;
  }

  /** Insert only if absent: returns the existing value, or undefined after inserting. */
  setIfAbsent(key: string, value: V): V | undefined {
    const single = this.single;
    if (single !== null) {
      const s = single.get(key);
      if (s !== undefined) return this.valArr.get(s);
      single.set(key, this.keyArr.length);
    } else {
      const h = hashKey(key);
      const s = this.findHashed(key, h);
      if (s !== undefined) return this.valArr.get(s);
      this.indexKey(key, h, this.keyArr.length);
    }
    this.append(key, value);
    return undefined;
  }

  /** Remove key; true if it was present. */
  delete(key: string): boolean {
    const s = this.unindex(key);
    if (s < 0) return false;
    this.removeSlot(s);
    return true;
  }

  /** Remove key and return its value (undefined if absent). */
  take(key: string): V | undefined {
    const s = this.unindex(key);
    return s < 0 ? undefined : this.removeSlot(s);
  }

  /** Remove everything and return to the initial layout. */
  clear(): void {
    this.keyArr.clear();
    this.valArr.clear();
    this.old = null;
    this.migIter = null;
    this.migIndex = 0;
    this.bits = this.initialBits;
    this.mask = (1 << this.bits) - 1;
    this.maps = emptyLayout(this.bits);
    this.single = null;
    if (this.bits === 0) {
      this.single = new Map();
      this.maps[0] = this.single;
    }
    this.growAt = this.growLimit();
  }

  // ---- sampling --------------------------------------------------------------

  /** A uniformly chosen slot, or -1 when empty. */
  randomSlot(): number {
    const n = this.keyArr.length;
    return n === 0 ? -1 : Math.floor(this.rng() * n);
  }

  /** A uniformly chosen key, or undefined when empty. */
  randomKey(): string | undefined {
    const s = this.randomSlot();
    return s < 0 ? undefined : this.keyArr.get(s);
  }

  /** A uniformly chosen entry (allocates; hot paths use randomSlot + keyAt/valueAt). */
  randomEntry(): { key: string; value: V } | undefined {
    const s = this.randomSlot();
    return s < 0 ? undefined : { key: this.keyArr.get(s), value: this.valArr.get(s) };
  }

  // ---- scan and iteration ----------------------------------------------------

  /**
   * Visit up to `count` entries starting from `cursor` (0 = start) and return
   * the next cursor (0 = done). Every entry present for the whole scan is
   * visited at least once. A cursor above the current size is clamped to it.
   * The visitor may insert or delete entries.
   */
  scan(cursor: number, count: number, visit: (key: string, value: V) => void): number {
    let n = this.keyArr.length;
    let pos = cursor > 0 && cursor < n ? Math.floor(cursor) : n;
    let budget = Math.max(1, count);
    while (pos > 0 && budget-- > 0) {
      pos--;
      visit(this.keyArr.get(pos), this.valArr.get(pos));
      n = this.keyArr.length;
      if (pos > n) pos = n; // the visitor deleted entries
    }
    return pos;
  }

  *keys(): IterableIterator<string> {
    for (let pos = this.keyArr.length; pos > 0; ) {
      pos--;
      yield this.keyArr.get(pos);
      if (pos > this.keyArr.length) pos = this.keyArr.length;
    }
  }

  *values(): IterableIterator<V> {
    for (let pos = this.keyArr.length; pos > 0; ) {
      pos--;
      yield this.valArr.get(pos);
      if (pos > this.keyArr.length) pos = this.keyArr.length;
    }
  }

  *entries(): IterableIterator<[string, V]> {
    for (let pos = this.keyArr.length; pos > 0; ) {
      pos--;
      yield [this.keyArr.get(pos), this.valArr.get(pos)];
      if (pos > this.keyArr.length) pos = this.keyArr.length;
    }
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  /** Map-style callback order (value, key). The callback may delete entries. */
  forEach(fn: (value: V, key: string) => void): void {
    for (let pos = this.keyArr.length; pos > 0; ) {
      pos--;
      fn(this.valArr.get(pos), this.keyArr.get(pos));
      if (pos > this.keyArr.length) pos = this.keyArr.length;
    }
  }

  // ---- re-sharding -------------------------------------------------------------

  /**
   * Move up to `maxEntries` keys from the old layout to the new one. Returns
   * true while a layout change is still in progress. For the server cron.
   */
  rehashStep(maxEntries: number): boolean {
    if (this.old === null) return false;
    this.migrate(maxEntries);
    return this.old !== null;
  }

  /** True while keys are being moved to a wider layout. */
  get rehashing(): boolean {
    return this.old !== null;
  }

  /** Shape of the key index (walks the Maps: O(number of Maps)). */
  layoutStats(): DictLayoutStats {
    let maps = 0;
    let largest = 0;
    let pending = 0;
    for (const m of this.maps) {
      if (m === undefined) continue;
      maps++;
      if (m.size > largest) largest = m.size;
    }
    if (this.old !== null) {
      for (const m of this.old) {
        if (m === undefined) continue;
        pending += m.size;
        if (m.size > largest) largest = m.size;
      }
    }
    return { shardBits: this.bits, maps, largestMap: largest, migrating: this.old !== null, pendingMigration: pending };
  }

  // ---- internals ---------------------------------------------------------------

  private growLimit(): number {
    return this.bits >= MAX_SHARD_BITS ? Infinity : this.maxMapSize * 2 ** this.bits;
  }

  /** Slot of key given its hash, looking in the new layout then the old. */
  private findHashed(key: string, h: number): number | undefined {
    const m = this.maps[h & this.mask];
    if (m !== undefined) {
      const s = m.get(key);
      if (s !== undefined) return s;
    }
    const old = this.old;
    if (old !== null) {
      const om = old[h & this.oldMask];
      if (om !== undefined) return om.get(key);
    }
    return undefined;
  }

  /** Record key -> slot in the current layout (key known absent). */
  private indexKey(key: string, h: number, slot: number): void {
    const i = h & this.mask;
    let m = this.maps[i];
    if (m === undefined) {
      m = new Map();
      this.maps[i] = m;
    }
    m.set(key, slot);
  }

  /** Append an entry whose key is already indexed, then do the write's share of re-sharding. */
  private append(key: string, value: V): void {
    this.keyArr.push(key);
    this.valArr.push(value);
    if (this.old !== null) this.migrate(this.migrateOnWrite);
    else if (this.keyArr.length > this.growAt) this.startMigration();
  }

  /** Remove key from its Map and return its slot, or -1. */
  private unindex(key: string): number {
    const single = this.single;
    if (single !== null) {
      const s = single.get(key);
      if (s === undefined) return -1;
      single.delete(key);
      return s;
    }
    const h = hashKey(key);
    const m = this.maps[h & this.mask];
    if (m !== undefined) {
      const s = m.get(key);
      if (s !== undefined) {
        m.delete(key);
        return s;
      }
    }
    const old = this.old;
    if (old !== null) {
      const om = old[h & this.oldMask];
      if (om !== undefined) {
        const s = om.get(key);
        if (s !== undefined) {
          om.delete(key);
          return s;
        }
      }
    }
    return -1;
  }

  /** Fill the hole at slot s (key already unindexed) with the last entry; return the removed value. */
  private removeSlot(s: number): V {
    const lastKey = this.keyArr.pop() as string;
    const lastVal = this.valArr.pop() as V;
    let removed = lastVal;
    if (s !== this.keyArr.length) {
      removed = this.valArr.get(s);
      this.keyArr.set(s, lastKey);
      this.valArr.set(s, lastVal);
      this.relink(lastKey, s);
    }
    if (this.old !== null) this.migrate(this.migrateOnWrite);
    return removed;
  }

  /** Point an indexed key at a new slot. */
  private relink(key: string, slot: number): void {
    const single = this.single;
    if (single !== null) {
      single.set(key, slot);
      return;
    }
    const h = hashKey(key);
    const m = this.maps[h & this.mask];
    if (this.old === null) {
      m!.set(key, slot);
    } else if (m !== undefined && m.has(key)) {
      m.set(key, slot);
    } else {
      this.old[h & this.oldMask]!.set(key, slot);
    }
  }

  private startMigration(): void {
    this.old = this.maps;
    this.oldMask = this.mask;
    this.bits = Math.min(MAX_SHARD_BITS, this.bits + SHARD_STEP_BITS);
    this.mask = (1 << this.bits) - 1;
    this.maps = emptyLayout(this.bits);
    this.single = null;
    this.migIndex = 0;
    this.migIter = null;
    this.growAt = this.growLimit();
  }

  /** Move up to budget keys from the old layout; ends the move when drained. */
  private migrate(budget: number): void {
    const old = this.old;
    if (old === null) return;
    while (budget > 0) {
      let it = this.migIter;
      if (it === null) {
        while (this.migIndex < old.length && old[this.migIndex] === undefined) this.migIndex++;
        const om = old[this.migIndex];
        if (om === undefined) {
          this.old = null;
          this.migIter = null;
          return;
        }
        it = om.entries();
        this.migIter = it;
      }
      const r = it.next();
      if (r.done === true) {
        old[this.migIndex] = undefined;
        this.migIndex++;
        this.migIter = null;
        continue;
      }
      const key = r.value[0];
      old[this.migIndex]!.delete(key);
      this.indexKey(key, hashKey(key), r.value[1]);
      budget--;
    }
  }
}
