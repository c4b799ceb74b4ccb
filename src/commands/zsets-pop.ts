/*
 * Sorted-set pops (t_zset.c genericZpopCommand and friends): ZPOPMIN, ZPOPMAX, ZMPOP and the
 * blocking BZPOPMIN, BZPOPMAX, BZMPOP.
 *
 * Reply shapes follow Redis 7.0 exactly: ZPOPMIN/MAX a flat [member, score, ...] array, or
 * [member, score] pairs in RESP3 when a count was given; BZPOPMIN/MAX [key, member, score];
 * ZMPOP/BZMPOP [key, [[member, score], ...]] or a null array when nothing could be popped.
 *
 * Propagation: ZMPOP is propagated as ZPOPMIN/ZPOPMAX key count (the count clamped to the set
 * size); a served BZPOPMIN/BZPOPMAX as ZPOPMIN/ZPOPMAX key, and BZMPOP as ZPOPMIN/ZPOPMAX key
 * count. A blocking pop that finds nothing blocks (c.blockForKeys) unless it may not block
 * (MULTI, scripts), in which case it replies the null array as a timeout would. The engine
 * re-runs a blocked command when one of its keys is signaled (ZADD creating the key,
 * ZUNIONSTORE... into a new key), so the served pop goes through this same code.
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyNum, keyRange, numkeysGetKeys } from './spec.js';
import { is, timeoutArg } from './args.js';
import * as E from '../protocol/errors.js';
import type { RObject } from '../keyspace/object.js';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../keyspace/notify.js';
import { zsetLength, zsetPop } from '../keyspace/types/zset.js';
import { LONG_MAX, notZset, positiveLong, rangeLong, replyScore } from './zsets-common.js';

const ZSET_MIN = 0;
const ZSET_MAX = 1;

/**
 * genericZpopCommand: pop from the first existing key of `keys`. `count` -1 means a plain
 * single pop. Returns the key popped from and the number of elements (0 when nothing was
 * popped or an error was replied).
 */
function genericZpop(
  c: Ctx,
  keys: readonly string[],
  where: number,
  emitKey: boolean,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
): { key: string; popped: number } | null {
  const db = c.db;
  let key = '';
  let zobj: RObject | null = null;
  for (const k of keys) {
    zobj = db.lookupWrite(k);
    if (zobj === null) continue;
    if (notZset(c, zobj)) return null;
    key = k;
    break;
  }
  const r = c.reply;
  if (zobj === null) {
    if (nilWhenEmpty) r.nullArray();
    else r.array(0);
    return null;
  }
  if (count === 0) {
    r.array(0);
    return null;
  }
  if (count === -1) count = 1;
  const llen = zsetLength(zobj);
  const rangelen = count > llen ? llen : count;
  if (!nested && !emitKey) {
    r.array(rangelen * 2);
  } else if (nested && !emitKey) {
    r.array(rangelen);
  } else if (!nested && emitKey) {
    r.array(rangelen * 2 + 1);
    r.bulk(key);
  } else {
    r.array(2);
    r.bulk(key);
    r.array(rangelen);
  }
  for (let i = 0; i < rangelen; i++) {
    const e = zsetPop(zobj, where === ZSET_MAX)!;
    c.dirty();
    if (i === 0) {
      c.notify(NOTIFY_ZSET, where === ZSET_MAX ? 'zpopmax' : 'zpopmin', key, db.id);
      c.modified(db, key);
    }
    if (nested) r.array(2);
    r.bulk(e[0]);
    replyScore(c, e[1]);
  }
  if (zsetLength(zobj) === 0) {
    db.delete(key);
    c.notify(NOTIFY_GENERIC, 'del', key, db.id);
  }
  return { key, popped: rangelen };
}

function popName(where: number): string {
  return where === ZSET_MAX ? 'ZPOPMAX' : 'ZPOPMIN';
}

/** zpopMinMaxCommand: ZPOPMIN/ZPOPMAX key [count]. */
function zpopMinMax(c: Ctx, argv: string[], where: number): void {
  if (argv.length > 3) {
    c.reply.error(E.SYNTAX);
    return;
  }
  let count = -1;
  if (argv.length === 3) {
    const n = positiveLong(c, argv[2] as string);
    if (n === null) return;
    count = n;
  }
  const nested = c.client.resp > 2 && count !== -1;
  genericZpop(c, [argv[1] as string], where, false, count, nested, false);
}

function zpopminCommand(c: Ctx, argv: string[]): void {
  zpopMinMax(c, argv, ZSET_MIN);
}

function zpopmaxCommand(c: Ctx, argv: string[]): void {
  zpopMinMax(c, argv, ZSET_MAX);
}

/**
 * blockingGenericZpopCommand: serve from the first non-empty key, else block (or reply the
 * null array when blocking is not allowed).
 */
function blockingGenericZpop(c: Ctx, keys: string[], where: number, timeoutArgv: string, count: number, nested: boolean, nilWhenEmpty: boolean): void {
  const deadline = timeoutArg(c, timeoutArgv);
  if (deadline === null) return;
  const db = c.db;
  for (const key of keys) {
    const o = db.lookupWrite(key);
    if (o === null) continue;
    if (notZset(c, o)) return;
    if (zsetLength(o) === 0) continue;
    const res = genericZpop(c, [key], where, true, count, nested, nilWhenEmpty);
    if (count === -1) c.rewritePropagation([popName(where), key]);
    else if (res !== null) c.rewritePropagation([popName(where), key, String(res.popped)]);
    return;
  }
  if (!c.canBlock) {
    c.reply.nullArray();
    return;
  }
  c.blockForKeys(keys, deadline);
}

function bzpopminCommand(c: Ctx, argv: string[]): void {
  blockingGenericZpop(c, argv.slice(1, -1), ZSET_MIN, argv[argv.length - 1] as string, -1, false, false);
}

function bzpopmaxCommand(c: Ctx, argv: string[]): void {
  blockingGenericZpop(c, argv.slice(1, -1), ZSET_MAX, argv[argv.length - 1] as string, -1, false, false);
}

/** zmpopGenericCommand: [B]ZMPOP [timeout] numkeys key... MIN|MAX [COUNT count]. */
function zmpopGeneric(c: Ctx, argv: string[], numkeysIdx: number, block: boolean): void {
  const numkeys = rangeLong(c, argv[numkeysIdx] as string, 1n, LONG_MAX, 'numkeys should be greater than 0');
  if (numkeys === null) return;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    c.reply.error(E.SYNTAX);
    return;
  }
  let where: number;
  if (is(argv[whereIdx], 'min')) where = ZSET_MIN;
  else if (is(argv[whereIdx], 'max')) where = ZSET_MAX;
  else {
    c.reply.error(E.SYNTAX);
    return;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && is(argv[j], 'count') && more > 0) {
      j++;
      const n = rangeLong(c, argv[j] as string, 1n, LONG_MAX, 'count should be greater than 0');
      if (n === null) return;
      count = n;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  if (count === -1) count = 1;
  const keys = argv.slice(numkeysIdx + 1, numkeysIdx + 1 + numkeys);
  if (block) {
    blockingGenericZpop(c, keys, where, argv[1] as string, count, true, true);
    return;
  }
  const res = genericZpop(c, keys, where, true, count, true, true);
  if (res !== null) c.rewritePropagation([popName(where), res.key, String(res.popped)]);
}

function zmpopCommand(c: Ctx, argv: string[]): void {
  zmpopGeneric(c, argv, 1, false);
}

function bzmpopCommand(c: Ctx, argv: string[]): void {
  zmpopGeneric(c, argv, 2, true);
}

const zmpopGetKeys = numkeysGetKeys(1);
const bzmpopGetKeys = numkeysGetKeys(2);

/* ---- metadata (src/commands/*.json of Redis 7.0.15) ------------------------------------------ */

export const popCommands: CommandSpec[] = [
  {
    name: 'zpopmin',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1)],
    group: 'sorted-set',
    since: '5.0.0',
    summary: 'Remove and return members with the lowest scores in a sorted set',
    complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'count', type: 'integer', optional: true },
    ],
    handler: zpopminCommand,
  },
  {
    name: 'zpopmax',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1)],
    group: 'sorted-set',
    since: '5.0.0',
    summary: 'Remove and return members with the highest scores in a sorted set',
    complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'count', type: 'integer', optional: true },
    ],
    handler: zpopmaxCommand,
  },
  {
    name: 'zmpop',
    arity: -4,
    flags: ['write'],
    acl: ['sortedset'],
    keySpecs: [keyNum(['RW', 'access', 'delete'], 1, 0, 1, 1)],
    getKeys: zmpopGetKeys,
    group: 'sorted-set',
    since: '7.0.0',
    summary: 'Remove and return members with scores in a sorted set',
    complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
      { name: 'where', type: 'oneof', arguments: [
        { name: 'min', type: 'pure-token', token: 'MIN' },
        { name: 'max', type: 'pure-token', token: 'MAX' },
      ] },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    handler: zmpopCommand,
  },
  {
    name: 'bzpopmin',
    arity: -3,
    flags: ['write', 'noscript', 'fast', 'blocking'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1, -2, 1)],
    group: 'sorted-set',
    since: '5.0.0',
    summary: 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    args: [
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
      { name: 'timeout', type: 'double' },
    ],
    handler: bzpopminCommand,
  },
  {
    name: 'bzpopmax',
    arity: -3,
    flags: ['write', 'noscript', 'fast', 'blocking'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1, -2, 1)],
    group: 'sorted-set',
    since: '5.0.0',
    summary: 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    args: [
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
      { name: 'timeout', type: 'double' },
    ],
    handler: bzpopmaxCommand,
  },
  {
    name: 'bzmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    acl: ['sortedset'],
    keySpecs: [keyNum(['RW', 'access', 'delete'], 2, 0, 1, 1)],
    getKeys: bzmpopGetKeys,
    group: 'sorted-set',
    since: '7.0.0',
    summary: 'Remove and return members with scores in a sorted set or block until one is available',
    complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    args: [
      { name: 'timeout', type: 'double' },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
      { name: 'where', type: 'oneof', arguments: [
        { name: 'min', type: 'pure-token', token: 'MIN' },
        { name: 'max', type: 'pure-token', token: 'MAX' },
      ] },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    handler: bzmpopCommand,
  },
];
