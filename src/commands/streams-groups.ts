/*
 * Consumer-group commands (Redis 7.0.15's t_stream.c): XGROUP CREATE / SETID / DESTROY /
 * CREATECONSUMER / DELCONSUMER / HELP, XACK, XPENDING, XCLAIM, XAUTOCLAIM.
 *
 * XCLAIM and XAUTOCLAIM propagate each claimed (or dropped, because deleted) entry as an
 * idempotent `XCLAIM <key> <group> <consumer> 0 <id> TIME <ms> RETRYCOUNT <n> FORCE JUSTID
 * LASTID <id>`, and a LASTID change that claimed nothing as XGROUP SETID, never themselves.
 * XGROUP DESTROY wakes XREADGROUP clients blocked on the key so they fail with -NOGROUP.
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import { intArg, is } from './args.js';
import * as E from '../protocol/errors.js';
import { cstr } from '../protocol/errors.js';
import { NOTIFY_STREAM } from '../keyspace/notify.js';
import type { Stream } from '../ds/stream-store.js';
import {
  ID_ZERO, compareIds, idFromKey, idKey, formatId, u64Inc, type StreamId,
} from '../ds/stream-id.js';
import {
  ENTRIES_READ_INVALID, StreamNack, type ConsumerGroup, type I64, type StreamConsumer,
} from '../ds/stream-groups.js';
import { replyHelp } from './lookup.js';
import {
  createConsumer, createGroup, createStreamKey, idArg, lookupGroup, moveNack, propagateGroupId,
  propagateXclaim, readStream, replyEntry, replyStreamId, strictIdArg, writeStream, parseStreamId,
  rangeEndArg, rangeStartArg,
} from './streams-common.js';

/* ---- XGROUP -------------------------------------------------------------------------------- */

interface XgroupPrelude {
  s: Stream | null;
  group: ConsumerGroup | null;
  mkstream: boolean;
  entriesRead: I64;
}

/** The part of xgroupCommand shared by the subcommands that take a key and a group. */
function xgroupPrelude(c: Ctx, argv: string[]): XgroupPrelude | null {
  const sub = (argv[1] as string).toLowerCase();
  const create = sub === 'create';
  const setid = sub === 'setid';
  let mkstream = false;
  let entriesRead: I64 = ENTRIES_READ_INVALID;
  let i = 5;
  while (i < argv.length) {
    if (create && is(argv[i], 'MKSTREAM')) {
      mkstream = true;
      i++;
    } else if ((create || setid) && is(argv[i], 'ENTRIESREAD') && i + 1 < argv.length) {
      const v = intArg(c, argv[i + 1]);
      if (v === null) return null;
      if (v < 0 && v !== ENTRIES_READ_INVALID) {
        c.reply.error('ERR value for ENTRIESREAD must be positive or -1');
        return null;
      }
      entriesRead = Number.isSafeInteger(v) ? v : BigInt(argv[i + 1] as string);
      i += 2;
    } else {
      c.reply.error(E.subcommandSyntax(argv[1] as string, argv[0] as string));
      return null;
    }
  }
  const s = writeStream(c, argv[2] as string);
  if (s === undefined) return null;
  let group: ConsumerGroup | null = null;
  if (!mkstream) {
    if (s === null) {
      c.reply.error(
        'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
      );
      return null;
    }
    group = lookupGroup(s, argv[3] as string);
    if (group === null && (sub === 'setid' || sub === 'createconsumer' || sub === 'delconsumer')) {
      c.reply.error(`NOGROUP No such consumer group '${cstr(argv[3] as string)}' for key name '${cstr(argv[2] as string)}'`);
      return null;
    }
  } else if (s !== null) {
    group = lookupGroup(s, argv[3] as string);
  }
  return { s, group, mkstream, entriesRead };
}

function xgroupCreate(c: Ctx, argv: string[]): void {
  const p = xgroupPrelude(c, argv);
  if (p === null) return;
  if (argv.length > 8) {
    c.reply.error(E.subcommandSyntax(argv[1] as string, argv[0] as string));
    return;
  }
  const key = argv[2] as string;
  let id: StreamId;
  if (cstr(argv[4] as string) === '$') {
    id = p.s === null ? ID_ZERO : p.s.lastId;
  } else {
    const parsed = strictIdArg(c, argv[4] as string);
    if (parsed === null) return;
    id = parsed;
  }
  let s = p.s;
  if (s === null) {
    s = createStreamKey(c, key);
    c.modified(c.db, key);
  }
  if (createGroup(s, argv[3] as string, id, p.entriesRead) !== null) {
    c.reply.ok();
    c.dirty();
    c.notify(NOTIFY_STREAM, 'xgroup-create', key, c.db.id);
  } else {
    c.reply.error('BUSYGROUP Consumer Group name already exists');
  }
}

function xgroupSetid(c: Ctx, argv: string[]): void {
  const p = xgroupPrelude(c, argv);
  if (p === null) return;
  if (argv.length !== 5 && argv.length !== 7) {
    c.reply.error(E.subcommandSyntax(argv[1] as string, argv[0] as string));
    return;
  }
  const s = p.s as Stream;
  const g = p.group as ConsumerGroup;
  let id: StreamId;
  if (cstr(argv[4] as string) === '$') {
    id = s.lastId;
  } else {
    const parsed = idArg(c, argv[4] as string);
    if (parsed === null) return;
    id = parsed;
  }
  g.lastId = id;
  g.entriesRead = p.entriesRead;
  c.reply.ok();
  c.dirty();
  c.notify(NOTIFY_STREAM, 'xgroup-setid', argv[2] as string, c.db.id);
}

function xgroupDestroy(c: Ctx, argv: string[]): void {
  const p = xgroupPrelude(c, argv);
  if (p === null) return;
  const key = argv[2] as string;
  if (p.group !== null) {
    (p.s as Stream).cgroups?.delete(argv[3] as string);
    c.reply.integer(1);
    c.dirty();
    c.notify(NOTIFY_STREAM, 'xgroup-destroy', key, c.db.id);
    c.signalKeyAsReady(c.db, key);
  } else {
    c.reply.integer(0);
  }
}

function xgroupCreateConsumer(c: Ctx, argv: string[]): void {
  const p = xgroupPrelude(c, argv);
  if (p === null) return;
  const created = createConsumer(c, p.group as ConsumerGroup, argv[4] as string, argv[2] as string, c.db.id);
  c.reply.integer(created !== null ? 1 : 0);
}

function xgroupDelConsumer(c: Ctx, argv: string[]): void {
  const p = xgroupPrelude(c, argv);
  if (p === null) return;
  const g = p.group as ConsumerGroup;
  let pending = 0;
  const cons = g.lookupConsumer(argv[4] as string, c.now, true);
  if (cons !== null) {
    pending = g.deleteConsumer(cons);
    c.dirty();
    c.notify(NOTIFY_STREAM, 'xgroup-delconsumer', argv[2] as string, c.db.id);
  }
  c.reply.integer(pending);
}

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

/* ---- XACK ---------------------------------------------------------------------------------- */

function xackCommand(c: Ctx, argv: string[]): void {
  const s = readStream(c, argv[1] as string);
  if (s === undefined) return;
  const g = s === null ? null : lookupGroup(s, argv[2] as string);
  if (g === null) {
    c.reply.integer(0);
    return;
  }
  const keys: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const id = strictIdArg(c, argv[j] as string);
    if (id === null) return;
    keys.push(idKey(id.ms, id.seq));
  }
  let acked = 0;
  for (const k of keys) {
    if (g.ack(k)) {
      acked++;
      c.dirty();
    }
  }
  c.reply.integer(acked);
}

function replyNoGroup(c: Ctx, key: string, groupName: string): void {
  c.reply.error(`NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(groupName)}'`);
}

/* ---- XPENDING ------------------------------------------------------------------------------- */

function xpendingCommand(c: Ctx, argv: string[]): void {
  const argc = argv.length;
  const justinfo = argc === 3;
  const key = argv[1] as string;
  const groupName = argv[2] as string;
  if (argc !== 3 && (argc < 6 || argc > 9)) {
    c.reply.error(E.SYNTAX);
    return;
  }
  let start: StreamId = ID_ZERO;
  let end: StreamId = ID_ZERO;
  let count = 0;
  let minidle = 0;
  let consumerName: string | null = null;
  if (argc >= 6) {
    let startidx = 3;
    if (is(argv[3], 'IDLE')) {
      const v = intArg(c, argv[4]);
      if (v === null) return;
      minidle = v;
      if (argc < 8) {
        c.reply.error(E.SYNTAX);
        return;
      }
      startidx += 2;
    }
    const n = intArg(c, argv[startidx + 2]);
    if (n === null) return;
    count = n < 0 ? 0 : n;
    const st = rangeStartArg(c, argv[startidx] as string);
    if (st === null) return;
    start = st;
    const en = rangeEndArg(c, argv[startidx + 1] as string);
    if (en === null) return;
    end = en;
    if (startidx + 3 < argc) consumerName = argv[startidx + 3] as string;
  }
  const s = readStream(c, key);
  if (s === undefined) return;
  const g = s === null ? null : lookupGroup(s, groupName);
  if (g === null) {
    replyNoGroup(c, key, groupName);
    return;
  }
  const r = c.reply;
  if (justinfo) {
    r.array(4);
    r.integer(g.pel.size);
    if (g.pel.size === 0) {
      r.nullBulk();
      r.nullBulk();
      r.nullArray();
      return;
    }
    replyStreamId(r, idFromKey(g.pel.firstKey() as string));
    replyStreamId(r, idFromKey(g.pel.lastKey() as string));
    const owners: StreamConsumer[] = [];
    g.consumers.forEach((_, cons) => {
      if (cons.pel.size !== 0) owners.push(cons);
    });
    r.array(owners.length);
    for (const cons of owners) {
      r.array(2);
      r.bulk(cons.name);
      r.bulk(String(cons.pel.size));
    }
    return;
  }
  let pel = g.pel;
  if (consumerName !== null) {
    const cons = g.lookupConsumer(consumerName, c.now, true);
    if (cons === null) {
      r.array(0);
      return;
    }
    pel = cons.pel;
  }
  const now = c.now;
  const endKey = idKey(end.ms, end.seq);
  const rows: Array<[string, StreamNack]> = [];
  const cur = pel.seek(idKey(start.ms, start.seq));
  while (count && cur.next() && cur.key <= endKey) {
    const nack = cur.value as StreamNack;
    if (minidle && now - nack.deliveryTime < minidle) continue;
    rows.push([cur.key, nack]);
    count--;
  }
  r.array(rows.length);
  for (const [k, nack] of rows) {
    r.array(4);
    replyStreamId(r, idFromKey(k));
    r.bulk(nack.consumer?.name ?? '');
    const elapsed = now - nack.deliveryTime;
    r.integer(elapsed < 0 ? 0 : elapsed);
    r.integer(nack.deliveryCount);
  }
}

/* ---- XCLAIM -------------------------------------------------------------------------------- */

function xclaimCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const groupName = argv[2] as string;
  const s = readStream(c, key);
  if (s === undefined) return;
  const g = s === null ? null : lookupGroup(s, groupName);
  if (s === null || g === null) {
    replyNoGroup(c, key, groupName);
    return;
  }
  let minidle = intArg(c, argv[4], 'ERR Invalid min-idle-time argument for XCLAIM');
  if (minidle === null) return;
  if (minidle < 0) minidle = 0;

  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const p = parseStreamId(argv[j] as string, 0, true);
    if (p === null) break;
    ids.push({ ms: p.ms, seq: p.seq });
  }
  const lastIdArg = j - 1;
  const now = c.now;
  let force = false;
  let justid = false;
  let deliverytime = -1;
  let retrycount: number | bigint = -1;
  let lastId: StreamId = ID_ZERO;
  for (; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    const opt = argv[j] as string;
    if (is(opt, 'FORCE')) {
      force = true;
    } else if (is(opt, 'JUSTID')) {
      justid = true;
    } else if (is(opt, 'IDLE') && moreargs) {
      j++;
      const v = intArg(c, argv[j], 'ERR Invalid IDLE option argument for XCLAIM');
      if (v === null) return;
      deliverytime = now - v;
    } else if (is(opt, 'TIME') && moreargs) {
      j++;
      const v = intArg(c, argv[j], 'ERR Invalid TIME option argument for XCLAIM');
      if (v === null) return;
      deliverytime = v;
    } else if (is(opt, 'RETRYCOUNT') && moreargs) {
      j++;
      const v = intArg(c, argv[j], 'ERR Invalid RETRYCOUNT option argument for XCLAIM');
      if (v === null) return;
      retrycount = Number.isSafeInteger(v) ? v : BigInt(argv[j] as string);
    } else if (is(opt, 'LASTID') && moreargs) {
      j++;
      const id = strictIdArg(c, argv[j] as string);
      if (id === null) return;
      lastId = id;
    } else {
      c.reply.error(`ERR Unrecognized XCLAIM option '${cstr(opt)}'`);
      return;
    }
  }

  let propagateLastId = false;
  if (compareIds(lastId, g.lastId) > 0) {
    g.lastId = lastId;
    propagateLastId = true;
  }
  if (deliverytime !== -1) {
    if (deliverytime < 0 || deliverytime > now) deliverytime = now;
  } else {
    deliverytime = now;
  }

  let consumer: StreamConsumer | null = null;
  const claimed: StreamId[] = [];
  const name = argv[3] as string;
  for (let k = 5; k <= lastIdArg; k++) {
    const id = ids[k - 5] as StreamId;
    const pkey = idKey(id.ms, id.seq);
    let nack = g.pel.get(pkey);
    if (!s.has(id)) {
      if (nack !== undefined) {
        propagateXclaim(c, key, g, groupName, argv[k] as string, nack);
        propagateLastId = false;
        c.dirty();
        g.ack(pkey);
      }
      continue;
    }
    if (force && nack === undefined) {
      nack = new StreamNack(now, 1, null);
      g.pel.set(pkey, nack);
    }
    if (nack === undefined) continue;
    if (nack.consumer !== null && minidle) {
      if (now - nack.deliveryTime < minidle) continue;
    }
    if (consumer === null) {
      consumer = g.lookupConsumer(name, now) ?? createConsumer(c, g, name, key, c.db.id);
    }
    moveNack(nack, pkey, consumer as StreamConsumer);
    nack.deliveryTime = deliverytime;
    if (retrycount !== -1 && retrycount >= 0) nack.deliveryCount = retrycount;
    else if (!justid) nack.deliveryCount = u64Inc(nack.deliveryCount);
    claimed.push(id);
    propagateXclaim(c, key, g, groupName, argv[k] as string, nack);
    propagateLastId = false;
    c.dirty();
  }
  if (propagateLastId) {
    propagateGroupId(c, key, g, groupName);
    c.dirty();
  }
  c.rewritePropagation(null);
  const r = c.reply;
  r.array(claimed.length);
  for (const id of claimed) {
    if (justid) replyStreamId(r, id);
    else replyEntry(c, r, s, id);
  }
}

/* ---- XAUTOCLAIM ---------------------------------------------------------------------------- */

const ATTEMPTS_FACTOR = 10;
/** LONG_MAX / max(sizeof(streamID), attempts_factor). */
const AUTOCLAIM_MAX_COUNT = 922337203685477580;

function xautoclaimCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const groupName = argv[2] as string;
  let minidle = intArg(c, argv[4], 'ERR Invalid min-idle-time argument for XAUTOCLAIM');
  if (minidle === null) return;
  if (minidle < 0) minidle = 0;
  const start = rangeStartArg(c, argv[5] as string);
  if (start === null) return;
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    const opt = argv[j] as string;
    if (is(opt, 'COUNT') && moreargs) {
      const v = intArg(c, argv[j + 1]);
      if (v === null) return;
      if (v < 1 || v > AUTOCLAIM_MAX_COUNT) {
        c.reply.error('ERR COUNT must be > 0');
        return;
      }
      count = v;
      j++;
    } else if (is(opt, 'JUSTID')) {
      justid = true;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  const s = readStream(c, key);
  if (s === undefined) return;
  const g = s === null ? null : lookupGroup(s, groupName);
  if (s === null || g === null) {
    replyNoGroup(c, key, groupName);
    return;
  }

  let consumer: StreamConsumer | null = null;
  let attempts = count * ATTEMPTS_FACTOR;
  const now = c.now;
  const name = argv[3] as string;
  const claimed: StreamId[] = [];
  const deleted: StreamId[] = [];
  const cur = g.pel.seek(idKey(start.ms, start.seq));
  let more = false;
  for (;;) {
    if (!(attempts-- && count)) {
      more = true;
      break;
    }
    if (!cur.next()) break;
    const pkey = cur.key;
    const nack = cur.value as StreamNack;
    const id = idFromKey(pkey);
    if (!s.has(id)) {
      propagateXclaim(c, key, g, groupName, formatId(id), nack);
      c.dirty();
      g.ack(pkey);
      deleted.push(id);
      // The PEL changed under the cursor: continue from the entries after this one.
      const next = g.pel.seek(pkey);
      cur.ci = next.ci;
      cur.i = next.i;
      count--;
      continue;
    }
    if (minidle && now - nack.deliveryTime < minidle) continue;
    if (consumer === null) {
      consumer = g.lookupConsumer(name, now) ?? createConsumer(c, g, name, key, c.db.id);
    }
    moveNack(nack, pkey, consumer as StreamConsumer);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount = u64Inc(nack.deliveryCount);
    claimed.push(id);
    count--;
    propagateXclaim(c, key, g, groupName, formatId(id), nack);
    c.dirty();
  }
  // The cursor for the next call: the entry after the last one examined, or 0-0 at the end.
  let endId: StreamId = ID_ZERO;
  if (more && cur.next()) endId = idFromKey(cur.key);
  c.rewritePropagation(null);
  const r = c.reply;
  r.array(3);
  replyStreamId(r, endId);
  r.array(claimed.length);
  for (const id of claimed) {
    if (justid) replyStreamId(r, id);
    else replyEntry(c, r, s, id);
  }
  r.array(deleted.length);
  for (const id of deleted) replyStreamId(r, id);
}

/* ---- metadata ------------------------------------------------------------------------------ */

const KEY_GROUP_ARGS = [
  { name: 'key', type: 'key', key_spec_index: 0 },
  { name: 'groupname', type: 'string' },
] as const;

const xgroupSubcommands: CommandSpec[] = [
  {
    name: 'destroy',
    arity: 4,
    flags: ['write'],
    acl: ['stream'],
    keySpecs: [keyRange(['RW', 'delete'], 2)],
    group: 'stream',
    since: '5.0.0',
    summary: 'Destroy a consumer group.',
    complexity: 'O(N) where N is the number of entries in the group\'s pending entries list (PEL).',
    args: [...KEY_GROUP_ARGS],
    handler: xgroupDestroy,
  },
  {
    name: 'create',
    arity: -5,
    flags: ['write', 'denyoom'],
    acl: ['stream'],
    keySpecs: [keyRange(['RW', 'insert'], 2)],
    group: 'stream',
    since: '5.0.0',
    summary: 'Create a consumer group.',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added the `entries_read` named argument.']],
    args: [
      ...KEY_GROUP_ARGS,
      {
        name: 'id',
        type: 'oneof',
        arguments: [
          { name: 'id', type: 'string' },
          { name: 'new_id', type: 'pure-token', token: '$' },
        ],
      },
      { token: 'MKSTREAM', name: 'mkstream', type: 'pure-token', optional: true },
      { token: 'ENTRIESREAD', name: 'entries_read', type: 'integer', optional: true },
    ],
    handler: xgroupCreate,
  },
  {
    name: 'delconsumer',
    arity: 5,
    flags: ['write'],
    acl: ['stream'],
    keySpecs: [keyRange(['RW', 'delete'], 2)],
    group: 'stream',
    since: '5.0.0',
    summary: 'Delete a consumer from a consumer group.',
    complexity: 'O(1)',
    args: [...KEY_GROUP_ARGS, { name: 'consumername', type: 'string' }],
    handler: xgroupDelConsumer,
  },
  {
    name: 'help',
    arity: 2,
    flags: ['loading', 'stale'],
    acl: ['stream'],
    group: 'stream',
    since: '5.0.0',
    summary: 'Show helpful text about the different subcommands',
    complexity: 'O(1)',
    handler: (c) => replyHelp(c, 'XGROUP', XGROUP_HELP),
  },
  {
    name: 'createconsumer',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['stream'],
    keySpecs: [keyRange(['RW', 'insert'], 2)],
    group: 'stream',
    since: '6.2.0',
    summary: 'Create a consumer in a consumer group.',
    complexity: 'O(1)',
    args: [...KEY_GROUP_ARGS, { name: 'consumername', type: 'string' }],
    handler: xgroupCreateConsumer,
  },
  {
    name: 'setid',
    arity: -5,
    flags: ['write'],
    acl: ['stream'],
    keySpecs: [keyRange(['RW', 'update'], 2)],
    group: 'stream',
    since: '5.0.0',
    summary: 'Set a consumer group to an arbitrary last delivered ID value.',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added the optional `entries_read` argument.']],
    args: [
      ...KEY_GROUP_ARGS,
      {
        name: 'id',
        type: 'oneof',
        arguments: [
          { name: 'id', type: 'string' },
          { name: 'new_id', type: 'pure-token', token: '$' },
        ],
      },
      { name: 'entries_read', token: 'ENTRIESREAD', type: 'integer', optional: true },
    ],
    handler: xgroupSetid,
  },
];

export const commands: CommandSpec[] = [
  {
    name: 'xgroup',
    arity: -2,
    flags: [],
    group: 'stream',
    since: '5.0.0',
    summary: 'A container for consumer groups commands',
    complexity: 'Depends on subcommand.',
    subcommands: xgroupSubcommands,
  },
  {
    name: 'xack',
    arity: -4,
    flags: ['write', 'fast'],
    acl: ['stream'],
    keySpecs: [keyRange(['RW', 'update'], 1)],
    group: 'stream',
    since: '5.0.0',
    summary:
      'Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.',
    complexity: 'O(1) for each message ID processed.',
    args: [...KEY_GROUP_ARGS.map((a) => (a.name === 'groupname' ? { ...a, name: 'group' } : a)), { name: 'id', type: 'string', multiple: true }],
    handler: xackCommand,
  },
  {
    name: 'xpending',
    arity: -3,
    flags: ['readonly'],
    acl: ['stream'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'stream',
    since: '5.0.0',
    summary:
      'Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.',
    complexity:
      'O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.',
    history: [['6.2.0', 'Added the `IDLE` option and exclusive range intervals.']],
    tips: ['nondeterministic_output'],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'group', type: 'string' },
      {
        name: 'filters',
        type: 'block',
        optional: true,
        arguments: [
          { token: 'IDLE', name: 'min-idle-time', type: 'integer', optional: true, since: '6.2.0' },
          { name: 'start', type: 'string' },
          { name: 'end', type: 'string' },
          { name: 'count', type: 'integer' },
          { name: 'consumer', type: 'string', optional: true },
        ],
      },
    ],
    handler: xpendingCommand,
  },
  {
    name: 'xclaim',
    arity: -6,
    flags: ['write', 'fast'],
    acl: ['stream'],
    keySpecs: [keyRange(['RW', 'update'], 1)],
    group: 'stream',
    since: '5.0.0',
    summary:
      'Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.',
    complexity: 'O(log N) with N being the number of messages in the PEL of the consumer group.',
    tips: ['nondeterministic_output'],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'group', type: 'string' },
      { name: 'consumer', type: 'string' },
      { name: 'min-idle-time', type: 'string' },
      { name: 'id', type: 'string', multiple: true },
      { token: 'IDLE', name: 'ms', type: 'integer', optional: true },
      { token: 'TIME', name: 'unix-time-milliseconds', type: 'unix-time', optional: true },
      { token: 'RETRYCOUNT', name: 'count', type: 'integer', optional: true },
      { name: 'force', token: 'FORCE', type: 'pure-token', optional: true },
      { name: 'justid', token: 'JUSTID', type: 'pure-token', optional: true },
      { name: 'id', token: 'LASTID', type: 'string', optional: true },
    ],
    handler: xclaimCommand,
  },
  {
    name: 'xautoclaim',
    arity: -6,
    flags: ['write', 'fast'],
    acl: ['stream'],
    keySpecs: [keyRange(['RW', 'delete'], 1)],
    group: 'stream',
    since: '6.2.0',
    summary:
      'Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.',
    complexity: 'O(1) if COUNT is small.',
    history: [['7.0.0', 'Added an element to the reply array, containing deleted entries the command cleared from the PEL']],
    tips: ['nondeterministic_output'],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'group', type: 'string' },
      { name: 'consumer', type: 'string' },
      { name: 'min-idle-time', type: 'string' },
      { name: 'start', type: 'string' },
      { token: 'COUNT', name: 'count', type: 'integer', optional: true },
      { name: 'justid', token: 'JUSTID', type: 'pure-token', optional: true },
    ],
    handler: xautoclaimCommand,
  },
];
