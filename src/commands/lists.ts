/*
 * The list family, non-blocking commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX
 * LSET LINSERT LREM LTRIM LPOS LMOVE RPOPLPUSH LMPOP. The blocking ones (BLPOP BRPOP BLMOVE
 * BRPOPLPUSH BLMPOP) live in lists-blocking.ts (its own `commands` entry in table.ts); both use
 * the helpers of lists-common.ts.
 *
 * Behaviour follows Redis 7.0.15's t_list.c: the same order of argument parsing, lookups and
 * type checks (it decides which error wins), the same replies in RESP2 and RESP3 (LPOP with a
 * count replies an array, or the null array for a missing key; LMPOP nests [key, [elements]]),
 * the same keyspace events (lpush/rpush/lpop/rpop/linsert/lset/lrem/ltrim, `del` when a list
 * is emptied) and the same propagation (LMPOP as LPOP/RPOP key count). A list that gets created
 * signals blocked clients (Redis's dbAdd does).
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyNum, keyRange, numkeysGetKeys } from './spec.js';
import { intArg, is } from './args.js';
import { lookupRead } from './lookup.js';
import { positiveLong } from './zsets-common.js';
import * as E from '../protocol/errors.js';
import { NOTIFY_GENERIC, NOTIFY_LIST } from '../keyspace/notify.js';
import { OBJ_LIST } from '../keyspace/object.js';
import type { Quicklist } from '../ds/quicklist.js';
import {
  WHERE_ARG, addList, elementsRemoved, listPosition, listRangeReply, lmoveGeneric, mpopReply, notList,
  parseMpop, popRangeReply,
} from './lists-common.js';

/* ---- LPUSH / RPUSH / LPUSHX / RPUSHX ------------------------------------------------------ */

function pushGeneric(c: Ctx, argv: string[], head: boolean, xx: boolean): void {
  const db = c.db;
  const key = argv[1] as string;
  let o = db.lookupWrite(key);
  if (o === null) {
    if (xx) {
      c.reply.integer(0);
      return;
    }
    o = addList(c, db, key);
  } else if (o.type !== OBJ_LIST) {
    c.reply.error(E.WRONGTYPE);
    return;
  }
  const ql = o.ptr as Quicklist;
  const n = argv.length;
  for (let j = 2; j < n; j++) ql.push(argv[j] as string, head);
  c.dirty(n - 2);
  c.reply.integer(ql.count);
  c.modified(db, key);
  c.notify(NOTIFY_LIST, head ? 'lpush' : 'rpush', key, db.id);
}

/* ---- LPOP / RPOP -------------------------------------------------------------------------- */

function popGeneric(c: Ctx, argv: string[], head: boolean): void {
  if (argv.length > 3) {
    c.reply.error(E.wrongArity(c.spec.name));
    return;
  }
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const v = positiveLong(c, argv[2] as string);
    if (v === null) return;
    count = v;
  }
  const db = c.db;
  const key = argv[1] as string;
  const o = db.lookupWrite(key);
  if (o === null) {
    if (hasCount) c.reply.nullArray();
    else c.reply.nullBulk();
    return;
  }
  if (notList(c, o)) return;
  const ql = o.ptr as Quicklist;
  if (hasCount && count === 0) {
    c.reply.array(0);
    return;
  }
  if (!hasCount) {
    c.reply.bulk(ql.pop(head) as string);
    elementsRemoved(c, db, key, head, ql, 1);
    return;
  }
  popRangeReply(c, db, key, ql, head, count);
}

/* ---- LLEN / LINDEX / LRANGE --------------------------------------------------------------- */

function llenCommand(c: Ctx, argv: string[]): void {
  const o = lookupRead(c, c.db, argv[1] as string);
  if (o === null) {
    c.reply.integer(0);
    return;
  }
  if (notList(c, o)) return;
  c.reply.integer((o.ptr as Quicklist).count);
}

function lindexCommand(c: Ctx, argv: string[]): void {
  const o = lookupRead(c, c.db, argv[1] as string);
  if (o === null) {
    c.reply.nullBulk();
    return;
  }
  if (notList(c, o)) return;
  const index = intArg(c, argv[2]);
  if (index === null) return;
  const v = (o.ptr as Quicklist).index(index);
  if (v === undefined) c.reply.nullBulk();
  else c.reply.bulk(v);
}

function lrangeCommand(c: Ctx, argv: string[]): void {
  const start = intArg(c, argv[2]);
  if (start === null) return;
  const end = intArg(c, argv[3]);
  if (end === null) return;
  const o = lookupRead(c, c.db, argv[1] as string);
  if (o === null) {
    c.reply.array(0);
    return;
  }
  if (notList(c, o)) return;
  listRangeReply(c, o.ptr as Quicklist, start, end, false);
}

/* ---- LSET / LINSERT / LREM / LTRIM -------------------------------------------------------- */

function lsetCommand(c: Ctx, argv: string[]): void {
  const db = c.db;
  const key = argv[1] as string;
  const o = db.lookupWrite(key);
  if (o === null) {
    c.reply.error(E.NO_SUCH_KEY);
    return;
  }
  if (notList(c, o)) return;
  const index = intArg(c, argv[2]);
  if (index === null) return;
  if (!(o.ptr as Quicklist).replace(index, argv[3] as string)) {
    c.reply.error(E.OUT_OF_RANGE);
    return;
  }
  c.reply.ok();
  c.modified(db, key);
  c.notify(NOTIFY_LIST, 'lset', key, db.id);
  c.dirty();
}

function linsertCommand(c: Ctx, argv: string[]): void {
  let after: boolean;
  if (is(argv[2], 'after')) after = true;
  else if (is(argv[2], 'before')) after = false;
  else {
    c.reply.error(E.SYNTAX);
    return;
  }
  const db = c.db;
  const key = argv[1] as string;
  const o = db.lookupWrite(key);
  if (o === null) {
    c.reply.integer(0);
    return;
  }
  if (notList(c, o)) return;
  const ql = o.ptr as Quicklist;
  if (!ql.insertAtPivot(argv[3] as string, argv[4] as string, after)) {
    c.reply.integer(-1);
    return;
  }
  c.modified(db, key);
  c.notify(NOTIFY_LIST, 'linsert', key, db.id);
  c.dirty();
  c.reply.integer(ql.count);
}

function lremCommand(c: Ctx, argv: string[]): void {
  const toremove = intArg(c, argv[2]);
  if (toremove === null) return;
  const db = c.db;
  const key = argv[1] as string;
  const o = db.lookupWrite(key);
  if (o === null) {
    c.reply.integer(0);
    return;
  }
  if (notList(c, o)) return;
  const ql = o.ptr as Quicklist;
  const removed = ql.removeMatching(argv[3] as string, Math.abs(toremove), toremove < 0);
  if (removed > 0) {
    c.dirty(removed);
    c.modified(db, key);
    c.notify(NOTIFY_LIST, 'lrem', key, db.id);
  }
  if (ql.count === 0) {
    db.delete(key);
    c.notify(NOTIFY_GENERIC, 'del', key, db.id);
  }
  c.reply.integer(removed);
}

function ltrimCommand(c: Ctx, argv: string[]): void {
  let start = intArg(c, argv[2]);
  if (start === null) return;
  let end = intArg(c, argv[3]);
  if (end === null) return;
  const db = c.db;
  const key = argv[1] as string;
  const o = db.lookupWrite(key);
  if (o === null) {
    c.reply.ok();
    return;
  }
  if (notList(c, o)) return;
  const ql = o.ptr as Quicklist;
  const llen = ql.count;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  let ltrim: number;
  let rtrim: number;
  if (start > end || start >= llen) {
    ltrim = llen;
    rtrim = 0;
  } else {
    if (end >= llen) end = llen - 1;
    ltrim = start;
    rtrim = llen - end - 1;
  }
  ql.delRange(0, ltrim);
  ql.delRange(-rtrim, rtrim);
  c.notify(NOTIFY_LIST, 'ltrim', key, db.id);
  if (ql.count === 0) {
    db.delete(key);
    c.notify(NOTIFY_GENERIC, 'del', key, db.id);
  }
  c.modified(db, key);
  c.dirty(ltrim + rtrim);
  c.reply.ok();
}

/* ---- LPOS --------------------------------------------------------------------------------- */

const RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... " +
  'or use negative to start from the end of the list';

function lposCommand(c: Ctx, argv: string[]): void {
  const ele = argv[2] as string;
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j] as string;
    const moreargs = argv.length - 1 - j;
    if (is(opt, 'rank') && moreargs) {
      const v = intArg(c, argv[++j]);
      if (v === null) return;
      if (v === 0) {
        c.reply.error(RANK_ZERO);
        return;
      }
      rank = v;
    } else if (is(opt, 'count') && moreargs) {
      const v = positiveLong(c, argv[++j] as string, "COUNT can't be negative");
      if (v === null) return;
      count = v;
    } else if (is(opt, 'maxlen') && moreargs) {
      const v = positiveLong(c, argv[++j] as string, "MAXLEN can't be negative");
      if (v === null) return;
      maxlen = v;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  let forward = true;
  if (rank < 0) {
    // C's -LONG_MIN overflows and stays negative: every match then satisfies the rank.
    rank = rank <= -(2 ** 63) ? 1 : -rank;
    forward = false;
  }
  const o = lookupRead(c, c.db, argv[1] as string);
  if (o === null) {
    if (count !== -1) c.reply.array(0);
    else c.reply.nullBulk();
    return;
  }
  if (notList(c, o)) return;
  const ql = o.ptr as Quicklist;
  const llen = ql.count;
  const it = ql.iterator(forward ? 0 : -1, forward);
  const found: number[] = [];
  let index = 0;
  let matches = 0;
  let matchIndex = -1;
  for (;;) {
    if (maxlen !== 0 && index >= maxlen) break;
    const eq = it.nextEquals(ele);
    if (eq < 0) break;
    if (eq === 1) {
      matches++;
      matchIndex = forward ? index : llen - index - 1;
      if (matches >= rank) {
        if (count === -1) break;
        found.push(matchIndex);
        if (count !== 0 && matches - rank + 1 >= count) break;
      }
    }
    index++;
    matchIndex = -1;
  }
  if (count !== -1) {
    c.reply.array(found.length);
    for (const i of found) c.reply.integer(i);
  } else if (matchIndex !== -1) {
    c.reply.integer(matchIndex);
  } else {
    c.reply.nullBulk();
  }
}

/* ---- LMOVE / RPOPLPUSH / LMPOP ------------------------------------------------------------ */

function lmoveCommand(c: Ctx, argv: string[]): void {
  const from = listPosition(c, argv[3] as string);
  if (from === null) return;
  const to = listPosition(c, argv[4] as string);
  if (to === null) return;
  lmoveGeneric(c, argv, from, to);
}

function rpoplpushCommand(c: Ctx, argv: string[]): void {
  lmoveGeneric(c, argv, false, true);
}

function lmpopCommand(c: Ctx, argv: string[]): void {
  const a = parseMpop(c, argv, 1);
  if (a === null) return;
  const db = c.db;
  for (const key of a.keys) {
    const o = db.lookupWrite(key);
    if (o === null) continue;
    if (notList(c, o)) return;
    mpopReply(c, db, key, o, a.head, a.count);
    return;
  }
  c.reply.nullArray();
}

/* ---- metadata ----------------------------------------------------------------------------- */

const PUSH_COMPLEXITY =
  'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.';
const PUSH_ARGS = [
  { name: 'key', type: 'key', key_spec_index: 0 },
  { name: 'element', type: 'string', multiple: true },
] as const;
const POP_ARGS = [
  { name: 'key', type: 'key', key_spec_index: 0 },
  { name: 'count', type: 'integer', since: '6.2.0', optional: true },
] as const;

const listCommands: CommandSpec[] = [
  {
    name: 'lpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'insert'], 1)],
    group: 'list',
    since: '1.0.0',
    summary: 'Prepend one or multiple elements to a list',
    complexity: PUSH_COMPLEXITY,
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    args: PUSH_ARGS,
    handler: (c, argv) => pushGeneric(c, argv, true, false),
  },
  {
    name: 'rpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'insert'], 1)],
    group: 'list',
    since: '1.0.0',
    summary: 'Append one or multiple elements to a list',
    complexity: PUSH_COMPLEXITY,
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    args: PUSH_ARGS,
    handler: (c, argv) => pushGeneric(c, argv, false, false),
  },
  {
    name: 'lpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'insert'], 1)],
    group: 'list',
    since: '2.2.0',
    summary: 'Prepend an element to a list, only if the list exists',
    complexity: PUSH_COMPLEXITY,
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    args: PUSH_ARGS,
    handler: (c, argv) => pushGeneric(c, argv, true, true),
  },
  {
    name: 'rpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'insert'], 1)],
    group: 'list',
    since: '2.2.0',
    summary: 'Append an element to a list, only if the list exists',
    complexity: PUSH_COMPLEXITY,
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    args: PUSH_ARGS,
    handler: (c, argv) => pushGeneric(c, argv, false, true),
  },
  {
    name: 'lpop',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1)],
    group: 'list',
    since: '1.0.0',
    summary: 'Remove and get the first elements in a list',
    complexity: 'O(N) where N is the number of elements returned',
    history: [['6.2.0', 'Added the `count` argument.']],
    args: POP_ARGS,
    handler: (c, argv) => popGeneric(c, argv, true),
  },
  {
    name: 'rpop',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1)],
    group: 'list',
    since: '1.0.0',
    summary: 'Remove and get the last elements in a list',
    complexity: 'O(N) where N is the number of elements returned',
    history: [['6.2.0', 'Added the `count` argument.']],
    args: POP_ARGS,
    handler: (c, argv) => popGeneric(c, argv, false),
  },
  {
    name: 'llen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['list'],
    keySpecs: [keyRange(['RO'], 1)],
    group: 'list',
    since: '1.0.0',
    summary: 'Get the length of a list',
    complexity: 'O(1)',
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: llenCommand,
  },
  {
    name: 'lrange',
    arity: 4,
    flags: ['readonly'],
    acl: ['list'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'list',
    since: '1.0.0',
    summary: 'Get a range of elements from a list',
    complexity:
      'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) ' +
      'for large lists; and N is the number of elements in the specified range.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
    ],
    handler: lrangeCommand,
  },
  {
    name: 'lindex',
    arity: 3,
    flags: ['readonly'],
    acl: ['list'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'list',
    since: '1.0.0',
    summary: 'Get an element from a list by its index',
    complexity:
      'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking ' +
      'for the first or the last element of the list O(1).',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'index', type: 'integer' },
    ],
    handler: lindexCommand,
  },
  {
    name: 'lset',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'update'], 1)],
    group: 'list',
    since: '1.0.0',
    summary: 'Set the value of an element in a list by its index',
    complexity:
      'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'index', type: 'integer' },
      { name: 'element', type: 'string' },
    ],
    handler: lsetCommand,
  },
  {
    name: 'linsert',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'insert'], 1)],
    group: 'list',
    since: '2.2.0',
    summary: 'Insert an element before or after another element in a list',
    complexity:
      'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that ' +
      'inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere ' +
      'on the right end (tail) is O(N).',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'where', type: 'oneof', arguments: [
          { name: 'before', type: 'pure-token', token: 'BEFORE' },
          { name: 'after', type: 'pure-token', token: 'AFTER' },
        ],
      },
      { name: 'pivot', type: 'string' },
      { name: 'element', type: 'string' },
    ],
    handler: linsertCommand,
  },
  {
    name: 'lrem',
    arity: 4,
    flags: ['write'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'delete'], 1)],
    group: 'list',
    since: '1.0.0',
    summary: 'Remove elements from a list',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'count', type: 'integer' },
      { name: 'element', type: 'string' },
    ],
    handler: lremCommand,
  },
  {
    name: 'ltrim',
    arity: 4,
    flags: ['write'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'delete'], 1)],
    group: 'list',
    since: '1.0.0',
    summary: 'Trim a list to the specified range',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
    ],
    handler: ltrimCommand,
  },
  {
    name: 'lpos',
    arity: -3,
    flags: ['readonly'],
    acl: ['list'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'list',
    since: '6.0.6',
    summary: 'Return the index of matching elements on a list',
    complexity:
      'O(N) where N is the number of elements in the list, for the average case. When searching for elements ' +
      'near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in ' +
      'constant time.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'element', type: 'string' },
      { name: 'rank', type: 'integer', token: 'RANK', optional: true },
      { name: 'num-matches', type: 'integer', token: 'COUNT', optional: true },
      { name: 'len', type: 'integer', token: 'MAXLEN', optional: true },
    ],
    handler: lposCommand,
  },
  {
    name: 'lmove',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1), keyRange(['RW', 'insert'], 2)],
    group: 'list',
    since: '6.2.0',
    summary: 'Pop an element from a list, push it to another list and return it',
    complexity: 'O(1)',
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      { ...WHERE_ARG, name: 'wherefrom' },
      { ...WHERE_ARG, name: 'whereto' },
    ],
    handler: lmoveCommand,
  },
  {
    name: 'rpoplpush',
    arity: 3,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1), keyRange(['RW', 'insert'], 2)],
    group: 'list',
    since: '1.2.0',
    summary: 'Remove the last element in a list, prepend it to another list and return it',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`LMOVE` with the `RIGHT` and `LEFT` arguments',
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
    ],
    handler: rpoplpushCommand,
  },
  {
    name: 'lmpop',
    arity: -4,
    flags: ['write'],
    acl: ['list'],
    keySpecs: [keyNum(['RW', 'access', 'delete'], 1, 0, 1, 1)],
    getKeys: numkeysGetKeys(1),
    group: 'list',
    since: '7.0.0',
    summary: 'Pop elements from a list',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
      WHERE_ARG,
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    handler: lmpopCommand,
  },
];

export const commands: CommandSpec[] = listCommands;
