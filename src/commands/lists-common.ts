/*
 * Helpers shared by the list commands (lists.ts) and the blocking list commands
 * (lists-blocking.ts): type checks, Redis's argument parsers with their exact errors, the
 * removal bookkeeping after pops (listElementsRemoved), range replies, LMOVE's core and LMPOP's
 * argument parsing.
 */

import type { Ctx } from './context.js';
import { is } from './args.js';
import { dbAdd } from './lookup.js';
import { LONG_MAX, rangeLong } from './zsets-common.js';
import * as E from '../protocol/errors.js';
import type { Db } from '../keyspace/db.js';
import { NOTIFY_GENERIC, NOTIFY_LIST } from '../keyspace/notify.js';
import { OBJ_LIST, type RObject } from '../keyspace/object.js';
import { createListObject } from '../keyspace/types/list.js';
import type { Quicklist } from '../ds/quicklist.js';

/** checkType for lists: replies WRONGTYPE and returns true when `o` is not a list. */
export function notList(c: Ctx, o: RObject): boolean {
  if (o.type === OBJ_LIST) return false;
  c.reply.error(E.WRONGTYPE);
  return true;
}

/** A new, empty list object with the current list-max-listpack-size / list-compress-depth. */
function newListObject(c: Ctx): RObject {
  return createListObject(c.server.configNumber('list-max-listpack-size'), c.server.configNumber('list-compress-depth'));
}

/** Create `key` as an empty list (dbAdd: `new` event) and wake clients blocked on it. */
export function addList(c: Ctx, db: Db, key: string): RObject {
  const o = newListObject(c);
  dbAdd(c, db, key, o);
  c.signalKeyAsReady(db, key);
  return o;
}


/** LEFT / RIGHT (getListPositionFromObjectOrReply): true for LEFT (head), null after a syntax error. */
export function listPosition(c: Ctx, s: string): boolean | null {
  if (is(s, 'left')) return true;
  if (is(s, 'right')) return false;
  c.reply.error(E.SYNTAX);
  return null;
}

/**
 * listElementsRemoved: after popping `count` elements from `key`: the lpop/rpop event, the
 * key's deletion (and `del` event) when the list is now empty, the modification, dirty.
 */
export function elementsRemoved(c: Ctx, db: Db, key: string, head: boolean, ql: Quicklist, count: number): void {
  c.notify(NOTIFY_LIST, head ? 'lpop' : 'rpop', key, db.id);
  if (ql.count === 0) {
    db.delete(key);
    c.notify(NOTIFY_GENERIC, 'del', key, db.id);
  }
  c.modified(db, key);
  c.dirty(count);
}

/**
 * Pop min(count, length) elements from one end and reply them as an array (from the head in
 * order, or from the tail last-first, as addListRangeReply does); then the removal effects.
 * Returns how many were popped.
 */
export function popRangeReply(c: Ctx, db: Db, key: string, ql: Quicklist, head: boolean, count: number): number {
  const n = count > ql.count ? ql.count : count;
  const r = c.reply;
  r.array(n);
  for (let i = 0; i < n; i++) r.bulk(ql.pop(head) as string);
  elementsRemoved(c, db, key, head, ql, n);
  return n;
}

/**
 * listPopRangeAndReplyWithKey for LMPOP/BLMPOP: reply [key, [elements]] and propagate the pop
 * as LPOP/RPOP key n.
 */
export function mpopReply(c: Ctx, db: Db, key: string, o: RObject, head: boolean, count: number): void {
  c.reply.array(2);
  c.reply.bulk(key);
  const n = popRangeReply(c, db, key, o.ptr as Quicklist, head, count);
  c.rewritePropagation([head ? 'LPOP' : 'RPOP', key, String(n)]);
}

/**
 * lmoveGenericCommand: pop from `src` (argv[1]) and push onto `dst` (argv[2]). Replies the
 * element, or the null bulk when `src` does not exist. Returns true when an element moved.
 */
export function lmoveGeneric(c: Ctx, argv: string[], fromHead: boolean, toHead: boolean): boolean {
  const db = c.db;
  const src = argv[1] as string;
  const dst = argv[2] as string;
  const sobj = db.lookupWrite(src);
  if (sobj === null) {
    c.reply.nullBulk();
    return false;
  }
  if (notList(c, sobj)) return false;
  let dobj = db.lookupWrite(dst);
  if (dobj !== null && notList(c, dobj)) return false;
  const sql = sobj.ptr as Quicklist;
  const value = sql.pop(fromHead) as string;
  // lmoveHandlePush
  if (dobj === null) dobj = addList(c, db, dst);
  c.modified(db, dst);
  (dobj.ptr as Quicklist).push(value, toHead);
  c.notify(NOTIFY_LIST, toHead ? 'lpush' : 'rpush', dst, db.id);
  c.reply.bulk(value);
  c.notify(NOTIFY_LIST, fromHead ? 'lpop' : 'rpop', src, db.id);
  if (sql.count === 0) {
    db.delete(src);
    c.notify(NOTIFY_GENERIC, 'del', src, db.id);
  }
  c.modified(db, src);
  c.dirty();
  return true;
}

/** addListRangeReply: elements start..end (inclusive, negative from the end), optionally reversed. */
export function listRangeReply(c: Ctx, ql: Quicklist, start: number, end: number, reverse: boolean): void {
  const llen = ql.count;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    c.reply.array(0);
    return;
  }
  if (end >= llen) end = llen - 1;
  let n = end - start + 1;
  const r = c.reply;
  r.array(n);
  const it = ql.iterator(reverse ? end : start, !reverse);
  while (n-- > 0) r.bulk(it.next() as string);
}

/** Parsed arguments of LMPOP / BLMPOP. */
export interface MpopArgs {
  keys: string[];
  head: boolean;
  count: number;
}

/** lmpopGenericCommand's parsing, numkeys at argv[numkeysIdx]; null after an error reply. */
export function parseMpop(c: Ctx, argv: string[], numkeysIdx: number): MpopArgs | null {
  const numkeys = rangeLong(c, argv[numkeysIdx] as string, 1n, LONG_MAX, 'numkeys should be greater than 0');
  if (numkeys === null) return null;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    c.reply.error(E.SYNTAX);
    return null;
  }
  const head = listPosition(c, argv[whereIdx] as string);
  if (head === null) return null;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    if (count === -1 && is(argv[j], 'count') && moreargs) {
      const v = rangeLong(c, argv[++j] as string, 1n, LONG_MAX, 'count should be greater than 0');
      if (v === null) return null;
      count = v;
    } else {
      c.reply.error(E.SYNTAX);
      return null;
    }
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), head, count: count === -1 ? 1 : count };
}

export const WHERE_ARG = {
  name: 'where', type: 'oneof', arguments: [
    { name: 'left', type: 'pure-token', token: 'LEFT' },
    { name: 'right', type: 'pure-token', token: 'RIGHT' },
  ],
} as const;
