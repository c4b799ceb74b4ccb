/*
 * The string family: GET, SET and its variants (SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX),
 * MGET, MSET, MSETNX and the counters (INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT). The commands
 * that edit part of a value (APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE, LCS) live in
 * strings-ranges.ts; `commands` below lists both.
 *
 * Behaviour follows Redis 7.0.15's t_string.c: option parsing with the same precedence and
 * errors, expire times turned into absolute milliseconds (propagated as SET ... PXAT or
 * PEXPIREAT so replicas and the AOF see a deterministic form), counters in exact signed 64-bit
 * arithmetic and INCRBYFLOAT in emulated 80-bit long doubles (propagated as SET ... KEEPTTL).
 * Values written whole get the encoding Redis's tryObjectEncoding would pick (int / embstr /
 * raw); counters are always `int`; INCRBYFLOAT results are embstr/raw (never int), as in Redis.
 */

import type { Ctx } from './context.js';
import { CALL_FROM_AOF } from './context.js';
import type { CommandSpec, KeyRef } from './spec.js';
import { keyRange } from './spec.js';
import { int64Arg } from './args.js';
import * as E from '../protocol/errors.js';
import { NOTIFY_GENERIC, NOTIFY_STRING } from '../keyspace/notify.js';
import { ENC_INT, OBJ_STRING } from '../keyspace/object.js';
import {
  createIntObject,
  createPlainStringObject,
  createStringObject,
  stringReplyValue,
  stringValue,
} from '../keyspace/types/string.js';
import { formatInt64, parseInt64 } from '../util/numbers.js';
import { incrByFloatHuman, LD_ZERO, parseLongDouble } from '../util/long-double.js';
import { notString, optionToken, rangeCommands, readKey, setKey } from './strings-ranges.js';
import { configYes, dbAdd } from './lookup.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/* ---- SET / GETEX option parsing ----------------------------------------------------------- */

const F_NX = 1 << 0;
const F_XX = 1 << 1;
const F_EX = 1 << 2;
const F_PX = 1 << 3;
const F_KEEPTTL = 1 << 4;
const F_GET = 1 << 5;
const F_EXAT = 1 << 6;
const F_PXAT = 1 << 7;
const F_PERSIST = 1 << 8;

/** Any of the options that carry an expire time. */
const F_ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

interface ExtendedArgs {
  flags: number;
  /** The expire argument as sent, or null. */
  expire: string | null;
  /** True when the expire argument is in seconds (EX / EXAT). */
  seconds: boolean;
}

/**
 * Parse SET's options (from argv[3]) or GETEX's (from argv[2]). An option is accepted only
 * when no conflicting option came before it; anything else, including an expire option
 * without a value, is a syntax error.
 */
function parseExtendedArgs(c: Ctx, argv: string[], forSet: boolean): ExtendedArgs | null {
  let flags = 0;
  let expire: string | null = null;
  let seconds = true;
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = optionToken(argv[j] as string);
    const hasNext = j < argv.length - 1;
    if (opt === 'nx' && forSet && !(flags & F_XX)) {
      flags |= F_NX;
    } else if (opt === 'xx' && forSet && !(flags & F_NX)) {
      flags |= F_XX;
    } else if (opt === 'get' && forSet) {
      flags |= F_GET;
    } else if (opt === 'keepttl' && forSet && !(flags & (F_PERSIST | F_ANY_EXPIRE))) {
      flags |= F_KEEPTTL;
    } else if (opt === 'persist' && !forSet && !(flags & (F_ANY_EXPIRE | F_KEEPTTL))) {
      flags |= F_PERSIST;
    } else if (
      hasNext &&
      !(flags & (F_KEEPTTL | F_PERSIST)) &&
      ((opt === 'ex' && !(flags & (F_EXAT | F_PX | F_PXAT))) ||
        (opt === 'px' && !(flags & (F_EX | F_EXAT | F_PXAT))) ||
        (opt === 'exat' && !(flags & (F_EX | F_PX | F_PXAT))) ||
        (opt === 'pxat' && !(flags & (F_EX | F_EXAT | F_PX))))
    ) {
      flags |= opt === 'ex' ? F_EX : opt === 'px' ? F_PX : opt === 'exat' ? F_EXAT : F_PXAT;
      seconds = opt === 'ex' || opt === 'exat';
      expire = argv[++j] as string;
    } else {
      c.reply.error(E.SYNTAX);
      return null;
    }
  }
  return { flags, expire, seconds };
}

/**
 * The expire argument as an absolute unix time in ms (getExpireMillisecondsOrReply): it must
 * be a positive integer, seconds must not overflow when scaled, and relative times (EX/PX)
 * must not overflow when the current time is added. Errors name the command.
 */
function expireAtMs(c: Ctx, arg: string, flags: number, seconds: boolean): bigint | null {
  const v = parseInt64(arg);
  if (v === null) {
    c.reply.error(E.NOT_INTEGER);
    return null;
  }
  let ms = BigInt(v);
  if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) {
    c.reply.error(E.INVALID_EXPIRE(c.spec.name));
    return null;
  }
  if (seconds) ms *= 1000n;
  if (flags & (F_EX | F_PX)) ms += BigInt(c.now);
  if (ms > INT64_MAX) {
    // The C addition wraps to a negative number, which Redis reports the same way.
    c.reply.error(E.INVALID_EXPIRE(c.spec.name));
    return null;
  }
  return ms;
}

/* ---- GET and its relatives ---------------------------------------------------------------- */

/**
 * getGenericCommand: reply with the value (or null). Returns false when the key holds another
 * type (WRONGTYPE has been sent), true otherwise.
 */
function replyWithValue(c: Ctx, key: string): boolean {
  const o = readKey(c, key);
  if (o === null) {
    c.reply.nullBulk();
    return true;
  }
  if (notString(c, o)) return false;
  c.reply.bulk(stringReplyValue(o));
  return true;
}

function getCommand(c: Ctx, argv: string[]): void {
  replyWithValue(c, argv[1] as string);
}

/**
 * setGenericCommand: SET with parsed options, shared by SETNX/SETEX/PSETEX.
 * `integerReplies` selects SETNX's :1 / :0 instead of +OK and the null reply.
 */
function setGeneric(
  c: Ctx,
  argv: string[],
  flags: number,
  key: string,
  value: string,
  expire: string | null,
  seconds: boolean,
  integerReplies: boolean,
): void {
  let when = 0n;
  if (expire !== null) {
    const ms = expireAtMs(c, expire, flags, seconds);
    if (ms === null) return;
    when = ms;
  }
  if (flags & F_GET && !replyWithValue(c, key)) return;
  const db = c.db;
  const found = db.lookupWrite(key) !== null;
  if ((flags & F_NX && found) || (flags & F_XX && !found)) {
    if (!(flags & F_GET)) {
      if (integerReplies) c.reply.integer(0);
      else c.reply.nullBulk();
    }
    return;
  }
  setKey(c, key, createStringObject(value), (flags & F_KEEPTTL) !== 0, found);
  c.dirty();
  c.notify(NOTIFY_STRING, 'set', key, db.id);
  if (expire !== null) {
    db.setExpire(key, Number(when));
    c.rewritePropagation(['SET', key, value, 'PXAT', when.toString()]);
    c.notify(NOTIFY_GENERIC, 'expire', key, db.id);
  }
  if (!(flags & F_GET)) {
    if (integerReplies) c.reply.integer(1);
    else c.reply.ok();
  }
  if (flags & F_GET && expire === null) {
    // Propagate without the GET option(s): replicas need no reply.
    const out: string[] = [];
    for (let j = 0; j < argv.length; j++) {
      const a = argv[j] as string;
      if (j >= 3 && optionToken(a) === 'get') continue;
      out.push(a);
    }
    c.rewritePropagation(out);
  }
}

function setCommand(c: Ctx, argv: string[]): void {
  if (argv.length === 3) {
    setGeneric(c, argv, 0, argv[1] as string, argv[2] as string, null, true, false);
    return;
  }
  const p = parseExtendedArgs(c, argv, true);
  if (p === null) return;
  setGeneric(c, argv, p.flags, argv[1] as string, argv[2] as string, p.expire, p.seconds, false);
}

function setnxCommand(c: Ctx, argv: string[]): void {
  setGeneric(c, argv, F_NX, argv[1] as string, argv[2] as string, null, true, true);
}

function setexCommand(c: Ctx, argv: string[]): void {
  setGeneric(c, argv, F_EX, argv[1] as string, argv[3] as string, argv[2] as string, true, false);
}

function psetexCommand(c: Ctx, argv: string[]): void {
  setGeneric(c, argv, F_PX, argv[1] as string, argv[3] as string, argv[2] as string, false, false);
}

function getsetCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const value = argv[2] as string;
  if (!replyWithValue(c, key)) return;
  setKey(c, key, createStringObject(value), false);
  c.notify(NOTIFY_STRING, 'set', key, c.db.id);
  c.dirty();
  c.rewritePropagation(['SET', key, value]);
}

function getdelCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  if (!replyWithValue(c, key)) return;
  const db = c.db;
  if (db.delete(key)) {
    c.rewritePropagation([configYes(c, 'lazyfree-lazy-user-del') ? 'UNLINK' : 'DEL', key]);
    c.modified(db, key);
    c.notify(NOTIFY_GENERIC, 'del', key, db.id);
    c.dirty();
  }
}

function getexCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const p = parseExtendedArgs(c, argv, false);
  if (p === null) return;
  const o = readKey(c, key);
  if (o === null) {
    c.reply.nullBulk();
    return;
  }
  if (notString(c, o)) return;
  let when = 0n;
  if (p.expire !== null) {
    const ms = expireAtMs(c, p.expire, p.flags, p.seconds);
    if (ms === null) return;
    when = ms;
  }
  c.reply.bulk(stringReplyValue(o));
  const db = c.db;
  const absolute = (p.flags & (F_EXAT | F_PXAT)) !== 0;
  if (absolute && alreadyExpired(c, when)) {
    db.delete(key);
    c.rewritePropagation([configYes(c, 'lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
    c.modified(db, key);
    c.notify(NOTIFY_GENERIC, 'del', key, db.id);
    c.dirty();
  } else if (p.expire !== null) {
    db.setExpire(key, Number(when));
    c.rewritePropagation(['PEXPIREAT', key, when.toString()]);
    c.modified(db, key);
    c.notify(NOTIFY_GENERIC, 'expire', key, db.id);
    c.dirty();
  } else if (p.flags & F_PERSIST) {
    if (db.persist(key)) {
      c.modified(db, key);
      c.rewritePropagation(['PERSIST', key]);
      c.notify(NOTIFY_GENERIC, 'persist', key, db.id);
      c.dirty();
    }
  }
}

/**
 * checkAlreadyExpired: a deadline at or before now deletes the key at once, except while
 * loading the AOF or on a replica (which waits for its master's DEL).
 */
function alreadyExpired(c: Ctx, when: bigint): boolean {
  return when <= BigInt(c.now) && (c.callFlags & CALL_FROM_AOF) === 0 && c.server.role !== 'slave';
}

/* ---- MGET / MSET / MSETNX ----------------------------------------------------------------- */

function mgetCommand(c: Ctx, argv: string[]): void {
  const r = c.reply;
  r.array(argv.length - 1);
  for (let j = 1; j < argv.length; j++) {
    const o = readKey(c, argv[j] as string);
    if (o === null || o.type !== OBJ_STRING) r.nullBulk();
    else r.bulk(stringReplyValue(o));
  }
}

function msetGeneric(c: Ctx, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) {
    c.reply.error(E.wrongArity(c.spec.name));
    return;
  }
  const db = c.db;
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (db.lookupWrite(argv[j] as string) !== null) {
        c.reply.integer(0);
        return;
      }
    }
  }
  for (let j = 1; j < argv.length; j += 2) {
    const key = argv[j] as string;
    setKey(c, key, createStringObject(argv[j + 1] as string), false);
    c.notify(NOTIFY_STRING, 'set', key, db.id);
  }
  c.dirty((argv.length - 1) / 2);
  if (nx) c.reply.integer(1);
  else c.reply.ok();
}

function msetCommand(c: Ctx, argv: string[]): void {
  msetGeneric(c, argv, false);
}

function msetnxCommand(c: Ctx, argv: string[]): void {
  msetGeneric(c, argv, true);
}

/* ---- Counters ------------------------------------------------------------------------------ */

/**
 * incrDecrCommand: add `incr` to the integer stored at the key (missing = 0) in signed 64-bit
 * arithmetic. Numbers stay JS numbers while they are safe integers; beyond, BigInt.
 */
function incrDecr(c: Ctx, key: string, incr: number | bigint): void {
  const db = c.db;
  const o = db.lookupWrite(key);
  let old: number | bigint = 0;
  if (o !== null) {
    if (notString(c, o)) return;
    const v = parseInt64(stringValue(o));
    if (v === null) {
      c.reply.error(E.NOT_INTEGER);
      return;
    }
    old = v;
  }
  let value: number | bigint;
  if (typeof old === 'number' && typeof incr === 'number' && Number.isSafeInteger(old + incr)) {
    value = old + incr;
  } else {
    const sum = BigInt(old) + BigInt(incr);
    if (sum < INT64_MIN || sum > INT64_MAX) {
      c.reply.error('ERR increment or decrement would overflow');
      return;
    }
    value = sum >= -9007199254740991n && sum <= 9007199254740991n ? Number(sum) : sum;
  }
  if (o !== null && o.enc === ENC_INT) {
    // Redis updates an unshared int object in place (DEBUG OBJECT shows the same address).
    o.ptr = formatInt64(value);
  } else if (o !== null) {
    db.set(key, createIntObject(value), true);
  } else {
    dbAdd(c, db, key, createIntObject(value));
  }
  c.modified(db, key);
  c.notify(NOTIFY_STRING, 'incrby', key, db.id);
  c.dirty();
  c.reply.integer(value);
}

function incrCommand(c: Ctx, argv: string[]): void {
  incrDecr(c, argv[1] as string, 1);
}

function decrCommand(c: Ctx, argv: string[]): void {
  incrDecr(c, argv[1] as string, -1);
}

function incrbyCommand(c: Ctx, argv: string[]): void {
  const incr = int64Arg(c, argv[2]);
  if (incr === null) return;
  incrDecr(c, argv[1] as string, incr);
}

function decrbyCommand(c: Ctx, argv: string[]): void {
  const incr = int64Arg(c, argv[2]);
  if (incr === null) return;
  if (incr === INT64_MIN) {
    c.reply.error('ERR decrement would overflow');
    return;
  }
  incrDecr(c, argv[1] as string, -incr);
}

/**
 * INCRBYFLOAT: current value and increment parsed as 80-bit long doubles, added, printed as
 * "%.17Lf" with trailing zeros trimmed. The result is stored as a plain string (embstr/raw)
 * and propagated as SET key value KEEPTTL so replicas never redo the float arithmetic.
 */
function incrbyfloatCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const db = c.db;
  const o = db.lookupWrite(key);
  let cur = LD_ZERO;
  if (o !== null) {
    if (notString(c, o)) return;
    const v = parseLongDouble(stringValue(o));
    if (v === null) {
      c.reply.error(E.NOT_FLOAT);
      return;
    }
    cur = v;
  }
  const incr = parseLongDouble(argv[2] as string);
  if (incr === null) {
    c.reply.error(E.NOT_FLOAT);
    return;
  }
  const text = incrByFloatHuman(cur, incr);
  if (text === null) {
    c.reply.error('ERR increment would produce NaN or Infinity');
    return;
  }
  const created = createPlainStringObject(text);
  if (o !== null) db.set(key, created, true);
  else dbAdd(c, db, key, created);
  c.modified(db, key);
  c.notify(NOTIFY_STRING, 'incrbyfloat', key, db.id);
  c.dirty();
  c.reply.bulk(text);
  c.rewritePropagation(['SET', key, text, 'KEEPTTL']);
}

/* ---- Metadata (src/commands/*.json of Redis 7.0.15) -------------------------------------- */

/**
 * setGetKeys: SET's key spec has variable flags; the key is only overwritten (OW) unless a GET
 * argument reads the old value first (RW, access).
 */
function setGetKeys(argv: readonly string[]): KeyRef[] {
  for (let i = 3; i < argv.length; i++) {
    if ((argv[i] as string).toLowerCase() === 'get') return [{ pos: 1, flags: ['RW', 'access', 'update'] }];
  }
  return [{ pos: 1, flags: ['OW', 'update'] }];
}

export const commands: CommandSpec[] = [
  {
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['string'],
    keySpecs: [keyRange(['RO', 'access'], 1, 0, 1, 0)],
    group: 'string',
    since: '1.0.0',
    summary: 'Get the value of a key',
    complexity: 'O(1)',
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: getCommand,
  },
  {
    name: 'getdel',
    arity: 2,
    flags: ['write', 'fast'],
    acl: ['string'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1, 0, 1, 0)],
    group: 'string',
    since: '6.2.0',
    summary: 'Get the value of a key and delete the key',
    complexity: 'O(1)',
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: getdelCommand,
  },
  {
    name: 'getex',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['string'],
    keySpecs: [{ ...keyRange(['RW', 'access', 'update'], 1, 0, 1, 0), notes: 'RW and UPDATE because it changes the TTL' }],
    group: 'string',
    since: '6.2.0',
    summary: 'Get the value of a key and optionally set its expiration',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'expiration', type: 'oneof', optional: true, arguments: [
          { name: 'seconds', type: 'integer', token: 'EX' },
          { name: 'milliseconds', type: 'integer', token: 'PX' },
          { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT' },
          { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT' },
          { name: 'persist', type: 'pure-token', token: 'PERSIST' },
        ] },
    ],
    handler: getexCommand,
  },
  {
    name: 'getset',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [keyRange(['RW', 'access', 'update'], 1, 0, 1, 0)],
    group: 'string',
    since: '1.0.0',
    summary: 'Set the string value of a key and return its old value',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`SET` with the `!GET` argument',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'value', type: 'string' },
    ],
    handler: getsetCommand,
  },
  {
    name: 'set',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keySpecs: [{ ...keyRange(['RW', 'access', 'update', 'variable_flags'], 1, 0, 1, 0), notes: 'RW and ACCESS due to the optional `GET` argument' }],
    group: 'string',
    since: '1.0.0',
    summary: 'Set the string value of a key',
    complexity: 'O(1)',
    history: [
      ['2.6.12', 'Added the `EX`, `PX`, `NX` and `XX` options.'],
      ['6.0.0', 'Added the `KEEPTTL` option.'],
      ['6.2.0', 'Added the `GET`, `EXAT` and `PXAT` option.'],
      ['7.0.0', 'Allowed the `NX` and `GET` options to be used together.'],
    ],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'value', type: 'string' },
      { name: 'condition', type: 'oneof', optional: true, since: '2.6.12', arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX' },
          { name: 'xx', type: 'pure-token', token: 'XX' },
        ] },
      { name: 'get', type: 'pure-token', token: 'GET', optional: true, since: '6.2.0' },
      { name: 'expiration', type: 'oneof', optional: true, arguments: [
          { name: 'seconds', type: 'integer', token: 'EX', since: '2.6.12' },
          { name: 'milliseconds', type: 'integer', token: 'PX', since: '2.6.12' },
          { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0' },
          { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT', since: '6.2.0' },
          { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL', since: '6.0.0' },
        ] },
    ],
    getKeys: setGetKeys,
    handler: setCommand,
  },
  {
    name: 'setnx',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [keyRange(['OW', 'insert'], 1, 0, 1, 0)],
    group: 'string',
    since: '1.0.0',
    summary: 'Set the value of a key, only if the key does not exist',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'value', type: 'string' },
    ],
    handler: setnxCommand,
  },
  {
    name: 'setex',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keySpecs: [keyRange(['OW', 'update'], 1, 0, 1, 0)],
    group: 'string',
    since: '2.0.0',
    summary: 'Set the value and expiration of a key',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'seconds', type: 'integer' },
      { name: 'value', type: 'string' },
    ],
    handler: setexCommand,
  },
  {
    name: 'psetex',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keySpecs: [keyRange(['OW', 'update'], 1, 0, 1, 0)],
    group: 'string',
    since: '2.6.0',
    summary: 'Set the value and expiration in milliseconds of a key',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'milliseconds', type: 'integer' },
      { name: 'value', type: 'string' },
    ],
    handler: psetexCommand,
  },
  {
    name: 'mget',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['string'],
    keySpecs: [keyRange(['RO', 'access'], 1, -1, 1, 0)],
    group: 'string',
    since: '1.0.0',
    summary: 'Get the values of all the given keys',
    complexity: 'O(N) where N is the number of keys to retrieve.',
    args: [{ name: 'key', type: 'key', multiple: true, key_spec_index: 0 }],
    handler: mgetCommand,
  },
  {
    name: 'mset',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keySpecs: [keyRange(['OW', 'update'], 1, -1, 2, 0)],
    group: 'string',
    since: '1.0.1',
    summary: 'Set multiple keys to multiple values',
    complexity: 'O(N) where N is the number of keys to set.',
    args: [
      { name: 'key_value', type: 'block', multiple: true, arguments: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'value', type: 'string' },
        ] },
    ],
    handler: msetCommand,
  },
  {
    name: 'msetnx',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keySpecs: [keyRange(['OW', 'insert'], 1, -1, 2, 0)],
    group: 'string',
    since: '1.0.1',
    summary: 'Set multiple keys to multiple values, only if none of the keys exist',
    complexity: 'O(N) where N is the number of keys to set.',
    args: [
      { name: 'key_value', type: 'block', multiple: true, arguments: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'value', type: 'string' },
        ] },
    ],
    handler: msetnxCommand,
  },
  {
    name: 'incr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [keyRange(['RW', 'access', 'update'], 1, 0, 1, 0)],
    group: 'string',
    since: '1.0.0',
    summary: 'Increment the integer value of a key by one',
    complexity: 'O(1)',
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: incrCommand,
  },
  {
    name: 'decr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [keyRange(['RW', 'access', 'update'], 1, 0, 1, 0)],
    group: 'string',
    since: '1.0.0',
    summary: 'Decrement the integer value of a key by one',
    complexity: 'O(1)',
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: decrCommand,
  },
  {
    name: 'incrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [keyRange(['RW', 'access', 'update'], 1, 0, 1, 0)],
    group: 'string',
    since: '1.0.0',
    summary: 'Increment the integer value of a key by the given amount',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'increment', type: 'integer' },
    ],
    handler: incrbyCommand,
  },
  {
    name: 'decrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [keyRange(['RW', 'access', 'update'], 1, 0, 1, 0)],
    group: 'string',
    since: '1.0.0',
    summary: 'Decrement the integer value of a key by the given number',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'decrement', type: 'integer' },
    ],
    handler: decrbyCommand,
  },
  {
    name: 'incrbyfloat',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [keyRange(['RW', 'access', 'update'], 1, 0, 1, 0)],
    group: 'string',
    since: '2.6.0',
    summary: 'Increment the float value of a key by the given amount',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'increment', type: 'double' },
    ],
    handler: incrbyfloatCommand,
  },
  ...rangeCommands,
];
