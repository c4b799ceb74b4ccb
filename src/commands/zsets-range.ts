/*
 * Sorted-set ranges (t_zset.c): ZRANGE with BYSCORE / BYLEX / REV / LIMIT / WITHSCORES, its
 * store form ZRANGESTORE, the older ZREVRANGE / Z[REV]RANGEBYSCORE / Z[REV]RANGEBYLEX, the
 * counts ZCOUNT / ZLEXCOUNT and the removals ZREMRANGEBYRANK / -BYSCORE / -BYLEX.
 *
 * One parser (zrangeGeneric, as Redis's zrangeGenericCommand) serves every ZRANGE form, in
 * Redis's order: options, then conflicts, then the range, then the key. Results go to a sink:
 * the client (a flat array in RESP2, [member, score] pairs in RESP3 WITHSCORES) or a new zset
 * for ZRANGESTORE, which starts as a skiplist only when the rank range is known to exceed
 * zset-max-listpack-entries and otherwise as a listpack that grows (and converts) like ZADD.
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import { is } from './args.js';
import { lookupRead } from './lookup.js';
import * as E from '../protocol/errors.js';
import type { RObject } from '../keyspace/object.js';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../keyspace/notify.js';
import {
  createZsetListpackObject,
  createZsetObject,
  zsetAdd,
  zsetCount,
  zsetDeleteRangeByLex,
  zsetDeleteRangeByRank,
  zsetDeleteRangeByScore,
  zsetLength,
  zsetLexCount,
  zsetRangeByLex,
  zsetRangeByRank,
  zsetRangeByScore,
  type LexRange,
  type ScoreRange,
  type ZsetLimits,
} from '../keyspace/types/zset.js';
import {
  ERR_LEX_RANGE,
  ERR_SCORE_RANGE,
  longArg,
  notZset,
  parseLexRange,
  parseScoreRange,
  replyScore,
  storeZset,
} from './zsets-common.js';

const RANGE_AUTO = 0;
const RANGE_RANK = 1;
const RANGE_SCORE = 2;
const RANGE_LEX = 3;

const DIR_AUTO = 0;
const DIR_FORWARD = 1;
const DIR_REVERSE = 2;

/* ---- result sinks ------------------------------------------------------------------------------ */

interface RangeSink {
  /** Number of results when known in advance, else -1. */
  begin(length: number): void;
  emit(member: string, score: number): void;
  finalize(count: number): void;
  /** Members must outlive the source (stored in another key). */
  readonly detached: boolean;
}

/** zrangeResult*Client: replies directly when the length is known, else after collecting. */
class ClientSink implements RangeSink {
  readonly detached = false;
  private deferred = false;
  private members: string[] = [];
  private scores: number[] = [];

  constructor(
    private readonly c: Ctx,
    private readonly withscores: boolean,
  ) {}

  private header(n: number): void {
    this.c.reply.array(this.withscores && this.c.client.resp === 2 ? n * 2 : n);
  }

  private write(member: string, score: number): void {
    const r = this.c.reply;
    if (this.withscores && this.c.client.resp > 2) r.array(2);
    r.bulk(member);
    if (this.withscores) replyScore(this.c, score);
  }

  begin(length: number): void {
    if (length > 0) this.header(length);
    else this.deferred = true;
  }

  emit(member: string, score: number): void {
    if (this.deferred) {
      this.members.push(member);
      this.scores.push(score);
    } else {
      this.write(member, score);
    }
  }

  finalize(count: number): void {
    if (!this.deferred) return;
    this.header(count);
    for (let i = 0; i < count; i++) this.write(this.members[i]!, this.scores[i]!);
  }
}

/** zrangeResult*Store: ZRANGESTORE's destination. */
class StoreSink implements RangeSink {
  readonly detached = true;
  private dst: RObject | null = null;

  constructor(
    private readonly c: Ctx,
    private readonly dstkey: string,
    private readonly limits: ZsetLimits,
  ) {}

  begin(length: number): void {
    this.dst = length > this.limits.maxEntries ? createZsetObject() : createZsetListpackObject();
  }

  emit(member: string, score: number): void {
    zsetAdd(this.dst!, score, member, 0, this.limits);
  }

  finalize(count: number): void {
    const c = this.c;
    const db = c.db;
    if (count > 0) {
      storeZset(c, this.dstkey, this.dst!);
      c.reply.integer(count);
      c.notify(NOTIFY_ZSET, 'zrangestore', this.dstkey, db.id);
      c.dirty();
    } else {
      c.reply.integer(0);
      if (db.delete(this.dstkey)) {
        c.modified(db, this.dstkey);
        c.notify(NOTIFY_GENERIC, 'del', this.dstkey, db.id);
        c.dirty();
      }
    }
  }
}

/* ---- the range kinds ------------------------------------------------------------------------- */

/** genericZrangebyrankCommand. */
function rangeByRank(sink: RangeSink, zobj: RObject, start: number, end: number, reverse: boolean): void {
  const llen = zsetLength(zobj);
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    sink.begin(0);
    sink.finalize(0);
    return;
  }
  if (end >= llen) end = llen - 1;
  const n = end - start + 1;
  sink.begin(n);
  zsetRangeByRank(zobj, start, end, reverse, (m, s) => sink.emit(m, s), sink.detached);
  sink.finalize(n);
}

function rangeByScore(sink: RangeSink, zobj: RObject, r: ScoreRange, offset: number, limit: number, reverse: boolean): void {
  sink.begin(-1);
  const n = zsetRangeByScore(zobj, r, offset, limit, reverse, (m, s) => sink.emit(m, s), sink.detached);
  sink.finalize(n);
}

function rangeByLex(sink: RangeSink, zobj: RObject, r: LexRange, offset: number, limit: number, reverse: boolean): void {
  sink.begin(-1);
  const n = zsetRangeByLex(zobj, r, offset, limit, reverse, (m, s) => sink.emit(m, s), sink.detached);
  sink.finalize(n);
}

/**
 * zrangeGenericCommand: argv[argcStart] is the source key, then min, max and options.
 * `store` is the destination key for ZRANGESTORE (null for the replying forms).
 */
function zrangeGeneric(c: Ctx, argv: string[], argcStart: number, store: string | null, rangetype: number, direction: number): void {
  const key = argv[argcStart] as string;
  let minidx = argcStart + 1;
  let maxidx = argcStart + 2;
  let withscores = false;
  let offset = 0;
  let limit = -1;
  let limitGiven = false;

  for (let j = argcStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const a = argv[j];
    if (store === null && is(a, 'withscores')) {
      withscores = true;
    } else if (is(a, 'limit') && left >= 2) {
      const o = longArg(c, argv[j + 1] as string);
      if (o === null) return;
      const l = longArg(c, argv[j + 2] as string);
      if (l === null) return;
      offset = o;
      limit = l;
      limitGiven = l !== -1;
      j += 2;
    } else if (direction === DIR_AUTO && is(a, 'rev')) {
      direction = DIR_REVERSE;
    } else if (rangetype === RANGE_AUTO && is(a, 'bylex')) {
      rangetype = RANGE_LEX;
    } else if (rangetype === RANGE_AUTO && is(a, 'byscore')) {
      rangetype = RANGE_SCORE;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  if (direction === DIR_AUTO) direction = DIR_FORWARD;
  if (rangetype === RANGE_AUTO) rangetype = RANGE_RANK;
  if (limitGiven && rangetype === RANGE_RANK) {
    c.reply.error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
    return;
  }
  if (withscores && rangetype === RANGE_LEX) {
    c.reply.error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    return;
  }
  const reverse = direction === DIR_REVERSE;
  if (reverse && (rangetype === RANGE_SCORE || rangetype === RANGE_LEX)) {
    const t = maxidx;
    maxidx = minidx;
    minidx = t;
  }

  let start = 0;
  let end = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (rangetype === RANGE_RANK) {
    const s = longArg(c, argv[minidx] as string);
    if (s === null) return;
    const e = longArg(c, argv[maxidx] as string);
    if (e === null) return;
    start = s;
    end = e;
  } else if (rangetype === RANGE_SCORE) {
    scoreRange = parseScoreRange(argv[minidx] as string, argv[maxidx] as string);
    if (scoreRange === null) {
      c.reply.error(ERR_SCORE_RANGE);
      return;
    }
  } else {
    lexRange = parseLexRange(argv[minidx] as string, argv[maxidx] as string);
    if (lexRange === null) {
      c.reply.error(ERR_LEX_RANGE);
      return;
    }
  }

  const sink: RangeSink = store !== null ? new StoreSink(c, store, c.server.zsetLimits) : new ClientSink(c, withscores);
  const zobj = lookupRead(c, c.db, key);
  if (zobj === null) {
    if (store !== null) {
      sink.begin(-1);
      sink.finalize(0);
    } else {
      c.reply.array(0);
    }
    return;
  }
  if (notZset(c, zobj)) return;
  if (rangetype === RANGE_RANK) rangeByRank(sink, zobj, start, end, reverse);
  else if (rangetype === RANGE_SCORE) rangeByScore(sink, zobj, scoreRange!, offset, limit, reverse);
  else rangeByLex(sink, zobj, lexRange!, offset, limit, reverse);
}

function zrangeCommand(c: Ctx, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, RANGE_AUTO, DIR_AUTO);
}

function zrangestoreCommand(c: Ctx, argv: string[]): void {
  zrangeGeneric(c, argv, 2, argv[1] as string, RANGE_AUTO, DIR_AUTO);
}

function zrevrangeCommand(c: Ctx, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, RANGE_RANK, DIR_REVERSE);
}

function zrangebyscoreCommand(c: Ctx, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, RANGE_SCORE, DIR_FORWARD);
}

function zrevrangebyscoreCommand(c: Ctx, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, RANGE_SCORE, DIR_REVERSE);
}

function zrangebylexCommand(c: Ctx, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, RANGE_LEX, DIR_FORWARD);
}

function zrevrangebylexCommand(c: Ctx, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, RANGE_LEX, DIR_REVERSE);
}

/* ---- counts ------------------------------------------------------------------------------------ */

/** ZCOUNT / ZLEXCOUNT: `r` is the parsed range (null after a parse error, replied as `err`). */
function zcountGeneric<R>(c: Ctx, argv: string[], r: R | null, err: string, count: (zobj: RObject, r: R) => number): void {
  if (r === null) {
    c.reply.error(err);
    return;
  }
  const zobj = lookupRead(c, c.db, argv[1] as string);
  if (zobj === null) {
    c.reply.integer(0);
    return;
  }
  if (notZset(c, zobj)) return;
  c.reply.integer(count(zobj, r));
}

function zcountCommand(c: Ctx, argv: string[]): void {
  zcountGeneric(c, argv, parseScoreRange(argv[2] as string, argv[3] as string), ERR_SCORE_RANGE, zsetCount);
}

function zlexcountCommand(c: Ctx, argv: string[]): void {
  zcountGeneric(c, argv, parseLexRange(argv[2] as string, argv[3] as string), ERR_LEX_RANGE, zsetLexCount);
}

/* ---- ZREMRANGEBY* ------------------------------------------------------------------------------ */

/** zremrangeGenericCommand. */
function zremrangeGeneric(c: Ctx, argv: string[], rangetype: number): void {
  const key = argv[1] as string;
  let start = 0;
  let end = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  let event: string;
  if (rangetype === RANGE_RANK) {
    event = 'zremrangebyrank';
    const s = longArg(c, argv[2] as string);
    if (s === null) return;
    const e = longArg(c, argv[3] as string);
    if (e === null) return;
    start = s;
    end = e;
  } else if (rangetype === RANGE_SCORE) {
    event = 'zremrangebyscore';
    scoreRange = parseScoreRange(argv[2] as string, argv[3] as string);
    if (scoreRange === null) {
      c.reply.error(ERR_SCORE_RANGE);
      return;
    }
  } else {
    event = 'zremrangebylex';
    lexRange = parseLexRange(argv[2] as string, argv[3] as string);
    if (lexRange === null) {
      c.reply.error(ERR_LEX_RANGE);
      return;
    }
  }
  const db = c.db;
  const zobj = db.lookupWrite(key);
  if (zobj === null) {
    c.reply.integer(0);
    return;
  }
  if (notZset(c, zobj)) return;
  let deleted: number;
  if (rangetype === RANGE_RANK) {
    const llen = zsetLength(zobj);
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) {
      c.reply.integer(0);
      return;
    }
    if (end >= llen) end = llen - 1;
    deleted = zsetDeleteRangeByRank(zobj, start, end);
  } else if (rangetype === RANGE_SCORE) {
    deleted = zsetDeleteRangeByScore(zobj, scoreRange!);
  } else {
    deleted = zsetDeleteRangeByLex(zobj, lexRange!);
  }
  let keyRemoved = false;
  if (zsetLength(zobj) === 0) {
    db.delete(key);
    keyRemoved = true;
  }
  if (deleted > 0) {
    c.modified(db, key);
    c.notify(NOTIFY_ZSET, event, key, db.id);
    if (keyRemoved) c.notify(NOTIFY_GENERIC, 'del', key, db.id);
  }
  c.dirty(deleted);
  c.reply.integer(deleted);
}

function zremrangebyrankCommand(c: Ctx, argv: string[]): void {
  zremrangeGeneric(c, argv, RANGE_RANK);
}

function zremrangebyscoreCommand(c: Ctx, argv: string[]): void {
  zremrangeGeneric(c, argv, RANGE_SCORE);
}

function zremrangebylexCommand(c: Ctx, argv: string[]): void {
  zremrangeGeneric(c, argv, RANGE_LEX);
}

/* ---- metadata (src/commands/*.json of Redis 7.0.15) ------------------------------------------ */

export const rangeCommands: CommandSpec[] = [
  {
    name: 'zcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '2.0.0',
    summary: 'Count the members in a sorted set with scores within the given values',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'min', type: 'double' },
      { name: 'max', type: 'double' },
    ],
    handler: zcountCommand,
  },
  {
    name: 'zlexcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '2.8.9',
    summary: 'Count the number of members in a sorted set between a given lexicographical range',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'min', type: 'string' },
      { name: 'max', type: 'string' },
    ],
    handler: zlexcountCommand,
  },
  {
    name: 'zrange',
    arity: -4,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Return a range of members in a sorted set',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
    history: [['6.2.0', 'Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'string' },
      { name: 'stop', type: 'string' },
      { name: 'sortby', type: 'oneof', optional: true, since: '6.2.0', arguments: [
        { name: 'byscore', type: 'pure-token', token: 'BYSCORE' },
        { name: 'bylex', type: 'pure-token', token: 'BYLEX' },
      ] },
      { name: 'rev', type: 'pure-token', token: 'REV', optional: true, since: '6.2.0' },
      { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, since: '6.2.0', arguments: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ] },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
    ],
    handler: zrangeCommand,
  },
  {
    name: 'zrangestore',
    arity: -5,
    flags: ['write', 'denyoom'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['OW', 'update'], 1), keyRange(['RO', 'access'], 2)],
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Store a range of members from sorted set into another key',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.',
    args: [
      { name: 'dst', type: 'key', key_spec_index: 0 },
      { name: 'src', type: 'key', key_spec_index: 1 },
      { name: 'min', type: 'string' },
      { name: 'max', type: 'string' },
      { name: 'sortby', type: 'oneof', optional: true, arguments: [
        { name: 'byscore', type: 'pure-token', token: 'BYSCORE' },
        { name: 'bylex', type: 'pure-token', token: 'BYLEX' },
      ] },
      { name: 'rev', type: 'pure-token', token: 'REV', optional: true },
      { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ] },
    ],
    handler: zrangestoreCommand,
  },
  {
    name: 'zrevrange',
    arity: -4,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Return a range of members in a sorted set, by index, with scores ordered from high to low',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` argument',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
    ],
    handler: zrevrangeCommand,
  },
  {
    name: 'zrangebyscore',
    arity: -4,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '1.0.5',
    summary: 'Return a range of members in a sorted set, by score',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYSCORE` argument',
    history: [['2.0.0', 'Added the `WITHSCORES` modifier.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'min', type: 'double' },
      { name: 'max', type: 'double' },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true, since: '2.0.0' },
      { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ] },
    ],
    handler: zrangebyscoreCommand,
  },
  {
    name: 'zrevrangebyscore',
    arity: -4,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '2.2.0',
    summary: 'Return a range of members in a sorted set, by score, with scores ordered from high to low',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` and `BYSCORE` arguments',
    history: [['2.1.6', '`min` and `max` can be exclusive.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'max', type: 'double' },
      { name: 'min', type: 'double' },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
      { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ] },
    ],
    handler: zrevrangebyscoreCommand,
  },
  {
    name: 'zrangebylex',
    arity: -4,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '2.8.9',
    summary: 'Return a range of members in a sorted set, by lexicographical range',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYLEX` argument',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'min', type: 'string' },
      { name: 'max', type: 'string' },
      { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ] },
    ],
    handler: zrangebylexCommand,
  },
  {
    name: 'zrevrangebylex',
    arity: -4,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'sorted-set',
    since: '2.8.9',
    summary: 'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` and `BYLEX` arguments',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'max', type: 'string' },
      { name: 'min', type: 'string' },
      { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ] },
    ],
    handler: zrevrangebylexCommand,
  },
  {
    name: 'zremrangebyrank',
    arity: 4,
    flags: ['write'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RW', 'delete'], 1)],
    group: 'sorted-set',
    since: '2.0.0',
    summary: 'Remove all members in a sorted set within the given indexes',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
    ],
    handler: zremrangebyrankCommand,
  },
  {
    name: 'zremrangebyscore',
    arity: 4,
    flags: ['write'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RW', 'delete'], 1)],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Remove all members in a sorted set within the given scores',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'min', type: 'double' },
      { name: 'max', type: 'double' },
    ],
    handler: zremrangebyscoreCommand,
  },
  {
    name: 'zremrangebylex',
    arity: 4,
    flags: ['write'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['RW', 'delete'], 1)],
    group: 'sorted-set',
    since: '2.8.9',
    summary: 'Remove all members in a sorted set between the given lexicographical range',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'min', type: 'string' },
      { name: 'max', type: 'string' },
    ],
    handler: zremrangebylexCommand,
  },
];
