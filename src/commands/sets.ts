/*
 * The set family (t_set.c): SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER SPOP
 * SMOVE SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN.
 * The algebra commands live in sets-algebra.ts; the encodings in keyspace/types/set.ts.
 *
 * Propagation: SPOP without a count is propagated as SREM of the popped member; SPOP with a
 * count that empties the set as DEL; any other SPOP with a count as one SREM per popped member
 * (alsoPropagate) and not as itself, as Redis 7.0 does.
 */

import type { Ctx } from './context.js';
import type { CommandSpec, KeyRef } from './spec.js';
import { keyNum, keyRange, numkeysGetKeys } from './spec.js';
import { is } from './args.js';
import { dbAdd, lookupRead } from './lookup.js';
import { cursorArg, parseScanOptions } from './scan.js';
import { maxIntsetEntries, SET_OP_DIFF, SET_OP_UNION, sinterGeneric, sunionDiffGeneric } from './sets-algebra.js';
import { LONG_MAX, positiveLong, rangeLong } from './zsets-common.js';
import * as E from '../protocol/errors.js';
import type { RObject } from '../keyspace/object.js';
import { OBJ_SET } from '../keyspace/object.js';
import { NOTIFY_GENERIC, NOTIFY_SET } from '../keyspace/notify.js';
import {
  setAdd,
  setIsMember,
  setIterate,
  setMembers,
  setPopRandom,
  setRandomMember,
  setRemove,
  setScan,
  setSize,
  setTypeCreate,
} from '../keyspace/types/set.js';
import { stringMatch } from '../util/glob.js';

/** checkType: replies WRONGTYPE and returns true when `o` exists and is not a set. */
function notSet(c: Ctx, o: RObject | null): boolean {
  if (o === null || o.type === OBJ_SET) return false;
  c.reply.error(E.WRONGTYPE);
  return true;
}

/* ---- SADD / SREM / SMOVE ----------------------------------------------------------------- */

function saddCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const db = c.db;
  let set = db.lookupWrite(key);
  if (notSet(c, set)) return;
  if (set === null) {
    set = setTypeCreate(argv[2] as string);
    dbAdd(c, db, key, set);
  }
  const max = maxIntsetEntries(c);
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (setAdd(set, argv[j] as string, max)) added++;
  if (added > 0) {
    c.modified(db, key);
    c.notify(NOTIFY_SET, 'sadd', key, db.id);
    c.dirty(added);
  }
  c.reply.integer(added);
}

function sremCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const db = c.db;
  const set = db.lookupWrite(key);
  if (set === null) {
    c.reply.integer(0);
    return;
  }
  if (notSet(c, set)) return;
  let deleted = 0;
  let keyRemoved = false;
  for (let j = 2; j < argv.length; j++) {
    if (setRemove(set, argv[j] as string)) {
      deleted++;
      if (setSize(set) === 0) {
        db.delete(key);
        keyRemoved = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    c.modified(db, key);
    c.notify(NOTIFY_SET, 'srem', key, db.id);
    if (keyRemoved) c.notify(NOTIFY_GENERIC, 'del', key, db.id);
    c.dirty(deleted);
  }
  c.reply.integer(deleted);
}

function smoveCommand(c: Ctx, argv: string[]): void {
  const srckey = argv[1] as string;
  const dstkey = argv[2] as string;
  const ele = argv[3] as string;
  const db = c.db;
  const src = db.lookupWrite(srckey);
  let dst = db.lookupWrite(dstkey);
  if (src === null) {
    c.reply.integer(0);
    return;
  }
  if (notSet(c, src) || notSet(c, dst)) return;
  if (src === dst) {
    c.reply.integer(setIsMember(src, ele) ? 1 : 0);
    return;
  }
  if (!setRemove(src, ele)) {
    c.reply.integer(0);
    return;
  }
  c.notify(NOTIFY_SET, 'srem', srckey, db.id);
  if (setSize(src) === 0) {
    db.delete(srckey);
    c.notify(NOTIFY_GENERIC, 'del', srckey, db.id);
  }
  if (dst === null) {
    dst = setTypeCreate(ele);
    dbAdd(c, db, dstkey, dst);
  }
  c.modified(db, srckey);
  c.dirty();
  if (setAdd(dst, ele, maxIntsetEntries(c))) {
    c.dirty();
    c.modified(db, dstkey);
    c.notify(NOTIFY_SET, 'sadd', dstkey, db.id);
  }
  c.reply.integer(1);
}

/* ---- membership and size ------------------------------------------------------------------- */

function sismemberCommand(c: Ctx, argv: string[]): void {
  const set = lookupRead(c, c.db, argv[1] as string);
  if (set === null) {
    c.reply.integer(0);
    return;
  }
  if (notSet(c, set)) return;
  c.reply.integer(setIsMember(set, argv[2] as string) ? 1 : 0);
}

function smismemberCommand(c: Ctx, argv: string[]): void {
  const set = lookupRead(c, c.db, argv[1] as string);
  if (notSet(c, set)) return;
  const r = c.reply;
  r.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) r.integer(set !== null && setIsMember(set, argv[j] as string) ? 1 : 0);
}

function scardCommand(c: Ctx, argv: string[]): void {
  const set = lookupRead(c, c.db, argv[1] as string);
  if (set === null) {
    c.reply.integer(0);
    return;
  }
  if (notSet(c, set)) return;
  c.reply.integer(setSize(set));
}

/* ---- SPOP ---------------------------------------------------------------------------------- */

/** Above this ratio of popped to remaining members, SPOP rebuilds the set from the survivors. */
const SPOP_MOVE_STRATEGY_MUL = 5;

function spopWithCount(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const count = positiveLong(c, argv[2] as string);
  if (count === null) return;
  const db = c.db;
  const set = db.lookupWrite(key);
  if (set === null) {
    c.reply.set(0);
    return;
  }
  if (notSet(c, set)) return;
  if (count === 0) {
    c.reply.set(0);
    return;
  }
  const size = setSize(set);
  c.notify(NOTIFY_SET, 'spop', key, db.id);
  c.dirty(count >= size ? size : count);

  if (count >= size) {
    // The whole set: replied as SUNION of the key would, then deleted; propagated as DEL.
    sunionDiffGeneric(c, [key], null, SET_OP_UNION);
    db.delete(key);
    c.notify(NOTIFY_GENERIC, 'del', key, db.id);
    c.rewritePropagation(['DEL', key]);
    c.modified(db, key);
    return;
  }

  const r = c.reply;
  r.set(count);
  let remaining = size - count;
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    // Few members to pop: pop them one by one.
    for (let n = count; n > 0; n--) {
      const m = setPopRandom(set);
      r.bulk(m);
      c.alsoPropagate(db.id, ['SREM', key, m]);
    }
  } else {
    // Most of the set goes: move the survivors into a new set, then reply with what is left.
    const max = maxIntsetEntries(c);
    let survivors: RObject | null = null;
    while (remaining-- > 0) {
      const m = setPopRandom(set);
      survivors ??= setTypeCreate(m);
      setAdd(survivors, m, max);
    }
    setIterate(set, (m) => {
      r.bulk(m);
      c.alsoPropagate(db.id, ['SREM', key, m]);
    });
    // dbOverwrite: the key keeps its TTL; the object takes the survivors' payload.
    const s = survivors as RObject;
    set.enc = s.enc;
    set.ptr = s.ptr;
  }
  c.rewritePropagation(null);
  c.modified(db, key);
}

function spopCommand(c: Ctx, argv: string[]): void {
  if (argv.length === 3) {
    spopWithCount(c, argv);
    return;
  }
  if (argv.length > 3) {
    c.reply.error(E.SYNTAX);
    return;
  }
  const key = argv[1] as string;
  const db = c.db;
  const set = db.lookupWrite(key);
  if (set === null) {
    c.reply.nullBulk();
    return;
  }
  if (notSet(c, set)) return;
  const m = setPopRandom(set);
  c.notify(NOTIFY_SET, 'spop', key, db.id);
  c.rewritePropagation(['SREM', key, m]);
  c.reply.bulk(m);
  if (setSize(set) === 0) {
    db.delete(key);
    c.notify(NOTIFY_GENERIC, 'del', key, db.id);
  }
  c.modified(db, key);
  c.dirty();
}

/* ---- SRANDMEMBER ------------------------------------------------------------------------- */

/** Below this ratio of set size to requested count, pick by removing from a full copy. */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

function srandmemberWithCount(c: Ctx, argv: string[]): void {
  const l = rangeLong(c, argv[2] as string, -LONG_MAX, LONG_MAX, null);
  if (l === null) return;
  const uniq = l >= 0;
  let count = Math.abs(l);
  const set = lookupRead(c, c.db, argv[1] as string);
  const r = c.reply;
  if (set === null) {
    r.array(0);
    return;
  }
  if (notSet(c, set)) return;
  const size = setSize(set);
  if (count === 0) {
    r.array(0);
    return;
  }
  // Repetitions allowed (or a single member): independent uniform draws.
  if (!uniq || count === 1) {
    r.array(count);
    while (count-- > 0) r.bulk(setRandomMember(set));
    return;
  }
  // Asking for the whole set or more: the whole set.
  if (count >= size) {
    r.array(size);
    setIterate(set, (m) => r.bulk(m));
    return;
  }
  let picked: string[];
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
    // Close to the set size: shuffle a copy partially and keep `count` members.
    const all = setMembers(set);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (all.length - i));
      const t = all[i] as string;
      all[i] = all[j] as string;
      all[j] = t;
    }
    all.length = count;
    picked = all;
  } else {
    // Much smaller than the set: draw until `count` distinct members.
    const seen = new Set<string>();
    while (seen.size < count) seen.add(setRandomMember(set));
    picked = [...seen];
  }
  r.array(count);
  for (const m of picked) r.bulk(m);
}

function srandmemberCommand(c: Ctx, argv: string[]): void {
  if (argv.length === 3) {
    srandmemberWithCount(c, argv);
    return;
  }
  if (argv.length > 3) {
    c.reply.error(E.SYNTAX);
    return;
  }
  const set = lookupRead(c, c.db, argv[1] as string);
  if (set === null) {
    c.reply.nullBulk();
    return;
  }
  if (notSet(c, set)) return;
  c.reply.bulk(setRandomMember(set));
}

/* ---- algebra entry points ------------------------------------------------------------------ */

function sinterCommand(c: Ctx, argv: string[]): void {
  sinterGeneric(c, argv.slice(1), null, false, 0);
}

function sinterstoreCommand(c: Ctx, argv: string[]): void {
  sinterGeneric(c, argv.slice(2), argv[1] as string, false, 0);
}

function sintercardCommand(c: Ctx, argv: string[]): void {
  const numkeys = rangeLong(c, argv[1] as string, 1n, LONG_MAX, 'numkeys should be greater than 0');
  if (numkeys === null) return;
  if (numkeys > argv.length - 2) {
    c.reply.error("ERR Number of keys can't be greater than number of args");
    return;
  }
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (is(argv[j], 'limit') && more > 0) {
      j++;
      const v = rangeLong(c, argv[j] as string, 0n, LONG_MAX, "LIMIT can't be negative");
      if (v === null) return;
      limit = v;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  sinterGeneric(c, argv.slice(2, 2 + numkeys), null, true, limit);
}

const sintercardPositions = numkeysGetKeys(1);

/**
 * sintercardGetKeys (genericGetKeys), used when the key spec does not apply: numkeys read with
 * atoi, no keys when out of range, and no key flags (Redis leaves them 0 here).
 */
function sintercardKeys(argv: readonly string[]): KeyRef[] {
  return sintercardPositions(argv).map((pos) => ({ pos, flags: [] }));
}

/* ---- SSCAN ------------------------------------------------------------------------------- */

function sscanCommand(c: Ctx, argv: string[]): void {
  const cursor = cursorArg(c, argv[2] as string);
  if (cursor === null) return;
  const r = c.reply;
  const set = lookupRead(c, c.db, argv[1] as string);
  if (set === null) {
    r.array(2);
    r.bulk('0');
    r.array(0);
    return;
  }
  if (notSet(c, set)) return;
  const opts = parseScanOptions(c, argv, 3, false);
  if (opts === null) return;
  const { count, pattern } = opts;
  const found: string[] = [];
  const next = setScan(set, cursor, count, (m) => {
    if (pattern === null || stringMatch(pattern, m)) found.push(m);
  });
  r.array(2);
  r.bulk(String(next));
  r.array(found.length);
  for (const m of found) r.bulk(m);
}

/* ---- metadata (src/commands/*.json of Redis 7.0.15) --------------------------------------- */

const one = (flags: Parameters<typeof keyRange>[0]) => keyRange(flags, 1);
const KEY = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const KEYS = { name: 'key', type: 'key', key_spec_index: 0, multiple: true } as const;
const MEMBERS = { name: 'member', type: 'string', multiple: true } as const;
const STORE_ARGS = [
  { name: 'destination', type: 'key', key_spec_index: 0 },
  { name: 'key', type: 'key', key_spec_index: 1, multiple: true },
] as const;

const specs: CommandSpec[] = [
  {
    name: 'sadd',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['set'],
    keySpecs: [one(['RW', 'insert'])],
    group: 'set',
    since: '1.0.0',
    summary: 'Add one or more members to a set',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    args: [KEY, MEMBERS],
    handler: saddCommand,
  },
  {
    name: 'scard',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['set'],
    keySpecs: [one(['RO'])],
    group: 'set',
    since: '1.0.0',
    summary: 'Get the number of members in a set',
    complexity: 'O(1)',
    args: [KEY],
    handler: scardCommand,
  },
  {
    name: 'sdiff',
    arity: -2,
    flags: ['readonly'],
    acl: ['set'],
    keySpecs: [keyRange(['RO', 'access'], 1, -1)],
    group: 'set',
    since: '1.0.0',
    summary: 'Subtract multiple sets',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'],
    args: [KEYS],
    handler: (c, argv) => sunionDiffGeneric(c, argv.slice(1), null, SET_OP_DIFF),
  },
  {
    name: 'sdiffstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['set'],
    keySpecs: [keyRange(['OW', 'update'], 1), keyRange(['RO', 'access'], 2, -1)],
    group: 'set',
    since: '1.0.0',
    summary: 'Subtract multiple sets and store the resulting set in a key',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    args: STORE_ARGS,
    handler: (c, argv) => sunionDiffGeneric(c, argv.slice(2), argv[1] as string, SET_OP_DIFF),
  },
  {
    name: 'sinter',
    arity: -2,
    flags: ['readonly'],
    acl: ['set'],
    keySpecs: [keyRange(['RO', 'access'], 1, -1)],
    group: 'set',
    since: '1.0.0',
    summary: 'Intersect multiple sets',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    tips: ['nondeterministic_output_order'],
    args: [KEYS],
    handler: sinterCommand,
  },
  {
    name: 'sintercard',
    arity: -3,
    flags: ['readonly'],
    acl: ['set'],
    keySpecs: [keyNum(['RO', 'access'], 1, 0, 1, 1)],
    getKeys: sintercardKeys,
    group: 'set',
    since: '7.0.0',
    summary: 'Intersect multiple sets and return the cardinality of the result',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    args: [
      { name: 'numkeys', type: 'integer' },
      KEYS,
      { name: 'limit', type: 'integer', token: 'LIMIT', optional: true },
    ],
    handler: sintercardCommand,
  },
  {
    name: 'sinterstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['set'],
    keySpecs: [keyRange(['RW', 'update'], 1), keyRange(['RO', 'access'], 2, -1)],
    group: 'set',
    since: '1.0.0',
    summary: 'Intersect multiple sets and store the resulting set in a key',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    args: STORE_ARGS,
    handler: sinterstoreCommand,
  },
  {
    name: 'sismember',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['set'],
    keySpecs: [one(['RO'])],
    group: 'set',
    since: '1.0.0',
    summary: 'Determine if a given value is a member of a set',
    complexity: 'O(1)',
    args: [KEY, { name: 'member', type: 'string' }],
    handler: sismemberCommand,
  },
  {
    name: 'smembers',
    arity: 2,
    flags: ['readonly'],
    acl: ['set'],
    keySpecs: [one(['RO', 'access'])],
    group: 'set',
    since: '1.0.0',
    summary: 'Get all the members in a set',
    complexity: 'O(N) where N is the set cardinality.',
    tips: ['nondeterministic_output_order'],
    args: [KEY],
    handler: sinterCommand,
  },
  {
    name: 'smismember',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['set'],
    keySpecs: [one(['RO', 'access'])],
    group: 'set',
    since: '6.2.0',
    summary: 'Returns the membership associated with the given elements for a set',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    args: [KEY, MEMBERS],
    handler: smismemberCommand,
  },
  {
    name: 'smove',
    arity: 4,
    flags: ['write', 'fast'],
    acl: ['set'],
    keySpecs: [one(['RW', 'access', 'delete']), keyRange(['RW', 'insert'], 2)],
    group: 'set',
    since: '1.0.0',
    summary: 'Move a member from one set to another',
    complexity: 'O(1)',
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      { name: 'member', type: 'string' },
    ],
    handler: smoveCommand,
  },
  {
    name: 'spop',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['set'],
    keySpecs: [one(['RW', 'access', 'delete'])],
    group: 'set',
    since: '1.0.0',
    summary: 'Remove and return one or multiple random members from a set',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    history: [['3.2.0', 'Added the `count` argument.']],
    tips: ['nondeterministic_output'],
    args: [KEY, { name: 'count', type: 'integer', optional: true, since: '3.2.0' }],
    handler: spopCommand,
  },
  {
    name: 'srandmember',
    arity: -2,
    flags: ['readonly'],
    acl: ['set'],
    keySpecs: [one(['RO', 'access'])],
    group: 'set',
    since: '1.0.0',
    summary: 'Get one or multiple random members from a set',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    history: [['2.6.0', 'Added the optional `count` argument.']],
    tips: ['nondeterministic_output'],
    args: [KEY, { name: 'count', type: 'integer', optional: true, since: '2.6.0' }],
    handler: srandmemberCommand,
  },
  {
    name: 'srem',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['set'],
    keySpecs: [one(['RW', 'delete'])],
    group: 'set',
    since: '1.0.0',
    summary: 'Remove one or more members from a set',
    complexity: 'O(N) where N is the number of members to be removed.',
    history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    args: [KEY, MEMBERS],
    handler: sremCommand,
  },
  {
    name: 'sscan',
    arity: -3,
    flags: ['readonly'],
    acl: ['set'],
    keySpecs: [one(['RO', 'access'])],
    group: 'set',
    since: '2.8.0',
    summary: 'Incrementally iterate Set elements',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    tips: ['nondeterministic_output'],
    args: [
      KEY,
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    handler: sscanCommand,
  },
  {
    name: 'sunion',
    arity: -2,
    flags: ['readonly'],
    acl: ['set'],
    keySpecs: [keyRange(['RO', 'access'], 1, -1)],
    group: 'set',
    since: '1.0.0',
    summary: 'Add multiple sets',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'],
    args: [KEYS],
    handler: (c, argv) => sunionDiffGeneric(c, argv.slice(1), null, SET_OP_UNION),
  },
  {
    name: 'sunionstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['set'],
    keySpecs: [keyRange(['OW', 'update'], 1), keyRange(['RO', 'access'], 2, -1)],
    group: 'set',
    since: '1.0.0',
    summary: 'Add multiple sets and store the resulting set in a key',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    args: STORE_ARGS,
    handler: (c, argv) => sunionDiffGeneric(c, argv.slice(2), argv[1] as string, SET_OP_UNION),
  },
];

export const commands: CommandSpec[] = specs;
