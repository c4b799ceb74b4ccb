/*
 * Key lookups with the side effects Redis's lookupKey* family has beyond what Db does:
 * the `keymiss` notification on a read miss and the `new` notification when a key is added
 * (dbAdd). Db already handles lazy expiry, hit/miss statistics and the LRU clock.
 * Also small shared helpers of the generic-key families (help replies, DB index arguments).
 */

import type { Ctx } from './context.js';
import type { Db } from '../keyspace/db.js';
import { OBJ_LIST, OBJ_STREAM, OBJ_ZSET, type RObject } from '../keyspace/object.js';
import { NOTIFY_KEY_MISS, NOTIFY_NEW } from '../keyspace/notify.js';
import * as E from '../protocol/errors.js';
import { parseInt64 } from '../util/numbers.js';

/** lookupKeyRead / lookupKeyReadWithFlags(LOOKUP_NOTOUCH): fires `keymiss` on a miss. */
export function lookupRead(c: Ctx, db: Db, key: string, noTouch = false): RObject | null {
  const o = db.lookupRead(key, noTouch);
  if (o === null) c.notify(NOTIFY_KEY_MISS, 'keymiss', key, db.id);
  return o;
}

/**
 * dbAdd: add a key that does not exist, fire the `new` notification and, for the types
 * blocking commands wait on (lists, sorted sets, streams), signal the key as ready.
 */
export function dbAdd(c: Ctx, db: Db, key: string, o: RObject): void {
  db.add(key, o);
  if (o.type === OBJ_LIST || o.type === OBJ_ZSET || o.type === OBJ_STREAM) c.signalKeyAsReady(db, key);
  c.notify(NOTIFY_NEW, 'new', key, db.id);
}

/**
 * getIntFromObjectOrReply: a 64-bit integer (else the generic integer error) that fits a C int
 * (else getRangeLongFromObjectOrReply's range error).
 */
export function int32Arg(c: Ctx, s: string): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.reply.error(E.NOT_INTEGER);
    return null;
  }
  if (typeof v !== 'number' || v < -2147483648 || v > 2147483647) {
    c.reply.error('ERR value is out of range, value must between -2147483648 and 2147483647');
    return null;
  }
  return v;
}

/** selectDb's check: the database with that index, or null when it is out of range. */
export function dbByIndex(c: Ctx, id: number): Db | null {
  return id >= 0 && id < c.ks.dbs.length ? (c.ks.dbs[id] ?? null) : null;
}

/** addReplyHelp: the header line, the given lines, and the HELP footer, as status replies. */
export function replyHelp(c: Ctx, command: string, lines: readonly string[]): void {
  const r = c.reply;
  r.array(lines.length + 3);
  r.simple(`${command.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) r.simple(l);
  r.simple('HELP');
  r.simple('    Prints this help.');
}

/** A yes/no config directive. */
export function configYes(c: Ctx, name: string): boolean {
  return c.server.configString(name) === 'yes';
}
