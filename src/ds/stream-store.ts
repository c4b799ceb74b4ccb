/*
 * Stream storage: the entries of a stream in blocks of delta-encoded entries, Redis's "radix
 * tree of listpacks" rebuilt for a JS heap.
 *
 * Layout. A stream is an ordered array of blocks (Redis: rax nodes), each keyed by its master
 * ID, the ID of the first entry ever added to it. A block owns one Buffer of packed entries
 * plus a master field list (the field names of its first entry). Every entry is encoded as
 *
 *   flags(1 byte) msDelta(varint) seqPart(varint) [nfields(varint) (field value)*] | (value)*
 *
 * where msDelta = ms - master.ms, seqPart = seq - master.seq when msDelta is 0 and the plain
 * seq otherwise (both non-negative, so one unsigned LEB128 varint each, up to 10 bytes for a
 * 64-bit part), strings are a varint length plus their latin1 bytes, and the SAMEFIELDS flag
 * says the entry has exactly the master's field names, which are then omitted (just values
 * follow). DELETED marks a tombstone: XDEL and exact trimming flag entries in place, as Redis
 * does, and a block goes away when its last live entry does. `XADD s * f1 v1 f2 v2` thus costs
 * about 9 bytes of Buffer per entry (flags, 1-2 bytes of ms delta, 1 of seq, 3+3 for the
 * values) plus the block's share of one Buffer and one small object: measured at 13 bytes per
 * entry of V8 heap + ArrayBuffers for 1,000,000 entries (about 15 through the server), where
 * Redis 7.0.15 spends 18.4 bytes of used_memory; a JS object per entry would cost over 100.
 *
 * Same blocks as Redis. XINFO reports radix-tree-keys and approximate trimming (`~`) removes
 * whole blocks only, so block boundaries are observable. They follow Redis's rule exactly: a
 * new block starts when the tail block's listpack size plus the new entry's raw field/value
 * bytes reaches stream-node-max-bytes, or when it holds stream-node-max-entries entries (live
 * plus deleted). The listpack size is tracked arithmetically (`lpBody`: what each element would
 * take in a real listpack, integer-encoded where Redis would), not by building the listpack.
 * The same bookkeeping lets the RDB writer emit byte-identical listpacks later.
 *
 * Complexity: append O(1) amortized (the tail Buffer doubles, and shrinks to fit when the
 * block closes, like lpShrinkToFit); lookup of an ID O(log blocks + block size); range
 * iteration O(log blocks + entries visited); reverse iteration scans a block forward once to
 * find entry starts (blocks are small: 100 entries / 4 KB by default); XDEL O(log blocks +
 * block); whole-block trims O(blocks removed), exact trims touch one more block.
 *
 * Invariants: blocks are sorted by master ID and every entry ID in a block is >= its master
 * and < the next block's master; IDs strictly increase through the stream; `length` is the
 * sum of the blocks' live counts; a block may hold zero live entries only after a MINID trim
 * marked all of them (Redis keeps such a node too). lastId is the largest ID ever added (or
 * set by XSETID), firstId the first live entry (0-0 when empty).
 */

import {
  ID_MAX, ID_ZERO, compareParts, type StreamId, type U64, u64Add, u64Sub, wrappedDelta, idKey,
} from './stream-id.js';
import { OrderedMap } from './ordered-map.js';
import type { ConsumerGroup } from './stream-groups.js';
import {
  lpIntSize, lpStrSize, readStr, readVarint, rpos, skipStr, strSize, varintSize, writeStr, writeVarint,
} from './stream-codec.js';

export { lpIntSize, lpStrSize };

export const FLAG_DELETED = 1;
export const FLAG_SAMEFIELDS = 2;

/** STREAM_LISTPACK_MAX_SIZE: the hard cap on a block's (listpack) size. */
export const STREAM_LISTPACK_MAX_SIZE = 1 << 30;

/* ---- blocks ----------------------------------------------------------------------------- */

function allocBuffer(n: number): Buffer {
  return Buffer.allocUnsafeSlow(n);
}

/** One node: a master ID, master fields and a Buffer of packed entries. */
export class StreamBlock {
  /** ID of the last entry in the block (tombstones included). */
  lastMs: U64;
  lastSeq: U64;
  /** Offset of the last entry. */
  lastOff = 0;
  buf: Buffer;
  used = 0;
  /** Live and deleted (flagged) entries. */
  live = 0;
  dead = 0;
  /** Listpack bytes of everything but the header, EOF and the two counters. */
  lpBody = 0;

  constructor(
    readonly ms: U64,
    readonly seq: U64,
    readonly fields: readonly string[],
    capacity: number,
  ) {
    this.lastMs = ms;
    this.lastSeq = seq;
    this.buf = allocBuffer(capacity);
  }

  /** The size Redis's listpack for this node would have (lpBytes). */
  lpBytes(): number {
    return 7 + lpIntSize(this.live) + lpIntSize(this.dead) + this.lpBody;
  }

  /** lpShrinkToFit. */
  shrink(): void {
    if (this.buf.length - this.used > 8) {
      const b = allocBuffer(this.used);
      this.buf.copy(b, 0, 0, this.used);
      this.buf = b;
    }
  }

  ensure(extra: number): void {
    const need = this.used + extra;
    if (need <= this.buf.length) return;
    const cap = Math.max(need, Math.min(this.buf.length * 2, this.buf.length + (1 << 20)));
    const b = allocBuffer(cap);
    this.buf.copy(b, 0, 0, this.used);
    this.buf = b;
  }

  copy(): StreamBlock {
    const b = new StreamBlock(this.ms, this.seq, this.fields, this.used);
    this.buf.copy(b.buf, 0, 0, this.used);
    b.used = this.used;
    b.lastMs = this.lastMs;
    b.lastSeq = this.lastSeq;
    b.lastOff = this.lastOff;
    b.live = this.live;
    b.dead = this.dead;
    b.lpBody = this.lpBody;
    return b;
  }

  /** Offsets of every entry, in order. */
  offsets(): number[] {
    const out: number[] = [];
    const b = this.buf;
    const nmaster = this.fields.length;
    let p = 0;
    while (p < this.used) {
      out.push(p);
      p = skipEntry(b, p, nmaster);
    }
    return out;
  }

  /**
   * The exact element sequence of the listpack Redis keeps for this node (what an RDB writer
   * feeds a listpack builder): integers as numbers/bigints, strings as strings (a builder
   * integer-encodes canonical numeric strings, as lpAppend does). Master entry: live count,
   * deleted count, field count, fields, 0; then per entry: flags, ms delta, seq delta (both as
   * wrapped int64 differences from the master ID), [field count, fields and values | values],
   * and the entry's element count.
   */
  listpackElements(visit: (v: string | number | bigint) => void): void {
    visit(this.live);
    visit(this.dead);
    const nmaster = this.fields.length;
    visit(nmaster);
    for (const f of this.fields) visit(f);
    visit(0);
    for (const off of this.offsets()) {
      const e = this.entryAt(off);
      const same = (e.flags & FLAG_SAMEFIELDS) !== 0;
      visit(e.flags);
      visit(wrappedDelta(e.ms, this.ms));
      visit(wrappedDelta(e.seq, this.seq));
      const nf = e.fieldsValues.length / 2;
      if (same) {
        for (let i = 1; i < e.fieldsValues.length; i += 2) visit(e.fieldsValues[i] as string);
      } else {
        visit(nf);
        for (const x of e.fieldsValues) visit(x);
      }
      visit(nf + 3 + (same ? 0 : nf + 1));
    }
  }

  /** Decode one raw entry (RDB writers, debugging). */
  entryAt(off: number): RawEntry {
    const b = this.buf;
    const flags = b[off] as number;
    const msDelta = readVarint(b, off + 1);
    const seqPart = readVarint(b, rpos);
    let p = rpos;
    const ms = msDelta === 0 ? this.ms : u64Add(this.ms, msDelta);
    const seq = msDelta === 0 ? u64Add(this.seq, seqPart) : seqPart;
    const out: string[] = [];
    if (flags & FLAG_SAMEFIELDS) {
      for (const f of this.fields) {
        out.push(f, readStr(b, p));
        p = rpos;
      }
    } else {
      const nf = readVarint(b, p) as number;
      p = rpos;
      for (let i = 0; i < nf * 2; i++) {
        out.push(readStr(b, p));
        p = rpos;
      }
    }
    return { flags, ms, seq, fieldsValues: out };
  }
}

export interface RawEntry {
  flags: number;
  ms: U64;
  seq: U64;
  fieldsValues: string[];
}

/** Offset just past the entry at `p`. */
function skipEntry(b: Buffer, p: number, nmaster: number): number {
  const flags = b[p] as number;
  readVarint(b, p + 1);
  readVarint(b, rpos);
  p = rpos;
  if (flags & FLAG_SAMEFIELDS) {
    for (let i = 0; i < nmaster; i++) p = skipStr(b, p);
  } else {
    const nf = readVarint(b, p) as number;
    p = rpos;
    for (let i = 0; i < nf * 2; i++) p = skipStr(b, p);
  }
  return p;
}

/**
 * Encode one entry at the end of `blk` (the caller made sure it belongs there): `argv[from ..]`
 * holds nfields field/value pairs; with SAMEFIELDS only the values are stored.
 */
function putEntry(
  blk: StreamBlock, argv: readonly string[], from: number, nfields: number, ms: U64, seq: U64, flags: number,
): void {
  const same = (flags & FLAG_SAMEFIELDS) !== 0;
  const end = from + nfields * 2;
  const msDelta = u64Sub(ms, blk.ms);
  const seqPart = msDelta === 0 ? u64Sub(seq, blk.seq) : seq;
  let size = 1 + varintSize(msDelta) + varintSize(seqPart);
  let lp = 2 + lpIntSize(wrappedDelta(ms, blk.ms)) + lpIntSize(wrappedDelta(seq, blk.seq));
  if (same) {
    for (let i = from + 1; i < end; i += 2) {
      const v = argv[i] as string;
      size += strSize(v);
      lp += lpStrSize(v);
    }
  } else {
    size += varintSize(nfields);
    lp += lpIntSize(nfields);
    for (let i = from; i < end; i++) {
      const v = argv[i] as string;
      size += strSize(v);
      lp += lpStrSize(v);
    }
  }
  lp += lpIntSize(nfields + 3 + (same ? 0 : nfields + 1));

  blk.ensure(size);
  const b = blk.buf;
  const off = blk.used;
  b[off] = flags;
  let p = writeVarint(b, off + 1, msDelta);
  p = writeVarint(b, p, seqPart);
  if (same) {
    for (let i = from + 1; i < end; i += 2) p = writeStr(b, p, argv[i] as string);
  } else {
    p = writeVarint(b, p, nfields);
    for (let i = from; i < end; i++) p = writeStr(b, p, argv[i] as string);
  }
  blk.used = p;
  blk.lastOff = off;
  blk.lastMs = ms;
  blk.lastSeq = seq;
  if (flags & FLAG_DELETED) blk.dead++;
  else blk.live++;
  blk.lpBody += lp;
}

/* ---- the stream ------------------------------------------------------------------------- */

export type TrimStrategy = 'maxlen' | 'minid';

export interface TrimArgs {
  strategy: TrimStrategy;
  maxlen: number;
  minid: StreamId;
  approx: boolean;
  /** Most entries to remove; 0 = no limit. */
  limit: number;
}

export class Stream {
  blocks: StreamBlock[] = [];
  length = 0;
  lastId: StreamId = ID_ZERO;
  firstId: StreamId = ID_ZERO;
  maxDeletedId: StreamId = ID_ZERO;
  /** All-time count of added entries (uint64). */
  entriesAdded: U64 = 0;
  /** Consumer groups by name; created on demand. */
  cgroups: OrderedMap<ConsumerGroup> | null = null;
  private raxNodesCache = -1;

  /** Index of the last block whose master ID is <= (ms, seq), or -1. */
  findBlock(ms: U64, seq: U64): number {
    const bs = this.blocks;
    let lo = 0;
    let hi = bs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const b = bs[mid] as StreamBlock;
      if (compareParts(b.ms, b.seq, ms, seq) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /**
   * streamAppendItem's storage part: add an entry with a valid (greater than lastId) ID.
   * `argv[from ..]` holds nfields field/value pairs. Block limits come from the config.
   */
  append(argv: readonly string[], from: number, nfields: number, id: StreamId, maxBytes: number, maxEntries: number): void {
    let totelelen = 0;
    const end = from + nfields * 2;
    for (let i = from; i < end; i++) totelelen += (argv[i] as string).length;

    const bs = this.blocks;
    let tail = bs.length === 0 ? null : (bs[bs.length - 1] as StreamBlock);
    if (tail !== null) {
      const nodeMax = maxBytes === 0 || maxBytes > STREAM_LISTPACK_MAX_SIZE ? STREAM_LISTPACK_MAX_SIZE : maxBytes;
      if (tail.lpBytes() + totelelen >= nodeMax || (maxEntries !== 0 && tail.live + tail.dead >= maxEntries)) {
        tail.shrink();
        tail = null;
      }
    }

    let same: boolean;
    if (tail === null) {
      const fields: string[] = new Array<string>(nfields);
      let lpBody = lpIntSize(nfields) + lpIntSize(0);
      for (let i = 0; i < nfields; i++) {
        const f = argv[from + i * 2] as string;
        fields[i] = f;
        lpBody += lpStrSize(f);
      }
      let est = 3;
      for (let i = from + 1; i < end; i += 2) est += strSize(argv[i] as string);
      tail = new StreamBlock(id.ms, id.seq, fields, Math.max(64, est * 2));
      tail.lpBody = lpBody;
      bs.push(tail);
      this.raxNodesCache = -1;
      same = true;
    } else {
      const mf = tail.fields;
      same = mf.length === nfields;
      for (let i = 0; same && i < nfields; i++) {
        if (mf[i] !== argv[from + i * 2]) same = false;
      }
    }

    putEntry(tail, argv, from, nfields, id.ms, id.seq, same ? FLAG_SAMEFIELDS : 0);

    this.length++;
    this.entriesAdded = u64Add(this.entriesAdded, 1);
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /**
   * Append a whole node as saved (RDB loading): master ID and fields, then the entries with
   * their flags (tombstones included). Only the blocks change: the loader sets length,
   * lastId, firstId, maxDeletedId, entriesAdded and the groups from what it read.
   */
  loadBlock(ms: U64, seq: U64, masterFields: readonly string[], entries: readonly RawEntry[]): void {
    const blk = new StreamBlock(ms, seq, masterFields.slice(), 64);
    blk.lpBody = lpIntSize(masterFields.length) + lpIntSize(0);
    for (const f of masterFields) blk.lpBody += lpStrSize(f);
    for (const e of entries) {
      const kv = e.fieldsValues;
      putEntry(blk, kv, 0, kv.length / 2, e.ms, e.seq, e.flags & (FLAG_SAMEFIELDS | FLAG_DELETED));
    }
    blk.shrink();
    this.blocks.push(blk);
    this.raxNodesCache = -1;
  }

  /** An iterator over [start, end] (null = unbounded), skipping tombstones by default. */
  iterate(start: StreamId | null, end: StreamId | null, rev: boolean, skipTombstones = true): StreamIterator {
    return new StreamIterator(this, start, end, rev, skipTombstones);
  }

  /** streamGetEdgeID: first/last entry ID; when there is none, the max ID (first) or 0-0. */
  edgeId(first: boolean, skipTombstones: boolean): StreamId {
    const it = this.iterate(null, null, !first, skipTombstones);
    if (it.next()) return { ms: it.ms, seq: it.seq };
    return first ? ID_MAX : ID_ZERO;
  }

  /** streamLastValidID: the last live entry's ID (null when the stream is empty). */
  lastValidId(): StreamId | null {
    const it = this.iterate(null, null, true);
    return it.next() ? { ms: it.ms, seq: it.seq } : null;
  }

  /**
   * Position of a live entry with this exact ID: [block index, offset], or null. Found the way
   * Redis's streamEntryExists / streamDeleteItem do, with an iterator over [id, id].
   */
  private locate(id: StreamId): [number, number] | null {
    const it = this.iterate(id, id, false);
    return it.next() ? it.position() : null;
  }

  /** streamEntryExists. */
  has(id: StreamId): boolean {
    return this.locate(id) !== null;
  }

  /** streamDeleteItem: flag the entry deleted (dropping its block when it was the last live). */
  delete(id: StreamId): boolean {
    const at = this.locate(id);
    if (at === null) return false;
    const [bi, off] = at;
    const blk = this.blocks[bi] as StreamBlock;
    if (blk.live === 1) {
      this.blocks.splice(bi, 1);
      this.raxNodesCache = -1;
    } else {
      blk.buf[off] = (blk.buf[off] as number) | FLAG_DELETED;
      blk.live--;
      blk.dead++;
    }
    this.length--;
    return true;
  }

  /** streamTrim: returns the number of entries removed. */
  trim(args: TrimArgs): number {
    const { strategy, maxlen, minid, approx, limit } = args;
    const bs = this.blocks;
    let deleted = 0;
    let drop = 0;
    for (let i = 0; i < bs.length; i++) {
      if (strategy === 'maxlen' && this.length <= maxlen) break;
      const blk = bs[i] as StreamBlock;
      const entries = blk.live;
      if (limit && deleted + entries > limit) break;
      const removeNode =
        strategy === 'maxlen'
          ? this.length - entries >= maxlen
          : compareParts(blk.lastMs, blk.lastSeq, minid.ms, minid.seq) < 0;
      if (removeNode) {
        this.length -= entries;
        deleted += entries;
        drop++;
        continue;
      }
      if (approx) break;
      // Flag entries inside this block, from its start.
      const b = blk.buf;
      const nmaster = blk.fields.length;
      let marked = 0;
      let p = 0;
      while (p < blk.used) {
        const flags = b[p] as number;
        let stop: boolean;
        if (strategy === 'maxlen') {
          stop = this.length <= maxlen;
        } else {
          const msDelta = readVarint(b, p + 1);
          const seqPart = readVarint(b, rpos);
          const ms = msDelta === 0 ? blk.ms : u64Add(blk.ms, msDelta);
          const seq = msDelta === 0 ? u64Add(blk.seq, seqPart) : seqPart;
          stop = compareParts(ms, seq, minid.ms, minid.seq) >= 0;
        }
        if (stop) break;
        if (!(flags & FLAG_DELETED)) {
          b[p] = flags | FLAG_DELETED;
          marked++;
          this.length--;
        }
        p = skipEntry(b, p, nmaster);
      }
      blk.live -= marked;
      blk.dead += marked;
      deleted += marked;
      break;
    }
    if (drop > 0) {
      bs.splice(0, drop);
      this.raxNodesCache = -1;
    }
    if (this.length === 0) this.firstId = ID_ZERO;
    else if (deleted) this.firstId = this.edgeId(true, true);
    return deleted;
  }

  /** raxSize(s->rax). */
  get blockCount(): number {
    return this.blocks.length;
  }

  /**
   * s->rax->numnodes: the nodes a radix tree over the blocks' 16-byte master keys has. For a
   * set of equal-length keys a rax is the compressed trie: the root, one node per key (leaf),
   * one per branching prefix, and one per child of a branching node (the start of a compressed
   * chain, unless it is itself a leaf or a branch). Computed level by level over the sorted
   * keys and cached until the block set changes.
   */
  raxNodes(): number {
    if (this.raxNodesCache >= 0) return this.raxNodesCache;
    const n = this.blocks.length;
    if (n === 0) return (this.raxNodesCache = 1);
    const keys = this.blocks.map((b) => idKey(b.ms, b.seq));
    // lcp[i] = common prefix length of keys i-1 and i.
    const lcp = new Int32Array(n);
    for (let i = 1; i < n; i++) {
      const a = keys[i - 1] as string;
      const b = keys[i] as string;
      let l = 0;
      while (l < 16 && a.charCodeAt(l) === b.charCodeAt(l)) l++;
      lcp[i] = l;
    }
    const states = new Set<number>();
    const id = (d: number, a: number): number => d * (n + 1) + a;
    states.add(id(0, 0));
    for (let i = 0; i < n; i++) states.add(id(16, i));
    for (let d = 0; d < 16; d++) {
      let a = 0;
      while (a < n) {
        let b = a + 1;
        let branch = false;
        while (b < n && (lcp[b] as number) >= d) {
          if (lcp[b] === d) branch = true;
          b++;
        }
        if (branch) {
          states.add(id(d, a));
          states.add(id(d + 1, a));
          for (let j = a + 1; j < b; j++) if (lcp[j] === d) states.add(id(d + 1, j));
        }
        a = b;
      }
    }
    return (this.raxNodesCache = states.size);
  }

  /** A deep copy (COPY): blocks, counters and consumer groups. */
  dup(): Stream {
    const s = new Stream();
    s.blocks = this.blocks.map((b) => b.copy());
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    if (this.cgroups !== null) {
      const g = new OrderedMap<ConsumerGroup>();
      this.cgroups.forEach((name, cg) => {
        g.set(name, cg.dup());
      });
      s.cgroups = g;
    }
    return s;
  }

  /** Bytes held by the blocks' Buffers. */
  bufferBytes(): number {
    let n = 0;
    for (const b of this.blocks) n += b.buf.length;
    return n;
  }
}

/**
 * Iterates entries of a stream in ID order (or reverse) within [start, end], like Redis's
 * streamIterator. After next() returns true the entry's ID is in `ms` / `seq`, its flags in
 * `flags` and its field count in `numFields`; call nextField() numFields times to read the
 * pairs into `field` / `value` (optional: the iterator skips what was not read).
 */
export class StreamIterator {
  ms: U64 = 0;
  seq: U64 = 0;
  flags = 0;
  numFields = 0;
  field = '';
  value = '';

  private bi: number;
  private blk: StreamBlock | null = null;
  /** Forward: offset of the next entry to decode once the current one is done. */
  private pos = 0;
  private offs: number[] | null = null;
  private oi = 0;
  private fp = 0;
  private fi = 0;
  private left = 0;
  private done = false;
  private readonly sMs: U64;
  private readonly sSeq: U64;
  private readonly eMs: U64;
  private readonly eSeq: U64;

  constructor(
    private readonly s: Stream,
    start: StreamId | null,
    end: StreamId | null,
    private readonly rev: boolean,
    private readonly skipTombstones: boolean,
  ) {
    this.sMs = start === null ? 0 : start.ms;
    this.sSeq = start === null ? 0 : start.seq;
    this.eMs = end === null ? ID_MAX.ms : end.ms;
    this.eSeq = end === null ? ID_MAX.seq : end.seq;
    if (!rev) {
      this.bi = start === null ? 0 : Math.max(0, s.findBlock(start.ms, start.seq));
    } else {
      this.bi = end === null ? s.blocks.length - 1 : s.findBlock(end.ms, end.seq);
      if (this.bi < 0) this.done = true;
    }
  }

  /** Decode the header at `p` into ms/seq/flags/numFields and set the field cursor. */
  private decode(blk: StreamBlock, p: number): void {
    const b = blk.buf;
    const flags = b[p] as number;
    const msDelta = readVarint(b, p + 1);
    const seqPart = readVarint(b, rpos);
    if (msDelta === 0) {
      this.ms = blk.ms;
      this.seq = seqPart === 0 ? blk.seq : u64Add(blk.seq, seqPart);
    } else {
      this.ms = u64Add(blk.ms, msDelta);
      this.seq = seqPart;
    }
    this.flags = flags;
    if (flags & FLAG_SAMEFIELDS) {
      this.numFields = blk.fields.length;
      this.fp = rpos;
    } else {
      this.numFields = readVarint(b, rpos) as number;
      this.fp = rpos;
    }
    this.fi = 0;
    this.left = this.numFields;
  }

  /** Offset past the current entry (skipping fields not read). */
  private entryEnd(blk: StreamBlock): number {
    let p = this.fp;
    const b = blk.buf;
    if (this.flags & FLAG_SAMEFIELDS) {
      for (let i = 0; i < this.left; i++) p = skipStr(b, p);
    } else {
      for (let i = 0; i < this.left * 2; i++) p = skipStr(b, p);
    }
    this.left = 0;
    return p;
  }

  next(): boolean {
    if (this.done) return false;
    return this.rev ? this.prevEntry() : this.nextEntry();
  }

  private nextEntry(): boolean {
    const bs = this.s.blocks;
    for (;;) {
      let blk = this.blk;
      if (blk === null) {
        blk = bs[this.bi] ?? null;
        if (blk === null) {
          this.done = true;
          return false;
        }
        this.blk = blk;
        this.pos = 0;
      } else {
        this.pos = this.entryEnd(blk);
      }
      if (this.pos >= blk.used) {
        this.blk = null;
        this.bi++;
        continue;
      }
      this.decode(blk, this.pos);
      if (
        compareParts(this.ms, this.seq, this.sMs, this.sSeq) >= 0 &&
        (!this.skipTombstones || !(this.flags & FLAG_DELETED))
      ) {
        if (compareParts(this.ms, this.seq, this.eMs, this.eSeq) > 0) {
          this.done = true;
          return false;
        }
        return true;
      }
    }
  }

  private prevEntry(): boolean {
    const bs = this.s.blocks;
    for (;;) {
      let blk = this.blk;
      if (blk === null) {
        blk = bs[this.bi] ?? null;
        if (blk === null) {
          this.done = true;
          return false;
        }
        this.blk = blk;
        this.offs = blk.offsets();
        this.oi = this.offs.length;
      }
      const offs = this.offs as number[];
      if (this.oi === 0) {
        this.blk = null;
        this.bi--;
        continue;
      }
      this.oi--;
      this.decode(blk, offs[this.oi] as number);
      if (
        compareParts(this.ms, this.seq, this.eMs, this.eSeq) <= 0 &&
        (!this.skipTombstones || !(this.flags & FLAG_DELETED))
      ) {
        if (compareParts(this.ms, this.seq, this.sMs, this.sSeq) < 0) {
          this.done = true;
          return false;
        }
        return true;
      }
    }
  }

  /** [block index, entry offset] of the current entry (forward iteration). */
  position(): [number, number] {
    return [this.bi, this.pos];
  }

  /** Read the next field/value pair of the current entry into `field` / `value`. */
  nextField(): void {
    const blk = this.blk as StreamBlock;
    const b = blk.buf;
    if (this.flags & FLAG_SAMEFIELDS) {
      this.field = blk.fields[this.fi++] as string;
    } else {
      this.field = readStr(b, this.fp);
      this.fp = rpos;
    }
    this.value = readStr(b, this.fp);
    this.fp = rpos;
    this.left--;
  }
}
