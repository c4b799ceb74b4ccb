/*
 * Sorted-set algebra (t_zset.c zunionInterDiffGenericCommand): ZUNION, ZINTER, ZDIFF, their
 * STORE forms and ZINTERCARD. Inputs may be sorted sets or plain sets (every member of a set
 * scores 1). WEIGHTS multiply each input's scores, AGGREGATE SUM|MIN|MAX combines them (a SUM
 * of +inf and -inf is 0, as in Redis), a weighted score that is NaN becomes 0.
 *
 * Inputs are ordered by cardinality (smallest first; a stable sort, so equal sizes keep their
 * argument order) for UNION and INTER, as Redis does: that order decides the order of the
 * floating-point aggregation. The result is sorted by (score, member); a stored result becomes
 * a listpack when it is small enough (zsetConvertToListpackIfNeeded), else a skiplist.
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { genericGetKeys, keyNum, keyRange, numkeysGetKeys } from './spec.js';
import { doubleArg, is } from './args.js';
import { lookupRead } from './lookup.js';
import * as E from '../protocol/errors.js';
import type { RObject } from '../keyspace/object.js';
import { OBJ_SET, OBJ_ZSET } from '../keyspace/object.js';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../keyspace/notify.js';
import { setIsMember, setIterate, setSize } from '../keyspace/types/set.js';
import {
  compareElements,
  createZsetFromSorted,
  zsetConvertToListpackIfNeeded,
  zsetForEach,
  zsetLength,
  zsetScore,
} from '../keyspace/types/zset.js';
import { LONG_MAX, longArg, rangeLong, replyScore, storeZset } from './zsets-common.js';

const OP_UNION = 0;
const OP_INTER = 1;
const OP_DIFF = 2;

const AGGR_SUM = 1;
const AGGR_MIN = 2;
const AGGR_MAX = 3;

/** One input: a set, a sorted set, or a missing key (empty). */
interface Source {
  obj: RObject | null;
  weight: number;
  len: number;
}

function sourceLength(o: RObject | null): number {
  if (o === null) return 0;
  return o.type === OBJ_SET ? setSize(o) : zsetLength(o);
}

/** zuiFind: the member's score in the input (1 for a set member), or null. */
function sourceFind(src: Source, member: string): number | null {
  const o = src.obj;
  if (o === null) return null;
  if (o.type === OBJ_SET) return setIsMember(o, member) ? 1 : null;
  return zsetScore(o, member);
}

/** Visit every element of the input; members are safe to store. */
function sourceForEach(src: Source, fn: (member: string, score: number) => void): void {
  const o = src.obj;
  if (o === null) return;
  if (o.type === OBJ_SET) setIterate(o, (m) => fn(m, 1));
  else zsetForEach(o, fn, true);
}

/** zunionInterAggregate. */
function aggregate(target: number, val: number, mode: number): number {
  if (mode === AGGR_SUM) {
    const t = target + val;
    return t !== t ? 0 : t;
  }
  if (mode === AGGR_MIN) return val < target ? val : target;
  return val > target ? val : target;
}

/** zunionInterDiffGenericCommand. */
function zunionInterDiffGeneric(c: Ctx, argv: string[], dstkey: string | null, numkeysIndex: number, op: number, cardinalityOnly: boolean): void {
  const setnum = longArg(c, argv[numkeysIndex] as string);
  if (setnum === null) return;
  if (setnum < 1) {
    c.reply.error(`ERR at least 1 input key is needed for '${c.spec.name}' command`);
    return;
  }
  if (setnum > argv.length - (numkeysIndex + 1)) {
    c.reply.error(E.SYNTAX);
    return;
  }
  const db = c.db;
  const src: Source[] = [];
  let j = numkeysIndex + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const obj = lookupRead(c, db, argv[j] as string);
    if (obj !== null && obj.type !== OBJ_ZSET && obj.type !== OBJ_SET) {
      c.reply.error(E.WRONGTYPE);
      return;
    }
    src.push({ obj, weight: 1, len: sourceLength(obj) });
  }

  let aggr = AGGR_SUM;
  let withscores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const a = argv[j];
    if (op !== OP_DIFF && !cardinalityOnly && remaining >= setnum + 1 && is(a, 'weights')) {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = doubleArg(c, argv[j], 'ERR weight value is not a float');
        if (w === null) return;
        src[i]!.weight = w;
      }
    } else if (op !== OP_DIFF && !cardinalityOnly && remaining >= 2 && is(a, 'aggregate')) {
      j++;
      remaining--;
      const v = argv[j];
      if (is(v, 'sum')) aggr = AGGR_SUM;
      else if (is(v, 'min')) aggr = AGGR_MIN;
      else if (is(v, 'max')) aggr = AGGR_MAX;
      else {
        c.reply.error(E.SYNTAX);
        return;
      }
      j++;
      remaining--;
    } else if (remaining >= 1 && dstkey === null && !cardinalityOnly && is(a, 'withscores')) {
      j++;
      remaining--;
      withscores = true;
    } else if (cardinalityOnly && remaining >= 2 && is(a, 'limit')) {
      j++;
      remaining--;
      const l = rangeLong(c, argv[j] as string, 0n, LONG_MAX, "LIMIT can't be negative");
      if (l === null) return;
      limit = l;
      j++;
      remaining--;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }

  // Smallest input first (stable), except for DIFF where the first input is the minuend.
  if (op !== OP_DIFF) src.sort((a, b) => a.len - b.len);

  const members: string[] = [];
  const scores: number[] = [];
  let cardinality = 0;
  if (op === OP_INTER) {
    const first = src[0]!;
    if (first.len > 0) {
      let done = false;
      sourceForEach(first, (m, s0) => {
        if (done) return;
        let score = first.weight * s0;
        if (score !== score) score = 0;
        let k = 1;
        for (; k < src.length; k++) {
          const other = src[k]!;
          if (other.obj === first.obj) {
            score = aggregate(score, s0 * other.weight, aggr);
          } else {
            const v = sourceFind(other, m);
            if (v === null) break;
            score = aggregate(score, v * other.weight, aggr);
          }
        }
        if (k !== src.length) return;
        if (cardinalityOnly) {
          cardinality++;
          if (limit !== 0 && cardinality >= limit) done = true;
        } else {
          members.push(m);
          scores.push(score);
        }
      });
    }
  } else if (op === OP_UNION) {
    const acc = new Map<string, number>();
    for (const s of src) {
      if (s.len === 0) continue;
      const w = s.weight;
      sourceForEach(s, (m, v) => {
        let score = w * v;
        if (score !== score) score = 0;
        const cur = acc.get(m);
        acc.set(m, cur === undefined ? score : aggregate(cur, score, aggr));
      });
    }
    for (const [m, s] of acc) {
      members.push(m);
      scores.push(s);
    }
  } else {
    const first = src[0]!;
    // An input that is the minuend itself removes everything.
    if (first.len > 0 && !src.some((s, k) => k > 0 && s.obj === first.obj)) {
      sourceForEach(first, (m, s0) => {
        for (let k = 1; k < src.length; k++) if (sourceFind(src[k]!, m) !== null) return;
        members.push(m);
        scores.push(s0);
      });
    }
  }

  if (cardinalityOnly) {
    c.reply.integer(cardinality);
    return;
  }
  // Order the result as the skiplist would: by score, then member bytes.
  const order = members.map((_, i) => i);
  order.sort((a, b) => compareElements(scores[a]!, members[a]!, scores[b]!, members[b]!));
  const sortedMembers = order.map((i) => members[i]!);
  const sortedScores = order.map((i) => scores[i]!);

  if (dstkey !== null) {
    if (sortedMembers.length > 0) {
      const dst = createZsetFromSorted(sortedMembers, sortedScores);
      let maxlen = 0;
      let total = 0;
      for (const m of sortedMembers) {
        if (m.length > maxlen) maxlen = m.length;
        total += m.length;
      }
      zsetConvertToListpackIfNeeded(dst, maxlen, total, c.server.zsetLimits);
      storeZset(c, dstkey, dst);
      c.reply.integer(sortedMembers.length);
      c.notify(NOTIFY_ZSET, op === OP_UNION ? 'zunionstore' : op === OP_INTER ? 'zinterstore' : 'zdiffstore', dstkey, db.id);
      c.dirty();
    } else {
      c.reply.integer(0);
      if (db.delete(dstkey)) {
        c.modified(db, dstkey);
        c.notify(NOTIFY_GENERIC, 'del', dstkey, db.id);
        c.dirty();
      }
    }
    return;
  }
  const n = sortedMembers.length;
  const nested = withscores && c.client.resp > 2;
  c.reply.array(withscores && !nested ? n * 2 : n);
  for (let i = 0; i < n; i++) {
    if (nested) c.reply.array(2);
    c.reply.bulk(sortedMembers[i]!);
    if (withscores) replyScore(c, sortedScores[i]!);
  }
}

function zunionstoreCommand(c: Ctx, argv: string[]): void {
  zunionInterDiffGeneric(c, argv, argv[1] as string, 2, OP_UNION, false);
}

function zinterstoreCommand(c: Ctx, argv: string[]): void {
  zunionInterDiffGeneric(c, argv, argv[1] as string, 2, OP_INTER, false);
}

function zdiffstoreCommand(c: Ctx, argv: string[]): void {
  zunionInterDiffGeneric(c, argv, argv[1] as string, 2, OP_DIFF, false);
}

function zunionCommand(c: Ctx, argv: string[]): void {
  zunionInterDiffGeneric(c, argv, null, 1, OP_UNION, false);
}

function zinterCommand(c: Ctx, argv: string[]): void {
  zunionInterDiffGeneric(c, argv, null, 1, OP_INTER, false);
}

function zdiffCommand(c: Ctx, argv: string[]): void {
  zunionInterDiffGeneric(c, argv, null, 1, OP_DIFF, false);
}

function zinterCardCommand(c: Ctx, argv: string[]): void {
  zunionInterDiffGeneric(c, argv, null, 1, OP_INTER, true);
}

const zunionInterDiffGetKeys = numkeysGetKeys(1);
const zunionInterDiffStoreGetKeys = (argv: readonly string[]): number[] => genericGetKeys(1, 2, 3, argv);

/* ---- metadata (src/commands/*.json of Redis 7.0.15) ------------------------------------------ */

export const storeCommands: CommandSpec[] = [
  {
    name: 'zunion',
    arity: -3,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [keyNum(['RO', 'access'], 1, 0, 1, 1)],
    getKeys: zunionInterDiffGetKeys,
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Add multiple sorted sets',
    complexity: 'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
      { name: 'weight', type: 'integer', token: 'WEIGHTS', optional: true, multiple: true },
      { name: 'aggregate', type: 'oneof', token: 'AGGREGATE', optional: true, arguments: [
        { name: 'sum', type: 'pure-token', token: 'SUM' },
        { name: 'min', type: 'pure-token', token: 'MIN' },
        { name: 'max', type: 'pure-token', token: 'MAX' },
      ] },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
    ],
    handler: zunionCommand,
  },
  {
    name: 'zinter',
    arity: -3,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [keyNum(['RO', 'access'], 1, 0, 1, 1)],
    getKeys: zunionInterDiffGetKeys,
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Intersect multiple sorted sets',
    complexity: 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.',
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
      { name: 'weight', type: 'integer', token: 'WEIGHTS', optional: true, multiple: true },
      { name: 'aggregate', type: 'oneof', token: 'AGGREGATE', optional: true, arguments: [
        { name: 'sum', type: 'pure-token', token: 'SUM' },
        { name: 'min', type: 'pure-token', token: 'MIN' },
        { name: 'max', type: 'pure-token', token: 'MAX' },
      ] },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
    ],
    handler: zinterCommand,
  },
  {
    name: 'zdiff',
    arity: -3,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [keyNum(['RO', 'access'], 1, 0, 1, 1)],
    getKeys: zunionInterDiffGetKeys,
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Subtract multiple sorted sets',
    complexity: 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.',
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
    ],
    handler: zdiffCommand,
  },
  {
    name: 'zunionstore',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['OW', 'update'], 1), keyNum(['RO', 'access'], 2, 0, 1, 1)],
    getKeys: zunionInterDiffStoreGetKeys,
    group: 'sorted-set',
    since: '2.0.0',
    summary: 'Add multiple sorted sets and store the resulting sorted set in a new key',
    complexity: 'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
    args: [
      { name: 'destination', type: 'key', key_spec_index: 0 },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true, key_spec_index: 1 },
      { name: 'weight', type: 'integer', token: 'WEIGHTS', optional: true, multiple: true },
      { name: 'aggregate', type: 'oneof', token: 'AGGREGATE', optional: true, arguments: [
        { name: 'sum', type: 'pure-token', token: 'SUM' },
        { name: 'min', type: 'pure-token', token: 'MIN' },
        { name: 'max', type: 'pure-token', token: 'MAX' },
      ] },
    ],
    handler: zunionstoreCommand,
  },
  {
    name: 'zinterstore',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['OW', 'update'], 1), keyNum(['RO', 'access'], 2, 0, 1, 1)],
    getKeys: zunionInterDiffStoreGetKeys,
    group: 'sorted-set',
    since: '2.0.0',
    summary: 'Intersect multiple sorted sets and store the resulting sorted set in a new key',
    complexity: 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.',
    args: [
      { name: 'destination', type: 'key', key_spec_index: 0 },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true, key_spec_index: 1 },
      { name: 'weight', type: 'integer', token: 'WEIGHTS', optional: true, multiple: true },
      { name: 'aggregate', type: 'oneof', token: 'AGGREGATE', optional: true, arguments: [
        { name: 'sum', type: 'pure-token', token: 'SUM' },
        { name: 'min', type: 'pure-token', token: 'MIN' },
        { name: 'max', type: 'pure-token', token: 'MAX' },
      ] },
    ],
    handler: zinterstoreCommand,
  },
  {
    name: 'zdiffstore',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['sortedset'],
    keySpecs: [keyRange(['OW', 'update'], 1), keyNum(['RO', 'access'], 2, 0, 1, 1)],
    getKeys: zunionInterDiffStoreGetKeys,
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Subtract multiple sorted sets and store the resulting sorted set in a new key',
    complexity: 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.',
    args: [
      { name: 'destination', type: 'key', key_spec_index: 0 },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true, key_spec_index: 1 },
    ],
    handler: zdiffstoreCommand,
  },
  {
    name: 'zintercard',
    arity: -3,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [keyNum(['RO', 'access'], 1, 0, 1, 1)],
    getKeys: zunionInterDiffGetKeys,
    group: 'sorted-set',
    since: '7.0.0',
    summary: 'Intersect multiple sorted sets and return the cardinality of the result',
    complexity: 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
      { name: 'limit', type: 'integer', token: 'LIMIT', optional: true },
    ],
    handler: zinterCardCommand,
  },
];
