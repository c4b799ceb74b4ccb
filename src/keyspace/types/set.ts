/*
 * Set objects and Redis 7.0's two set encodings.
 *
 * - `intset` (payload: ds/intset.ts IntSet): every member is the canonical text of a signed
 *   64-bit integer (string2ll's strict grammar: no '+', no leading zeros, no spaces, no "-0"),
 *   kept sorted in a flat typed array. Iteration is in ascending numeric order.
 * - `hashtable`: members are latin1 strings. Up to SMALL_HASHTABLE_MAX (16) members the payload is
 *   a plain dense array of the members; beyond, a ds/dict.ts Dict<null>. Both report
 *   `hashtable`: the array is only a cheaper body for small sets (an empty Dict alone costs
 *   about 800 bytes of JS heap, a 5-member one 1.3 KB, against 350 bytes for the array form),
 *   with the same observable behaviour: the array is kept exactly like the Dict's slot array
 *   (delete swaps the last member into the hole, iteration and SSCAN walk from the top slot
 *   down with the Dict's cursor rule), and the switch to a Dict inserts the members in slot
 *   order, so slots, iteration order and SSCAN cursors carry over unchanged. Lookups in the
 *   array are linear (at most 16 string compares, about 100 ns).
 *
 * Conversions follow t_set.c's setTypeAdd: an intset becomes a hashtable, never the other way,
 * (1) when a member that is not an integer is added, and (2) when an integer add makes it hold
 * more than `set-max-intset-entries` members (clamped to 2^30). The limit is read by the caller
 * from the config at the time of each add and passed in, so CONFIG SET affects the next add.
 * A new set starts as an intset when its first member is an integer (setTypeCreate); the
 * results of SINTERSTORE/SUNIONSTORE/SDIFFSTORE start as empty intsets. Redis 7.0 has no
 * listpack encoding for sets (that arrived in 7.2).
 *
 * Removal never converts back. Costs: intset add/remove O(n) (n <= the limit), lookup
 * O(log n); hashtable add/remove/lookup O(1), random member O(1) uniform in both.
 *
 * This module is the only code that looks inside a set's payload; other types (ZUNIONSTORE
 * with set inputs, SORT, RDB, COPY) use setIterate/setMembers/setSize and friends.
 */

import { Dict } from '../../ds/dict.js';
import { IntSet, type IntValue } from '../../ds/intset.js';
import { parseInt64 } from '../../util/numbers.js';
import { ENC_HT, ENC_INTSET, OBJ_SET, RObject } from '../object.js';

export type SetDict = Dict<null>;
/** The body of a `hashtable` set: a dense member array while small, then a Dict. */
export type SetHashtable = string[] | SetDict;

/** Members a hashtable set keeps in its small array form before switching to a Dict. */
export const SMALL_HASHTABLE_MAX = 16;

/** Redis caps intsets at 2^30 members whatever set-max-intset-entries says. */
const INTSET_HARD_LIMIT = 1 << 30;

/**
 * isSdsRepresentableAsLongLong: the member as an integer when it is the canonical text of a
 * signed 64-bit value (a number when |v| <= 2^53-1, a bigint beyond), else null.
 */
export function memberAsInt(member: string): IntValue | null {
  const n = member.length;
  if (n === 0 || n > 20) return null;
  const c = member.charCodeAt(0);
  if (c !== 45 && (c < 48 || c > 57)) return null;
  return parseInt64(member);
}

/** An empty set with the hashtable encoding (createSetObject). */
export function createSetObject(): RObject {
  return new RObject(OBJ_SET, ENC_HT, [] as string[]);
}

/** An empty set with the intset encoding (createIntsetObject). */
export function createIntsetObject(): RObject {
  return new RObject(OBJ_SET, ENC_INTSET, new IntSet());
}

/** setTypeCreate: an empty set able to hold `first` in the most compact encoding. */
export function setTypeCreate(first: string): RObject {
  return memberAsInt(first) !== null ? createIntsetObject() : createSetObject();
}

/** The hashtable payload (enc must be ENC_HT): a small member array or a Dict. */
export function setHashtable(o: RObject): SetHashtable {
  return o.ptr as SetHashtable;
}

/** A Dict with the array's members at the same slots. */
function arrayToDict(a: readonly string[]): SetDict {
  const d = new Dict<null>();
  for (let i = 0; i < a.length; i++) d.set(a[i] as string, null);
  return d;
}

/** Add to a hashtable body; returns the (possibly new) body and whether the member was new. */
function htAdd(o: RObject, member: string): boolean {
  const p = o.ptr as SetHashtable;
  if (!Array.isArray(p)) return p.set(member, null);
  if (p.indexOf(member) !== -1) return false;
  if (p.length < SMALL_HASHTABLE_MAX) {
    p.push(member);
    return true;
  }
  const d = arrayToDict(p);
  d.set(member, null);
  o.ptr = d;
  return true;
}

/** Remove slot i of a small array body the way the Dict does: the last member fills the hole. */
function arrayRemoveAt(a: string[], i: number): void {
  const last = a.pop() as string;
  if (i < a.length) a[i] = last;
}

/** The intset payload (enc must be ENC_INTSET). */
export function setIntset(o: RObject): IntSet {
  return o.ptr as IntSet;
}

export function setSize(o: RObject): number {
  if (o.enc === ENC_INTSET) return (o.ptr as IntSet).size;
  const p = o.ptr as SetHashtable;
  return Array.isArray(p) ? p.length : p.size;
}

/** setTypeConvert(o, OBJ_ENCODING_HT): move an intset's members into a new hashtable. */
export function setConvertToHashtable(o: RObject): void {
  if (o.enc !== ENC_INTSET) return;
  const members = (o.ptr as IntSet).toStrings();
  o.ptr = members.length <= SMALL_HASHTABLE_MAX ? members : arrayToDict(members);
  o.enc = ENC_HT;
}

/**
 * setTypeAdd: add `member`; true if it was new. `maxIntsetEntries` is the current
 * set-max-intset-entries.
 */
export function setAdd(o: RObject, member: string, maxIntsetEntries: number): boolean {
  if (o.enc === ENC_HT) return htAdd(o, member);
  const v = memberAsInt(member);
  if (v !== null) {
    const is = o.ptr as IntSet;
    if (!is.add(v)) return false;
    const limit = maxIntsetEntries >= INTSET_HARD_LIMIT ? INTSET_HARD_LIMIT : maxIntsetEntries;
    if (is.size > limit) setConvertToHashtable(o);
    return true;
  }
  setConvertToHashtable(o);
  htAdd(o, member);
  return true;
}

/** setTypeRemove: remove `member`; true if it was present. */
export function setRemove(o: RObject, member: string): boolean {
  if (o.enc === ENC_HT) {
    const p = o.ptr as SetHashtable;
    if (!Array.isArray(p)) return p.delete(member);
    const i = p.indexOf(member);
    if (i === -1) return false;
    arrayRemoveAt(p, i);
    return true;
  }
  const v = memberAsInt(member);
  return v !== null && (o.ptr as IntSet).remove(v);
}

/** setTypeIsMember. */
export function setIsMember(o: RObject, member: string): boolean {
  if (o.enc === ENC_HT) {
    const p = o.ptr as SetHashtable;
    return Array.isArray(p) ? p.indexOf(member) !== -1 : p.has(member);
  }
  const v = memberAsInt(member);
  return v !== null && (o.ptr as IntSet).has(v);
}

/** A uniformly chosen member (the set must not be empty). */
export function setRandomMember(o: RObject): string {
  if (o.enc === ENC_INTSET) {
    const is = o.ptr as IntSet;
    return is.getString(is.randomIndex());
  }
  const p = o.ptr as SetHashtable;
  if (Array.isArray(p)) return p[Math.floor(Math.random() * p.length)] as string;
  return p.randomKey() as string;
}

/** Remove and return a uniformly chosen member (the set must not be empty). */
export function setPopRandom(o: RObject): string {
  if (o.enc === ENC_INTSET) {
    const is = o.ptr as IntSet;
    const i = is.randomIndex();
    const m = is.getString(i);
    is.removeAt(i);
    return m;
  }
  const p = o.ptr as SetHashtable;
  if (Array.isArray(p)) {
    const i = Math.floor(Math.random() * p.length);
    const m = p[i] as string;
    arrayRemoveAt(p, i);
    return m;
  }
  const m = p.keyAt(p.randomSlot());
  p.delete(m);
  return m;
}

/**
 * Visit every member once (intset: ascending; hashtable: from the top slot down). The callback
 * must not modify the set.
 */
export function setIterate(o: RObject, fn: (member: string) => void): void {
  setIterateWhile(o, (m) => {
    fn(m);
    return true;
  });
}

/** setIterate that stops as soon as the callback returns false. */
export function setIterateWhile(o: RObject, fn: (member: string) => boolean): void {
  if (o.enc === ENC_INTSET) {
    const is = o.ptr as IntSet;
    for (let i = 0; i < is.size; i++) if (!fn(is.getString(i))) return;
    return;
  }
  const p = o.ptr as SetHashtable;
  if (Array.isArray(p)) {
    for (let s = p.length - 1; s >= 0; s--) if (!fn(p[s] as string)) return;
    return;
  }
  for (let s = p.size - 1; s >= 0; s--) if (!fn(p.keyAt(s))) return;
}

/** Every member, in iteration order. */
export function setMembers(o: RObject): string[] {
  if (o.enc === ENC_INTSET) return (o.ptr as IntSet).toStrings();
  const p = o.ptr as SetHashtable;
  if (Array.isArray(p)) return p.slice().reverse();
  const n = p.size;
  const out = new Array<string>(n);
  for (let s = n - 1, i = 0; s >= 0; s--, i++) out[i] = p.keyAt(s);
  return out;
}

/**
 * One step of SSCAN: a hashtable visits about `count` members from `cursor` and returns the
 * next cursor (0 = done); an intset visits everything and returns 0 (scanGenericCommand).
 */
export function setScan(o: RObject, cursor: number, count: number, visit: (member: string) => void): number {
  if (o.enc === ENC_INTSET) {
    (o.ptr as IntSet).forEachString(visit);
    return 0;
  }
  const p = o.ptr as SetHashtable;
  if (!Array.isArray(p)) return p.scan(cursor, count, (k) => visit(k));
  // The Dict's cursor rule on the array: the cursor counts the slots not yet visited.
  let pos = cursor > 0 && cursor < p.length ? Math.floor(cursor) : p.length;
  for (let budget = Math.max(1, count); pos > 0 && budget > 0; budget--) visit(p[--pos] as string);
  return pos;
}

/** setTypeDup (COPY): an independent set with the same encoding. */
export function duplicateSet(o: RObject): RObject {
  if (o.enc === ENC_INTSET) return new RObject(OBJ_SET, ENC_INTSET, (o.ptr as IntSet).clone());
  const p = o.ptr as SetHashtable;
  if (Array.isArray(p)) return new RObject(OBJ_SET, ENC_HT, p.slice());
  const d = new Dict<null>();
  for (let s = 0; s < p.size; s++) d.set(p.keyAt(s), null);
  return new RObject(OBJ_SET, ENC_HT, d);
}

/**
 * A set object from members (RDB loading, tests): intset while every member is an integer and
 * the count stays within `maxIntsetEntries`, else hashtable, exactly as repeated SADDs would.
 */
export function createSetFrom(members: Iterable<string>, maxIntsetEntries: number): RObject {
  let o: RObject | null = null;
  for (const m of members) {
    if (o === null) o = setTypeCreate(m);
    setAdd(o, m, maxIntsetEntries);
  }
  return o ?? createIntsetObject();
}

/** Wrap an intset (RDB intset payload) as a set object. */
export function createSetFromIntset(is: IntSet): RObject {
  return new RObject(OBJ_SET, ENC_INTSET, is);
}
