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
 *   (one insert: 3 ms at 2^17 entries, 48 ms at 2^20, 290 ms at 2^22).
 *
 * Design: a dense slot array plus an own chained hash index over typed arrays.
 * - Entries are stored "struct of arrays": keyArr[s] and valArr[s] hold the
 *   key and value of slot s, for s in 0..size-1 with no holes. Both are
 *   ChunkedArrays (chunks of 2^16), so growth never copies existing slots.
 * - Per slot the index keeps two int32s in `meta` (chunks of 2^16 slots, each
 *   an Int32Array of 2^17; chunk 0 starts tiny and doubles up to full size):
 *   the key's 32-bit hash, and the link to the next slot of the same bucket,
 *   stored as slot+1 so that 0 ends a chain. Hash and link sit side by side:
 *   one cache line serves a chain step.
 * - A bucket table is an Int32Array of 2^k chain heads (slot+1, 0 = empty), so
 *   `new Int32Array(n)` needs no fill, and a big table is zeroed lazily by
 *   the OS. The table is allocated on the first insert (an empty Dict holds
 *   no table), with 8 buckets, or presized from `expectedSize` for bulk loads.
 *   The load factor stays <= 1: an insert that makes size > buckets doubles
 *   the table; a delete that makes size < buckets/8 shrinks it (not below
 *   the minimum, and by at most 64x at a time, see maybeShrink), so a drained
 *   dict gives its memory back. Meta chunks are released as the size falls:
 *   the last chunk goes once it is unused and its predecessor less than half
 *   full (so at most one spare chunk, and no alloc/free flapping at a chunk
 *   boundary), and a lone chunk 0 is halved while less than a quarter full.
 * - Lookup: hash the key, walk one chain comparing the stored hash first and
 *   the key string only on a hash match. The stored hash also lets a rehash
 *   re-link entries without touching key strings, and lets a delete find the
 *   chain of the entry it moves.
 * - Delete unlinks the slot, then swaps the last slot into the hole: the last
 *   entry's chain (found from its stored hash) has its pointer to size-1
 *   re-pointed at the hole. The dense array stays dense.
 * - Random sampling picks a uniform slot in 0..size-1: uniform by construction.
 *
 * Incremental rehash (grow or shrink): the old table stays next to the new one
 * and a cursor `rehashIdx` walks the old buckets in order, moving each
 * bucket's whole chain to the new table (prepending each entry to the chain of
 * hash & newMask). Invariant: an entry is in the old table iff its old bucket
 * (hash & oldMask) >= rehashIdx, otherwise in the new table. Lookups and
 * inserts apply the same rule, so every key is in exactly one chain and a
 * lookup walks one chain only (not both tables, as Redis does). Each insert or
 * delete then moves `rehashPerWrite` (4) non-empty buckets, each lookup 1, the
 * server cron `rehashStep(1000)` (which also starts a shrink that deletes left
 * pending), each bounded to 16 buckets visited per bucket moved, so no single
 * operation does more than a few dozen steps: a grow of 2^k buckets ends
 * within 2^k/4 writes, before the next grow is due
 * (if one is due mid-rehash, it waits: the load briefly exceeds 1). Old tables
 * of at most 2^12 buckets are rehashed at once (about 20 us).
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
 * Rehashing only re-links the index, never moves a slot, so it cannot break it.
 * Iteration (keys/values/entries/forEach) walks downwards the same way, so
 * deleting the current element inside a loop is safe.
 *
 * Hash (util/key-hash.ts, with a one-entry memo for the repeated lookups of
 * one command's key): FNV-1a, started from a per-process random 32-bit seed
 * xor the length, finished with the murmur3 fmix32 so that the low bits (the
 * bucket index) depend on every input char. Every char of the key is hashed,
 * as Redis does (a hash of a window of long keys would let keys that differ
 * only outside the window share one chain). Still, this is a seeded,
 * non-cryptographic hash, not a keyed PRF like SipHash: an attacker who can
 * recover the seed, or find seed-independent collisions, can still flood one
 * chain and make operations on it O(chain). V8's own string hash (what the
 * previous Map-based design relied on) is in the same class. Not mitigated
 * here beyond the seed.
 *
 * Complexity: get/has/set/delete O(1) expected; random slot O(1); scan
 * O(count); an operation during a rehash does O(rehashPerWrite) extra work.
 * Memory per entry, beyond key and value: two array cells (16 B), meta (8 B)
 * and 4-8 B of bucket table (more during a rehash). Measured for 1M and 4M
 * 16-char keys with small-integer values (heap + external, after GC): 62 and
 * 61 B per entry, of which the key string is 32, against 78 B with the
 * previous Map-based index; the table and meta live outside V8's heap
 * (typed-array backing stores), so only the two array cells show in heapUsed.
 * A dict of 1-8 entries costs about 1.3 KB (two small typed arrays; the
 * one-Map dict cost 1.1-1.2 KB); an empty one about 430 B (was 790), as it
 * allocates no table and no meta before its first insert. Small hashes, sets
 * and zsets use compact encodings, so tiny Dicts are rare.
 * Limit: slots are stored as int32 slot+1, so at most 2^31-2 entries; the
 * table stops growing at 2^30 buckets.
 *
 * Slots are exposed (slotOf, keyAt, valueAt, setValueAt, randomSlot) so that
 * hot paths can read or replace a value without a second lookup and sample
 * without allocating. A slot stays valid across inserts and value updates but
 * not across delete/take/clear (which may move the last entry into a hole).
 */

import { ChunkedArray } from './chunked-array.js';
import { keyHash } from '../util/key-hash.js';

export interface DictOptions {
  /**
   * Entries the dict is about to receive (a bulk load that knows its size):
   * the bucket table starts at the power of two >= this, so no rehash on the way.
   */
  expectedSize?: number;
  /** Source of uniform numbers in [0, 1) for sampling. Default Math.random. */
  random?: () => number;
  /** Smallest bucket table, rounded up to a power of two (also the shrink floor). Default 8. */
  minBuckets?: number;
  /** Old tables of at most this many buckets are rehashed in one go. Default 4096; 0 = always incremental. */
  rehashAtOnce?: number;
  /** Non-empty buckets moved per insert/delete while rehashing (lookups move 1). Default 4. */
  rehashPerWrite?: number;
}

/** Slots per meta chunk (each chunk holds hash + link per slot: 2^17 int32). */
const META_BITS = 16;
const META_SLOTS = 1 << META_BITS;
const META_MASK = META_SLOTS - 1;
/** Initial int32 length of meta chunk 0 (8 slots). */
const META_MIN = 16;
const DEFAULT_MIN_BUCKETS = 8;
const DEFAULT_REHASH_AT_ONCE = 1 << 12;
const DEFAULT_REHASH_PER_WRITE = 4;
/** Buckets visited per non-empty bucket a rehash step may move (bounds work on sparse tables). */
const EMPTY_VISITS = 16;
const MAX_BUCKETS = 1 << 30;
/** Largest table `expectedSize` allocates up front (256 MB, zeroed lazily by the OS). */
const MAX_PRESIZE = 1 << 26;
/** Shrink when size * SHRINK_RATIO < buckets. */
const SHRINK_RATIO = 8;

function pow2AtLeast(n: number): number {
  let p = 1;
  while (p < n && p < MAX_BUCKETS) p *= 2;
  return p;
}

/** Shape of the key index, for tests and diagnostics. */
export interface DictLayoutStats {
  /** Buckets of the current (new, while rehashing) table; 0 before the first insert. */
  buckets: number;
  /** Buckets of the table being drained, 0 when not rehashing. */
  oldBuckets: number;
  /** True while a rehash is in progress. */
  rehashing: boolean;
  /** Old buckets not yet moved. */
  pendingBuckets: number;
  /** Longest chain over both tables (walks everything: O(size + buckets)). */
  longestChain: number;
  /** Slot-metadata chunks held (each up to META_SLOTS slots, 512 KiB when full). */
  metaChunks: number;
  /** Int32 cells held by all slot-metadata chunks (4 bytes each). */
  metaCells: number;
}

export class Dict<V> {
  /** Current bucket table (chain heads as slot+1), or null before the first insert. */
  private table: Int32Array | null = null;
  private mask = 0;
  /** Table being drained by an incremental rehash, or null. */
  private old: Int32Array | null = null;
  private oldMask = 0;
  /** Old buckets below this index have been moved to `table`. */
  private rehashIdx = 0;
  /** Per-slot [hash, next+1] pairs in chunks of META_SLOTS slots (none until the first insert). */
  private meta: Int32Array[] = [];

  /** Entries at the end appended by append() and not yet linked (indexAppended). */
  private appended = 0;

  private readonly keyArr = new ChunkedArray<string>();
  private readonly valArr = new ChunkedArray<V>();

  private readonly initialBuckets: number;
  private readonly minBuckets: number;
  private readonly rehashAtOnce: number;
  private readonly rehashPerWrite: number;
  private readonly rng: () => number;

  constructor(options: DictOptions = {}) {
    this.minBuckets = pow2AtLeast(Math.max(1, options.minBuckets ?? DEFAULT_MIN_BUCKETS));
    // (a size hint from an RDB file could be anything: presize at most MAX_PRESIZE buckets)
    this.initialBuckets = Math.max(this.minBuckets, Math.min(MAX_PRESIZE, pow2AtLeast(options.expectedSize ?? 0)));
    this.rehashAtOnce = Math.max(0, options.rehashAtOnce ?? DEFAULT_REHASH_AT_ONCE);
    this.rehashPerWrite = Math.max(1, options.rehashPerWrite ?? DEFAULT_REHASH_PER_WRITE);
    this.rng = options.random ?? Math.random;
    // A presized dict allocates its bucket table up front (slot metadata grows with the inserts).
    if (options.expectedSize !== undefined && options.expectedSize > 0) this.allocate();
  }

  get size(): number {
    return this.keyArr.length;
  }

  // ---- lookups -------------------------------------------------------------

  get(key: string): V | undefined {
    const s = this.slotOf(key);
    return s < 0 ? undefined : this.valArr.get(s);
  }

  has(key: string): boolean {
    return this.slotOf(key) >= 0;
  }

  /** Slot of key, or -1 (a lookup moves one bucket of a rehash). Valid until the next delete/take/clear. */
  slotOf(key: string): number {
    const s = this.find(key, keyHash(key));
    if (this.old !== null) this.rehash(1);
    return s;
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
    const h = keyHash(key);
    const s = this.find(key, h);
    if (s >= 0) {
      this.valArr.set(s, value);
      return false;
    }
    this.insert(key, h, value);
    return true;
  }

  /** Insert only if absent: returns the existing value, or undefined after inserting. */
  setIfAbsent(key: string, value: V): V | undefined {
    const h = keyHash(key);
    const s = this.find(key, h);
    if (s >= 0) return this.valArr.get(s);
    this.insert(key, h, value);
    return undefined;
  }

  /** Remove key; true if it was present. */
  delete(key: string): boolean {
    const s = this.unlink(key, keyHash(key));
    if (s < 0) return false;
    this.removeSlot(s);
    return true;
  }

  /** Remove key and return its value (undefined if absent). */
  take(key: string): V | undefined {
    const s = this.unlink(key, keyHash(key));
    return s < 0 ? undefined : this.removeSlot(s);
  }

  /** Remove everything and release the index (a presized dict presizes again on its next insert). */
  clear(): void {
    this.keyArr.clear();
    this.valArr.clear();
    this.table = null;
    this.mask = 0;
    this.old = null;
    this.oldMask = 0;
    this.rehashIdx = 0;
    this.meta = [];
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

  // ---- rehashing ---------------------------------------------------------------

  /**
   * Move up to `buckets` non-empty old buckets to the new table; when idle,
   * start a shrink that deletes left pending (a delete during a rehash does
   * not start one). Returns true while a rehash is still in progress. For the
   * server cron.
   */
  rehashStep(buckets: number): boolean {
    if (this.old === null) {
      if (this.table === null || !this.maybeShrink()) return false;
    }
    this.rehash(Math.max(1, buckets));
    if (this.old === null) this.maybeShrink();
    return this.old !== null;
  }

  /** True while an incremental rehash (grow or shrink) is in progress. */
  get rehashing(): boolean {
    return this.old !== null;
  }

  /** Shape of the key index (walks every chain: for tests and diagnostics). */
  layoutStats(): DictLayoutStats {
    let longest = 0;
    const walk = (t: Int32Array | null, from: number): void => {
      if (t === null) return;
      for (let b = from; b < t.length; b++) {
        let len = 0;
        for (let e = t[b]!; e !== 0; e = this.nextOf(e - 1)) len++;
        if (len > longest) longest = len;
      }
    };
    walk(this.table, 0);
    walk(this.old, this.rehashIdx);
    const old = this.old;
    return {
      buckets: this.table === null ? 0 : this.table.length,
      oldBuckets: old === null ? 0 : old.length,
      rehashing: old !== null,
      pendingBuckets: old === null ? 0 : old.length - this.rehashIdx,
      longestChain: longest,
      metaChunks: this.meta.length,
      metaCells: this.meta.reduce((a, m) => a + m.length, 0),
    };
  }

  // ---- internals ---------------------------------------------------------------

  /** Is hash h's bucket still in the old table (a rehash runs and has not reached it)? */
  private inOld(h: number): boolean {
    return this.old !== null && (h & this.oldMask) >= this.rehashIdx;
  }

  private nextOf(s: number): number {
    return this.meta[s >>> META_BITS]![((s & META_MASK) << 1) + 1]!;
  }

  /** Slot of key given its hash, or -1. */
  private find(key: string, h: number): number {
    const inOld = this.inOld(h);
    const t = inOld ? this.old : this.table;
    if (t === null) return -1;
    let e = t[h & (inOld ? this.oldMask : this.mask)]!;
    const meta = this.meta;
    while (e !== 0) {
      const s = e - 1;
      const m = meta[s >>> META_BITS]!;
      const j = (s & META_MASK) << 1;
      if (m[j] === h && this.keyArr.get(s) === key) return s;
      e = m[j + 1]!;
    }
    return -1;
  }

  /** Allocate the first bucket table. */
  private allocate(): void {
    const n = this.initialBuckets;
    this.table = new Int32Array(n);
    this.mask = n - 1;
  }

  /** Append key and value at slot s = size, with hash h in its metadata; returns the meta chunk of s. */
  private push(key: string, h: number, value: V): Int32Array {
    if (this.table === null) this.allocate();
    const s = this.keyArr.length;
    this.keyArr.push(key);
    this.valArr.push(value);
    // slot metadata: make room for slot s
    const ci = s >>> META_BITS;
    const j = (s & META_MASK) << 1;
    let m = this.meta[ci];
    if (m === undefined) {
      m = new Int32Array(ci === 0 ? META_MIN : META_SLOTS << 1);
      this.meta.push(m);
    } else if (j >= m.length) {
      // only chunk 0 is ever short: double it (bounded by 2^17 int32)
      const bigger = new Int32Array(m.length << 1);
      bigger.set(m);
      m = bigger;
      this.meta[0] = m;
    }
    m[j] = h;
    return m;
  }

  /** Append a new entry (key known absent), link it, then grow or do the write's share of a rehash. */
  private insert(key: string, h: number, value: V): void {
    const m = this.push(key, h, value);
    const s = this.keyArr.length - 1;
    const j = (s & META_MASK) << 1;
    // link at the head of its chain, in whichever table holds its bucket
    const inOld = this.inOld(h);
    const t = inOld ? this.old! : this.table!;
    const b = h & (inOld ? this.oldMask : this.mask);
    m[j + 1] = t[b]!;
    t[b] = s + 1;
    if (this.old !== null) this.rehash(this.rehashPerWrite);
    else if (s + 1 > this.table!.length && this.table!.length < MAX_BUCKETS) this.startRehash(this.table!.length * 2);
  }

  // ---- bulk loading ------------------------------------------------------------

  /**
   * Bulk load (the RDB loader): add `key`, with its hash `h` (keyHash's value), as a new entry
   * without linking it into the index. Until indexAppended() runs, appended keys are invisible
   * to lookups, and nothing but append() and indexAppended() may be called.
   *
   * Why: linking a key costs one or two cache misses (its bucket, its chain). Interleaved with
   * decoding, every insert waits for them; linked in a tight loop over a batch, the misses of
   * consecutive keys overlap, several times cheaper per key.
   */
  append(key: string, h: number, value: V): void {
    this.push(key, h, value)[(((this.keyArr.length - 1) & META_MASK) << 1) + 1] = 0;
    this.appended++;
  }

  /**
   * Link the appended keys into the index (finishing any rehash, and sizing the table for
   * every key first). Returns the slot of an appended key that was already present, or -1;
   * a duplicate stays in (the caller discards the whole dict).
   */
  indexAppended(): number {
    const n = this.appended;
    if (n === 0) return -1;
    this.appended = 0;
    const size = this.keyArr.length;
    let from = size - n;
    if (this.old !== null) this.rehash(this.old.length);
    if (size > this.table!.length && this.table!.length < MAX_BUCKETS) {
      const buckets = pow2AtLeast(size);
      this.table = new Int32Array(buckets);
      this.mask = buckets - 1;
      from = 0; // a new table: link every key
    }
    const t = this.table!;
    const mask = this.mask;
    const meta = this.meta;
    const keys = this.keyArr;
    let dup = -1;
    for (let s = from; s < size; s++) {
      const m = meta[s >>> META_BITS]!;
      const j = (s & META_MASK) << 1;
      const h = m[j]!;
      const b = h & mask;
      const head = t[b]!;
      for (let e = head; e !== 0 && dup < 0; ) {
        const x = e - 1;
        const mx = meta[x >>> META_BITS]!;
        const jx = (x & META_MASK) << 1;
        if (mx[jx] === h && keys.get(x) === keys.get(s)) dup = s;
        e = mx[jx + 1]!;
      }
      m[j + 1] = head;
      t[b] = s + 1;
    }
    return dup;
  }

  /** Remove key from its chain and return its slot, or -1. */
  private unlink(key: string, h: number): number {
    const inOld = this.inOld(h);
    const t = inOld ? this.old : this.table;
    if (t === null) return -1;
    const b = h & (inOld ? this.oldMask : this.mask);
    const meta = this.meta;
    let prev = -1; // slot whose link points at e, or -1 for the bucket head
    let e = t[b]!;
    while (e !== 0) {
      const s = e - 1;
      const m = meta[s >>> META_BITS]!;
      const j = (s & META_MASK) << 1;
      const next = m[j + 1]!;
      if (m[j] === h && this.keyArr.get(s) === key) {
        if (prev < 0) t[b] = next;
        else meta[prev >>> META_BITS]![((prev & META_MASK) << 1) + 1] = next;
        return s;
      }
      prev = s;
      e = next;
    }
    return -1;
  }

  /** Fill the hole at slot s (already unlinked) with the last entry; return the removed value. */
  private removeSlot(s: number): V {
    const lastKey = this.keyArr.pop() as string;
    const lastVal = this.valArr.pop() as V;
    const last = this.keyArr.length; // slot of the entry just popped
    let removed = lastVal;
    if (s !== last) {
      removed = this.valArr.get(s);
      this.keyArr.set(s, lastKey);
      this.valArr.set(s, lastVal);
      this.moveMeta(last, s);
    }
    const n = last; // new size
    // Release the last meta chunk once it is unused and the one before it is less than half
    // full (at most one spare chunk; the half-chunk gap stops alloc/free flapping when the size
    // moves around a chunk boundary). A lone chunk 0 is halved while under a quarter full
    // (int32 length = 2 per slot). Each removal lowers n by one, so it crosses at most one of
    // these thresholds: no loop is needed.
    const meta = this.meta;
    const k = meta.length;
    if (k > 1 && n < (k - 1) * META_SLOTS - (META_SLOTS >>> 1)) meta.pop();
    else if (k === 1) {
      const m0 = meta[0]!;
      if (m0.length > 4 * META_MIN && n * 8 < m0.length) meta[0] = m0.slice(0, m0.length >> 1);
    }
    if (this.old !== null) this.rehash(this.rehashPerWrite);
    else this.maybeShrink();
    return removed;
  }

  /**
   * Start shrinking a table that is mostly empty (table allocated, no rehash
   * running), to twice the size rounded up, but by at most the factor of
   * buckets a write can visit: draining the sparse old table then takes at most
   * as many writes as the new table has buckets, so inserts arriving during the
   * shrink cannot pile up into long chains there.
   */
  private maybeShrink(): boolean {
    const len = this.table!.length;
    const n = this.keyArr.length;
    if (len <= this.minBuckets || n * SHRINK_RATIO >= len) return false;
    const floor = len / (this.rehashPerWrite * EMPTY_VISITS);
    this.startRehash(Math.max(this.minBuckets, pow2AtLeast(2 * n), pow2AtLeast(floor)));
    return true;
  }

  /** Move slot `from`'s metadata to slot `to` and re-point its chain predecessor. */
  private moveMeta(from: number, to: number): void {
    const meta = this.meta;
    const mf = meta[from >>> META_BITS]!;
    const jf = (from & META_MASK) << 1;
    const h = mf[jf]!;
    const next = mf[jf + 1]!;
    const mt = meta[to >>> META_BITS]!;
    const jt = (to & META_MASK) << 1;
    mt[jt] = h;
    mt[jt + 1] = next;
    const inOld = this.inOld(h);
    const t = inOld ? this.old! : this.table!;
    const b = h & (inOld ? this.oldMask : this.mask);
    const target = from + 1;
    let e = t[b]!;
    if (e === target) {
      t[b] = to + 1;
      return;
    }
    while (e !== 0) {
      const s = e - 1;
      const m = meta[s >>> META_BITS]!;
      const j = ((s & META_MASK) << 1) + 1;
      e = m[j]!;
      if (e === target) {
        m[j] = to + 1;
        return;
      }
    }
    throw new Error('Dict: index corrupted (moved slot not found in its chain)');
  }

  /** Begin moving every entry to a new table of `buckets` buckets (small tables move at once). */
  private startRehash(buckets: number): void {
    this.old = this.table;
    this.oldMask = this.mask;
    this.rehashIdx = 0;
    this.table = new Int32Array(buckets);
    this.mask = buckets - 1;
    if (this.old!.length <= this.rehashAtOnce) this.rehash(this.old!.length);
  }

  /** Move up to `moves` non-empty old buckets (visiting at most EMPTY_VISITS times as many). */
  private rehash(moves: number): void {
    const old = this.old;
    if (old === null) return;
    const t = this.table!;
    const mask = this.mask;
    const meta = this.meta;
    let i = this.rehashIdx;
    let visits = moves * EMPTY_VISITS;
    const end = old.length;
    while (i < end && moves > 0 && visits-- > 0) {
      let e = old[i]!;
      if (e !== 0) {
        moves--;
        old[i] = 0;
        while (e !== 0) {
          const s = e - 1;
          const m = meta[s >>> META_BITS]!;
          const j = (s & META_MASK) << 1;
          const next = m[j + 1]!;
          const b = m[j]! & mask;
          m[j + 1] = t[b]!;
          t[b] = e;
          e = next;
        }
      }
      i++;
    }
    this.rehashIdx = i;
    if (i >= end) {
      this.old = null;
      this.oldMask = 0;
      this.rehashIdx = 0;
    }
  }
}
