/*
 * SORT and SORT_RO (sort.c): sort the elements of a list, set or sorted set, numerically or
 * lexicographically (ALPHA), by the elements themselves or by values looked up through a BY
 * pattern (string keys `weight_*`, hash fields `obj_*->field`), with LIMIT, ASC/DESC, any number
 * of GET patterns (`#` is the element itself) and, for SORT, STORE into a list.
 *
 * Rules reproduced from Redis 7.0:
 * - options are parsed first (errors win over WRONGTYPE); LIMIT takes two integers, BY/GET one
 *   pattern each; STORE is not an option of SORT_RO (syntax error);
 * - a BY pattern without '*' (e.g. `nosort`) means "do not sort": lists and sorted sets are
 *   returned in their own order (reversed by DESC, LIMIT applied directly); a set is then
 *   sorted ALPHA anyway when storing or when called from a script, to stay deterministic;
 * - a sorted set is converted to the skiplist encoding first (Redis does this destructively);
 * - numeric sorting parses each weight like C's strtod: leading white space is skipped, the
 *   empty string is 0, anything else that is not entirely a finite number in double range
 *   (overflow, underflow, subnormal results and NaN included) makes the reply "ERR One or more scores can't be converted into double" (nothing is stored);
 *   equal scores are ordered by the binary comparison of the elements;
 * - ALPHA compares bytes; with a BY pattern a missing weight sorts first. (Redis uses strcoll
 *   when not storing; under the C / C.UTF-8 locales that is this same byte order, up to the
 *   first NUL byte, which is where C strings end.)
 * - GET of a missing key or field replies null, or stores an empty string with STORE;
 * - STORE writes a list (even when empty, then the destination is deleted) and fires
 *   `sortstore`, counting one dirty change per stored element.
 * Patterns are C strings to Redis where it scans them (the '*', "->" and "#" checks stop at a
 * NUL byte); the parts copied into key names are used whole, as Redis copies them.
 */

import type { Ctx } from './context.js';
import { CALL_FROM_SCRIPT } from './context.js';
import type { CommandSpec, KeyRef, KeySpec, KeySpecFlag } from './spec.js';
import { lookupRead } from './lookup.js';
import { optionToken, setKey } from './strings-ranges.js';
import * as E from '../protocol/errors.js';
import type { Db } from '../keyspace/db.js';
import { ENC_SKIPLIST, OBJ_HASH, OBJ_LIST, OBJ_SET, OBJ_STRING, OBJ_ZSET } from '../keyspace/object.js';
import { NOTIFY_GENERIC, NOTIFY_LIST } from '../keyspace/notify.js';
import { stringValue } from '../keyspace/types/string.js';
import { hashGet } from '../keyspace/types/hash.js';
import { createListFromValues, listLength, listQuicklist } from '../keyspace/types/list.js';
import { setMembers, setSize } from '../keyspace/types/set.js';
import { zsetConvert, zsetForEach, zsetLength, zsetRangeByRank } from '../keyspace/types/zset.js';
import { parseInt64, string2d } from '../util/numbers.js';

/** The part of a string C code sees: up to the first NUL byte. */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}

/**
 * lookupKeyByPattern: the value a GET/BY pattern designates for element `subst`, or null.
 * "#" is the element itself; otherwise the first '*' is replaced by the element and the key
 * read (a string), or, with "->field" after the '*', the field of the hash at that key.
 */
function lookupByPattern(c: Ctx, db: Db, pattern: string, subst: string): string | null {
  if (pattern.charCodeAt(0) === 35 /* # */ && (pattern.length === 1 || pattern.charCodeAt(1) === 0)) return subst;
  const spat = cString(pattern);
  const star = spat.indexOf('*');
  if (star === -1) return null;
  const arrow = spat.indexOf('->', star + 1);
  let field: string | null = null;
  if (arrow !== -1 && arrow + 2 < spat.length) field = pattern.slice(arrow + 2);
  const keyEnd = field !== null ? arrow : pattern.length;
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, keyEnd);
  const o = lookupRead(c, db, key);
  if (o === null) return null;
  if (field !== null) {
    if (o.type !== OBJ_HASH) return null;
    return hashGet(o, field) ?? null;
  }
  return o.type === OBJ_STRING ? stringValue(o) : null;
}

/**
 * The weight of a value for numeric sorting, as `strtod(s, &end)` with `*end == '\0'` and no
 * range error or NaN; null when Redis would report the conversion error.
 */
export function sortWeight(value: string): number | null {
  const s = cString(value);
  if (s.length === 0) return 0; // nothing converted, and the end pointer is at the terminator
  let i = 0;
  for (; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch !== 32 && (ch < 9 || ch > 13)) break;
  }
  if (i === s.length) return null; // white space only: the end pointer stays on it
  const t = i === 0 ? s : s.slice(i);
  const v = string2d(t);
  // glibc's strtod also reports ERANGE for an inexact result in the subnormal range.
  if (v !== null && v !== 0 && Math.abs(v) < 2.2250738585072014e-308 && !exactHexSubnormal(t)) return null;
  return v;
}

/** True when a hexadecimal float literal is exactly a multiple of 2^-1074 (no rounding). */
function exactHexSubnormal(t: string): boolean {
  const m = /^[+-]?0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(t);
  if (m === null) return false;
  const frac = m[2] ?? '';
  let mant = BigInt('0x0' + (m[1] ?? '') + frac);
  if (mant === 0n) return true;
  let exp = Number(m[3] ?? '0') - 4 * frac.length;
  while ((mant & 1n) === 0n) {
    mant >>= 1n;
    exp++;
  }
  return exp >= -1074;
}

/** Byte order of two latin1 strings (memcmp, then length). */
function binaryCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll under the C locale: byte order of the C strings. */
function collate(a: string, b: string): number {
  return binaryCompare(cString(a), cString(b));
}

interface SortItem {
  obj: string;
  score: number;
  cmp: string | null;
}

/** SORT's key positions (sortGetKeys): the sorted key, then the last STORE destination. */
function sortKeys(argv: readonly string[]): KeyRef[] {
  const keys: KeyRef[] = [{ pos: 1, flags: ['RO', 'access'] }];
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = optionToken(argv[i] as string);
    if (a === 'limit') i += 2;
    else if (a === 'get' || a === 'by') i += 1;
    else if (a === 'store' && i + 1 < argv.length) store = i + 1;
  }
  if (store !== -1) keys.push({ pos: store, flags: ['OW', 'update'] });
  return keys;
}

function sortGeneric(c: Ctx, argv: string[], readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const gets: string[] = [];
  const cluster = c.server.configString('cluster-enabled') === 'yes';
  // BY patterns and GET read keys the key specs cannot name: they need read access to every key.
  let full: boolean | null = null;
  const fullKeyAccess = (): boolean => (full ??= c.server.acl.fullKeyReadAccess(c.client, argv));

  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = optionToken(argv[j] as string);
    if (opt === 'asc') {
      desc = false;
    } else if (opt === 'desc') {
      desc = true;
    } else if (opt === 'alpha') {
      alpha = true;
    } else if (opt === 'limit' && left >= 2) {
      const a = parseInt64(argv[j + 1] as string);
      const b = a === null ? null : parseInt64(argv[j + 2] as string);
      if (a === null || b === null) {
        c.reply.error(E.NOT_INTEGER);
        return;
      }
      limitStart = Number(a);
      limitCount = Number(b);
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) {
      storekey = argv[++j] as string;
    } else if (opt === 'by' && left >= 1) {
      sortby = argv[j + 1] as string;
      if (cString(sortby).indexOf('*') === -1) {
        dontsort = true;
      } else if (cluster) {
        c.reply.error('ERR BY option of SORT denied in Cluster mode.');
        return;
      } else if (!fullKeyAccess()) {
        c.reply.error('ERR BY option of SORT denied due to insufficient ACL permissions.');
        return;
      }
      j++;
    } else if (opt === 'get' && left >= 1) {
      if (cluster) {
        c.reply.error('ERR GET option of SORT denied in Cluster mode.');
        return;
      }
      if (!fullKeyAccess()) {
        c.reply.error('ERR GET option of SORT denied due to insufficient ACL permissions.');
        return;
      }
      gets.push(argv[++j] as string);
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }

  const db = c.db;
  const sortval = lookupRead(c, db, argv[1] as string);
  if (sortval !== null && sortval.type !== OBJ_SET && sortval.type !== OBJ_LIST && sortval.type !== OBJ_ZSET) {
    c.reply.error(E.WRONGTYPE);
    return;
  }
  const type = sortval === null ? OBJ_LIST : sortval.type;

  // Sets have no order of their own: sort them when the result must be deterministic.
  if (dontsort && type === OBJ_SET && (storekey !== null || (c.callFlags & CALL_FROM_SCRIPT) !== 0)) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  if (sortval !== null && type === OBJ_ZSET) zsetConvert(sortval, ENC_SKIPLIST);

  let vectorlen =
    sortval === null ? 0 : type === OBJ_LIST ? listLength(sortval) : type === OBJ_SET ? setSize(sortval) : zsetLength(sortval);

  let start = Math.min(Math.max(limitStart, 0), vectorlen);
  const count = Math.min(Math.max(limitCount, -1), vectorlen);
  let end = count < 0 ? vectorlen - 1 : start + count - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;

  if ((type === OBJ_ZSET || type === OBJ_LIST) && dontsort && (start !== 0 || end !== vectorlen - 1)) {
    vectorlen = end - start + 1;
  }

  const vector: SortItem[] = [];
  const push = (obj: string): void => {
    vector.push({ obj, score: 0, cmp: null });
  };
  if (sortval === null) {
    // A missing key sorts like an empty list.
  } else if (type === OBJ_LIST && dontsort) {
    if (end >= start) {
      const q = listQuicklist(sortval);
      const it = q.iterator(desc ? listLength(sortval) - start - 1 : start, !desc);
      for (let v = it.next(); v !== null && vector.length < vectorlen; v = it.next()) push(v);
      end -= start;
      start = 0;
    }
  } else if (type === OBJ_LIST) {
    for (const v of listQuicklist(sortval).toArray()) push(v);
  } else if (type === OBJ_SET) {
    for (const m of setMembers(sortval)) push(m);
  } else if (dontsort) {
    if (vectorlen > 0) zsetRangeByRank(sortval, start, start + vectorlen - 1, desc, (m) => push(m), true);
    end -= start;
    start = 0;
  } else {
    zsetForEach(sortval, (m) => push(m), true);
  }

  let conversionError = false;
  if (!dontsort) {
    for (const item of vector) {
      let byval: string | null;
      if (sortby !== null) {
        byval = lookupByPattern(c, db, sortby, item.obj);
        if (byval === null) continue;
      } else {
        byval = item.obj;
      }
      if (alpha) {
        if (sortby !== null) item.cmp = byval;
      } else {
        const w = sortWeight(byval);
        if (w === null) conversionError = true;
        else item.score = w;
      }
    }
    const store = storekey !== null;
    const bypattern = sortby !== null;
    const sign = desc ? -1 : 1;
    let compare: (a: SortItem, b: SortItem) => number;
    if (!alpha) {
      compare = (a, b) => sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : binaryCompare(a.obj, b.obj));
    } else if (bypattern) {
      compare = (a, b) => {
        if (a.cmp === null || b.cmp === null) return sign * (a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1);
        return sign * (store ? binaryCompare(a.cmp, b.cmp) : collate(a.cmp, b.cmp));
      };
    } else {
      compare = (a, b) => sign * (store ? binaryCompare(a.obj, b.obj) : collate(a.obj, b.obj));
    }
    vector.sort(compare);
  }

  const outputlen = gets.length > 0 ? gets.length * (end - start + 1) : end - start + 1;
  if (conversionError) {
    c.reply.error("ERR One or more scores can't be converted into double");
    return;
  }
  if (storekey === null) {
    const r = c.reply;
    r.array(outputlen);
    for (let j = start; j <= end; j++) {
      const obj = (vector[j] as SortItem).obj;
      if (gets.length === 0) r.bulk(obj);
      for (const g of gets) {
        const v = lookupByPattern(c, db, g, obj);
        if (v === null) r.nullBulk();
        else r.bulk(v);
      }
    }
    return;
  }

  const values: string[] = [];
  for (let j = start; j <= end; j++) {
    const obj = (vector[j] as SortItem).obj;
    if (gets.length === 0) values.push(obj);
    for (const g of gets) values.push(lookupByPattern(c, db, g, obj) ?? '');
  }
  if (outputlen > 0) {
    const list = createListFromValues(
      values,
      c.server.configNumber('list-max-listpack-size'),
      c.server.configNumber('list-compress-depth'),
    );
    setKey(c, storekey, list, false);
    c.signalKeyAsReady(db, storekey);
    c.notify(NOTIFY_LIST, 'sortstore', storekey, db.id);
    c.dirty(outputlen);
  } else if (db.delete(storekey)) {
    c.modified(db, storekey);
    c.notify(NOTIFY_GENERIC, 'del', storekey, db.id);
    c.dirty();
  }
  c.reply.integer(outputlen);
}

/* ---- metadata (src/commands/sort.json, sort_ro.json of Redis 7.0.15) ---------------------- */

/** Key specs Redis marks "unknown": the spec type cannot say where these keys are. */
function unknownSpec(flags: readonly KeySpecFlag[], notes: string): KeySpec {
  return { flags, notes, begin: { unknown: true }, find: { unknown: true } };
}

const SORT_KEY_SPEC: KeySpec = { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } };
const BY_GET_SPEC = unknownSpec(
  ['RO', 'access'],
  "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
);
const STORE_SPEC = unknownSpec(
  ['OW', 'update'],
  "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
);

const SORT_ARGS = [
  { name: 'key', type: 'key', key_spec_index: 0 },
  { name: 'pattern', type: 'pattern', token: 'BY', key_spec_index: 1, optional: true },
  {
    name: 'offset_count',
    type: 'block',
    token: 'LIMIT',
    optional: true,
    arguments: [
      { name: 'offset', type: 'integer' },
      { name: 'count', type: 'integer' },
    ],
  },
  { name: 'pattern', type: 'pattern', token: 'GET', key_spec_index: 1, optional: true, multiple: true, multiple_token: true },
  {
    name: 'order',
    type: 'oneof',
    optional: true,
    arguments: [
      { name: 'asc', type: 'pure-token', token: 'ASC' },
      { name: 'desc', type: 'pure-token', token: 'DESC' },
    ],
  },
  { name: 'sorting', type: 'pure-token', token: 'ALPHA', optional: true },
] as const;

const specs: CommandSpec[] = [
  {
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    keySpecs: [SORT_KEY_SPEC, BY_GET_SPEC, STORE_SPEC],
    getKeys: sortKeys,
    group: 'generic',
    since: '1.0.0',
    summary: 'Sort the elements in a list, set or sorted set',
    complexity:
      'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
    args: [...SORT_ARGS, { name: 'destination', type: 'key', token: 'STORE', key_spec_index: 2, optional: true }],
    handler: (c, argv) => sortGeneric(c, argv, false),
  },
  {
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly'],
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    keySpecs: [SORT_KEY_SPEC, BY_GET_SPEC],
    getKeys: (argv) => (argv.length > 1 ? [{ pos: 1, flags: ['RO', 'access'] }] : []),
    group: 'generic',
    since: '7.0.0',
    summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
    complexity:
      'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
    args: SORT_ARGS,
    handler: (c, argv) => sortGeneric(c, argv, true),
  },
];

export const commands: CommandSpec[] = specs;
