/*
 * Blocking list pops: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP (Redis 7.0.15's t_list.c).
 *
 * With data available they act like their plain forms and propagate as them (BLPOP → LPOP key,
 * BLMPOP → LPOP/RPOP key n, BLMOVE → LMOVE, BRPOPLPUSH → RPOPLPUSH). Without data they block
 * through ctx.blockForKeys: the engine queues the client on the keys in arrival order and runs
 * the same command again when one of them is signaled (a push creating the list, LMOVE's
 * destination, RENAME...); a re-run that still finds nothing blocks again and keeps its place,
 * so clients are served first come, first served. Inside MULTI or a script (ctx.canBlock is
 * false) an empty result is immediate: the null array, or BLMOVE's null bulk. Timeouts are
 * parsed before anything else (after LEFT/RIGHT for BLMOVE, after the LMPOP arguments for
 * BLMPOP) with getTimeoutFromObjectOrReply's errors.
 */

import type { ClientView, Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyNum, keyRange, numkeysGetKeys } from './spec.js';
import { timeoutArg } from './args.js';
import type { Quicklist } from '../ds/quicklist.js';
import * as E from '../protocol/errors.js';
import { OBJ_LIST } from '../keyspace/object.js';
import {
  WHERE_ARG, elementsRemoved, listPosition, lmoveGeneric, mpopReply, parseMpop,
} from './lists-common.js';

/**
 * True when this call re-runs the command of a client that is still blocked (a key it waits on
 * was signaled). Redis then only serves the client from keys that hold lists: a waited key that
 * meanwhile became another type is skipped, not answered with WRONGTYPE, and the client stays
 * blocked. The engine's client object carries `blocked` while queued; ClientView does not
 * declare it yet, hence the widened type.
 */
function isBlockedRerun(c: Ctx): boolean {
  const blocked = (c.client as ClientView & { blocked?: unknown }).blocked;
  return blocked !== undefined && blocked !== null;
}

/**
 * The keys a blocking pop may serve from. Redis 7.0 serves a blocked client from the key whose
 * readiness is being handled, not from the first non-empty key in argument order (a client on
 * BLPOP k1 k2 woken by MULTI; RPUSH k2 a; RPUSH k1 b; EXEC gets k2's element). When the engine
 * tells which waited key it is handling (`readyKey`, not declared on Ctx yet), a re-run looks
 * at that key only; otherwise at all of them.
 */
function servableKeys(c: Ctx, keys: string[], rerun: boolean): string[] {
  if (!rerun) return keys;
  const ready = (c as Ctx & { readyKey?: string | null }).readyKey;
  return typeof ready === 'string' && keys.includes(ready) ? [ready] : keys;
}

/**
 * blockingPopGenericCommand: pop from the first non-empty list among `keys` (one element, or
 * up to `count` with LMPOP's nested reply when count !== -1), else block.
 */
function blockingPop(c: Ctx, keys: string[], head: boolean, timeout: string, count: number): void {
  const deadline = timeoutArg(c, timeout);
  if (deadline === null) return;
  const db = c.db;
  const rerun = isBlockedRerun(c);
  for (const key of servableKeys(c, keys, rerun)) {
    const o = db.lookupWrite(key);
    if (o === null) continue;
    if (o.type !== OBJ_LIST) {
      if (rerun) continue;
      c.reply.error(E.WRONGTYPE);
      return;
    }
    const ql = o.ptr as Quicklist;
    if (ql.count === 0) continue;
    if (count !== -1) {
      mpopReply(c, db, key, o, head, count);
      return;
    }
    const v = ql.pop(head) as string;
    c.reply.array(2);
    c.reply.bulk(key);
    c.reply.bulk(v);
    elementsRemoved(c, db, key, head, ql, 1);
    c.rewritePropagation([head ? 'LPOP' : 'RPOP', key]);
    return;
  }
  if (!c.canBlock) {
    c.reply.nullArray();
    return;
  }
  c.blockForKeys(keys, deadline);
}

function blpopCommand(c: Ctx, argv: string[]): void {
  blockingPop(c, argv.slice(1, -1), true, argv[argv.length - 1] as string, -1);
}

function brpopCommand(c: Ctx, argv: string[]): void {
  blockingPop(c, argv.slice(1, -1), false, argv[argv.length - 1] as string, -1);
}

/** blmoveGenericCommand: LMOVE when the source exists, else block on it. */
function blmoveGeneric(c: Ctx, argv: string[], from: boolean, to: boolean, timeout: string, brpoplpush: boolean): void {
  const deadline = timeoutArg(c, timeout);
  if (deadline === null) return;
  const src = argv[1] as string;
  let o = c.db.lookupWrite(src);
  if (o !== null && o.type !== OBJ_LIST) {
    if (!isBlockedRerun(c)) {
      c.reply.error(E.WRONGTYPE);
      return;
    }
    o = null;
  }
  if (o === null) {
    if (!c.canBlock) c.reply.nullBulk();
    else c.blockForKeys([src], deadline);
    return;
  }
  if (lmoveGeneric(c, argv, from, to)) {
    c.rewritePropagation(
      brpoplpush
        ? ['RPOPLPUSH', src, argv[2] as string]
        : ['LMOVE', src, argv[2] as string, argv[3] as string, argv[4] as string],
    );
  }
}

function blmoveCommand(c: Ctx, argv: string[]): void {
  const from = listPosition(c, argv[3] as string);
  if (from === null) return;
  const to = listPosition(c, argv[4] as string);
  if (to === null) return;
  blmoveGeneric(c, argv, from, to, argv[5] as string, false);
}

function brpoplpushCommand(c: Ctx, argv: string[]): void {
  blmoveGeneric(c, argv, false, true, argv[3] as string, true);
}

function blmpopCommand(c: Ctx, argv: string[]): void {
  const a = parseMpop(c, argv, 2);
  if (a === null) return;
  blockingPop(c, a.keys, a.head, argv[1] as string, a.count);
}

/* ---- metadata ----------------------------------------------------------------------------- */

const TIMEOUT_HISTORY: ReadonlyArray<readonly [string, string]> = [
  ['6.0.0', '`timeout` is interpreted as a double instead of an integer.'],
];

export const commands: CommandSpec[] = [
  {
    name: 'blpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1, -2)],
    group: 'list',
    since: '2.0.0',
    summary: 'Remove and get the first element in a list, or block until one is available',
    complexity: 'O(N) where N is the number of provided keys.',
    history: TIMEOUT_HISTORY,
    args: [
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
      { name: 'timeout', type: 'double' },
    ],
    handler: blpopCommand,
  },
  {
    name: 'brpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1, -2)],
    group: 'list',
    since: '2.0.0',
    summary: 'Remove and get the last element in a list, or block until one is available',
    complexity: 'O(N) where N is the number of provided keys.',
    history: TIMEOUT_HISTORY,
    args: [
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
      { name: 'timeout', type: 'double' },
    ],
    handler: brpopCommand,
  },
  {
    name: 'blmove',
    arity: 6,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1), keyRange(['RW', 'insert'], 2)],
    group: 'list',
    since: '6.2.0',
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    complexity: 'O(1)',
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      { ...WHERE_ARG, name: 'wherefrom' },
      { ...WHERE_ARG, name: 'whereto' },
      { name: 'timeout', type: 'double' },
    ],
    handler: blmoveCommand,
  },
  {
    name: 'brpoplpush',
    arity: 4,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1), keyRange(['RW', 'insert'], 2)],
    group: 'list',
    since: '2.2.0',
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`BLMOVE` with the `RIGHT` and `LEFT` arguments',
    history: TIMEOUT_HISTORY,
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      { name: 'timeout', type: 'double' },
    ],
    handler: brpoplpushCommand,
  },
  {
    name: 'blmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    acl: ['list'],
    keySpecs: [keyNum(['RW', 'access', 'delete'], 2, 0, 1, 1)],
    getKeys: numkeysGetKeys(2),
    group: 'list',
    since: '7.0.0',
    summary: 'Pop elements from a list, or block until one is available',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    args: [
      { name: 'timeout', type: 'double' },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
      WHERE_ARG,
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    handler: blmpopCommand,
  },
];
