/*
 * OrderedMap: a map from latin1 string keys to values, kept in byte order of the keys, with
 * "seek to the first key >= k" and in-order iteration. It stands in for the radix trees Redis
 * uses for stream metadata: consumer groups and consumers by name, pending-entry lists by
 * 16-byte big-endian ID (see stream-id.ts idKey), where replies list things in key order and
 * XPENDING / XAUTOCLAIM scan from a given key.
 *
 * Structure: a sorted sequence of chunks, each a sorted array of at most CHUNK_MAX keys with a
 * parallel array of values (a two-level B+tree). A lookup binary-searches the chunks by their
 * last key, then the keys inside one chunk: O(log n). Insertion and deletion splice one chunk
 * (O(CHUNK_MAX) element moves), split a full chunk in two and drop an empty one; the chunk
 * array itself only changes on splits and drops (O(n / CHUNK_MAX) moves). Appending keys in
 * increasing order, the common case for pending-entry lists fed by XREADGROUP, lands in the
 * last chunk. Compared to one flat sorted array this keeps deletes in the middle (XACK) cheap
 * at any size; compared to a skip list or a tree of nodes it spends about two pointers per
 * entry instead of an object per entry.
 *
 * JS string comparison (`<`) compares UTF-16 code units; for latin1 strings those are the
 * bytes, so the order is memcmp order with shorter prefixes first, like rax.
 *
 * Iteration uses a cursor (chunk, index); a cursor is invalidated by any insertion or deletion,
 * after which the caller seeks again from the last key it saw (as Redis re-seeks its rax
 * iterator after raxRemove).
 */

const CHUNK_MAX = 128;

export class OrderedMap<V> {
  private keys: string[][] = [];
  private vals: V[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Index of the first chunk whose last key is >= key (chunks.length when none). */
  private chunkFor(key: string): number {
    const ks = this.keys;
    let lo = 0;
    let hi = ks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = ks[mid] as string[];
      if ((c[c.length - 1] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index in a sorted array whose key is >= key. */
  private static lowerBound(c: readonly string[], key: string): number {
    let lo = 0;
    let hi = c.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((c[mid] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key: string): V | undefined {
    const ci = this.chunkFor(key);
    const c = this.keys[ci];
    if (c === undefined) return undefined;
    const i = OrderedMap.lowerBound(c, key);
    return c[i] === key ? (this.vals[ci] as V[])[i] : undefined;
  }

  has(key: string): boolean {
    const ci = this.chunkFor(key);
    const c = this.keys[ci];
    if (c === undefined) return false;
    return c[OrderedMap.lowerBound(c, key)] === key;
  }

  /**
   * Insert or replace. Returns true when the key was new. With `onlyIfAbsent`, an existing
   * key keeps its value (raxTryInsert).
   */
  set(key: string, value: V, onlyIfAbsent = false): boolean {
    const ks = this.keys;
    if (ks.length === 0) {
      ks.push([key]);
      this.vals.push([value]);
      this.count = 1;
      return true;
    }
    let ci = this.chunkFor(key);
    if (ci === ks.length) ci--; // beyond every key: append to the last chunk
    const c = ks[ci] as string[];
    const v = this.vals[ci] as V[];
    const i = OrderedMap.lowerBound(c, key);
    if (c[i] === key) {
      if (!onlyIfAbsent) v[i] = value;
      return false;
    }
    if (i === c.length) {
      c.push(key);
      v.push(value);
    } else {
      c.splice(i, 0, key);
      v.splice(i, 0, value);
    }
    this.count++;
    if (c.length > CHUNK_MAX) {
      const half = c.length >>> 1;
      // Appends in order fill chunks completely: split near the end instead of in the middle.
      const at = i === c.length - 1 ? c.length - 1 : half;
      ks.splice(ci + 1, 0, c.splice(at));
      this.vals.splice(ci + 1, 0, v.splice(at));
    }
    return true;
  }

  /** Remove a key; returns its value, or undefined when absent. */
  delete(key: string): V | undefined {
    const ci = this.chunkFor(key);
    const c = this.keys[ci];
    if (c === undefined) return undefined;
    const i = OrderedMap.lowerBound(c, key);
    if (c[i] !== key) return undefined;
    const v = this.vals[ci] as V[];
    const old = v[i] as V;
    if (c.length === 1) {
      this.keys.splice(ci, 1);
      this.vals.splice(ci, 1);
    } else {
      c.splice(i, 1);
      v.splice(i, 1);
    }
    this.count--;
    return old;
  }

  firstKey(): string | undefined {
    return this.keys[0]?.[0];
  }

  lastKey(): string | undefined {
    const c = this.keys[this.keys.length - 1];
    return c === undefined ? undefined : c[c.length - 1];
  }

  /** A cursor at the first key >= `key` (or at the first key when `key` is null). */
  seek(key: string | null): OrderedMapCursor<V> {
    const cur = new OrderedMapCursor(this.keys, this.vals);
    if (key === null) {
      cur.ci = 0;
      cur.i = 0;
    } else {
      const ci = this.chunkFor(key);
      cur.ci = ci;
      const c = this.keys[ci];
      cur.i = c === undefined ? 0 : OrderedMap.lowerBound(c, key);
    }
    return cur;
  }

  /** Visit entries in key order until `fn` returns false. */
  forEach(fn: (key: string, value: V) => boolean | void): void {
    const ks = this.keys;
    const vs = this.vals;
    for (let ci = 0; ci < ks.length; ci++) {
      const c = ks[ci] as string[];
      const v = vs[ci] as V[];
      for (let i = 0; i < c.length; i++) {
        if (fn(c[i] as string, v[i] as V) === false) return;
      }
    }
  }

  /** All values in key order. */
  values(): V[] {
    const out: V[] = [];
    for (const v of this.vals) for (const x of v) out.push(x);
    return out;
  }

  keyList(): string[] {
    const out: string[] = [];
    for (const c of this.keys) for (const k of c) out.push(k);
    return out;
  }
}

/** A position in an OrderedMap; `next()` yields entries from there on in key order. */
export class OrderedMapCursor<V> {
  ci = 0;
  i = 0;
  key = '';
  value: V | undefined = undefined;

  constructor(
    private readonly keys: string[][],
    private readonly vals: V[][],
  ) {}

  /** Advance to the next entry; false at the end. The entry is in `key` / `value`. */
  next(): boolean {
    for (;;) {
      const c = this.keys[this.ci];
      if (c === undefined) return false;
      if (this.i < c.length) {
        this.key = c[this.i] as string;
        this.value = (this.vals[this.ci] as V[])[this.i];
        this.i++;
        return true;
      }
      this.ci++;
      this.i = 0;
    }
  }
}
