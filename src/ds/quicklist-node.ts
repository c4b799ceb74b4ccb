/*
 * Quicklist nodes (see quicklist.ts for the list itself): a node holds a run of elements packed
 * into one latin1 string (listpack-node.ts), or one bare element (a PLAIN node), possibly LZF
 * compressed. This file owns a node's representation: its flags, compression and
 * decompression (a 4-byte raw length followed by util/lzf.ts output, kept only when it saves at
 * least MIN_COMPRESS_IMPROVE bytes on a node of MIN_COMPRESS_BYTES or more, as Redis does), the
 * rules for storing edited data without keeping chains of lazy concatenations alive, and the
 * element iterator.
 *
 * Concatenations: V8 represents `a + b` lazily as a "cons string" that holds both parts.
 * Small nodes are rebuilt flat at every edit (Array.prototype.join produces one sequential
 * string); a bigger node accepts lazy appends/prepends (counted in its flags) up to one per
 * 256 bytes of node, at most PEND_LIMIT, before being flattened. A pending edit costs about 60
 * bytes (wrapper + entry string), so the slack stays under a quarter of the node, and a push
 * costs O(1) plus an amortized copy of about 256 bytes.
 */

import { lzfCompress, lzfDecompress } from '../util/lzf.js';
import { P, entryPosition, flatten, join2, readBackward, readForward, unpackValues } from './listpack-node.js';

const MIN_COMPRESS_BYTES = 48;
const MIN_COMPRESS_IMPROVE = 8;

/**
 * Node flags (the low byte of QuicklistNode.meta; the element count sits above it). Bits 3..7
 * count concatenations not yet flattened.
 */
export const F_PLAIN = 1;
export const F_LZF = 2;
/** Compression was tried on the current data and did not pay. */
export const F_TRIED = 4;
const PEND_SHIFT = 3;
const PEND_LIMIT = 31;
const FLAG_BITS = 8;
const FLAG_MASK = (1 << FLAG_BITS) - 1;
/** Nodes up to this many bytes are flattened after every edit. */
const SMALL_NODE = 1024;

export class QuicklistNode {
  prev: QuicklistNode | null = null;
  next: QuicklistNode | null = null;
  /** Packed entries; the bare element for a PLAIN node; 4-byte length + LZF bytes if F_LZF. */
  data: string;
  /** count << FLAG_BITS | flags: one small integer field instead of two (memory per node). */
  meta: number;

  constructor(data: string, count: number, flags: number) {
    this.data = data;
    this.meta = (count << FLAG_BITS) | flags;
  }

  /** Number of elements (1 for a PLAIN node). */
  get count(): number {
    return this.meta >>> FLAG_BITS;
  }

  set count(n: number) {
    this.meta = (n << FLAG_BITS) | (this.meta & FLAG_MASK);
  }

  get flags(): number {
    return this.meta & FLAG_MASK;
  }

  set flags(f: number) {
    this.meta = (this.meta & ~FLAG_MASK) | f;
  }

  get plain(): boolean {
    return (this.flags & F_PLAIN) !== 0;
  }

  get compressed(): boolean {
    return (this.flags & F_LZF) !== 0;
  }

  /** Size in bytes of the uncompressed data. */
  get size(): number {
    return this.flags & F_LZF ? read32(this.data, 0) : this.data.length;
  }

  /** The uncompressed data (a temporary copy when the node is compressed). */
  raw(): string {
    return this.flags & F_LZF ? decompressData(this.data) : this.data;
  }

  /** The node's elements, in order. */
  values(): string[] {
    const d = this.raw();
    return this.flags & F_PLAIN ? [d] : unpackValues(d);
  }
}

/* ---- compression helpers ------------------------------------------------------------------ */

export function read32(d: string, p: number): number {
  return d.charCodeAt(p) * 0x1000000 + (d.charCodeAt(p + 1) << 16) + (d.charCodeAt(p + 2) << 8) + d.charCodeAt(p + 3);
}

let scratch = Buffer.allocUnsafe(64 * 1024);

function scratchOf(n: number): Buffer {
  if (scratch.length < n) scratch = Buffer.allocUnsafe(Math.max(n, scratch.length * 2));
  return scratch;
}

/** LZF form of `raw` (4-byte length + compressed bytes), or null when it does not pay. */
function compressData(raw: string): string | null {
  const src = Buffer.from(raw, 'latin1');
  const cap = src.length - MIN_COMPRESS_IMPROVE;
  const out = scratchOf(cap);
  const n = lzfCompress(src, src.length, out, cap);
  if (n === 0) return null;
  const len = src.length;
  return (
    String.fromCharCode((len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff) +
    out.latin1Slice(0, n)
  );
}

function decompressData(c: string): string {
  const len = read32(c, 0);
  const src = Buffer.from(c, 'latin1');
  const out = scratchOf(len);
  const n = lzfDecompress(src.subarray(4), src.length - 4, out, len);
  if (n !== len) throw new Error('quicklist: corrupt compressed node');
  return out.latin1Slice(0, len);
}

export function compressNode(n: QuicklistNode): void {
  if (n.flags & (F_LZF | F_TRIED)) return;
  const raw = n.data;
  const c = raw.length < MIN_COMPRESS_BYTES ? null : compressData(raw);
  if (c === null) {
    n.flags |= F_TRIED;
    return;
  }
  n.data = c;
  n.flags = (n.flags & F_PLAIN) | F_LZF;
}

/** Decompress a node for good (before editing it, or because it is within depth). */
export function makeRaw(n: QuicklistNode): void {
  if (n.flags & F_LZF) {
    n.data = decompressData(n.data);
    n.flags &= F_PLAIN;
  }
}

/* ---- node edit helpers -------------------------------------------------------------------- */

/**
 * Store a + b (an append or prepend to the node's data): built flat at once for a small node;
 * for a bigger one kept as a lazy concatenation until one pending edit per 256 bytes (at most
 * PEND_LIMIT) have piled up.
 */
export function setConcat(n: QuicklistNode, a: string, b: string): void {
  if (a.length + b.length <= SMALL_NODE) {
    n.data = join2(a, b);
    n.flags &= F_PLAIN;
    return;
  }
  const pend = (n.flags >>> PEND_SHIFT) + 1;
  if (pend >= PEND_LIMIT || pend << 8 >= a.length + b.length) {
    n.data = flatten(a + b);
    n.flags &= F_PLAIN;
  } else {
    n.data = a + b;
    n.flags = (n.flags & F_PLAIN) | (pend << PEND_SHIFT);
  }
}

/** Store rebuilt data (edits in the middle), already flat. */
export function setFlat(n: QuicklistNode, d: string): void {
  n.data = d;
  n.flags &= F_PLAIN;
}

/** Walks a quicklist one element at a time; invalid once the list is modified. */
export class QuicklistIterator {
  private node: QuicklistNode | null;
  private data = '';
  /** Forward: header position of the next element; backward: end position of it. */
  private pos = 0;
  /** Elements left to read in the current node. */
  private left = 0;
  private plainNode = false;
  private readonly forward: boolean;

  constructor(node: QuicklistNode | null, off: number, forward: boolean) {
    this.node = node;
    this.forward = forward;
    if (node === null) return;
    this.load(node);
    if (forward) {
      this.pos = this.plainNode ? 0 : entryPosition(this.data, node.count, off);
      this.left = node.count - off;
    } else {
      this.pos = this.plainNode ? 0 : entryPosition(this.data, node.count, off + 1);
      this.left = off + 1;
    }
  }

  private load(n: QuicklistNode): void {
    this.data = n.raw();
    this.plainNode = (n.flags & F_PLAIN) !== 0;
  }

  private advance(): boolean {
    const cur = this.node;
    if (cur === null) return false;
    const n = this.forward ? cur.next : cur.prev;
    this.node = n;
    if (n === null) return false;
    this.load(n);
    this.pos = this.forward ? 0 : this.data.length;
    this.left = n.count;
    return true;
  }

  /** The next element, or null at the end. */
  next(): string | null {
    while (this.left === 0) if (!this.advance()) return null;
    this.left--;
    const d = this.data;
    if (this.plainNode) return d;
    this.pos = this.forward ? readForward(d, this.pos) : readBackward(d, this.pos);
    return d.slice(P.start, P.start + P.len);
  }

  /** Step over the next element: 1 when it equals `s`, 0 when not, -1 at the end. */
  nextEquals(s: string): number {
    while (this.left === 0) if (!this.advance()) return -1;
    this.left--;
    const d = this.data;
    if (this.plainNode) return d === s ? 1 : 0;
    this.pos = this.forward ? readForward(d, this.pos) : readBackward(d, this.pos);
    return P.len === s.length && d.startsWith(s, P.start) ? 1 : 0;
  }
}
