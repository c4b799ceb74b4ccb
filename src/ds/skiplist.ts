/*
 * SkipList: the ordered half of a big sorted set (Redis's zskiplist), with spans for O(log n)
 * rank queries.
 *
 * The algorithm is Pugh's skip list as Redis uses it: every element is a node on level 0, a
 * linked list ordered by (score, member), where members with equal scores are ordered by their
 * bytes (memcmp, then length: JS `<` on latin1 strings compares exactly that). A node also
 * sits on levels 1..L-1, L drawn at insert time with P(L > k) = 0.25^k, capped at 32; each
 * level is a sparser ordered list, so a search walks right on the top level and drops down,
 * visiting O(log n) nodes (about 1/0.25 per level, log4 n levels). Every forward link also
 * carries its span, the number of level-0 steps it jumps, so summing spans along a search
 * gives an element's rank, and a rank can be found by walking while the sum stays small.
 * A backward link on level 0 serves reverse ranges. The header node (id 0) has 32 levels and
 * no element; a forward link of 0 means "none" (the header is never a forward target), and
 * a backward link of 0 means "none" for the first element.
 *
 * Invariants, for every level i and node x with forward f = fwd(x, i) != 0:
 *   (score(x), member(x)) < (score(f), member(f))        (strict: members are unique)
 *   span(x, i) = rank(f) - rank(x)                       (rank(header) = 0; span(x, 0) = 1)
 * and `level` is 1 + the highest level whose header link is set. Spans of links that point
 * nowhere are kept exactly as Redis keeps them (insert derives new spans from them) but are
 * never used to move. The member→score index lives outside (the zset type keeps a Dict from
 * member to node id); node ids are stable for a node's life, including across score updates,
 * so that index never needs rewriting except after compact().
 *
 * Layout, chosen for memory (the issue compares bytes per member with Redis, which spends
 * about 56 bytes per node plus the member's sds): no JS object per node. A node is an id
 * into parallel column stores: a Float64 column for the score, an Int32 column of 3 per node
 * (level-0 forward, backward, offset of the upper-level block), and a JS array column for the
 * member string (shared with the Dict, so not copied). Levels above 0 exist for a quarter of
 * the nodes only; they live in a separate Int32 pool as blocks [L, fwd1, span1, ... fwdL-1,
 * spanL-1], recycled through one free list per height; block offset 0 is reserved to mean
 * "level 1, no block". So a node costs 8 + 12 + 8 bytes plus about 3.7 pool bytes on average
 * (~32 bytes), against ~72 for a {score, member, backward, levels[]} object and its array.
 * Freed ids go on a free list threaded through the level-0 forward column.
 *
 * Every column is chunked (2^16 slots per chunk; the first chunk starts small and doubles up
 * to that size), so a large skip list grows without copying itself: no stall that grows with
 * the set, and no 1.5x over-allocation beyond the last chunk. The price is one extra load per
 * access. compact() renumbers the live nodes densely when deletions left most ids free; the
 * owner calls it when `sparse` says so, which is only once the live part is at most 2^16
 * nodes, so a rebuild stays short (a set that shrinks from 10M to 100k members keeps its
 * columns until it drops to 65,536).
 *
 * Complexity: insert, delete, score update, rank, element-by-rank, first/last in a score or
 * lex range: O(log n) expected. Range deletions: O(log n + m). Memory: O(n).
 */

const MAX_LEVEL = 32;
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;
const FIRST_CHUNK = 16;
/** Largest live size compact() is used for (a rebuild is O(n) in one command). */
const COMPACT_MAX = 1 << 16;

/** A growable column of int32 in chunks of 2^16 (the first chunk grows by doubling). */
class I32Column {
  chunks: Int32Array[] = [new Int32Array(FIRST_CHUNK)];
  cap = FIRST_CHUNK;

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & CHUNK_MASK]!;
  }

  set(i: number, v: number): void {
    this.chunks[i >>> CHUNK_BITS]![i & CHUNK_MASK] = v;
  }

  /** Make indexes 0..n-1 valid. */
  ensure(n: number): void {
    while (n > this.cap) {
      if (this.cap < CHUNK) {
        const next = new Int32Array(Math.min(CHUNK, this.cap * 2));
        next.set(this.chunks[0]!);
        this.chunks[0] = next;
        this.cap = next.length;
      } else {
        this.chunks.push(new Int32Array(CHUNK));
        this.cap += CHUNK;
      }
    }
  }

  clone(): I32Column {
    const c = new I32Column();
    c.chunks = this.chunks.map((a) => a.slice());
    c.cap = this.cap;
    return c;
  }

  bytes(): number {
    return this.cap * 4;
  }
}

/** A growable column of float64, chunked like I32Column. */
class F64Column {
  chunks: Float64Array[] = [new Float64Array(FIRST_CHUNK)];
  cap = FIRST_CHUNK;

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & CHUNK_MASK]!;
  }

  set(i: number, v: number): void {
    this.chunks[i >>> CHUNK_BITS]![i & CHUNK_MASK] = v;
  }

  ensure(n: number): void {
    while (n > this.cap) {
      if (this.cap < CHUNK) {
        const next = new Float64Array(Math.min(CHUNK, this.cap * 2));
        next.set(this.chunks[0]!);
        this.chunks[0] = next;
        this.cap = next.length;
      } else {
        this.chunks.push(new Float64Array(CHUNK));
        this.cap += CHUNK;
      }
    }
  }

  clone(): F64Column {
    const c = new F64Column();
    c.chunks = this.chunks.map((a) => a.slice());
    c.cap = this.cap;
    return c;
  }
}

/** A growable column of strings (holes hold ''), chunked like I32Column. */
class StrColumn {
  chunks: string[][] = [[]];
  cap = 0;

  get(i: number): string {
    return this.chunks[i >>> CHUNK_BITS]![i & CHUNK_MASK]!;
  }

  set(i: number, v: string): void {
    this.chunks[i >>> CHUNK_BITS]![i & CHUNK_MASK] = v;
  }

  /** Make index n-1 valid, given that 0..n-2 are (ids are handed out in order). */
  push(): void {
    const i = this.cap;
    if (i < CHUNK) this.chunks[0]!.push('');
    else {
      if ((i & CHUNK_MASK) === 0) this.chunks.push(new Array<string>(CHUNK).fill(''));
    }
    this.cap = i + 1;
  }

  clone(): StrColumn {
    const c = new StrColumn();
    c.chunks = this.chunks.map((a) => a.slice());
    c.cap = this.cap;
    return c;
  }
}

/** A score interval; minex/maxex make an end exclusive. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** Bound kinds of a lex range: a value, or '-' / '+' (below / above every string). */
export const LEX_VALUE = 0;
export const LEX_MINUS = -1;
export const LEX_PLUS = 1;

/** A member interval, as ZRANGEBYLEX takes it: '[a' / '(a' / '-' / '+'. */
export interface LexRange {
  min: string;
  max: string;
  /** LEX_VALUE, LEX_MINUS ('-') or LEX_PLUS ('+'). */
  minKind: number;
  maxKind: number;
  minex: boolean;
  maxex: boolean;
}

export function scoreGteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min;
}

export function scoreLteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}

/** True when no score can be in the range (min > max, or an empty half-open point). */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/** Compare a lex bound (kind, value) with another: sdscmplex. */
function lexCmpBounds(ak: number, a: string, bk: number, b: string): number {
  if (ak === bk && ak !== LEX_VALUE) return 0;
  if (ak === LEX_MINUS || bk === LEX_PLUS) return -1;
  if (ak === LEX_PLUS || bk === LEX_MINUS) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function lexGteMin(v: string, r: LexRange): boolean {
  if (r.minKind !== LEX_VALUE) return r.minKind === LEX_MINUS;
  return r.minex ? v > r.min : v >= r.min;
}

export function lexLteMax(v: string, r: LexRange): boolean {
  if (r.maxKind !== LEX_VALUE) return r.maxKind === LEX_PLUS;
  return r.maxex ? v < r.max : v <= r.max;
}

/** True when no member can be in the range. */
export function lexRangeEmpty(r: LexRange): boolean {
  const cmp = lexCmpBounds(r.minKind, r.min, r.maxKind, r.max);
  return cmp > 0 || (cmp === 0 && (r.minex || r.maxex));
}

/** Redis's zslRandomLevel: 1 + the number of successes of a p = 0.25 trial, at most 32. */
export function randomLevel(rand: () => number = Math.random): number {
  let level = 1;
  while (rand() < 0.25 && level < MAX_LEVEL) level++;
  return level;
}

/* Scratch arrays for the update path of a write (one write runs at a time). */
const update = new Int32Array(MAX_LEVEL);
const rankAt = new Float64Array(MAX_LEVEL);

export class SkipList {
  /** Number of elements. */
  length = 0;
  /** Levels in use (1..32). */
  level = 1;
  /** Last node (0 when empty). */
  tail = 0;

  private score = new F64Column();
  /** 3 per node: level-0 forward, backward, upper block offset (0 = none). */
  private links = new I32Column();
  private members = new StrColumn();
  /** Upper-level blocks: [L, fwd1, span1, ..., fwdL-1, spanL-1]. Offset 0 is reserved. */
  private pool = new I32Column();
  private poolTop = 1;
  /** Free block lists per height (index L), threaded through each block's second int. */
  private poolFree = new Int32Array(MAX_LEVEL + 1);
  /** Next never-used node id, and the head of the freed-id list (0 = empty). */
  private nextId = 0;
  private freeHead = 0;

  constructor(private readonly rand: () => number = Math.random) {
    const h = this.newId();
    this.links.set(h * 3 + 2, this.allocBlock(MAX_LEVEL));
  }

  /* ---- node accessors ----------------------------------------------------------------- */

  scoreOf(x: number): number {
    return this.score.get(x);
  }

  memberOf(x: number): string {
    return this.members.get(x);
  }

  /** First node (0 when empty). */
  first(): number {
    return this.links.get(0);
  }

  /** Next node on level 0 (0 at the end). */
  next(x: number): number {
    return this.links.get(x * 3);
  }

  /** Previous node (0 before the first). */
  prev(x: number): number {
    return this.links.get(x * 3 + 1);
  }

  /** Number of levels of node x. */
  levelOf(x: number): number {
    const up = this.links.get(x * 3 + 2);
    return up === 0 ? 1 : this.pool.get(up);
  }

  private fwd(x: number, i: number): number {
    if (i === 0) return this.links.get(x * 3);
    return this.pool.get(this.links.get(x * 3 + 2) + 2 * i - 1);
  }

  private setFwd(x: number, i: number, f: number): void {
    if (i === 0) this.links.set(x * 3, f);
    else this.pool.set(this.links.get(x * 3 + 2) + 2 * i - 1, f);
  }

  private span(x: number, i: number): number {
    if (i === 0) return 1;
    return this.pool.get(this.links.get(x * 3 + 2) + 2 * i);
  }

  private setSpan(x: number, i: number, s: number): void {
    if (i !== 0) this.pool.set(this.links.get(x * 3 + 2) + 2 * i, s);
  }

  /** Is node f strictly before (score, ele)? */
  private before(f: number, score: number, ele: string): boolean {
    const s = this.score.get(f);
    return s < score || (s === score && this.members.get(f) < ele);
  }

  /* ---- storage management --------------------------------------------------------------- */

  private newId(): number {
    if (this.freeHead !== 0) {
      const id = this.freeHead;
      this.freeHead = this.links.get(id * 3);
      return id;
    }
    const id = this.nextId++;
    this.score.ensure(id + 1);
    this.links.ensure(id * 3 + 3);
    this.members.push();
    return id;
  }

  private freeId(x: number): void {
    const up = this.links.get(x * 3 + 2);
    if (up !== 0) this.freeBlock(up);
    this.members.set(x, '');
    this.links.set(x * 3 + 2, 0);
    this.links.set(x * 3 + 1, 0);
    this.links.set(x * 3, this.freeHead);
    this.freeHead = x;
  }

  private allocBlock(level: number): number {
    const size = 2 * level - 1;
    let off = this.poolFree[level]!;
    if (off !== 0) {
      this.poolFree[level] = this.pool.get(off + 1);
    } else {
      off = this.poolTop;
      // A block never straddles two chunks: skip to the next chunk if it would.
      if (off >>> CHUNK_BITS !== (off + size - 1) >>> CHUNK_BITS) off = ((off >>> CHUNK_BITS) + 1) << CHUNK_BITS;
      this.poolTop = off + size;
      this.pool.ensure(this.poolTop);
    }
    this.pool.set(off, level);
    for (let i = 1; i < size; i++) this.pool.set(off + i, 0);
    return off;
  }

  private freeBlock(off: number): void {
    const level = this.pool.get(off);
    this.pool.set(off + 1, this.poolFree[level]!);
    this.poolFree[level] = off;
  }

  /** Ids handed out (live + free), for deciding on compact(). */
  get idSpace(): number {
    return this.nextId;
  }

  /** Approximate bytes held by the columns (for memory accounting). */
  get bytes(): number {
    return this.score.cap * 8 + this.links.bytes() + this.members.cap * 8 + this.pool.bytes();
  }

  /* ---- writes ------------------------------------------------------------------------------- */

  /**
   * zslInsert: add (score, ele), which must not be present (the caller checks its index).
   * Returns the new node's id. Score must not be NaN.
   */
  insert(score: number, ele: string): number {
    const x = this.newId();
    this.score.set(x, score);
    this.members.set(x, ele);
    this.link(x, score, ele);
    return x;
  }

  /** Link an allocated node x holding (score, ele) at its place, with a fresh random level. */
  private link(x: number, score: number, ele: string): void {
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      rankAt[i] = i === this.level - 1 ? 0 : rankAt[i + 1]!;
      let f = this.fwd(h, i);
      while (f !== 0 && this.before(f, score, ele)) {
        rankAt[i] = rankAt[i]! + this.span(h, i);
        h = f;
        f = this.fwd(h, i);
      }
      update[i] = h;
    }
    const level = randomLevel(this.rand);
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = 0;
        this.setSpan(0, i, this.length);
      }
      this.level = level;
    }
    if (level > 1) this.links.set(x * 3 + 2, this.allocBlock(level));
    const r0 = rankAt[0]!;
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      this.setFwd(x, i, this.fwd(u, i));
      this.setFwd(u, i, x);
      const ri = rankAt[i]!;
      this.setSpan(x, i, this.span(u, i) - (r0 - ri));
      this.setSpan(u, i, r0 - ri + 1);
    }
    for (let i = level; i < this.level; i++) {
      const u = update[i]!;
      this.setSpan(u, i, this.span(u, i) + 1);
    }
    const u0 = update[0]!;
    this.links.set(x * 3 + 1, u0);
    const f0 = this.links.get(x * 3);
    if (f0 !== 0) this.links.set(f0 * 3 + 1, x);
    else this.tail = x;
    this.length++;
  }

  /** zslDeleteNode: unlink x given the update vector (its predecessor on each level). */
  private unlink(x: number): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (this.fwd(u, i) === x) {
        this.setSpan(u, i, this.span(u, i) + this.span(x, i) - 1);
        this.setFwd(u, i, this.fwd(x, i));
      } else {
        this.setSpan(u, i, this.span(u, i) - 1);
      }
    }
    const f0 = this.links.get(x * 3);
    const b = this.links.get(x * 3 + 1);
    if (f0 !== 0) this.links.set(f0 * 3 + 1, b);
    else this.tail = b;
    while (this.level > 1 && this.fwd(0, this.level - 1) === 0) this.level--;
    this.length--;
  }

  /** Fill `update` with the last node before (score, ele) on each level; returns level-0 one. */
  private seek(score: number, ele: string): number {
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = this.fwd(h, i);
      while (f !== 0 && this.before(f, score, ele)) {
        h = f;
        f = this.fwd(h, i);
      }
      update[i] = h;
    }
    return h;
  }

  /** zslDelete: remove (score, ele); false when it is not there. */
  delete(score: number, ele: string): boolean {
    const h = this.seek(score, ele);
    const x = this.links.get(h * 3);
    if (x === 0 || this.score.get(x) !== score || this.members.get(x) !== ele) return false;
    this.unlink(x);
    this.freeId(x);
    return true;
  }

  /**
   * zslUpdateScore: move the element (curScore, ele), which must be present, to newScore.
   * The node keeps its id. Returns the id.
   */
  updateScore(curScore: number, ele: string, newScore: number): number {
    const h = this.seek(curScore, ele);
    const x = this.links.get(h * 3);
    if (x === 0 || this.score.get(x) !== curScore || this.members.get(x) !== ele) {
      throw new Error('skiplist: updateScore of a missing element');
    }
    const b = this.links.get(x * 3 + 1);
    const f = this.links.get(x * 3);
    if ((b === 0 || this.score.get(b) < newScore) && (f === 0 || this.score.get(f) > newScore)) {
      this.score.set(x, newScore);
      return x;
    }
    this.unlink(x);
    const up = this.links.get(x * 3 + 2);
    if (up !== 0) {
      this.freeBlock(up);
      this.links.set(x * 3 + 2, 0);
    }
    this.score.set(x, newScore);
    this.link(x, newScore, ele);
    return x;
  }

  /** zslDeleteRangeByScore: remove every element in range; `onDelete` sees each member. */
  deleteRangeByScore(range: ScoreRange, onDelete: (ele: string) => void): number {
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = this.fwd(h, i);
      while (f !== 0 && !scoreGteMin(this.score.get(f), range)) {
        h = f;
        f = this.fwd(h, i);
      }
      update[i] = h;
    }
    let x = this.links.get(h * 3);
    let removed = 0;
    while (x !== 0 && scoreLteMax(this.score.get(x), range)) {
      const next = this.links.get(x * 3);
      this.unlink(x);
      onDelete(this.members.get(x));
      this.freeId(x);
      removed++;
      x = next;
    }
    return removed;
  }

  /** zslDeleteRangeByLex. */
  deleteRangeByLex(range: LexRange, onDelete: (ele: string) => void): number {
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = this.fwd(h, i);
      while (f !== 0 && !lexGteMin(this.members.get(f), range)) {
        h = f;
        f = this.fwd(h, i);
      }
      update[i] = h;
    }
    let x = this.links.get(h * 3);
    let removed = 0;
    while (x !== 0 && lexLteMax(this.members.get(x), range)) {
      const next = this.links.get(x * 3);
      this.unlink(x);
      onDelete(this.members.get(x));
      this.freeId(x);
      removed++;
      x = next;
    }
    return removed;
  }

  /** zslDeleteRangeByRank: remove ranks start..end (1-based, inclusive). */
  deleteRangeByRank(start: number, end: number, onDelete: (ele: string) => void): number {
    let h = 0;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = this.fwd(h, i);
      while (f !== 0 && traversed + this.span(h, i) < start) {
        traversed += this.span(h, i);
        h = f;
        f = this.fwd(h, i);
      }
      update[i] = h;
    }
    traversed++;
    let x = this.links.get(h * 3);
    let removed = 0;
    while (x !== 0 && traversed <= end) {
      const next = this.links.get(x * 3);
      this.unlink(x);
      onDelete(this.members.get(x));
      this.freeId(x);
      removed++;
      traversed++;
      x = next;
    }
    return removed;
  }

  /* ---- queries ------------------------------------------------------------------------------- */

  /** zslGetRank: 1-based rank of (score, ele), or 0 when absent. */
  rankOf(score: number, ele: string): number {
    let h = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = this.fwd(h, i);
      while (f !== 0) {
        const s = this.score.get(f);
        if (s < score || (s === score && this.members.get(f) <= ele)) {
          rank += this.span(h, i);
          h = f;
          f = this.fwd(h, i);
        } else break;
      }
      if (h !== 0 && this.score.get(h) === score && this.members.get(h) === ele) return rank;
    }
    return 0;
  }

  /** zslGetElementByRank: node at a 1-based rank, or 0. */
  byRank(rank: number): number {
    let h = 0;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = this.fwd(h, i);
      while (f !== 0 && traversed + this.span(h, i) <= rank) {
        traversed += this.span(h, i);
        h = f;
        f = this.fwd(h, i);
      }
      if (traversed === rank) return h;
    }
    return 0;
  }

  /**
   * The walk of the score-range lookups: from the top level down, advance past the nodes below
   * the range's min (toMax false) or, with toMax, past the nodes within its max; returns the
   * last node passed (0 = the header). O(log n).
   */
  private walkScore(range: ScoreRange, toMax: boolean): number {
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = this.fwd(h, i);
      while (f !== 0 && (toMax ? scoreLteMax(this.score.get(f), range) : !scoreGteMin(this.score.get(f), range))) {
        h = f;
        f = this.fwd(h, i);
      }
    }
    return h;
  }

  /** walkScore for a lex range. */
  private walkLex(range: LexRange, toMax: boolean): number {
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = this.fwd(h, i);
      while (f !== 0 && (toMax ? lexLteMax(this.members.get(f), range) : !lexGteMin(this.members.get(f), range))) {
        h = f;
        f = this.fwd(h, i);
      }
    }
    return h;
  }

  /** zslIsInRange. */
  isInRange(range: ScoreRange): boolean {
    if (scoreRangeEmpty(range)) return false;
    if (this.tail === 0 || !scoreGteMin(this.score.get(this.tail), range)) return false;
    const x = this.first();
    return x !== 0 && scoreLteMax(this.score.get(x), range);
  }

  /** zslFirstInRange: first node in the score range, or 0. */
  firstInRange(range: ScoreRange): number {
    if (!this.isInRange(range)) return 0;
    const h = this.walkScore(range, false);
    const x = this.links.get(h * 3);
    return x !== 0 && scoreLteMax(this.score.get(x), range) ? x : 0;
  }

  /** zslLastInRange: last node in the score range, or 0. */
  lastInRange(range: ScoreRange): number {
    if (!this.isInRange(range)) return 0;
    const h = this.walkScore(range, true);
    return h !== 0 && scoreGteMin(this.score.get(h), range) ? h : 0;
  }

  /** zslIsInLexRange. */
  isInLexRange(range: LexRange): boolean {
    if (lexRangeEmpty(range)) return false;
    if (this.tail === 0 || !lexGteMin(this.members.get(this.tail), range)) return false;
    const x = this.first();
    return x !== 0 && lexLteMax(this.members.get(x), range);
  }

  /** zslFirstInLexRange. */
  firstInLexRange(range: LexRange): number {
    if (!this.isInLexRange(range)) return 0;
    const h = this.walkLex(range, false);
    const x = this.links.get(h * 3);
    return x !== 0 && lexLteMax(this.members.get(x), range) ? x : 0;
  }

  /** zslLastInLexRange. */
  lastInLexRange(range: LexRange): number {
    if (!this.isInLexRange(range)) return 0;
    const h = this.walkLex(range, true);
    return h !== 0 && lexGteMin(this.members.get(h), range) ? h : 0;
  }

  /* ---- whole-structure operations ----------------------------------------------------------- */

  /** An independent copy with the same node ids (so a member→id index can be copied as is). */
  clone(): SkipList {
    const c = new SkipList(this.rand);
    c.length = this.length;
    c.level = this.level;
    c.tail = this.tail;
    c.score = this.score.clone();
    c.links = this.links.clone();
    c.members = this.members.clone();
    c.pool = this.pool.clone();
    c.poolTop = this.poolTop;
    c.poolFree = this.poolFree.slice();
    c.nextId = this.nextId;
    c.freeHead = this.freeHead;
    return c;
  }

  /**
   * True when at most a quarter of the ids handed out are live and the live part is small
   * enough (<= 2^16) to rebuild in one go without a long stall: worth a compact().
   */
  get sparse(): boolean {
    return this.nextId > 1024 && this.length * 4 < this.nextId && this.length <= COMPACT_MAX;
  }

  /**
   * Rebuild into fresh, dense storage (ids 1..length, handed out from the greatest element
   * down). `onMove(member, id)` reports each element's new id so an outside index can
   * follow. O(n).
   */
  compact(onMove: (ele: string, id: number) => void): void {
    const fresh = new SkipList(this.rand);
    // Insert from the greatest down: each insert lands right after the header (O(1) search).
    const ids: number[] = [];
    for (let x = this.tail; x !== 0; x = this.prev(x)) ids.push(x);
    for (const x of ids) fresh.insert(this.score.get(x), this.members.get(x));
    Object.assign(this, {
      length: fresh.length,
      level: fresh.level,
      tail: fresh.tail,
      score: fresh.score,
      links: fresh.links,
      members: fresh.members,
      pool: fresh.pool,
      poolTop: fresh.poolTop,
      poolFree: fresh.poolFree,
      nextId: fresh.nextId,
      freeHead: fresh.freeHead,
    });
    for (let x = this.first(); x !== 0; x = this.next(x)) onMove(this.members.get(x), x);
  }

  /**
   * Check every invariant (order, spans, backward links, level, length, tail); returns a
   * description of the first violation or null. O(n * levels): for tests.
   */
  validate(): string | null {
    // Level 0: order, backward links, count, and ranks.
    const rank = new Map<number, number>();
    rank.set(0, 0);
    let n = 0;
    let prev = 0;
    for (let x = this.first(); x !== 0; x = this.next(x)) {
      n++;
      rank.set(x, n);
      if (this.prev(x) !== prev) return `backward of ${x} is ${this.prev(x)}, expected ${prev}`;
      if (prev !== 0) {
        const ps = this.score.get(prev);
        const s = this.score.get(x);
        if (!(ps < s || (ps === s && this.members.get(prev) < this.members.get(x)))) {
          return `order broken at rank ${n}`;
        }
      }
      prev = x;
    }
    if (n !== this.length) return `length ${this.length}, counted ${n}`;
    if (this.tail !== prev) return `tail ${this.tail}, expected ${prev}`;
    for (let i = 1; i < MAX_LEVEL; i++) {
      let h = 0;
      for (;;) {
        const f = this.fwd(h, i);
        if (f === 0) break;
        if (this.levelOf(f) <= i) return `node ${f} linked on level ${i} but has ${this.levelOf(f)} levels`;
        const expect = rank.get(f)! - rank.get(h)!;
        if (this.span(h, i) !== expect) return `span of ${h} on level ${i} is ${this.span(h, i)}, expected ${expect}`;
        h = f;
      }
      if (i >= this.level && this.fwd(0, i) !== 0) return `header linked on level ${i} above level ${this.level}`;
    }
    if (this.level > 1 && this.fwd(0, this.level - 1) === 0) return `level ${this.level} is empty`;
    return null;
  }
}
