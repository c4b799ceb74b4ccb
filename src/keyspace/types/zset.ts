/*
 * Sorted-set objects and Redis 7.0's two zset encodings.
 *
 * - `listpack` (ds/listpack.ts): member, score, member, score... packed in one latin1 string,
 *   ordered by (score, member bytes). Members are string entries; scores are number entries.
 *   Redis writes a score that is an integer within +-2^62 as a listpack integer (double2ll),
 *   so a listpack never holds -0: it is stored as 0 here too (ZSCORE then says "0", as Redis
 *   does). Every other double round-trips exactly (Redis writes "%.17g" and reads it back).
 *   Lookups and inserts scan the pairs, O(n), fine below the thresholds.
 * - `skiplist` (ZSetSkiplist): a SkipList (ds/skiplist.ts) ordered by (score, member) with
 *   spans for ranks, plus a Dict from member to the member's skip-list node id, which gives
 *   O(1) ZSCORE, O(1) random members and a SCAN cursor. Node ids are stable for a member's
 *   life (a score update keeps the id), so the Dict is only written on insert and delete.
 *
 * Conversions follow t_zset.c (7.0):
 * - ZADD creating a key starts a skiplist when zset-max-listpack-entries is 0 or the first
 *   member is longer than zset-max-listpack-value, else a listpack (zaddGenericCommand);
 * - an insert into a listpack converts it to a skiplist first when the set would exceed
 *   max-entries, the member exceeds max-value, or the listpack would pass its safety size
 *   (zsetAdd);
 * - ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE build a skiplist and convert it back to a listpack
 *   when the result is small enough (zsetConvertToListpackIfNeeded);
 * - ZRANGESTORE starts a skiplist when the number of results is known to exceed max-entries,
 *   else a listpack that zsetAdd converts as it grows (zrangeResultBeginStore).
 * Deletions never convert back. The thresholds are passed in by the caller, which reads the
 * config when the command runs, so CONFIG SET applies to the next decision.
 *
 * Every function here is encoding-agnostic for its callers (the command files never look
 * inside the payload). Members are latin1 strings compared bytewise (JS `<`).
 */

import { RObject, OBJ_ZSET, ENC_LISTPACK, ENC_SKIPLIST } from '../object.js';
import { Dict } from '../../ds/dict.js';
import {
  SkipList,
  lexGteMin,
  lexLteMax,
  lexRangeEmpty,
  scoreGteMin,
  scoreLteMax,
  scoreRangeEmpty,
  type LexRange,
  type ScoreRange,
} from '../../ds/skiplist.js';
import {
  LP_EMPTY,
  lpDelete,
  lpDeleteRange,
  lpFind,
  lpFirst,
  lpFromValues,
  lpGet,
  lpGetDetached,
  lpGetNumber,
  lpInsert,
  lpLength,
  lpNext,
  lpPositions,
  lpSafeToAdd,
  type Listpack,
  type LpValue,
} from '../../ds/listpack.js';

export type { LexRange, ScoreRange };

/** Payload of the skiplist encoding. */
export class ZSetSkiplist {
  readonly zsl: SkipList;
  /** member → node id in zsl. */
  readonly dict: Dict<number>;

  constructor(zsl = new SkipList(), dict = new Dict<number>()) {
    this.zsl = zsl;
    this.dict = dict;
  }

  get length(): number {
    return this.zsl.length;
  }

  score(member: string): number | undefined {
    const id = this.dict.get(member);
    return id === undefined ? undefined : this.zsl.scoreOf(id);
  }

  /** Add a member known to be absent. */
  insert(score: number, member: string): void {
    this.dict.set(member, this.zsl.insert(score, member));
  }

  /** Remove a member; false when absent. */
  remove(member: string): boolean {
    const id = this.dict.take(member);
    if (id === undefined) return false;
    this.zsl.delete(this.zsl.scoreOf(id), member);
    this.maybeCompact();
    return true;
  }

  /** After deletions left most node ids free, renumber densely (amortized O(1) per delete). */
  maybeCompact(): void {
    if (!this.zsl.sparse) return;
    const dict = this.dict;
    this.zsl.compact((m, id) => dict.set(m, id));
  }
}

/** The thresholds of the listpack encoding (zset-max-listpack-entries / -value). */
export interface ZsetLimits {
  maxEntries: number;
  maxValue: number;
}

/* ---- creation and conversion -------------------------------------------------------------- */

/** createZsetObject: an empty skiplist zset. */
export function createZsetObject(): RObject {
  return new RObject(OBJ_ZSET, ENC_SKIPLIST, new ZSetSkiplist());
}

/** createZsetListpackObject: an empty listpack zset. */
export function createZsetListpackObject(): RObject {
  return new RObject(OBJ_ZSET, ENC_LISTPACK, LP_EMPTY);
}

/** The encoding ZADD picks for a new key whose first member is `firstMember`. */
export function createZsetForAdd(firstMember: string, limits: ZsetLimits): RObject {
  if (limits.maxEntries === 0 || limits.maxValue < firstMember.length) return createZsetObject();
  return createZsetListpackObject();
}

/** A listpack score: -0 becomes 0 (Redis stores integral scores as listpack integers). */
function lpScore(score: number): number {
  return score === 0 ? 0 : score;
}

/** Number of (member, score) pairs in a listpack zset. */
function zzlLength(lp: Listpack): number {
  return lpLength(lp) / 2;
}

/** zzlInsert: insert (ele, score) at its place; ele must be absent. */
function zzlInsert(lp: Listpack, ele: string, score: number): Listpack {
  for (let p = lpFirst(lp); p !== -1; ) {
    const sp = lpNext(lp, p);
    const s = lpGetNumber(lp, sp);
    if (s > score || (s === score && lpGet(lp, p) > ele)) return lpInsert(lp, p, ele, lpScore(score));
    p = lpNext(lp, sp);
  }
  return lpInsert(lp, -1, ele, lpScore(score));
}

export function zsetLength(o: RObject): number {
  return o.enc === ENC_LISTPACK ? zzlLength(o.ptr as Listpack) : (o.ptr as ZSetSkiplist).length;
}

/** zsetConvert: switch between the two encodings (no-op when already there). */
export function zsetConvert(o: RObject, enc: typeof ENC_LISTPACK | typeof ENC_SKIPLIST): void {
  if (o.enc === enc) return;
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    const zs = new ZSetSkiplist();
    const pos = lpPositions(lp);
    // From the greatest down: every insert lands right after the header.
    for (let i = pos.length - 2; i >= 0; i -= 2) {
      zs.insert(lpGetNumber(lp, pos[i + 1]!), lpGetDetached(lp, pos[i]!));
    }
    o.ptr = zs;
    o.enc = ENC_SKIPLIST;
  } else {
    const zsl = (o.ptr as ZSetSkiplist).zsl;
    const values: LpValue[] = [];
    for (let x = zsl.first(); x !== 0; x = zsl.next(x)) values.push(zsl.memberOf(x), lpScore(zsl.scoreOf(x)));
    o.ptr = lpFromValues(values);
    o.enc = ENC_LISTPACK;
  }
}

/**
 * zsetConvertToListpackIfNeeded: a skiplist result becomes a listpack when it has at most
 * max-entries members, none longer than max-value, and fits a listpack.
 */
export function zsetConvertToListpackIfNeeded(o: RObject, maxElemLen: number, totalElemLen: number, limits: ZsetLimits): void {
  if (o.enc === ENC_LISTPACK) return;
  if (zsetLength(o) <= limits.maxEntries && maxElemLen <= limits.maxValue && lpSafeToAdd(null, totalElemLen)) {
    zsetConvert(o, ENC_LISTPACK);
  }
}

/* ---- single-member operations ------------------------------------------------------------ */

export const ZADD_IN_INCR = 1;
export const ZADD_IN_NX = 2;
export const ZADD_IN_XX = 4;
export const ZADD_IN_GT = 8;
export const ZADD_IN_LT = 16;

export const ZADD_OUT_NOP = 1;
export const ZADD_OUT_NAN = 2;
export const ZADD_OUT_ADDED = 4;
export const ZADD_OUT_UPDATED = 8;

/** The resulting score of the last successful zsetAdd (for INCR replies). */
export let zaddNewScore = 0;

/**
 * zsetAdd: add or update `ele` following the ZADD_IN_* flags. Returns ZADD_OUT_* flags;
 * ZADD_OUT_NAN means the score (or the incremented score) is NaN and nothing changed.
 * May convert the set to a skiplist (see the file comment).
 */
export function zsetAdd(o: RObject, score: number, ele: string, inFlags: number, limits: ZsetLimits): number {
  const incr = (inFlags & ZADD_IN_INCR) !== 0;
  const nx = (inFlags & ZADD_IN_NX) !== 0;
  const xx = (inFlags & ZADD_IN_XX) !== 0;
  const gt = (inFlags & ZADD_IN_GT) !== 0;
  const lt = (inFlags & ZADD_IN_LT) !== 0;
  if (score !== score) return ZADD_OUT_NAN;

  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    const p = lpFind(lp, ele, 1);
    if (p !== -1) {
      if (nx) return ZADD_OUT_NOP;
      const cur = lpGetNumber(lp, lpNext(lp, p));
      if (incr) {
        score += cur;
        if (score !== score) return ZADD_OUT_NAN;
      }
      if ((lt && score >= cur) || (gt && score <= cur)) return ZADD_OUT_NOP;
      zaddNewScore = score;
      if (score !== cur) {
        o.ptr = zzlInsert(lpDelete(lp, p, 2), ele, score);
        return ZADD_OUT_UPDATED;
      }
      return 0;
    }
    if (xx) return ZADD_OUT_NOP;
    if (zzlLength(lp) + 1 > limits.maxEntries || ele.length > limits.maxValue || !lpSafeToAdd(lp, ele.length)) {
      zsetConvert(o, ENC_SKIPLIST);
    } else {
      o.ptr = zzlInsert(lp, ele, score);
      zaddNewScore = score;
      return ZADD_OUT_ADDED;
    }
  }

  const zs = o.ptr as ZSetSkiplist;
  const id = zs.dict.get(ele);
  if (id !== undefined) {
    if (nx) return ZADD_OUT_NOP;
    const cur = zs.zsl.scoreOf(id);
    if (incr) {
      score += cur;
      if (score !== score) return ZADD_OUT_NAN;
    }
    if ((lt && score >= cur) || (gt && score <= cur)) return ZADD_OUT_NOP;
    zaddNewScore = score;
    if (score !== cur) {
      zs.zsl.updateScore(cur, ele, score);
      return ZADD_OUT_UPDATED;
    }
    return 0;
  }
  if (xx) return ZADD_OUT_NOP;
  zs.insert(score, ele);
  zaddNewScore = score;
  return ZADD_OUT_ADDED;
}

/** zsetDel: remove a member; false when it was not there. */
export function zsetDel(o: RObject, ele: string): boolean {
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    const p = lpFind(lp, ele, 1);
    if (p === -1) return false;
    o.ptr = lpDelete(lp, p, 2);
    return true;
  }
  return (o.ptr as ZSetSkiplist).remove(ele);
}

/** zsetScore: the member's score, or null. */
export function zsetScore(o: RObject, ele: string): number | null {
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    const p = lpFind(lp, ele, 1);
    return p === -1 ? null : lpGetNumber(lp, lpNext(lp, p));
  }
  const s = (o.ptr as ZSetSkiplist).score(ele);
  return s === undefined ? null : s;
}

/** zsetRank: 0-based rank (from the top when reverse), or -1 when absent. */
export function zsetRank(o: RObject, ele: string, reverse: boolean): number {
  const len = zsetLength(o);
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    const p = lpFind(lp, ele, 1);
    if (p === -1) return -1;
    let rank = 0;
    for (let q = lpFirst(lp); q !== p; q = lpNext(lp, lpNext(lp, q))) rank++;
    return reverse ? len - 1 - rank : rank;
  }
  const zs = o.ptr as ZSetSkiplist;
  const id = zs.dict.get(ele);
  if (id === undefined) return -1;
  const rank = zs.zsl.rankOf(zs.zsl.scoreOf(id), ele);
  return reverse ? len - rank : rank - 1;
}

/* ---- ordered access ------------------------------------------------------------------------ */

/**
 * Receives the elements of a range walk, in walk order. Listpack zsets are decoded into
 * position arrays for the walk (they are small); skiplist zsets walk nodes.
 */
export type Emit = (member: string, score: number) => void;

/** The listpack's entry positions (member, score, member, score...), for random access. */
function lpPairs(lp: Listpack): number[] {
  return lpPositions(lp);
}

/**
 * Elements with 0-based ranks start..end (already clamped: 0 <= start <= end < length), in
 * order or reversed (ranks then count from the top). `detached` gives members that may be
 * stored beyond the source's life.
 */
export function zsetRangeByRank(o: RObject, start: number, end: number, reverse: boolean, emit: Emit, detached = false): void {
  const len = zsetLength(o);
  let n = end - start + 1;
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    const pos = lpPairs(lp);
    const get = detached ? lpGetDetached : lpGet;
    for (let r = start; n > 0; r++, n--) {
      const i = reverse ? len - 1 - r : r;
      emit(get(lp, pos[2 * i]!), lpGetNumber(lp, pos[2 * i + 1]!));
    }
    return;
  }
  const zsl = (o.ptr as ZSetSkiplist).zsl;
  let x: number;
  if (reverse) x = start > 0 ? zsl.byRank(len - start) : zsl.tail;
  else x = start > 0 ? zsl.byRank(start + 1) : zsl.first();
  while (n-- > 0 && x !== 0) {
    emit(zsl.memberOf(x), zsl.scoreOf(x));
    x = reverse ? zsl.prev(x) : zsl.next(x);
  }
}

/** Generic range walk shared by the score and lex variants. */
interface RangeTests {
  /** Listpack: is the element (member, score) at or past the start bound? */
  gteMin(member: string, score: number): boolean;
  lteMax(member: string, score: number): boolean;
  empty: boolean;
  first(zsl: SkipList): number;
  last(zsl: SkipList): number;
}

function rangeWalk(o: RObject, t: RangeTests, offset: number, limit: number, reverse: boolean, emit: Emit, detached: boolean): number {
  if (offset < 0) return 0; // Redis walks a negative offset off the end: nothing
  let count = 0;
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    if (t.empty) return 0;
    const pos = lpPairs(lp);
    const n = pos.length / 2;
    const get = detached ? lpGetDetached : lpGet;
    const memberAt = (i: number): string => lpGet(lp, pos[2 * i]!);
    const scoreAt = (i: number): number => lpGetNumber(lp, pos[2 * i + 1]!);
    if (n === 0) return 0;
    // zzlIsInRange: last >= min and first <= max.
    if (!t.gteMin(memberAt(n - 1), scoreAt(n - 1)) || !t.lteMax(memberAt(0), scoreAt(0))) return 0;
    let i: number;
    if (reverse) {
      i = n - 1;
      while (i >= 0 && !t.lteMax(memberAt(i), scoreAt(i))) i--;
      if (i < 0 || !t.gteMin(memberAt(i), scoreAt(i))) return 0;
      i -= offset;
      for (; i >= 0 && limit !== 0; i--, limit--) {
        const m = memberAt(i);
        const s = scoreAt(i);
        if (!t.gteMin(m, s)) break;
        emit(detached ? get(lp, pos[2 * i]!) : m, s);
        count++;
      }
    } else {
      i = 0;
      while (i < n && !t.gteMin(memberAt(i), scoreAt(i))) i++;
      if (i >= n || !t.lteMax(memberAt(i), scoreAt(i))) return 0;
      i += offset;
      for (; i < n && limit !== 0; i++, limit--) {
        const m = memberAt(i);
        const s = scoreAt(i);
        if (!t.lteMax(m, s)) break;
        emit(detached ? get(lp, pos[2 * i]!) : m, s);
        count++;
      }
    }
    return count;
  }
  const zsl = (o.ptr as ZSetSkiplist).zsl;
  let x = reverse ? t.last(zsl) : t.first(zsl);
  while (x !== 0 && offset > 0) {
    x = reverse ? zsl.prev(x) : zsl.next(x);
    offset--;
  }
  for (; x !== 0 && limit !== 0; limit--) {
    const m = zsl.memberOf(x);
    const s = zsl.scoreOf(x);
    if (reverse ? !t.gteMin(m, s) : !t.lteMax(m, s)) break;
    emit(m, s);
    count++;
    x = reverse ? zsl.prev(x) : zsl.next(x);
  }
  return count;
}

function scoreTests(r: ScoreRange): RangeTests {
  return {
    gteMin: (_m, s) => scoreGteMin(s, r),
    lteMax: (_m, s) => scoreLteMax(s, r),
    empty: scoreRangeEmpty(r),
    first: (zsl) => zsl.firstInRange(r),
    last: (zsl) => zsl.lastInRange(r),
  };
}

function lexTests(r: LexRange): RangeTests {
  return {
    gteMin: (m) => lexGteMin(m, r),
    lteMax: (m) => lexLteMax(m, r),
    empty: lexRangeEmpty(r),
    first: (zsl) => zsl.firstInLexRange(r),
    last: (zsl) => zsl.lastInLexRange(r),
  };
}

/**
 * Elements in a score range, skipping `offset` and emitting at most `limit` (negative: no
 * limit); reverse walks from the top. Returns how many were emitted.
 */
export function zsetRangeByScore(o: RObject, r: ScoreRange, offset: number, limit: number, reverse: boolean, emit: Emit, detached = false): number {
  if (offset > 0 && offset >= zsetLength(o)) return 0;
  return rangeWalk(o, scoreTests(r), offset, limit, reverse, emit, detached);
}

/** Elements in a lex range (see zsetRangeByScore). */
export function zsetRangeByLex(o: RObject, r: LexRange, offset: number, limit: number, reverse: boolean, emit: Emit, detached = false): number {
  return rangeWalk(o, lexTests(r), offset, limit, reverse, emit, detached);
}

/** ZCOUNT: elements in a score range. */
export function zsetCount(o: RObject, r: ScoreRange): number {
  if (o.enc === ENC_LISTPACK) return rangeWalk(o, scoreTests(r), 0, -1, false, () => {}, false);
  const zsl = (o.ptr as ZSetSkiplist).zsl;
  return countBetween(zsl, zsl.firstInRange(r), zsl.lastInRange(r));
}

/** ZLEXCOUNT: elements in a lex range. */
export function zsetLexCount(o: RObject, r: LexRange): number {
  if (o.enc === ENC_LISTPACK) return rangeWalk(o, lexTests(r), 0, -1, false, () => {}, false);
  const zsl = (o.ptr as ZSetSkiplist).zsl;
  return countBetween(zsl, zsl.firstInLexRange(r), zsl.lastInLexRange(r));
}

function countBetween(zsl: SkipList, first: number, last: number): number {
  if (first === 0) return 0;
  let count = zsl.length - (zsl.rankOf(zsl.scoreOf(first), zsl.memberOf(first)) - 1);
  if (last !== 0) count -= zsl.length - zsl.rankOf(zsl.scoreOf(last), zsl.memberOf(last));
  return count;
}

/* ---- range deletions ------------------------------------------------------------------------ */

/** ZREMRANGEBYRANK with clamped 0-based ranks; returns how many were removed. */
export function zsetDeleteRangeByRank(o: RObject, start: number, end: number): number {
  if (o.enc === ENC_LISTPACK) {
    o.ptr = lpDeleteRange(o.ptr as Listpack, 2 * start, 2 * (end - start + 1));
    return end - start + 1;
  }
  const zs = o.ptr as ZSetSkiplist;
  const n = zs.zsl.deleteRangeByRank(start + 1, end + 1, (m) => zs.dict.delete(m));
  zs.maybeCompact();
  return n;
}

/** Remove the listpack pairs inside a score or lex range (one contiguous run). */
function lpDeleteWhere(o: RObject, t: RangeTests): number {
  const lp = o.ptr as Listpack;
  if (t.empty) return 0;
  const pos = lpPairs(lp);
  const n = pos.length / 2;
  let i = 0;
  while (i < n && !t.gteMin(lpGet(lp, pos[2 * i]!), lpGetNumber(lp, pos[2 * i + 1]!))) i++;
  let j = i;
  while (j < n && t.lteMax(lpGet(lp, pos[2 * j]!), lpGetNumber(lp, pos[2 * j + 1]!))) j++;
  if (j > i) o.ptr = lpDelete(lp, pos[2 * i]!, 2 * (j - i));
  return j - i;
}

/** ZREMRANGEBYSCORE; returns how many were removed. */
export function zsetDeleteRangeByScore(o: RObject, r: ScoreRange): number {
  if (o.enc === ENC_LISTPACK) return lpDeleteWhere(o, scoreTests(r));
  const zs = o.ptr as ZSetSkiplist;
  const n = zs.zsl.deleteRangeByScore(r, (m) => zs.dict.delete(m));
  zs.maybeCompact();
  return n;
}

/** ZREMRANGEBYLEX; returns how many were removed. */
export function zsetDeleteRangeByLex(o: RObject, r: LexRange): number {
  if (o.enc === ENC_LISTPACK) return lpDeleteWhere(o, lexTests(r));
  const zs = o.ptr as ZSetSkiplist;
  const n = zs.zsl.deleteRangeByLex(r, (m) => zs.dict.delete(m));
  zs.maybeCompact();
  return n;
}

/* ---- whole-set access ------------------------------------------------------------------------ */

/**
 * The first (lowest) or last (highest) element, removed from the set; null when empty.
 * The member is safe to keep.
 */
export function zsetPop(o: RObject, max: boolean): [string, number] | null {
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    const n = zzlLength(lp);
    if (n === 0) return null;
    let p: number;
    if (max) {
      const pos = lpPairs(lp);
      p = pos[pos.length - 2]!;
    } else {
      p = lpFirst(lp);
    }
    const member = lpGetDetached(lp, p);
    const score = lpGetNumber(lp, lpNext(lp, p));
    o.ptr = lpDelete(lp, p, 2);
    return [member, score];
  }
  const zs = o.ptr as ZSetSkiplist;
  const x = max ? zs.zsl.tail : zs.zsl.first();
  if (x === 0) return null;
  const member = zs.zsl.memberOf(x);
  const score = zs.zsl.scoreOf(x);
  zs.remove(member);
  return [member, score];
}

/**
 * Visit every element (member, score); the order is the set's (ascending). `detached` members
 * may be stored (listpack slices would otherwise keep the listpack string alive).
 */
export function zsetForEach(o: RObject, fn: Emit, detached = false): void {
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    const get = detached ? lpGetDetached : lpGet;
    for (let p = lpFirst(lp); p !== -1; ) {
      const sp = lpNext(lp, p);
      fn(get(lp, p), lpGetNumber(lp, sp));
      p = lpNext(lp, sp);
    }
    return;
  }
  const zsl = (o.ptr as ZSetSkiplist).zsl;
  for (let x = zsl.first(); x !== 0; x = zsl.next(x)) fn(zsl.memberOf(x), zsl.scoreOf(x));
}

/** A uniformly random element (the set must not be empty). */
export function zsetRandomElement(o: RObject, rand: () => number = Math.random): [string, number] {
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    const pos = lpPairs(lp);
    const i = Math.floor(rand() * (pos.length / 2));
    return [lpGet(lp, pos[2 * i]!), lpGetNumber(lp, pos[2 * i + 1]!)];
  }
  const zs = o.ptr as ZSetSkiplist;
  const slot = zs.dict.randomSlot();
  const id = zs.dict.valueAt(slot);
  return [zs.dict.keyAt(slot), zs.zsl.scoreOf(id)];
}

/** All elements as [member, score] pairs in order (small sets; ZRANDMEMBER sampling). */
export function zsetEntries(o: RObject): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  zsetForEach(o, (m, s) => out.push([m, s]));
  return out;
}

/**
 * One ZSCAN step. A listpack returns everything with scores in the listpack's text form and
 * cursor 0; a skiplist visits about `count` members of its dict from `cursor` with scores
 * printed as "%.17g" (`formatScore`), returning the next cursor. `out` gets member, score...
 */
export function zsetScan(o: RObject, cursor: number, count: number, out: string[], formatScore: (s: number) => string): number {
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    for (let p = lpFirst(lp); p !== -1; p = lpNext(lp, p)) out.push(lpGet(lp, p));
    return 0;
  }
  const zs = o.ptr as ZSetSkiplist;
  return zs.dict.scan(cursor, count, (m, id) => {
    out.push(m, formatScore(zs.zsl.scoreOf(id)));
  });
}

/** Longest member and total member bytes (for zsetConvertToListpackIfNeeded). */
export function zsetMemberLengths(o: RObject): { max: number; total: number } {
  let max = 0;
  let total = 0;
  zsetForEach(o, (m) => {
    if (m.length > max) max = m.length;
    total += m.length;
  });
  return { max, total };
}

/**
 * A skiplist zset from pairs already sorted by (score, member) with unique members (union /
 * inter / diff results). O(n): each insert lands at the head.
 */
export function createZsetFromSorted(members: readonly string[], scores: readonly number[]): RObject {
  const zs = new ZSetSkiplist();
  for (let i = members.length - 1; i >= 0; i--) zs.insert(scores[i]!, members[i]!);
  return new RObject(OBJ_ZSET, ENC_SKIPLIST, zs);
}

/** zsetDup (COPY): same encoding, independent payload. */
export function duplicateZset(o: RObject): RObject {
  if (o.enc === ENC_LISTPACK) return new RObject(OBJ_ZSET, ENC_LISTPACK, o.ptr); // immutable string
  const zs = o.ptr as ZSetSkiplist;
  const zsl = zs.zsl.clone();
  const dict = new Dict<number>();
  // Same node ids in the clone: copy the index as is.
  for (let x = zsl.first(); x !== 0; x = zsl.next(x)) dict.set(zsl.memberOf(x), x);
  return new RObject(OBJ_ZSET, ENC_SKIPLIST, new ZSetSkiplist(zsl, dict));
}

/** Compare two (score, member) elements as the skiplist orders them. */
export function compareElements(sa: number, ma: string, sb: number, mb: string): number {
  if (sa < sb) return -1;
  if (sa > sb) return 1;
  return ma < mb ? -1 : ma > mb ? 1 : 0;
}

/** Internal consistency check for tests: dict and skiplist agree, listpack sorted. */
export function zsetValidate(o: RObject): string | null {
  if (o.enc === ENC_LISTPACK) {
    const e = zsetEntries(o);
    for (let i = 1; i < e.length; i++) {
      if (compareElements(e[i - 1]![1], e[i - 1]![0], e[i]![1], e[i]![0]) >= 0) return `listpack order broken at ${i}`;
    }
    return null;
  }
  const zs = o.ptr as ZSetSkiplist;
  const bad = zs.zsl.validate();
  if (bad !== null) return bad;
  if (zs.dict.size !== zs.zsl.length) return `dict has ${zs.dict.size}, skiplist ${zs.zsl.length}`;
  for (let x = zs.zsl.first(); x !== 0; x = zs.zsl.next(x)) {
    if (zs.dict.get(zs.zsl.memberOf(x)) !== x) return `dict entry of ${zs.zsl.memberOf(x)} does not point at its node`;
  }
  return null;
}
