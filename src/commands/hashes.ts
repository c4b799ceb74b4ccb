/*
 * The hash family (Redis 7.0.15's t_hash.c): HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN
 * HEXISTS HKEYS HVALS HGETALL HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN.
 *
 * Encodings and conversions live in keyspace/types/hash.ts; this file reads the thresholds from
 * the config at the time of each write (so CONFIG SET applies to the next write), and records
 * the effects Redis records: signalModifiedKey, the keyspace events (hset, hdel, del when a hash
 * is emptied, hincrby, hincrbyfloat), dirty counts, and HINCRBYFLOAT's propagation as
 * HSET key field <result> so replicas and the AOF never redo float arithmetic.
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import { is } from './args.js';
import { dbAdd, lookupRead } from './lookup.js';
import { cursorArg, parseScanOptions } from './scan.js';
import * as E from '../protocol/errors.js';
import { NOTIFY_GENERIC, NOTIFY_HASH } from '../keyspace/notify.js';
import { ENC_LISTPACK, OBJ_HASH, type RObject } from '../keyspace/object.js';
import {
  createHashObject,
  hashDelete,
  hashExists,
  hashForEach,
  hashGet,
  hashLength,
  hashSampler,
  hashSet,
  hashStrlen,
  hashTryConversion,
  type HashDict,
  type HashLimits,
} from '../keyspace/types/hash.js';
import { parseInt64 } from '../util/numbers.js';
import { incrByFloatHuman, parseLongDouble, LD_ZERO } from '../util/long-double.js';
import { stringMatch } from '../util/glob.js';
import { lpFirst, lpGet, lpNext, type Listpack } from '../ds/listpack.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const LONG_MAX = 9223372036854775807n;
/** Stop generating a runaway HRANDFIELD reply (Redis stops when the client is closed). */
const HRANDFIELD_REPLY_CAP = 256 * 1024 * 1024;

/* ---- helpers --------------------------------------------------------------------------------- */

/** Limits that never convert: a hashtable hash needs none (conversion is one-way). */
const NO_LIMITS: HashLimits = { maxEntries: Infinity, maxValue: Infinity };

/** The listpack thresholds (only needed for a listpack hash; a hashtable never converts back). */
function limits(c: Ctx, o: RObject): HashLimits {
  if (o.enc !== ENC_LISTPACK) return NO_LIMITS;
  return c.server.hashLimits;
}

/** checkType for hashes: replies WRONGTYPE and returns true when `o` is not a hash. */
function notHash(c: Ctx, o: RObject): boolean {
  if (o.type === OBJ_HASH) return false;
  c.reply.error(E.WRONGTYPE);
  return true;
}

/** hashTypeLookupWriteOrCreate: the hash at key, created empty when missing; null on WRONGTYPE. */
function lookupWriteOrCreate(c: Ctx, key: string): RObject | null {
  const db = c.db;
  const o = db.lookupWrite(key);
  if (o !== null) return notHash(c, o) ? null : o;
  const created = createHashObject();
  dbAdd(c, db, key, created);
  return created;
}

/** lookupKeyReadOrReply + checkType: the hash or null (after replying `onMissing` or WRONGTYPE). */
function readHash(c: Ctx, key: string, onMissing: () => void): RObject | null {
  const o = lookupRead(c, c.db, key);
  if (o === null) {
    onMissing();
    return null;
  }
  return notHash(c, o) ? null : o;
}

/* ---- writes -------------------------------------------------------------------------------- */

/** HSET and HMSET (same code; the reply differs). */
function hsetCommand(c: Ctx, argv: string[]): void {
  if (argv.length % 2 === 1) {
    c.reply.error(E.wrongArity(c.spec.name));
    return;
  }
  const key = argv[1] as string;
  const o = lookupWriteOrCreate(c, key);
  if (o === null) return;
  const lim = limits(c, o);
  hashTryConversion(o, argv, 2, argv.length - 1, lim.maxValue);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    if (!hashSet(o, argv[i] as string, argv[i + 1] as string, lim)) created++;
  }
  // HSET replies with the number of new fields, HMSET (deprecated) with OK.
  if (((argv[0] as string).charCodeAt(1) | 0x20) === 115 /* s */) c.reply.integer(created);
  else c.reply.ok();
  const db = c.db;
  c.modified(db, key);
  c.notify(NOTIFY_HASH, 'hset', key, db.id);
  c.dirty((argv.length - 2) / 2);
}

function hsetnxCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const field = argv[2] as string;
  const o = lookupWriteOrCreate(c, key);
  if (o === null) return;
  if (hashExists(o, field)) {
    c.reply.integer(0);
    return;
  }
  const lim = limits(c, o);
  hashTryConversion(o, argv, 2, 3, lim.maxValue);
  hashSet(o, field, argv[3] as string, lim);
  c.reply.integer(1);
  const db = c.db;
  c.modified(db, key);
  c.notify(NOTIFY_HASH, 'hset', key, db.id);
  c.dirty();
}

function hdelCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const db = c.db;
  const o = db.lookupWrite(key);
  if (o === null) {
    c.reply.integer(0);
    return;
  }
  if (notHash(c, o)) return;
  let deleted = 0;
  let keyRemoved = false;
  for (let j = 2; j < argv.length; j++) {
    if (hashDelete(o, argv[j] as string)) {
      deleted++;
      if (hashLength(o) === 0) {
        db.delete(key);
        keyRemoved = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    c.modified(db, key);
    c.notify(NOTIFY_HASH, 'hdel', key, db.id);
    if (keyRemoved) c.notify(NOTIFY_GENERIC, 'del', key, db.id);
    c.dirty(deleted);
  }
  c.reply.integer(deleted);
}

function hincrbyCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const field = argv[2] as string;
  const incr = parseInt64(argv[3] as string);
  if (incr === null) {
    c.reply.error(E.NOT_INTEGER);
    return;
  }
  const o = lookupWriteOrCreate(c, key);
  if (o === null) return;
  let cur: number | bigint = 0;
  const old = hashGet(o, field);
  if (old !== undefined) {
    const v = parseInt64(old);
    if (v === null) {
      c.reply.error('ERR hash value is not an integer');
      return;
    }
    cur = v;
  }
  let result: number | bigint;
  if (typeof cur === 'number' && typeof incr === 'number' && Number.isSafeInteger(cur + incr)) {
    result = cur + incr;
  } else {
    const sum = BigInt(cur) + BigInt(incr);
    if (sum < INT64_MIN || sum > INT64_MAX) {
      c.reply.error('ERR increment or decrement would overflow');
      return;
    }
    result = sum;
  }
  const text = String(result);
  hashSet(o, field, text, limits(c, o));
  c.reply.integer(result);
  const db = c.db;
  c.modified(db, key);
  c.notify(NOTIFY_HASH, 'hincrby', key, db.id);
  c.dirty();
}

function hincrbyfloatCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const field = argv[2] as string;
  const incr = parseLongDouble(argv[3] as string);
  if (incr === null) {
    c.reply.error(E.NOT_FLOAT);
    return;
  }
  if (incr.inf) {
    c.reply.error('ERR value is NaN or Infinity');
    return;
  }
  const o = lookupWriteOrCreate(c, key);
  if (o === null) return;
  let cur = LD_ZERO;
  const old = hashGet(o, field);
  if (old !== undefined) {
    const v = parseLongDouble(old);
    if (v === null) {
      c.reply.error('ERR hash value is not a float');
      return;
    }
    cur = v;
  }
  const text = incrByFloatHuman(cur, incr);
  if (text === null) {
    c.reply.error('ERR increment would produce NaN or Infinity');
    return;
  }
  hashSet(o, field, text, limits(c, o));
  c.reply.bulk(text);
  const db = c.db;
  c.modified(db, key);
  c.notify(NOTIFY_HASH, 'hincrbyfloat', key, db.id);
  c.dirty();
  c.rewritePropagation(['HSET', key, field, text]);
}

/* ---- reads ----------------------------------------------------------------------------------- */

function hgetCommand(c: Ctx, argv: string[]): void {
  const o = readHash(c, argv[1] as string, () => c.reply.nullBulk());
  if (o === null) return;
  const v = hashGet(o, argv[2] as string);
  if (v === undefined) c.reply.nullBulk();
  else c.reply.bulk(v);
}

function hmgetCommand(c: Ctx, argv: string[]): void {
  const o = lookupRead(c, c.db, argv[1] as string);
  if (o !== null && notHash(c, o)) return;
  const r = c.reply;
  r.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const v = o === null ? undefined : hashGet(o, argv[i] as string);
    if (v === undefined) r.nullBulk();
    else r.bulk(v);
  }
}

function hlenCommand(c: Ctx, argv: string[]): void {
  const o = readHash(c, argv[1] as string, () => c.reply.integer(0));
  if (o !== null) c.reply.integer(hashLength(o));
}

function hstrlenCommand(c: Ctx, argv: string[]): void {
  const o = readHash(c, argv[1] as string, () => c.reply.integer(0));
  if (o !== null) c.reply.integer(hashStrlen(o, argv[2] as string));
}

function hexistsCommand(c: Ctx, argv: string[]): void {
  const o = readHash(c, argv[1] as string, () => c.reply.integer(0));
  if (o !== null) c.reply.integer(hashExists(o, argv[2] as string) ? 1 : 0);
}

const WANT_FIELDS = 1;
const WANT_VALUES = 2;

/** genericHgetallCommand: HKEYS, HVALS (flat arrays) and HGETALL (a map). */
function hgetallGeneric(c: Ctx, key: string, what: number): void {
  const both = what === (WANT_FIELDS | WANT_VALUES);
  const r = c.reply;
  const o = readHash(c, key, () => (both ? r.map(0) : r.array(0)));
  if (o === null) return;
  const n = hashLength(o);
  if (both) r.map(n);
  else r.array(n);
  if (o.enc === ENC_LISTPACK) {
    const lp = o.ptr as Listpack;
    for (let p = lpFirst(lp); p !== -1; ) {
      const v = lpNext(lp, p);
      if (what & WANT_FIELDS) r.bulk(lpGet(lp, p));
      if (what & WANT_VALUES) r.bulk(lpGet(lp, v));
      p = lpNext(lp, v);
    }
    return;
  }
  (o.ptr as HashDict).forEach((value, field) => {
    if (what & WANT_FIELDS) r.bulk(field);
    if (what & WANT_VALUES) r.bulk(value);
  });
}

function hkeysCommand(c: Ctx, argv: string[]): void {
  hgetallGeneric(c, argv[1] as string, WANT_FIELDS);
}

function hvalsCommand(c: Ctx, argv: string[]): void {
  hgetallGeneric(c, argv[1] as string, WANT_VALUES);
}

function hgetallCommand(c: Ctx, argv: string[]): void {
  hgetallGeneric(c, argv[1] as string, WANT_FIELDS | WANT_VALUES);
}

/* ---- HRANDFIELD ---------------------------------------------------------------------------- */

function hrandfieldCommand(c: Ctx, argv: string[]): void {
  const r = c.reply;
  if (argv.length >= 3) {
    const v = parseInt64(argv[2] as string);
    if (v === null) {
      r.error(E.NOT_INTEGER);
      return;
    }
    const big = BigInt(v);
    if (big < -LONG_MAX || big > LONG_MAX) {
      r.error(`ERR value is out of range, value must between -${LONG_MAX} and ${LONG_MAX}`);
      return;
    }
    if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'withvalues'))) {
      r.error(E.SYNTAX);
      return;
    }
    const withValues = argv.length === 4;
    if (withValues && (big < -LONG_MAX / 2n || big > LONG_MAX / 2n)) {
      r.error('ERR value is out of range');
      return;
    }
    hrandfieldWithCount(c, argv[1] as string, Number(v), withValues);
    return;
  }
  const o = readHash(c, argv[1] as string, () => r.nullBulk());
  if (o === null) return;
  const s = hashSampler(o);
  r.bulk(s.field(Math.floor(Math.random() * s.size)));
}

function hrandfieldWithCount(c: Ctx, key: string, l: number, withValues: boolean): void {
  const r = c.reply;
  const o = readHash(c, key, () => r.array(0));
  if (o === null) return;
  const resp3 = r.resp === 3;
  let count = l >= 0 ? l : -l;
  const uniq = l >= 0;
  if (count === 0) {
    r.array(0);
    return;
  }
  const s = hashSampler(o);
  const size = s.size;
  const emit = (i: number): void => {
    if (withValues && resp3) r.array(2);
    r.bulk(s.field(i));
    if (withValues) r.bulk(s.value(i));
  };

  // Repetitions allowed (negative count), or a single element: independent uniform draws.
  if (!uniq || count === 1) {
    r.array(withValues && !resp3 ? count * 2 : count);
    while (count-- > 0) {
      emit(Math.floor(Math.random() * size));
      if (r.pendingBytes > HRANDFIELD_REPLY_CAP) {
        c.client.closeAfterReply();
        break;
      }
    }
    return;
  }

  const n = count < size ? count : size;
  r.array(withValues && !resp3 ? n * 2 : n);
  // The whole hash.
  if (count >= size) {
    hashForEach(o, (f, v) => {
      if (withValues && resp3) r.array(2);
      r.bulk(f);
      if (withValues) r.bulk(v);
    });
    return;
  }
  // Close to the whole hash: a partial Fisher-Yates shuffle of all indexes.
  if (count * 3 > size) {
    const idx = new Uint32Array(size);
    for (let i = 0; i < size; i++) idx[i] = i;
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const t = idx[j] as number;
      idx[j] = idx[i] as number;
      idx[i] = t;
      emit(t);
    }
    return;
  }
  // Few out of many: draw until `count` distinct indexes were seen.
  const seen = new Set<number>();
  while (seen.size < count) {
    const i = Math.floor(Math.random() * size);
    if (seen.has(i)) continue;
    seen.add(i);
    emit(i);
  }
}

/* ---- HSCAN --------------------------------------------------------------------------------- */

function hscanCommand(c: Ctx, argv: string[]): void {
  const r = c.reply;
  const cursor = cursorArg(c, argv[2] as string);
  if (cursor === null) return;
  const o = readHash(c, argv[1] as string, () => {
    r.array(2);
    r.bulk('0');
    r.array(0);
  });
  if (o === null) return;
  const opts = parseScanOptions(c, argv, 3, false);
  if (opts === null) return;
  const { count, pattern } = opts;
  const out: string[] = [];
  let next = 0;
  const visit = (f: string, v: string): void => {
    if (pattern === null || stringMatch(pattern, f)) out.push(f, v);
  };
  if (o.enc === ENC_LISTPACK) {
    // A small encoding is returned whole in one call, with cursor 0, as Redis does.
    hashForEach(o, visit);
  } else {
    next = (o.ptr as HashDict).scan(cursor, count, visit);
  }
  r.array(2);
  r.bulk(String(next));
  r.bulkArray(out);
}

/* ---- metadata (src/commands/*.json of Redis 7.0.15) --------------------------------------- */

const KEY_ARG = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const FIELD_VALUE_ARGS = [
  KEY_ARG,
  { name: 'field_value', type: 'block', multiple: true, arguments: [
      { name: 'field', type: 'string' },
      { name: 'value', type: 'string' },
    ] },
] as const;

export const commands: CommandSpec[] = [
  {
    name: 'hdel',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['hash'],
    keySpecs: [keyRange(['RW', 'delete'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.0.0',
    summary: 'Delete one or more hash fields',
    complexity: 'O(N) where N is the number of fields to be removed.',
    history: [['2.4.0', 'Accepts multiple `field` arguments.']],
    args: [KEY_ARG, { name: 'field', type: 'string', multiple: true }],
    handler: hdelCommand,
  },
  {
    name: 'hexists',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [keyRange(['RO'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.0.0',
    summary: 'Determine if a hash field exists',
    complexity: 'O(1)',
    args: [KEY_ARG, { name: 'field', type: 'string' }],
    handler: hexistsCommand,
  },
  {
    name: 'hget',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [keyRange(['RO', 'access'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.0.0',
    summary: 'Get the value of a hash field',
    complexity: 'O(1)',
    args: [KEY_ARG, { name: 'field', type: 'string' }],
    handler: hgetCommand,
  },
  {
    name: 'hgetall',
    arity: 2,
    flags: ['readonly'],
    acl: ['hash'],
    keySpecs: [keyRange(['RO', 'access'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.0.0',
    summary: 'Get all the fields and values in a hash',
    complexity: 'O(N) where N is the size of the hash.',
    args: [KEY_ARG],
    tips: ['nondeterministic_output_order'],
    handler: hgetallCommand,
  },
  {
    name: 'hincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [keyRange(['RW', 'access', 'update'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.0.0',
    summary: 'Increment the integer value of a hash field by the given number',
    complexity: 'O(1)',
    args: [KEY_ARG, { name: 'field', type: 'string' }, { name: 'increment', type: 'integer' }],
    handler: hincrbyCommand,
  },
  {
    name: 'hincrbyfloat',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [keyRange(['RW', 'access', 'update'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.6.0',
    summary: 'Increment the float value of a hash field by the given amount',
    complexity: 'O(1)',
    args: [KEY_ARG, { name: 'field', type: 'string' }, { name: 'increment', type: 'double' }],
    handler: hincrbyfloatCommand,
  },
  {
    name: 'hkeys',
    arity: 2,
    flags: ['readonly'],
    acl: ['hash'],
    keySpecs: [keyRange(['RO', 'access'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.0.0',
    summary: 'Get all the fields in a hash',
    complexity: 'O(N) where N is the size of the hash.',
    args: [KEY_ARG],
    tips: ['nondeterministic_output_order'],
    handler: hkeysCommand,
  },
  {
    name: 'hlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [keyRange(['RO'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.0.0',
    summary: 'Get the number of fields in a hash',
    complexity: 'O(1)',
    args: [KEY_ARG],
    handler: hlenCommand,
  },
  {
    name: 'hmget',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [keyRange(['RO', 'access'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.0.0',
    summary: 'Get the values of all the given hash fields',
    complexity: 'O(N) where N is the number of fields being requested.',
    args: [KEY_ARG, { name: 'field', type: 'string', multiple: true }],
    handler: hmgetCommand,
  },
  {
    name: 'hmset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [keyRange(['RW', 'update'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.0.0',
    summary: 'Set multiple hash fields to multiple values',
    complexity: 'O(N) where N is the number of fields being set.',
    docFlags: ['deprecated'],
    deprecatedSince: '4.0.0',
    replacedBy: '`HSET` with multiple field-value pairs',
    args: FIELD_VALUE_ARGS,
    handler: hsetCommand,
  },
  {
    name: 'hrandfield',
    arity: -2,
    flags: ['readonly'],
    acl: ['hash'],
    keySpecs: [keyRange(['RO', 'access'], 1, 0, 1, 0)],
    group: 'hash',
    since: '6.2.0',
    summary: 'Get one or multiple random fields from a hash',
    complexity: 'O(N) where N is the number of fields returned',
    args: [
      KEY_ARG,
      { name: 'options', type: 'block', optional: true, arguments: [
          { name: 'count', type: 'integer' },
          { name: 'withvalues', type: 'pure-token', token: 'WITHVALUES', optional: true },
        ] },
    ],
    tips: ['nondeterministic_output'],
    handler: hrandfieldCommand,
  },
  {
    name: 'hscan',
    arity: -3,
    flags: ['readonly'],
    acl: ['hash'],
    keySpecs: [keyRange(['RO', 'access'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.8.0',
    summary: 'Incrementally iterate hash fields and associated values',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    args: [
      KEY_ARG,
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    tips: ['nondeterministic_output'],
    handler: hscanCommand,
  },
  {
    name: 'hset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [keyRange(['RW', 'update'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.0.0',
    summary: 'Set the string value of a hash field',
    complexity: 'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    history: [['4.0.0', 'Accepts multiple `field` and `value` arguments.']],
    args: FIELD_VALUE_ARGS,
    handler: hsetCommand,
  },
  {
    name: 'hsetnx',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [keyRange(['RW', 'insert'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.0.0',
    summary: 'Set the value of a hash field, only if the field does not exist',
    complexity: 'O(1)',
    args: [KEY_ARG, { name: 'field', type: 'string' }, { name: 'value', type: 'string' }],
    handler: hsetnxCommand,
  },
  {
    name: 'hstrlen',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [keyRange(['RO'], 1, 0, 1, 0)],
    group: 'hash',
    since: '3.2.0',
    summary: 'Get the length of the value of a hash field',
    complexity: 'O(1)',
    args: [KEY_ARG, { name: 'field', type: 'string' }],
    handler: hstrlenCommand,
  },
  {
    name: 'hvals',
    arity: 2,
    flags: ['readonly'],
    acl: ['hash'],
    keySpecs: [keyRange(['RO', 'access'], 1, 0, 1, 0)],
    group: 'hash',
    since: '2.0.0',
    summary: 'Get all the values in a hash',
    complexity: 'O(N) where N is the size of the hash.',
    args: [KEY_ARG],
    tips: ['nondeterministic_output_order'],
    handler: hvalsCommand,
  },
];
