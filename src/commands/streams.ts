/*
 * Stream commands (Redis 7.0.15's t_stream.c): XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID
 * here; XREAD / XREADGROUP in streams-read.ts, consumer groups in streams-groups.ts, XINFO in
 * streams-info.ts. This file's `commands` lists the whole family.
 *
 * Propagation follows Redis: XADD with `*` or `<ms>-*` propagates the ID it generated, and an
 * approximate trim (`~`, with or without LIMIT) propagates as the exact trim that happened
 * (`MAXLEN = <resulting length>` / `MINID = <first remaining ID>`); replicas and AOF loading
 * then ignore LIMIT (mustObeyClient), so they end with the same entries.
 */

import type { Ctx } from './context.js';
import { CALL_FROM_AOF, CALL_FROM_MASTER } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import { int64Arg, intArg, is } from './args.js';
import * as E from '../protocol/errors.js';
import { NOTIFY_STREAM } from '../keyspace/notify.js';
import type { Stream, TrimStrategy } from '../ds/stream-store.js';
import { STREAM_LISTPACK_MAX_SIZE } from '../ds/stream-store.js';
import {
  ID_ZERO, compareIds, formatId, idIsMax, incrId, type StreamId, U64_MAX, u64Inc,
} from '../ds/stream-id.js';
import {
  ERR_INVALID_ID, createStreamKey, parseStreamId, rangeEndArg, rangeStartArg, readStream, replyRange, strictIdArg, writeStream,
} from './streams-common.js';
import { commands as readCommands } from './streams-read.js';
import { commands as groupCommands } from './streams-groups.js';
import { commands as infoCommands } from './streams-info.js';

/* ---- XADD / XTRIM argument parsing (streamParseAddOrTrimArgsOrReply) ---------------------- */

interface AddTrimArgs {
  /** Position of the ID argument (XADD). */
  idpos: number;
  id: StreamId;
  idGiven: boolean;
  seqGiven: boolean;
  noMkstream: boolean;
  strategy: TrimStrategy | null;
  /** Index of the MAXLEN count / MINID id argument. */
  argIdx: number;
  approx: boolean;
  limit: number;
  maxlen: number;
  minid: StreamId;
}

function mustObeyClient(c: Ctx): boolean {
  return (c.callFlags & (CALL_FROM_MASTER | CALL_FROM_AOF)) !== 0;
}

function parseAddOrTrimArgs(c: Ctx, argv: string[], xadd: boolean): AddTrimArgs | null {
  const a: AddTrimArgs = {
    idpos: 0, id: ID_ZERO, idGiven: false, seqGiven: true, noMkstream: false, strategy: null, argIdx: 0,
    approx: false, limit: 0, maxlen: 0, minid: ID_ZERO,
  };
  const argc = argv.length;
  let limitGiven = false;
  let i = 2;
  for (; i < argc; i++) {
    const moreargs = argc - 1 - i;
    const opt = argv[i] as string;
    if (xadd && opt === '*') break;
    if (is(opt, 'maxlen') && moreargs) {
      if (a.strategy !== null) {
        c.reply.error('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
        return null;
      }
      a.approx = false;
      const next = argv[i + 1] as string;
      if (moreargs >= 2 && next === '~') {
        a.approx = true;
        i++;
      } else if (moreargs >= 2 && next === '=') {
        i++;
      }
      const n = intArg(c, argv[i + 1]);
      if (n === null) return null;
      if (n < 0) {
        c.reply.error('ERR The MAXLEN argument must be >= 0.');
        return null;
      }
      a.maxlen = n;
      i++;
      a.strategy = 'maxlen';
      a.argIdx = i;
    } else if (is(opt, 'minid') && moreargs) {
      if (a.strategy !== null) {
        c.reply.error('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
        return null;
      }
      a.approx = false;
      const next = argv[i + 1] as string;
      if (moreargs >= 2 && next === '~') {
        a.approx = true;
        i++;
      } else if (moreargs >= 2 && next === '=') {
        i++;
      }
      const id = strictIdArg(c, argv[i + 1] as string, 0);
      if (id === null) return null;
      a.minid = id;
      i++;
      a.strategy = 'minid';
      a.argIdx = i;
    } else if (is(opt, 'limit') && moreargs) {
      const n = intArg(c, argv[i + 1]);
      if (n === null) return null;
      if (n < 0) {
        c.reply.error('ERR The LIMIT argument must be >= 0.');
        return null;
      }
      a.limit = n;
      limitGiven = true;
      i++;
    } else if (xadd && is(opt, 'nomkstream')) {
      a.noMkstream = true;
    } else if (xadd) {
      const p = parseStreamId(opt, 0, true, true);
      if (p === null) {
        c.reply.error(ERR_INVALID_ID);
        return null;
      }
      a.id = { ms: p.ms, seq: p.seq };
      a.seqGiven = p.seqGiven;
      a.idGiven = true;
      break;
    } else {
      c.reply.error(E.SYNTAX);
      return null;
    }
  }
  a.idpos = i;

  if (a.limit && a.strategy === null) {
    c.reply.error('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
    return null;
  }
  if (!xadd && a.strategy === null) {
    c.reply.error('ERR syntax error, XTRIM must be called with a trimming strategy');
    return null;
  }
  if (mustObeyClient(c)) {
    a.limit = 0;
  } else if (limitGiven) {
    if (!a.approx) {
      c.reply.error('ERR syntax error, LIMIT cannot be used without the special ~ option');
      return null;
    }
  } else if (a.approx) {
    let limit = 100 * c.server.configNumber('stream-node-max-entries');
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
    a.limit = limit;
  } else {
    a.limit = 0;
  }
  return a;
}

function trimStream(s: Stream, a: AddTrimArgs): number {
  return s.trim({
    strategy: a.strategy as TrimStrategy, maxlen: a.maxlen, minid: a.minid, approx: a.approx, limit: a.limit,
  });
}

/**
 * streamRewriteApproxSpecifier + streamRewriteTrimArgument: `~ <n>` becomes `= <what is left>`
 * in the propagated argv.
 */
function rewriteTrim(prop: string[], s: Stream, a: AddTrimArgs): void {
  prop[a.argIdx - 1] = '=';
  prop[a.argIdx] = a.strategy === 'maxlen' ? String(s.length) : formatId(s.edgeId(true, false));
}

function nodeLimits(c: Ctx): [number, number] {
  return [c.server.configNumber('stream-node-max-bytes'), c.server.configNumber('stream-node-max-entries')];
}

/* ---- XADD --------------------------------------------------------------------------------- */

function xaddCommand(c: Ctx, argv: string[]): void {
  const a = parseAddOrTrimArgs(c, argv, true);
  if (a === null) return;
  const fieldPos = a.idpos + 1;
  const nargs = argv.length - fieldPos;
  if (nargs < 2 || nargs % 2 === 1) {
    c.reply.error(E.wrongArity('xadd'));
    return;
  }
  if (a.idGiven && a.seqGiven && a.id.ms === 0 && a.id.seq === 0) {
    c.reply.error('ERR The ID specified in XADD must be greater than 0-0');
    return;
  }
  const key = argv[1] as string;
  let s = writeStream(c, key);
  if (s === undefined) return;
  if (s === null) {
    if (a.noMkstream) {
      c.reply.nullBulk();
      return;
    }
    s = createStreamKey(c, key);
  }
  if (idIsMax(s.lastId)) {
    c.reply.error('ERR The stream has exhausted the last possible ID, unable to add more items');
    return;
  }

  // streamAppendItem: choose the ID and check it.
  let id: StreamId;
  if (a.idGiven) {
    if (a.seqGiven) {
      id = a.id;
    } else if (s.lastId.ms === a.id.ms) {
      if (s.lastId.seq === U64_MAX) {
        c.reply.error('ERR Elements are too large to be stored');
        return;
      }
      id = { ms: a.id.ms, seq: u64Inc(s.lastId.seq) };
    } else {
      id = a.id;
    }
  } else {
    const now = c.now;
    id = now > s.lastId.ms ? { ms: now, seq: 0 } : (incrId(s.lastId) ?? ID_ZERO);
  }
  if (compareIds(id, s.lastId) <= 0) {
    c.reply.error('ERR The ID specified in XADD is equal or smaller than the target stream top item');
    return;
  }
  let total = 0;
  for (let i = fieldPos; i < argv.length; i++) total += (argv[i] as string).length;
  if (total > STREAM_LISTPACK_MAX_SIZE) {
    c.reply.error('ERR Elements are too large to be stored');
    return;
  }
  const [maxBytes, maxEntries] = nodeLimits(c);
  s.append(argv, fieldPos, nargs / 2, id, maxBytes, maxEntries);
  const idText = formatId(id);
  c.reply.bulk(idText);

  c.modified(c.db, key);
  c.notify(NOTIFY_STREAM, 'xadd', key, c.db.id);
  c.dirty();

  let prop: string[] | null = null;
  if (a.strategy !== null) {
    if (trimStream(s, a)) c.notify(NOTIFY_STREAM, 'xtrim', key, c.db.id);
    if (a.approx) {
      prop = argv.slice();
      rewriteTrim(prop, s, a);
    }
  }
  if (!a.idGiven || !a.seqGiven) {
    if (prop === null) prop = argv.slice();
    prop[a.idpos] = idText;
  }
  if (prop !== null) c.rewritePropagation(prop);
  c.signalKeyAsReady(c.db, key);
}

/* ---- XRANGE / XREVRANGE ------------------------------------------------------------------- */

function xrangeGeneric(c: Ctx, argv: string[], rev: boolean): void {
  const startArg = (rev ? argv[3] : argv[2]) as string;
  const endArg = (rev ? argv[2] : argv[3]) as string;
  const start = rangeStartArg(c, startArg);
  if (start === null) return;
  const end = rangeEndArg(c, endArg);
  if (end === null) return;
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    const additional = argv.length - j - 1;
    if (is(argv[j], 'COUNT') && additional >= 1) {
      const n = intArg(c, argv[j + 1]);
      if (n === null) return;
      count = n < 0 ? 0 : n;
      j++;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  const s = readStream(c, argv[1] as string);
  if (s === undefined) return;
  if (s === null) {
    c.reply.array(0);
    return;
  }
  if (count === 0) {
    c.reply.nullArray();
    return;
  }
  replyRange(c, c.reply, s, start, end, count === -1 ? 0 : count, rev, null, null, 0, null);
}

/* ---- XLEN / XDEL / XTRIM / XSETID ------------------------------------------------------------ */

function xlenCommand(c: Ctx, argv: string[]): void {
  const s = readStream(c, argv[1] as string);
  if (s === undefined) return;
  c.reply.integer(s === null ? 0 : s.length);
}

function xdelCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const s = writeStream(c, key);
  if (s === undefined) return;
  if (s === null) {
    c.reply.integer(0);
    return;
  }
  const ids: StreamId[] = [];
  for (let j = 2; j < argv.length; j++) {
    const id = strictIdArg(c, argv[j] as string);
    if (id === null) return;
    ids.push(id);
  }
  let deleted = 0;
  let firstEntry = false;
  for (const id of ids) {
    if (s.delete(id)) {
      if (compareIds(id, s.firstId) === 0) firstEntry = true;
      if (compareIds(id, s.maxDeletedId) > 0) s.maxDeletedId = id;
      deleted++;
    }
  }
  if (deleted) {
    if (s.length === 0) s.firstId = ID_ZERO;
    else if (firstEntry) s.firstId = s.edgeId(true, true);
    c.modified(c.db, key);
    c.notify(NOTIFY_STREAM, 'xdel', key, c.db.id);
    c.dirty(deleted);
  }
  c.reply.integer(deleted);
}

function xtrimCommand(c: Ctx, argv: string[]): void {
  const a = parseAddOrTrimArgs(c, argv, false);
  if (a === null) return;
  const key = argv[1] as string;
  const s = writeStream(c, key);
  if (s === undefined) return;
  if (s === null) {
    c.reply.integer(0);
    return;
  }
  const deleted = trimStream(s, a);
  if (deleted) {
    c.notify(NOTIFY_STREAM, 'xtrim', key, c.db.id);
    if (a.approx) {
      const prop = argv.slice();
      rewriteTrim(prop, s, a);
      c.rewritePropagation(prop);
    }
    c.modified(c.db, key);
    c.dirty(deleted);
  }
  c.reply.integer(deleted);
}

function xsetidCommand(c: Ctx, argv: string[]): void {
  const id = strictIdArg(c, argv[2] as string);
  if (id === null) return;
  let entriesAdded = -1;
  let entriesAddedBig: number | bigint = -1;
  let maxXdel: StreamId = ID_ZERO;
  let i = 3;
  while (i < argv.length) {
    const moreargs = argv.length - 1 - i;
    const opt = argv[i] as string;
    if (is(opt, 'ENTRIESADDED') && moreargs) {
      const v = int64Arg(c, argv[i + 1]);
      if (v === null) return;
      if (v < 0) {
        c.reply.error('ERR entries_added must be positive');
        return;
      }
      entriesAdded = Number(v);
      entriesAddedBig = v;
      i += 2;
    } else if (is(opt, 'MAXDELETEDID') && moreargs) {
      const m = strictIdArg(c, argv[i + 1] as string);
      if (m === null) return;
      if (compareIds(id, m) < 0) {
        c.reply.error('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
        return;
      }
      maxXdel = m;
      i += 2;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  const key = argv[1] as string;
  const s = writeStream(c, key);
  if (s === undefined) return;
  if (s === null) {
    c.reply.error(E.NO_SUCH_KEY);
    return;
  }
  if (s.length > 0) {
    const maxid = s.lastValidId() as StreamId;
    if (compareIds(id, maxid) < 0) {
      c.reply.error('ERR The ID specified in XSETID is smaller than the target stream top item');
      return;
    }
    if (entriesAdded !== -1 && s.length > entriesAdded) {
      c.reply.error('ERR The entries_added specified in XSETID is smaller than the target stream length');
      return;
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAddedBig;
  if (!(maxXdel.ms === 0 && maxXdel.seq === 0)) s.maxDeletedId = maxXdel;
  c.reply.ok();
  c.dirty();
  c.notify(NOTIFY_STREAM, 'xsetid', key, c.db.id);
}

/* ---- metadata ----------------------------------------------------------------------------- */

const TRIM_BLOCK = {
  name: 'trim',
  type: 'block',
  arguments: [
    {
      name: 'strategy',
      type: 'oneof',
      arguments: [
        { name: 'maxlen', type: 'pure-token', token: 'MAXLEN' },
        { name: 'minid', type: 'pure-token', token: 'MINID', since: '6.2.0' },
      ],
    },
    {
      name: 'operator',
      type: 'oneof',
      optional: true,
      arguments: [
        { name: 'equal', type: 'pure-token', token: '=' },
        { name: 'approximately', type: 'pure-token', token: '~' },
      ],
    },
    { name: 'threshold', type: 'string' },
    { token: 'LIMIT', name: 'count', type: 'integer', optional: true, since: '6.2.0' },
  ],
} as const;

const baseCommands: CommandSpec[] = [
  {
    name: 'xadd',
    arity: -5,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['stream'],
    keySpecs: [{ ...keyRange(['RW', 'update'], 1), notes: 'UPDATE instead of INSERT because of the optional trimming feature' }],
    group: 'stream',
    since: '5.0.0',
    summary: 'Appends a new entry to a stream',
    complexity: 'O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.',
    history: [
      ['6.2.0', 'Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option.'],
      ['7.0.0', 'Added support for the `<ms>-*` explicit ID form.'],
    ],
    tips: ['nondeterministic_output'],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { token: 'NOMKSTREAM', name: 'nomkstream', type: 'pure-token', optional: true, since: '6.2.0' },
      { ...TRIM_BLOCK, optional: true },
      {
        name: 'id_or_auto',
        type: 'oneof',
        arguments: [
          { name: 'auto_id', type: 'pure-token', token: '*' },
          { name: 'id', type: 'string' },
        ],
      },
      {
        name: 'field_value',
        type: 'block',
        multiple: true,
        arguments: [
          { name: 'field', type: 'string' },
          { name: 'value', type: 'string' },
        ],
      },
    ],
    handler: xaddCommand,
  },
  {
    name: 'xrange',
    arity: -4,
    flags: ['readonly'],
    acl: ['stream'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'stream',
    since: '5.0.0',
    summary: 'Return a range of elements in a stream, with IDs matching the specified IDs interval',
    complexity:
      'O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).',
    history: [['6.2.0', 'Added exclusive ranges.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'string' },
      { name: 'end', type: 'string' },
      { token: 'COUNT', name: 'count', type: 'integer', optional: true },
    ],
    handler: (c, argv) => xrangeGeneric(c, argv, false),
  },
  {
    name: 'xrevrange',
    arity: -4,
    flags: ['readonly'],
    acl: ['stream'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'stream',
    since: '5.0.0',
    summary:
      'Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE',
    complexity:
      'O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).',
    history: [['6.2.0', 'Added exclusive ranges.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'end', type: 'string' },
      { name: 'start', type: 'string' },
      { token: 'COUNT', name: 'count', type: 'integer', optional: true },
    ],
    handler: (c, argv) => xrangeGeneric(c, argv, true),
  },
  {
    name: 'xlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['stream'],
    keySpecs: [keyRange(['RO'], 1)],
    group: 'stream',
    since: '5.0.0',
    summary: 'Return the number of entries in a stream',
    complexity: 'O(1)',
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: xlenCommand,
  },
  {
    name: 'xdel',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['stream'],
    keySpecs: [keyRange(['RW', 'delete'], 1)],
    group: 'stream',
    since: '5.0.0',
    summary:
      'Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.',
    complexity: 'O(1) for each single item to delete in the stream, regardless of the stream size.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'id', type: 'string', multiple: true },
    ],
    handler: xdelCommand,
  },
  {
    name: 'xtrim',
    arity: -4,
    flags: ['write'],
    acl: ['stream'],
    keySpecs: [keyRange(['RW', 'delete'], 1)],
    group: 'stream',
    since: '5.0.0',
    summary: "Trims the stream to (approximately if '~' is passed) a certain size",
    complexity:
      'O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.',
    history: [['6.2.0', 'Added the `MINID` trimming strategy and the `LIMIT` option.']],
    tips: ['nondeterministic_output'],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }, TRIM_BLOCK],
    handler: xtrimCommand,
  },
  {
    name: 'xsetid',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['stream'],
    keySpecs: [keyRange(['RW', 'update'], 1)],
    group: 'stream',
    since: '5.0.0',
    summary: 'An internal command for replicating stream values',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added the `entries_added` and `max_deleted_entry_id` arguments.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'last-id', type: 'string' },
      { name: 'entries_added', token: 'ENTRIESADDED', type: 'integer', optional: true, since: '7.0.0' },
      { name: 'max_deleted_entry_id', token: 'MAXDELETEDID', type: 'string', optional: true, since: '7.0.0' },
    ],
    handler: xsetidCommand,
  },
];

export const commands: CommandSpec[] = [...baseCommands, ...readCommands, ...groupCommands, ...infoCommands];
