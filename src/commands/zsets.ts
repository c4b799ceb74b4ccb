/*
 * The sorted-set family (t_zset.c), core commands: ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE
 * ZRANK ZREVRANK ZSCAN ZRANDMEMBER. The rest lives beside it, split by concept:
 * zsets-range.ts (ZRANGE and the by-score / by-lex / by-rank ranges, counts and removals),
 * zsets-store.ts (ZUNION / ZINTER / ZDIFF and their STORE forms, ZINTERCARD), zsets-pop.ts
 * (ZPOPMIN / ZPOPMAX / ZMPOP and the blocking BZPOPMIN / BZPOPMAX / BZMPOP). `commands` below
 * lists them all. The encodings are in keyspace/types/zset.ts.
 *
 * Scores are replied with addReplyDouble's "%.17g" (bulk in RESP2, double in RESP3); ZSCAN
 * gives the listpack's text form of a score (integers as digits) or "%.17g" for a skiplist.
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import { doubleArg, is } from './args.js';
import { lookupRead } from './lookup.js';
import { cursorArg, parseScanOptions } from './scan.js';
import * as E from '../protocol/errors.js';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../keyspace/notify.js';
import {
  createZsetForAdd,
  zaddNewScore,
  zsetAdd,
  zsetDel,
  zsetEntries,
  zsetLength,
  zsetRandomElement,
  zsetRank,
  zsetScan,
  zsetScore,
  ZADD_IN_GT,
  ZADD_IN_INCR,
  ZADD_IN_LT,
  ZADD_IN_NX,
  ZADD_IN_XX,
  ZADD_OUT_ADDED,
  ZADD_OUT_NAN,
  ZADD_OUT_NOP,
  ZADD_OUT_UPDATED,
} from '../keyspace/types/zset.js';
import { stringMatch } from '../util/glob.js';
import { formatDouble17g, parseInt64 } from '../util/numbers.js';
import { addZsetKey, LONG_MAX, notZset, rangeLong, replyScore } from './zsets-common.js';
import { rangeCommands } from './zsets-range.js';
import { storeCommands } from './zsets-store.js';
import { popCommands } from './zsets-pop.js';

/* ---- ZADD / ZINCRBY ------------------------------------------------------------------------- */

/** zaddGenericCommand: ZADD with its options, and ZINCRBY (flags = ZADD_IN_INCR). */
function zaddGeneric(c: Ctx, argv: string[], flags: number): void {
  const key = argv[1] as string;
  let ch = false;
  let scoreidx = 2;
  for (; scoreidx < argv.length; scoreidx++) {
    const opt = argv[scoreidx] as string;
    if (is(opt, 'nx')) flags |= ZADD_IN_NX;
    else if (is(opt, 'xx')) flags |= ZADD_IN_XX;
    else if (is(opt, 'ch')) ch = true;
    else if (is(opt, 'incr')) flags |= ZADD_IN_INCR;
    else if (is(opt, 'gt')) flags |= ZADD_IN_GT;
    else if (is(opt, 'lt')) flags |= ZADD_IN_LT;
    else break;
  }
  const incr = (flags & ZADD_IN_INCR) !== 0;
  const nx = (flags & ZADD_IN_NX) !== 0;
  const xx = (flags & ZADD_IN_XX) !== 0;
  const gt = (flags & ZADD_IN_GT) !== 0;
  const lt = (flags & ZADD_IN_LT) !== 0;

  let elements = argv.length - scoreidx;
  if (elements % 2 !== 0 || elements === 0) {
    c.reply.error(E.SYNTAX);
    return;
  }
  elements /= 2;
  if (nx && xx) {
    c.reply.error('ERR XX and NX options at the same time are not compatible');
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    c.reply.error('ERR GT, LT, and/or NX options at the same time are not compatible');
    return;
  }
  if (incr && elements > 1) {
    c.reply.error('ERR INCR option supports a single increment-element pair');
    return;
  }
  // Every score is checked before anything changes: the command applies fully or not at all.
  const scores = new Array<number>(elements);
  for (let j = 0; j < elements; j++) {
    const s = doubleArg(c, argv[scoreidx + j * 2]);
    if (s === null) return;
    scores[j] = s;
  }

  const db = c.db;
  let zobj = db.lookupWrite(key);
  if (notZset(c, zobj)) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  let failed = false;
  const limits = zobj === null && xx ? null : c.server.zsetLimits;
  if (zobj === null && limits !== null) {
    zobj = createZsetForAdd(argv[scoreidx + 1] as string, limits);
    addZsetKey(c, key, zobj);
  }
  if (zobj !== null && limits !== null) {
    for (let j = 0; j < elements; j++) {
      const out = zsetAdd(zobj, scores[j] as number, argv[scoreidx + 1 + j * 2] as string, flags, limits);
      if (out & ZADD_OUT_NAN) {
        c.reply.error('ERR resulting score is not a number (NaN)');
        failed = true;
        break;
      }
      if (out & ZADD_OUT_ADDED) added++;
      if (out & ZADD_OUT_UPDATED) updated++;
      if (!(out & ZADD_OUT_NOP)) {
        processed++;
        score = zaddNewScore;
      }
    }
    if (!failed) c.dirty(added + updated);
  }
  if (!failed) {
    if (incr) {
      if (processed > 0) replyScore(c, score);
      else c.reply.nullBulk();
    } else {
      c.reply.integer(ch ? added + updated : added);
    }
  }
  if (added > 0 || updated > 0) {
    c.modified(db, key);
    c.notify(NOTIFY_ZSET, incr ? 'zincr' : 'zadd', key, db.id);
  }
}

function zaddCommand(c: Ctx, argv: string[]): void {
  zaddGeneric(c, argv, 0);
}

function zincrbyCommand(c: Ctx, argv: string[]): void {
  zaddGeneric(c, argv, ZADD_IN_INCR);
}

/* ---- ZREM ------------------------------------------------------------------------------------ */

function zremCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const db = c.db;
  const zobj = db.lookupWrite(key);
  if (zobj === null) {
    c.reply.integer(0);
    return;
  }
  if (notZset(c, zobj)) return;
  let deleted = 0;
  let keyRemoved = false;
  for (let j = 2; j < argv.length; j++) {
    if (zsetDel(zobj, argv[j] as string)) deleted++;
    if (zsetLength(zobj) === 0) {
      db.delete(key);
      keyRemoved = true;
      break;
    }
  }
  if (deleted > 0) {
    c.notify(NOTIFY_ZSET, 'zrem', key, db.id);
    if (keyRemoved) c.notify(NOTIFY_GENERIC, 'del', key, db.id);
    c.modified(db, key);
    c.dirty(deleted);
  }
  c.reply.integer(deleted);
}

/* ---- reads ------------------------------------------------------------------------------------ */

function zcardCommand(c: Ctx, argv: string[]): void {
  const zobj = lookupRead(c, c.db, argv[1] as string);
  if (zobj === null) {
    c.reply.integer(0);
    return;
  }
  if (notZset(c, zobj)) return;
  c.reply.integer(zsetLength(zobj));
}

function zscoreCommand(c: Ctx, argv: string[]): void {
  const zobj = lookupRead(c, c.db, argv[1] as string);
  if (zobj === null) {
    c.reply.nullBulk();
    return;
  }
  if (notZset(c, zobj)) return;
  const s = zsetScore(zobj, argv[2] as string);
  if (s === null) c.reply.nullBulk();
  else replyScore(c, s);
}

function zmscoreCommand(c: Ctx, argv: string[]): void {
  const zobj = lookupRead(c, c.db, argv[1] as string);
  if (notZset(c, zobj)) return;
  c.reply.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = zobj === null ? null : zsetScore(zobj, argv[j] as string);
    if (s === null) c.reply.nullBulk();
    else replyScore(c, s);
  }
}

function zrankGeneric(c: Ctx, argv: string[], reverse: boolean): void {
  const zobj = lookupRead(c, c.db, argv[1] as string);
  if (zobj === null) {
    c.reply.nullBulk();
    return;
  }
  if (notZset(c, zobj)) return;
  const rank = zsetRank(zobj, argv[2] as string, reverse);
  if (rank >= 0) c.reply.integer(rank);
  else c.reply.nullBulk();
}

function zrankCommand(c: Ctx, argv: string[]): void {
  zrankGeneric(c, argv, false);
}

function zrevrankCommand(c: Ctx, argv: string[]): void {
  zrankGeneric(c, argv, true);
}

/* ---- ZSCAN ------------------------------------------------------------------------------------ */

/** zscanCommand + scanGenericCommand for a sorted set. */
function zscanCommand(c: Ctx, argv: string[]): void {
  const cursor = cursorArg(c, argv[2] as string);
  if (cursor === null) return;
  const zobj = lookupRead(c, c.db, argv[1] as string);
  if (zobj === null) {
    c.reply.array(2);
    c.reply.bulk('0');
    c.reply.array(0);
    return;
  }
  if (notZset(c, zobj)) return;
  const opts = parseScanOptions(c, argv, 3, false);
  if (opts === null) return;
  const { count, pattern } = opts;
  const items: string[] = [];
  const next = zsetScan(zobj, cursor, count, items, formatDouble17g);
  let n = items.length;
  if (pattern !== null) {
    let w = 0;
    for (let i = 0; i < items.length; i += 2) {
      if (!stringMatch(pattern, items[i] as string)) continue;
      items[w++] = items[i] as string;
      items[w++] = items[i + 1] as string;
    }
    n = w;
  }
  c.reply.array(2);
  c.reply.bulk(String(next));
  c.reply.array(n);
  for (let i = 0; i < n; i++) c.reply.bulk(items[i] as string);
}

/* ---- ZRANDMEMBER --------------------------------------------------------------------------------- */

/** How much bigger than the request a set must be for the pick-until-unique strategy. */
const SUB_STRATEGY_MUL = 3;

function replyMember(c: Ctx, member: string, score: number, withscores: boolean): void {
  if (withscores && c.client.resp > 2) c.reply.array(2);
  c.reply.bulk(member);
  if (withscores) replyScore(c, score);
}

function zrandmemberWithCount(c: Ctx, key: string, l: number, withscores: boolean): void {
  const zobj = lookupRead(c, c.db, key);
  if (zobj === null) {
    c.reply.array(0);
    return;
  }
  if (notZset(c, zobj)) return;
  const size = zsetLength(zobj);
  const uniq = l >= 0;
  const count = Math.abs(l);
  const resp2Flat = withscores && c.client.resp === 2;
  if (count === 0) {
    c.reply.array(0);
    return;
  }
  // CASE 1: repetitions allowed (or a single element): independent uniform picks.
  if (!uniq || count === 1) {
    c.reply.array(resp2Flat ? count * 2 : count);
    for (let i = 0; i < count; i++) {
      const [m, s] = zsetRandomElement(zobj);
      replyMember(c, m, s, withscores);
    }
    return;
  }
  const n = Math.min(count, size);
  c.reply.array(resp2Flat ? n * 2 : n);
  const all = zsetEntries(zobj);
  // CASE 2: the whole set, in the order Redis's set-operation iterator walks it (descending).
  if (count >= size) {
    for (let i = all.length - 1; i >= 0; i--) replyMember(c, all[i]![0], all[i]![1], withscores);
    return;
  }
  // CASE 3: close to the whole set: drop random elements until `count` remain.
  if (count * SUB_STRATEGY_MUL > size) {
    let left = all.length;
    while (left > count) {
      const i = Math.floor(Math.random() * left);
      all[i] = all[left - 1]!;
      left--;
    }
    for (let i = 0; i < count; i++) replyMember(c, all[i]![0], all[i]![1], withscores);
    return;
  }
  // CASE 4: a big set: pick until `count` distinct members.
  const seen = new Set<string>();
  while (seen.size < count) {
    const [m, s] = zsetRandomElement(zobj);
    if (seen.has(m)) continue;
    seen.add(m);
    replyMember(c, m, s, withscores);
  }
}

function zrandmemberCommand(c: Ctx, argv: string[]): void {
  if (argv.length >= 3) {
    const l = rangeLong(c, argv[2] as string, -LONG_MAX, LONG_MAX, null);
    if (l === null) return;
    if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'withscores'))) {
      c.reply.error(E.SYNTAX);
      return;
    }
    const withscores = argv.length === 4;
    const big = BigInt(parseInt64(argv[2] as string) ?? 0);
    if (withscores && (big < -LONG_MAX / 2n || big > LONG_MAX / 2n)) {
      c.reply.error('ERR value is out of range');
      return;
    }
    zrandmemberWithCount(c, argv[1] as string, l, withscores);
    return;
  }
  const zobj = lookupRead(c, c.db, argv[1] as string);
  if (zobj === null) {
    c.reply.nullBulk();
    return;
  }
  if (notZset(c, zobj)) return;
  c.reply.bulk(zsetRandomElement(zobj)[0]);
}

/* ---- metadata (src/commands/*.json of Redis 7.0.15) ------------------------------------------ */

const coreCommands: CommandSpec[] = [
  {
    name: 'zadd',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RW', 'update'], 1)],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Add one or more members to a sorted set, or update its score if it already exists',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    history: [['2.4.0', 'Accepts multiple elements.'], ['3.0.2', 'Added the `XX`, `NX`, `CH` and `INCR` options.'], ['6.2.0', 'Added the `GT` and `LT` options.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'condition', type: 'oneof', optional: true, since: '3.0.2', arguments: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
      ] },
      { name: 'comparison', type: 'oneof', optional: true, since: '6.2.0', arguments: [
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ] },
      { name: 'change', type: 'pure-token', token: 'CH', optional: true, since: '3.0.2' },
      { name: 'increment', type: 'pure-token', token: 'INCR', optional: true, since: '3.0.2' },
      { name: 'score_member', type: 'block', multiple: true, arguments: [
        { name: 'score', type: 'double' },
        { name: 'member', type: 'string' },
      ] },
    ],
    handler: zaddCommand,
  },
  {
    name: 'zincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RW', 'access', 'update'], 1)],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Increment the score of a member in a sorted set',
    complexity: 'O(log(N)) where N is the number of elements in the sorted set.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'increment', type: 'integer' },
      { name: 'member', type: 'string' },
    ],
    handler: zincrbyCommand,
  },
  {
    name: 'zrem',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RW', 'delete'], 1)],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Remove one or more members from a sorted set',
    complexity: 'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
    history: [['2.4.0', 'Accepts multiple elements.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string', multiple: true },
    ],
    handler: zremCommand,
  },
  {
    name: 'zcard',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO'], 1)],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Get the number of members in a sorted set',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    handler: zcardCommand,
  },
  {
    name: 'zscore',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Get the score associated with the given member in a sorted set',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string' },
    ],
    handler: zscoreCommand,
  },
  {
    name: 'zmscore',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Get the score associated with the given members in a sorted set',
    complexity: 'O(N) where N is the number of members being requested.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string', multiple: true },
    ],
    handler: zmscoreCommand,
  },
  {
    name: 'zrank',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '2.0.0',
    summary: 'Determine the index of a member in a sorted set',
    complexity: 'O(log(N))',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string' },
    ],
    handler: zrankCommand,
  },
  {
    name: 'zrevrank',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '2.0.0',
    summary: 'Determine the index of a member in a sorted set, with scores ordered from high to low',
    complexity: 'O(log(N))',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string' },
    ],
    handler: zrevrankCommand,
  },
  {
    name: 'zscan',
    arity: -3,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '2.8.0',
    summary: 'Incrementally iterate sorted sets elements and associated scores',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    tips: ['nondeterministic_output'],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    handler: zscanCommand,
  },
  {
    name: 'zrandmember',
    arity: -2,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Get one or multiple random elements from a sorted set',
    complexity: 'O(N) where N is the number of elements returned',
    tips: ['nondeterministic_output'],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'options', type: 'block', optional: true, arguments: [
        { name: 'count', type: 'integer' },
        { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
      ] },
    ],
    handler: zrandmemberCommand,
  },
];

export const commands: CommandSpec[] = [...coreCommands, ...rangeCommands, ...storeCommands, ...popCommands];
