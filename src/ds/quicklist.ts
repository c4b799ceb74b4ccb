/*
 * Quicklist: a doubly linked list of nodes, each node holding a run of list elements packed
 * into one latin1 string (listpack-node.ts, quicklist-node.ts), as Redis 7.0 stores every list.
 *
 * Why this shape: a linked list of single elements pays a node object per element; one big
 * packed string pays O(n) per edit. Packed nodes of bounded size keep pushes and pops at either
 * end O(1) amortized, edits in the middle O(node size + nodes walked), and the memory close to
 * the bytes stored (2 bytes of overhead per short element, one small node object per few KB).
 * Measured with 100,000 lists of ten 7-byte elements: about 230 bytes per list for the
 * Quicklist, its node and the packed string (Redis: quicklist + node + listpack, about 190).
 * Whole keys (dict entry, key, value object) cost about 420 bytes in nodis, 294 in Redis.
 *
 * Node size (`fill`, from list-max-listpack-size): a negative fill -1..-5 caps a node at
 * 4/8/16/32/64 KB of packed bytes; a positive fill caps the number of elements per node, with an
 * 8 KB safety limit on bytes. An element of `packedThreshold` bytes or more (1 GB by default,
 * DEBUG QUICKLIST-PACKED-THRESHOLD changes it) gets a PLAIN node of its own holding the bare
 * value. Inserting into a full node in the middle splits it and then merges neighbours that fit
 * together again, like Redis's _quicklistInsert/_quicklistMergeNodes.
 *
 * Compression (`compress`, from list-compress-depth): the `compress` nodes at each end stay
 * raw; interior nodes are stored LZF-compressed when that pays (quicklist-node.ts). A compressed
 * node is decompressed into a temporary string to be read, and decompressed for good (then
 * recompressed) to be edited. After every structural change the nodes within depth of either
 * end are decompressed and the ones just beyond it compressed (Redis's __quicklistCompress), so
 * pushes and pops at the ends never pay for compression.
 *
 * Elements handed out (pops, iteration) are substrings of node strings (V8 "sliced strings",
 * no copy for 13+ bytes): callers reply with them or store them in another list, which copies
 * them into that list's node.
 *
 * Invariants: `count` is the sum of node counts; no node is empty; a PLAIN node holds exactly
 * one element; nodes within `compress` of either end are never compressed after a public
 * method returns; `len` is the number of nodes.
 */

import {
  P, entryPosition, entrySize, encodeEntry, encodeEntryFlat, flatten, join2, join3, readBackward, readForward,
  skipForward, unpackValues,
} from './listpack-node.js';
import {
  F_LZF, F_PLAIN, F_TRIED, QuicklistIterator, QuicklistNode, compressNode, makeRaw, setConcat, setFlat,
} from './quicklist-node.js';

export { QuicklistIterator, QuicklistNode } from './quicklist-node.js';

/** Byte limits of the negative fill levels -1..-5. */
const LEVELS = [4096, 8192, 16384, 32768, 65536] as const;
/** Byte cap of a node when the fill is an element count. */
const SIZE_SAFETY_LIMIT = 8192;
const FILL_MAX = (1 << 15) - 1;
/** Redis allows 65535; 32767 keeps the options in one small integer (deeper is meaningless). */
const COMPRESS_MAX = (1 << 15) - 1;
const DEFAULT_PACKED_THRESHOLD = 1 << 30;

let packedThreshold = DEFAULT_PACKED_THRESHOLD;

/**
 * DEBUG QUICKLIST-PACKED-THRESHOLD: elements of at least `sz` bytes get PLAIN nodes. 0 restores
 * the 1 GB default; values near or above 4 GB are refused (returns false).
 */
export function setPackedThreshold(sz: number): boolean {
  if (sz > 2 ** 32 - 2 ** 20) return false;
  packedThreshold = sz === 0 ? DEFAULT_PACKED_THRESHOLD : sz;
  return true;
}

export function getPackedThreshold(): number {
  return packedThreshold;
}

function allowInsert(n: QuicklistNode | null, sz: number, fill: number): boolean {
  if (n === null || n.flags & F_PLAIN) return false;
  const newSz = n.size + entrySize(sz);
  if (fill < 0) return newSz <= (LEVELS[-fill - 1] as number);
  if (newSz > SIZE_SAFETY_LIMIT) return false;
  return n.count < fill;
}

function allowMerge(a: QuicklistNode | null, b: QuicklistNode | null, fill: number): boolean {
  if (a === null || b === null || (a.flags | b.flags) & F_PLAIN) return false;
  const sz = a.size + b.size;
  if (fill < 0) return sz <= (LEVELS[-fill - 1] as number);
  if (sz > SIZE_SAFETY_LIMIT) return false;
  return a.count + b.count <= fill;
}

/** Result of Quicklist.locate (module-level to avoid allocating). */
const L: { node: QuicklistNode | null; off: number } = { node: null, off: 0 };

export class Quicklist {
  head: QuicklistNode | null = null;
  tail: QuicklistNode | null = null;
  /** Number of elements. */
  count = 0;
  /** Number of nodes. */
  len = 0;
  /** (fill + 5) | compress << 16, one small integer (memory per list). */
  private readonly opts: number;

  constructor(fill = -2, compress = 0) {
    const f = fill > FILL_MAX ? FILL_MAX : fill < -5 ? -5 : fill;
    const c = compress > COMPRESS_MAX ? COMPRESS_MAX : compress < 0 ? 0 : compress;
    this.opts = (f + 5) | (c << 16);
  }

  /** list-max-listpack-size at creation, clamped to -5..32767. */
  get fill(): number {
    return (this.opts & 0xffff) - 5;
  }

  /** list-compress-depth at creation, clamped to 0..32767. */
  get compress(): number {
    return this.opts >>> 16;
  }

  static fromValues(values: readonly string[], fill = -2, compress = 0): Quicklist {
    const q = new Quicklist(fill, compress);
    for (const v of values) q.push(v, false);
    return q;
  }

  /* ---- links ---------------------------------------------------------------------------- */

  /** Link `n` before or after `old` (old = null: the list is empty). */
  private link(old: QuicklistNode | null, n: QuicklistNode, after: boolean): void {
    if (old === null) {
      this.head = this.tail = n;
    } else if (after) {
      n.prev = old;
      n.next = old.next;
      if (old.next !== null) old.next.prev = n;
      else this.tail = n;
      old.next = n;
    } else {
      n.next = old;
      n.prev = old.prev;
      if (old.prev !== null) old.prev.next = n;
      else this.head = n;
      old.prev = n;
    }
    this.len++;
    if (this.compress !== 0) {
      if (old !== null) this.compressAround(old);
      this.compressAround(n);
    }
  }

  /** Unlink `n` (its elements must already be subtracted from `count`). */
  private unlink(n: QuicklistNode): void {
    if (n.prev !== null) n.prev.next = n.next;
    else this.head = n.next;
    if (n.next !== null) n.next.prev = n.prev;
    else this.tail = n.prev;
    n.prev = n.next = null;
    this.len--;
    if (this.compress !== 0) this.compressAround(null);
  }

  /**
   * Keep the `compress` nodes at each end raw and compress `touched` (when it lies beyond
   * them) and the two nodes just beyond them (__quicklistCompress).
   */
  private compressAround(touched: QuicklistNode | null): void {
    const depth = this.compress;
    let f = this.head;
    let r = this.tail;
    if (depth === 0 || f === null || r === null) return;
    let inDepth = false;
    for (let d = 0; d < depth; d++) {
      makeRaw(f);
      makeRaw(r);
      if (f === touched || r === touched) inDepth = true;
      if (f === r || f.next === r) return;
      f = f.next as QuicklistNode;
      r = r.prev as QuicklistNode;
    }
    if (touched !== null && !inDepth) compressNode(touched);
    compressNode(f);
    compressNode(r);
  }

  /** Find element `index` (negative: from the tail): sets L.node / L.off; false if out of range. */
  private locate(index: number): boolean {
    const count = this.count;
    let i = index < 0 ? count + index : index;
    if (i < 0 || i >= count) return false;
    if (i <= (count - 1) / 2) {
      let n = this.head as QuicklistNode;
      while (i >= n.count) {
        i -= n.count;
        n = n.next as QuicklistNode;
      }
      L.node = n;
      L.off = i;
    } else {
      let r = count - 1 - i;
      let n = this.tail as QuicklistNode;
      while (r >= n.count) {
        r -= n.count;
        n = n.prev as QuicklistNode;
      }
      L.node = n;
      L.off = n.count - 1 - r;
    }
    return true;
  }

  /* ---- push / pop ----------------------------------------------------------------------- */

  /** LPUSH (head = true) / RPUSH one element. */
  push(v: string, head: boolean): void {
    const sz = v.length;
    const end = head ? this.head : this.tail;
    if (sz >= packedThreshold) {
      this.link(end, new QuicklistNode(flatten(v), 1, F_PLAIN), !head);
    } else if (end !== null && allowInsert(end, sz, this.fill)) {
      makeRaw(end);
      if (head) setConcat(end, encodeEntry(v), end.data);
      else setConcat(end, end.data, encodeEntry(v));
      end.count++;
    } else {
      this.link(end, new QuicklistNode(encodeEntryFlat(v), 1, 0), !head);
    }
    this.count++;
  }

  /** LPOP (head = true) / RPOP one element; undefined when empty. */
  pop(head: boolean): string | undefined {
    const n = head ? this.head : this.tail;
    if (n === null) return undefined;
    this.count--;
    if (n.flags & F_PLAIN) {
      const v = n.raw();
      this.unlink(n);
      return v;
    }
    makeRaw(n);
    const d = n.data;
    let v: string;
    if (head) {
      const next = readForward(d, 0);
      v = d.slice(P.start, P.start + P.len);
      if (n.count === 1) this.unlink(n);
      else n.data = d.slice(next);
    } else {
      const start = readBackward(d, d.length);
      v = d.slice(P.start, P.start + P.len);
      if (n.count === 1) this.unlink(n);
      else n.data = d.slice(0, start);
    }
    n.count--;
    n.flags &= ~F_TRIED;
    return v;
  }

  /* ---- random access -------------------------------------------------------------------- */

  /** LINDEX: element `index` (negative: from the tail), or undefined. */
  index(index: number): string | undefined {
    if (!this.locate(index)) return undefined;
    const n = L.node as QuicklistNode;
    const d = n.raw();
    if (n.flags & F_PLAIN) return d;
    readForward(d, entryPosition(d, n.count, L.off));
    return d.slice(P.start, P.start + P.len);
  }

  /** LSET: replace element `index`; false when out of range. */
  replace(index: number, v: string): boolean {
    if (!this.locate(index)) return false;
    const n = L.node as QuicklistNode;
    const off = L.off;
    const large = v.length >= packedThreshold;
    if (!(n.flags & F_PLAIN) && !large) {
      makeRaw(n);
      const d = n.data;
      const p = entryPosition(d, n.count, off);
      const q = skipForward(d, p);
      setFlat(n, join3(d.slice(0, p), encodeEntry(v), d.slice(q)));
      if (this.compress !== 0) this.compressAround(n);
      return true;
    }
    if (n.flags & F_PLAIN && large) {
      n.data = flatten(v);
      n.flags = F_PLAIN;
      if (this.compress !== 0) this.compressAround(n);
      return true;
    }
    // The new value needs a different kind of node: insert it after the old one, then delete
    // the old one.
    const abs = index < 0 ? this.count + index : index;
    this.insertIn(n, off + 1, v);
    this.delRange(abs, 1);
    return true;
  }

  /**
   * LINSERT: insert `v` before or after the first element equal to `pivot` (from the head).
   * Returns false when there is no such element.
   */
  insertAtPivot(pivot: string, v: string, after: boolean): boolean {
    const plen = pivot.length;
    for (let n = this.head; n !== null; n = n.next) {
      const d = n.raw();
      if (n.flags & F_PLAIN) {
        if (d === pivot) {
          this.insertIn(n, after ? 1 : 0, v);
          return true;
        }
        continue;
      }
      let p = 0;
      for (let k = 0; k < n.count; k++) {
        p = readForward(d, p);
        if (P.len === plen && d.startsWith(pivot, P.start)) {
          this.insertIn(n, after ? k + 1 : k, v);
          return true;
        }
      }
    }
    return false;
  }

  /** Insert `v` before element `k` of node `n` (0 <= k <= n.count). */
  private insertIn(n: QuicklistNode, k: number, v: string): void {
    const sz = v.length;
    const fill = this.fill;
    const atHead = k === 0;
    const atTail = k === n.count;
    this.count++;
    if (sz >= packedThreshold) {
      const plain = new QuicklistNode(flatten(v), 1, F_PLAIN);
      if (n.flags & F_PLAIN || atHead || atTail) {
        this.link(n, plain, !atHead);
      } else {
        const right = this.splitOff(n, k);
        this.link(n, plain, true);
        this.link(plain, right, true);
      }
      return;
    }
    if (allowInsert(n, sz, fill)) {
      makeRaw(n);
      const d = n.data;
      if (atHead) setConcat(n, encodeEntry(v), d);
      else if (atTail) setConcat(n, d, encodeEntry(v));
      else {
        const p = entryPosition(d, n.count, k);
        setFlat(n, join3(d.slice(0, p), encodeEntry(v), d.slice(p)));
      }
      n.count++;
      if (this.compress !== 0) this.compressAround(n);
      return;
    }
    if (atTail && allowInsert(n.next, sz, fill)) {
      const m = n.next as QuicklistNode;
      makeRaw(m);
      setConcat(m, encodeEntry(v), m.data);
      m.count++;
      if (this.compress !== 0) this.compressAround(m);
      return;
    }
    if (atHead && allowInsert(n.prev, sz, fill)) {
      const m = n.prev as QuicklistNode;
      makeRaw(m);
      setConcat(m, m.data, encodeEntry(v));
      m.count++;
      if (this.compress !== 0) this.compressAround(m);
      return;
    }
    if (atHead || atTail) {
      this.link(n, new QuicklistNode(encodeEntryFlat(v), 1, 0), atTail);
      return;
    }
    // A full node and a position inside it: split, put the element at the head of the right
    // part, then merge whatever fits together again.
    const right = this.splitOff(n, k);
    setFlat(right, join2(encodeEntry(v), right.data));
    right.count++;
    this.link(n, right, true);
    this.mergeAround(n);
  }

  /** Cut node `n` after its first `k` elements (0 < k < count); returns the unlinked rest. */
  private splitOff(n: QuicklistNode, k: number): QuicklistNode {
    makeRaw(n);
    const d = n.data;
    const p = entryPosition(d, n.count, k);
    const right = new QuicklistNode(d.slice(p), n.count - k, 0);
    setFlat(n, d.slice(0, p));
    n.count = k;
    return right;
  }

  /** Try to merge the nodes around `center` (_quicklistMergeNodes). */
  private mergeAround(center: QuicklistNode): void {
    const fill = this.fill;
    const prev = center.prev;
    const next = center.next;
    const pp = prev !== null ? prev.prev : null;
    const nn = next !== null ? next.next : null;
    if (allowMerge(pp, prev, fill)) this.merge(pp as QuicklistNode, prev as QuicklistNode);
    if (allowMerge(next, nn, fill)) this.merge(next as QuicklistNode, nn as QuicklistNode);
    let target = center;
    if (allowMerge(center.prev, center, fill)) target = this.merge(center.prev as QuicklistNode, center);
    if (allowMerge(target, target.next, fill)) this.merge(target, target.next as QuicklistNode);
  }

  /** Merge `b` (right after `a`) into `a`; returns `a`. */
  private merge(a: QuicklistNode, b: QuicklistNode): QuicklistNode {
    makeRaw(a);
    makeRaw(b);
    setFlat(a, join2(a.data, b.data));
    a.count += b.count;
    this.unlink(b);
    if (this.compress !== 0) this.compressAround(a);
    return a;
  }

  /* ---- deletion ------------------------------------------------------------------------- */

  /**
   * Delete `n` elements starting at `start` (negative: from the tail), clipped to the end of
   * the list (quicklistDelRange). Returns how many were deleted.
   */
  delRange(start: number, n: number): number {
    if (n <= 0) return 0;
    const s = start < 0 ? this.count + start : start;
    if (s < 0 || s >= this.count) return 0;
    let extent = Math.min(n, this.count - s);
    const deleted = extent;
    this.locate(s);
    let node = L.node;
    let off = L.off;
    while (extent > 0 && node !== null) {
      const next = node.next;
      if (off === 0 && extent >= node.count) {
        extent -= node.count;
        this.count -= node.count;
        this.unlink(node);
      } else {
        const del = Math.min(node.count - off, extent);
        makeRaw(node);
        const d = node.data;
        const p = entryPosition(d, node.count, off);
        let q: number;
        if (off + del === node.count) {
          q = d.length;
        } else {
          q = p;
          for (let i = 0; i < del; i++) q = skipForward(d, q);
        }
        if (p === 0) node.data = d.slice(q);
        else if (q === d.length) node.data = d.slice(0, p);
        else node.data = join2(d.slice(0, p), d.slice(q));
        node.flags &= F_PLAIN;
        node.count -= del;
        this.count -= del;
        extent -= del;
        if (this.compress !== 0) this.compressAround(node);
      }
      node = next;
      off = 0;
    }
    return deleted;
  }

  /**
   * LREM: delete elements equal to `v`, at most `limit` of them (0 = all), scanning from the
   * tail when `fromTail`. Returns how many were deleted.
   */
  removeMatching(v: string, limit: number, fromTail: boolean): number {
    const vlen = v.length;
    let removed = 0;
    let node = fromTail ? this.tail : this.head;
    const cuts: number[] = [];
    while (node !== null && (limit === 0 || removed < limit)) {
      const following = fromTail ? node.prev : node.next;
      const d = node.raw();
      if (node.flags & F_PLAIN) {
        if (d === v) {
          removed++;
          this.count--;
          this.unlink(node);
        }
        node = following;
        continue;
      }
      cuts.length = 0;
      let hits = 0;
      if (fromTail) {
        let end = d.length;
        for (let k = 0; k < node.count && (limit === 0 || removed + hits < limit); k++) {
          const p = readBackward(d, end);
          if (P.len === vlen && d.startsWith(v, P.start)) {
            cuts.push(end, p);
            hits++;
          }
          end = p;
        }
        cuts.reverse();
      } else {
        let p = 0;
        for (let k = 0; k < node.count && (limit === 0 || removed + hits < limit); k++) {
          const q = readForward(d, p);
          if (P.len === vlen && d.startsWith(v, P.start)) {
            cuts.push(p, q);
            hits++;
          }
          p = q;
        }
      }
      if (hits > 0) {
        removed += hits;
        this.count -= hits;
        if (hits === node.count) {
          this.unlink(node);
        } else {
          const parts: string[] = [];
          let from = 0;
          for (let i = 0; i < cuts.length; i += 2) {
            parts.push(d.slice(from, cuts[i] as number));
            from = cuts[i + 1] as number;
          }
          parts.push(d.slice(from));
          node.flags &= F_PLAIN;
          node.data = flatten(parts.join(''));
          node.count -= hits;
          if (this.compress !== 0) this.compressAround(node);
        }
      }
      node = following;
    }
    return removed;
  }

  /* ---- iteration and copies ------------------------------------------------------------- */

  /**
   * An iterator starting at element `index` (negative: from the tail) going toward the tail
   * (`forward`) or the head. Out of range: an iterator that yields nothing.
   */
  iterator(index: number, forward: boolean): QuicklistIterator {
    if (!this.locate(index)) return new QuicklistIterator(null, 0, forward);
    return new QuicklistIterator(L.node, L.off, forward);
  }

  /** All elements, head to tail. */
  toArray(): string[] {
    const out: string[] = [];
    for (let n = this.head; n !== null; n = n.next) {
      const d = n.raw();
      if (n.flags & F_PLAIN) out.push(d);
      else unpackValues(d, out);
    }
    return out;
  }

  /** A deep copy with the same options and node layout (COPY). Strings are immutable: shared. */
  dup(): Quicklist {
    const q = new Quicklist(this.fill, this.compress);
    let last: QuicklistNode | null = null;
    for (let n = this.head; n !== null; n = n.next) {
      const m = new QuicklistNode(flatten(n.data), n.count, n.flags & (F_PLAIN | F_LZF | F_TRIED));
      if (last === null) q.head = m;
      else {
        last.next = m;
        m.prev = last;
      }
      last = m;
    }
    q.tail = last;
    q.count = this.count;
    q.len = this.len;
    return q;
  }

  /** Sum of the uncompressed node sizes (DEBUG OBJECT ql_uncompressed_size). */
  uncompressedSize(): number {
    let sz = 0;
    for (let n = this.head; n !== null; n = n.next) sz += n.size;
    return sz;
  }

  /** Rough bytes of JS heap this list uses (objects + strings), for memory accounting. */
  estimateBytes(): number {
    let b = 64;
    for (let n = this.head; n !== null; n = n.next) b += 64 + 16 + ((n.data.length + 7) & ~7);
    return b;
  }

  /** DEBUG QUICKLIST: a description in the spirit of quicklistRepr. */
  repr(full: boolean): string[] {
    const out = [
      `{count : ${this.count}}`, `{len : ${this.len}}`, `{fill : ${this.fill}}`,
      `{compress : ${this.compress}}`, '{bookmark_count : 0}',
    ];
    let i = 0;
    for (let n = this.head; n !== null; n = n.next) {
      out.push(`{quicklist node(${i++})`);
      out.push(
        `{container : ${n.plain ? 'PLAIN' : 'PACKED'}, encoding: ${n.compressed ? 'LZF' : 'RAW'}, ` +
          `size: ${n.size}, count: ${n.count}, recompress: 0, attempted_compress: ${n.flags & F_TRIED ? 1 : 0}}`,
      );
      if (full) out.push(`{ entries : ${JSON.stringify(n.values())} }`, '}');
    }
    return out;
  }

  /** Check the invariants (tests). Throws on the first violation. */
  verify(): void {
    let count = 0;
    let len = 0;
    let prev: QuicklistNode | null = null;
    for (let n = this.head; n !== null; n = n.next) {
      if (n.prev !== prev) throw new Error('quicklist: broken prev link');
      if (n.count <= 0) throw new Error('quicklist: empty node');
      const vals = n.values();
      if (vals.length !== n.count) throw new Error(`quicklist: node count ${n.count} != ${vals.length}`);
      if (n.plain && n.count !== 1) throw new Error('quicklist: plain node with several elements');
      count += n.count;
      len++;
      prev = n;
    }
    if (prev !== this.tail) throw new Error('quicklist: bad tail');
    if (count !== this.count) throw new Error(`quicklist: count ${this.count} != ${count}`);
    if (len !== this.len) throw new Error(`quicklist: len ${this.len} != ${len}`);
    if (this.compress !== 0) {
      let f = this.head;
      let r = this.tail;
      for (let d = 0; d < this.compress && f !== null && r !== null; d++) {
        if (f.compressed || r.compressed) throw new Error('quicklist: compressed node within depth');
        f = f.next;
        r = r.prev;
      }
    }
  }
}

