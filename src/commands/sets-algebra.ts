/*
 * Set algebra: SINTER / SMEMBERS / SINTERSTORE / SINTERCARD and SUNION / SDIFF and their STORE
 * forms, following t_set.c's sinterGenericCommand and sunionDiffGenericCommand step by step,
 * because the steps decide what clients can observe beyond the members themselves:
 * - which keys are looked up, in which order (WRONGTYPE comes from the first bad key; every
 *   missing key fires `keymiss`);
 * - the encoding of a stored result: results are built by adding into a new intset, so they
 *   stay `intset` while the added members are integers within set-max-intset-entries; SDIFF's
 *   choice between its two algorithms changes what is added, so it is reproduced exactly;
 * - the reply order: the smallest input set's order for SINTER, the result set's order for
 *   SUNION/SDIFF (ascending when that is an intset);
 * - the effects of the STORE forms: `del` when the result is empty and the destination existed,
 *   otherwise setKey (with `new` when the destination is created) then the family's event.
 */

import type { Ctx } from './context.js';
import { lookupRead } from './lookup.js';
import { setKey } from './strings-ranges.js';
import * as E from '../protocol/errors.js';
import type { RObject } from '../keyspace/object.js';
import { ENC_INTSET, OBJ_SET } from '../keyspace/object.js';
import { NOTIFY_GENERIC, NOTIFY_SET } from '../keyspace/notify.js';
import type { IntSet } from '../ds/intset.js';
import {
  createIntsetObject,
  setAdd,
  setIsMember,
  setIterate,
  setIterateWhile,
  setRemove,
  setSize,
} from '../keyspace/types/set.js';

/** The current set-max-intset-entries. */
export function maxIntsetEntries(c: Ctx): number {
  return c.server.configNumber('set-max-intset-entries');
}

/**
 * Look up every key for reading (null for a missing key). Replies WRONGTYPE and returns null
 * when one holds another type.
 */
function lookupSets(c: Ctx, keys: readonly string[]): (RObject | null)[] | null {
  const sets: (RObject | null)[] = new Array<RObject | null>(keys.length);
  for (let j = 0; j < keys.length; j++) {
    const o = lookupRead(c, c.db, keys[j] as string);
    if (o !== null && o.type !== OBJ_SET) {
      c.reply.error(E.WRONGTYPE);
      return null;
    }
    sets[j] = o;
  }
  return sets;
}

/** The STORE forms' ending when the result is empty: delete the destination if it exists. */
function storeEmpty(c: Ctx, dstkey: string): void {
  c.reply.integer(0);
  const db = c.db;
  if (db.delete(dstkey)) {
    c.dirty();
    c.modified(db, dstkey);
    c.notify(NOTIFY_GENERIC, 'del', dstkey, db.id);
  }
}

/** The STORE forms' ending with a non-empty result. */
function storeResult(c: Ctx, dstkey: string, dst: RObject, event: string): void {
  setKey(c, dstkey, dst, false);
  c.reply.integer(setSize(dst));
  c.notify(NOTIFY_SET, event, dstkey, c.db.id);
  c.dirty();
}

/**
 * sinterGenericCommand. `dstkey` set: SINTERSTORE; `cardinalityOnly`: SINTERCARD with `limit`
 * (0 = none); otherwise the members are the reply (SINTER, SMEMBERS).
 */
export function sinterGeneric(
  c: Ctx,
  keys: readonly string[],
  dstkey: string | null,
  cardinalityOnly: boolean,
  limit: number,
): void {
  const found = lookupSets(c, keys);
  if (found === null) return;
  if (found.includes(null)) {
    if (dstkey !== null) storeEmpty(c, dstkey);
    else if (cardinalityOnly) c.reply.integer(0);
    else c.reply.set(0);
    return;
  }
  // Smallest first (a stable sort, as glibc's qsort is for this input).
  const sets = (found as RObject[]).slice().sort((a, b) => setSize(a) - setSize(b));
  const first = sets[0] as RObject;
  const others = sets.slice(1).filter((s) => s !== first);
  const dst = dstkey !== null ? createIntsetObject() : null;
  const maxEntries = dst !== null ? maxIntsetEntries(c) : 0;
  const out: string[] = [];
  let cardinality = 0;

  if (first.enc === ENC_INTSET) {
    const is = first.ptr as IntSet;
    outer: for (let i = 0; i < is.size; i++) {
      const v = is.get(i);
      let text: string | null = null;
      for (const s of others) {
        if (s.enc === ENC_INTSET) {
          if (!(s.ptr as IntSet).has(v)) continue outer;
        } else {
          text ??= String(v);
          if (!setIsMember(s, text)) continue outer;
        }
      }
      cardinality++;
      if (cardinalityOnly) {
        if (limit !== 0 && cardinality >= limit) break;
      } else if (dst !== null) {
        setAdd(dst, text ?? String(v), maxEntries);
      } else {
        out.push(text ?? String(v));
      }
    }
  } else {
    setIterateWhile(first, (m) => {
      for (const s of others) if (!setIsMember(s, m)) return true;
      cardinality++;
      if (cardinalityOnly) {
        if (limit !== 0 && cardinality >= limit) return false;
      } else if (dst !== null) {
        setAdd(dst, m, maxEntries);
      } else {
        out.push(m);
      }
      return true;
    });
  }

  if (cardinalityOnly) {
    c.reply.integer(cardinality);
  } else if (dst !== null && dstkey !== null) {
    if (setSize(dst) > 0) storeResult(c, dstkey, dst, 'sinterstore');
    else storeEmpty(c, dstkey);
  } else {
    const r = c.reply;
    r.set(out.length);
    for (const m of out) r.bulk(m);
  }
}

export const SET_OP_UNION = 0;
export const SET_OP_DIFF = 1;

/**
 * sunionDiffGenericCommand: the result is built as a new set (starting as an intset); with a
 * destination it is stored, otherwise its members are the reply.
 */
export function sunionDiffGeneric(c: Ctx, keys: readonly string[], dstkey: string | null, op: number): void {
  const sets = lookupSets(c, keys);
  if (sets === null) return;
  const setnum = sets.length;
  const first = sets[0] ?? null;
  let sameset = false;
  for (let j = 1; j < setnum; j++) if (sets[j] !== null && sets[j] === first) sameset = true;

  // SDIFF picks the algorithm with the smaller estimated work (algorithm 1 gets a 2x bonus).
  let diffAlgo = 1;
  if (op === SET_OP_DIFF && first !== null && !sameset) {
    let one = 0;
    let two = 0;
    for (const s of sets) {
      if (s === null) continue;
      one += setSize(first);
      two += setSize(s);
    }
    one = Math.floor(one / 2);
    diffAlgo = one <= two ? 1 : 2;
    if (diffAlgo === 1 && setnum > 1) {
      // The sets to subtract, largest first (the order does not change the result).
      const rest = sets.slice(1).sort((a, b) => (b === null ? 0 : setSize(b)) - (a === null ? 0 : setSize(a)));
      for (let j = 1; j < setnum; j++) sets[j] = rest[j - 1] ?? null;
    }
  }

  const dst = createIntsetObject();
  const maxEntries = maxIntsetEntries(c);
  if (op === SET_OP_UNION) {
    for (const s of sets) {
      if (s === null) continue;
      setIterate(s, (m) => {
        setAdd(dst, m, maxEntries);
      });
    }
  } else if (sameset || first === null) {
    // Subtracting a set from itself, or nothing to subtract from: empty.
  } else if (diffAlgo === 1) {
    setIterate(first, (m) => {
      for (let j = 1; j < setnum; j++) {
        const s = sets[j] ?? null;
        if (s === null) continue;
        if (s === first || setIsMember(s, m)) return;
      }
      setAdd(dst, m, maxEntries);
    });
  } else {
    for (let j = 0; j < setnum; j++) {
      const s = sets[j] ?? null;
      if (s === null) continue;
      setIterate(s, (m) => {
        if (j === 0) setAdd(dst, m, maxEntries);
        else setRemove(dst, m);
      });
      if (setSize(dst) === 0) break;
    }
  }

  if (dstkey === null) {
    const r = c.reply;
    r.set(setSize(dst));
    setIterate(dst, (m) => r.bulk(m));
  } else if (setSize(dst) > 0) {
    storeResult(c, dstkey, dst, op === SET_OP_UNION ? 'sunionstore' : 'sdiffstore');
  } else {
    storeEmpty(c, dstkey);
  }
}
