/*
 * Helpers shared by the sorted-set command files (zsets.ts, zsets-range.ts, zsets-store.ts,
 * zsets-pop.ts): config thresholds, type checks, score replies, range-argument parsing with
 * Redis's exact rules, and storing a result key the way setKey/dbAdd do.
 */

import type { Ctx } from './context.js';
import { dbAdd } from './lookup.js';
import * as E from '../protocol/errors.js';
import type { RObject } from '../keyspace/object.js';
import { OBJ_ZSET } from '../keyspace/object.js';
import { LEX_MINUS, LEX_PLUS, LEX_VALUE, type LexRange, type ScoreRange } from '../ds/skiplist.js';
import { formatDouble17g, parseInt64 } from '../util/numbers.js';
import { literalToDouble, scanFloatLiteral } from '../util/long-double.js';

export const LONG_MAX = 9223372036854775807n;

/** checkType: replies WRONGTYPE and returns true when `o` exists and is not a zset. */
export function notZset(c: Ctx, o: RObject | null): boolean {
  if (o === null || o.type === OBJ_ZSET) return false;
  c.reply.error(E.WRONGTYPE);
  return true;
}

/** addReplyDouble: "%.17g" as a bulk string (RESP2) or a double (RESP3). */
export function replyScore(c: Ctx, score: number): void {
  c.reply.doubleText(formatDouble17g(score));
}

/**
 * getRangeLongFromObjectOrReply: an integer in [min, max]. With `msg`, every failure replies
 * `ERR <msg>`; without, Redis's generic messages.
 */
export function rangeLong(c: Ctx, s: string, min: bigint, max: bigint, msg: string | null): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.reply.error(msg !== null ? `ERR ${msg}` : E.NOT_INTEGER);
    return null;
  }
  const b = BigInt(v);
  if (b < min || b > max) {
    c.reply.error(msg !== null ? `ERR ${msg}` : `ERR value is out of range, value must between ${min} and ${max}`);
    return null;
  }
  return Number(v);
}

/** getLongFromObjectOrReply: any 64-bit integer (as a number; huge values lose precision). */
export function longArg(c: Ctx, s: string): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.reply.error(E.NOT_INTEGER);
    return null;
  }
  return Number(v);
}

/** getPositiveLongFromObjectOrReply without a message. */
export function positiveLong(c: Ctx, s: string, msg = 'value is out of range, must be positive'): number | null {
  return rangeLong(c, s, 0n, LONG_MAX, msg);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function isSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

/**
 * strtod(s, &end) with end required at the terminating NUL: leading white space allowed, the
 * rest must be one float literal (decimal, hex, inf/infinity); overflow gives +-inf and
 * underflow 0 (no range error); an empty string is 0 (nothing converted, end at the NUL).
 * NaN literals are refused (the callers reject NaN). The argument is read as a C string, so
 * it stops at the first NUL byte.
 */
export function strtodWhole(arg: string): number | null {
  if (DECIMAL.test(arg)) return Number(arg); // common shape; V8 rounds like glibc
  const s = E.cstr(arg);
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  if (i === s.length) return i === 0 ? 0 : null;
  const lit = scanFloatLiteral(i === 0 ? s : s.slice(i));
  if (lit === null) return null;
  return literalToDouble(lit);
}

/** zslParseRange: "[(]score" bounds; null when either is not a float (or is NaN). */
export function parseScoreRange(min: string, max: string): ScoreRange | null {
  const r: ScoreRange = { min: 0, max: 0, minex: false, maxex: false };
  let a = min;
  if (a.charCodeAt(0) === 40 /* ( */) {
    r.minex = true;
    a = a.slice(1);
  }
  const lo = strtodWhole(a);
  if (lo === null || lo !== lo) return null;
  let b = max;
  if (b.charCodeAt(0) === 40) {
    r.maxex = true;
    b = b.slice(1);
  }
  const hi = strtodWhole(b);
  if (hi === null || hi !== hi) return null;
  r.min = lo;
  r.max = hi;
  return r;
}

/** zslParseLexRangeItem: '+', '-', '[value' or '(value'. */
function lexItem(s: string): [number, string, boolean] | null {
  const c0 = s.charCodeAt(0);
  if (c0 === 43 /* + */ || c0 === 45 /* - */) {
    if (s.length > 1 && s.charCodeAt(1) !== 0) return null; // C string: only "+" / "-"
    return [c0 === 43 ? LEX_PLUS : LEX_MINUS, '', true];
  }
  if (c0 === 40 /* ( */) return [LEX_VALUE, s.slice(1), true];
  if (c0 === 91 /* [ */) return [LEX_VALUE, s.slice(1), false];
  return null;
}

/** zslParseLexRange: null when either bound is not a valid string range item. */
export function parseLexRange(min: string, max: string): LexRange | null {
  const a = lexItem(min);
  const b = lexItem(max);
  if (a === null || b === null) return null;
  return { minKind: a[0], min: a[1], minex: a[2], maxKind: b[0], max: b[1], maxex: b[2] };
}

export const ERR_SCORE_RANGE = 'ERR min or max is not a float';
export const ERR_LEX_RANGE = 'ERR min or max not valid string range item';

/**
 * Add a new zset key (dbAdd): fires `new` and wakes clients blocked on the key, as Redis's
 * dbAdd does for sorted sets.
 */
export function addZsetKey(c: Ctx, key: string, o: RObject): void {
  dbAdd(c, c.db, key, o);
  c.signalKeyAsReady(c.db, key);
}

/** setKey: store a result zset under `key`, replacing any value and its TTL. */
export function storeZset(c: Ctx, key: string, o: RObject): void {
  const db = c.db;
  if (db.lookupWrite(key) !== null) db.set(key, o);
  else addZsetKey(c, key, o);
  c.modified(db, key);
}
