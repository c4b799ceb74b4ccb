/*
 * XREAD and XREADGROUP (Redis 7.0.15's xreadCommand and the stream part of blocked.c).
 *
 * Served at once when any stream has entries past the requested ID (for a group: past the
 * group's last-delivered ID, or always when reading the consumer's own history with an ID
 * other than `>`); otherwise, with BLOCK, the client blocks on every key. XREADGROUP
 * propagates nothing itself: its effects reach replicas and the AOF as the XCLAIM / XGROUP
 * commands streamReplyWithRange emits.
 *
 * Blocking. The engine re-runs a blocked command when one of its keys is signaled. Redis
 * resolves `$` once, when the client blocks, and later serves only entries past that ID; so
 * the IDs resolved at blocking time are kept per client (a WeakMap on the client object) and a
 * re-run uses them instead of parsing `$` again. A re-run serves the first of its keys that
 * now has entries past its ID (for XREADGROUP: past the group's current last ID, which other
 * consumers may have moved), with one stream in the reply as Redis's serveClientsBlockedOnStreamKey
 * does, and COUNT defaulting to 1000. A re-run of XREADGROUP whose key is gone or no longer a
 * stream fails with -UNBLOCKED, and one whose group was destroyed with -NOGROUP; XREAD keeps
 * waiting in both cases. A re-run that finds nothing blocks again and keeps its queue place.
 */

import type { ClientView, Ctx } from './context.js';
import { CALL_FROM_SCRIPT } from './context.js';
import type { CommandSpec } from './spec.js';
import { intArg, is, timeoutArg } from './args.js';
import * as E from '../protocol/errors.js';
import { cstr } from '../protocol/errors.js';
import { ReplyWriter } from '../protocol/reply-writer.js';
import { OBJ_STREAM } from '../keyspace/object.js';
import type { Stream } from '../ds/stream-store.js';
import { ID_MAX, ID_ZERO, compareIds, idIsMax, incrId, type StreamId } from '../ds/stream-id.js';
import type { ConsumerGroup, StreamConsumer } from '../ds/stream-groups.js';
import { lookupRead } from './lookup.js';
import {
  RWR_HISTORY, RWR_NOACK, createConsumer, lookupGroup, propagateConsumerCreation, replyRange, strictIdArg,
} from './streams-common.js';

/** XREAD_BLOCKED_DEFAULT_COUNT. */
const BLOCKED_DEFAULT_COUNT = 1000;

interface XreadArgs {
  /** Absolute deadline (0 = forever), or -1 without BLOCK. */
  deadline: number;
  count: number;
  /** Index of the first key. */
  streamsArg: number;
  streamsCount: number;
  noack: boolean;
  group: string | null;
  consumer: string | null;
}

/** IDs resolved when a client blocked (`$` → the stream's last ID then), per client. */
const blockedIds = new WeakMap<object, StreamId[]>();

function isBlockedRerun(c: Ctx): boolean {
  const blocked = (c.client as ClientView & { blocked?: unknown }).blocked;
  return blocked !== undefined && blocked !== null;
}

function parseArgs(c: Ctx, argv: string[], xreadgroup: boolean): XreadArgs | null {
  const a: XreadArgs = {
    deadline: -1, count: 0, streamsArg: 0, streamsCount: 0, noack: false, group: null, consumer: null,
  };
  const argc = argv.length;
  for (let i = 1; i < argc; i++) {
    const moreargs = argc - i - 1;
    const o = argv[i] as string;
    if (is(o, 'BLOCK') && moreargs) {
      if (c.callFlags & CALL_FROM_SCRIPT) {
        c.reply.error(`ERR ${cstr(argv[0] as string)} command is not allowed with BLOCK option from scripts`);
        return null;
      }
      i++;
      const d = timeoutArg(c, argv[i], 'ms');
      if (d === null) return null;
      a.deadline = d;
    } else if (is(o, 'COUNT') && moreargs) {
      i++;
      const n = intArg(c, argv[i]);
      if (n === null) return null;
      a.count = n < 0 ? 0 : n;
    } else if (is(o, 'STREAMS') && moreargs) {
      a.streamsArg = i + 1;
      const n = argc - a.streamsArg;
      if (n % 2 !== 0) {
        c.reply.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
        return null;
      }
      a.streamsCount = n / 2;
      break;
    } else if (is(o, 'GROUP') && moreargs >= 2) {
      if (!xreadgroup) {
        c.reply.error('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
        return null;
      }
      a.group = argv[i + 1] as string;
      a.consumer = argv[i + 2] as string;
      i += 2;
    } else if (is(o, 'NOACK')) {
      if (!xreadgroup) {
        c.reply.error('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
        return null;
      }
      a.noack = true;
    } else {
      c.reply.error(E.SYNTAX);
      return null;
    }
  }
  if (a.streamsArg === 0) {
    c.reply.error(E.SYNTAX);
    return null;
  }
  if (xreadgroup && a.group === null) {
    c.reply.error('ERR Missing GROUP option for XREADGROUP');
    return null;
  }
  return a;
}

/**
 * A writer for the part of the reply whose enclosing length is only known afterwards (the
 * streams served); one instance is reused, XREAD never nests.
 */
let scratch: ReplyWriter | null = null;

function scratchWriter(c: Ctx): ReplyWriter {
  if (scratch === null) scratch = new ReplyWriter();
  scratch.discard();
  scratch.resp = c.reply.resp;
  return scratch;
}

function appendScratch(c: Ctx, w: ReplyWriter): void {
  const chunks = w.take();
  if (chunks === null) return;
  for (const b of chunks) c.reply.rawBuffer(b);
}

/** Find or create the reading consumer (propagating its creation for NOACK reads). */
function readingConsumer(c: Ctx, g: ConsumerGroup, a: XreadArgs, key: string): StreamConsumer {
  const name = a.consumer as string;
  let cons = g.lookupConsumer(name, c.now);
  if (cons === null) {
    cons = createConsumer(c, g, name, key, c.db.id) as StreamConsumer;
    if (a.noack) propagateConsumerCreation(c, key, a.group as string, name);
  }
  return cons;
}

function xreadCommand(c: Ctx, argv: string[]): void {
  const xreadgroup = (argv[0] as string).length === 10;
  const a = parseArgs(c, argv, xreadgroup);
  if (a === null) return;
  if (xreadgroup) c.rewritePropagation(null);
  if (isBlockedRerun(c)) {
    serveBlocked(c, argv, a);
    return;
  }
  const n = a.streamsCount;
  const keys = argv.slice(a.streamsArg, a.streamsArg + n);
  const ids: StreamId[] = new Array<StreamId>(n);
  const groups: Array<ConsumerGroup | null> = new Array<ConsumerGroup | null>(n).fill(null);
  for (let i = 0; i < n; i++) {
    const key = keys[i] as string;
    const idArgText = argv[a.streamsArg + n + i] as string;
    const o = lookupRead(c, c.db, key);
    if (o !== null && o.type !== OBJ_STREAM) {
      c.reply.error(E.WRONGTYPE);
      return;
    }
    const s = o === null ? null : (o.ptr as Stream);
    if (a.group !== null) {
      const g = s === null ? null : lookupGroup(s, a.group);
      if (g === null) {
        c.reply.error(
          `NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(a.group)}' in XREADGROUP with GROUP option`,
        );
        return;
      }
      groups[i] = g;
    }
    const text = cstr(idArgText);
    if (text === '$') {
      if (xreadgroup) {
        c.reply.error(
          'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
        );
        return;
      }
      ids[i] = s === null ? ID_ZERO : s.lastId;
      continue;
    }
    if (text === '>') {
      if (!xreadgroup) {
        c.reply.error(
          'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.',
        );
        return;
      }
      ids[i] = ID_MAX;
      continue;
    }
    const id = strictIdArg(c, idArgText);
    if (id === null) return;
    ids[i] = id;
  }

  // Try to serve synchronously.
  const w = scratchWriter(c);
  let served = 0;
  for (let i = 0; i < n; i++) {
    const key = keys[i] as string;
    const o = lookupRead(c, c.db, key);
    if (o === null) continue;
    const s = o.ptr as Stream;
    let gt = ids[i] as StreamId;
    const g = groups[i] ?? null;
    let serve = false;
    let history = false;
    if (g !== null) {
      if (!idIsMax(gt)) {
        serve = true;
        history = true;
      } else if (s.length) {
        const maxid = s.lastValidId() as StreamId;
        if (compareIds(maxid, g.lastId) > 0) {
          serve = true;
          gt = g.lastId;
        }
      }
    } else if (s.length) {
      const maxid = s.lastValidId() as StreamId;
      if (compareIds(maxid, gt) > 0) serve = true;
    }
    if (!serve) continue;
    served++;
    const start = incrId(gt) ?? ID_ZERO;
    if (w.resp === 2) w.array(2);
    w.bulk(key);
    const cons = g !== null ? readingConsumer(c, g, a, key) : null;
    let flags = 0;
    if (a.noack) flags |= RWR_NOACK;
    if (history) flags |= RWR_HISTORY;
    replyRange(c, w, s, start, null, a.count, false, g, cons, flags, g !== null ? { key, group: a.group as string } : null);
    if (g !== null) c.dirty();
  }
  if (served) {
    if (c.reply.resp === 2) c.reply.array(served);
    else c.reply.map(served);
    appendScratch(c, w);
    return;
  }

  if (a.deadline !== -1) {
    if (!c.canBlock) {
      c.reply.nullArray();
      return;
    }
    blockedIds.set(c.client, ids);
    c.blockForKeys(keys, a.deadline);
    return;
  }
  c.reply.nullArray();
}

/** A blocked XREAD / XREADGROUP re-run after one of its keys was signaled. */
function serveBlocked(c: Ctx, argv: string[], a: XreadArgs): void {
  const n = a.streamsCount;
  const keys = argv.slice(a.streamsArg, a.streamsArg + n);
  const ids = blockedIds.get(c.client);
  const count = a.count || BLOCKED_DEFAULT_COUNT;
  for (let i = 0; i < n; i++) {
    const key = keys[i] as string;
    const o = c.db.lookupWrite(key);
    if (o === null || o.type !== OBJ_STREAM) {
      if (a.group !== null) {
        c.reply.error('UNBLOCKED the stream key no longer exists');
        return;
      }
      continue;
    }
    const s = o.ptr as Stream;
    let g: ConsumerGroup | null = null;
    let gt: StreamId;
    if (a.group !== null) {
      g = lookupGroup(s, a.group);
      if (g === null) {
        c.reply.error('NOGROUP the consumer group this client was blocked on no longer exists');
        return;
      }
      gt = g.lastId;
    } else {
      gt = ids?.[i] ?? ID_ZERO;
    }
    if (compareIds(s.lastId, gt) <= 0) continue;
    const start = incrId(gt) ?? ID_ZERO;
    const cons = g !== null ? readingConsumer(c, g, a, key) : null;
    if (c.reply.resp === 2) {
      c.reply.array(1);
      c.reply.array(2);
    } else {
      c.reply.map(1);
    }
    c.reply.bulk(key);
    replyRange(
      c, c.reply, s, start, null, count, false, g, cons, a.noack ? RWR_NOACK : 0,
      g !== null ? { key, group: a.group as string } : null,
    );
    return;
  }
  c.blockForKeys(keys, 0);
}

/* ---- metadata ------------------------------------------------------------------------------ */

/** xreadGetKeys: the keys after the STREAMS option (none on a syntax error). */
function xreadGetKeys(argv: readonly string[]): number[] {
  const argc = argv.length;
  let streamsPos = -1;
  for (let i = 1; i < argc; i++) {
    const arg = argv[i] as string;
    if (is(arg, 'block') || is(arg, 'count')) i++;
    else if (is(arg, 'group')) i += 2;
    else if (is(arg, 'noack')) continue;
    else if (is(arg, 'streams')) {
      streamsPos = i;
      break;
    } else break;
  }
  const num = streamsPos === -1 ? 0 : argc - streamsPos - 1;
  if (streamsPos === -1 || num === 0 || num % 2 !== 0) return [];
  const out: number[] = [];
  for (let i = streamsPos + 1; i < argc - num / 2; i++) out.push(i);
  return out;
}

const STREAMS_ARG = {
  name: 'streams',
  token: 'STREAMS',
  type: 'block',
  arguments: [
    { name: 'key', type: 'key', key_spec_index: 0, multiple: true },
    { name: 'id', type: 'string', multiple: true },
  ],
} as const;

export const commands: CommandSpec[] = [
  {
    name: 'xread',
    arity: -4,
    flags: ['readonly', 'blocking'],
    acl: ['stream'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { keyword: 'STREAMS', startfrom: 1 }, find: { range: { lastkey: -1, step: 1, limit: 2 } } }],
    getKeys: xreadGetKeys,
    group: 'stream',
    since: '5.0.0',
    summary:
      'Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.',
    complexity:
      'For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.',
    args: [
      { token: 'COUNT', name: 'count', type: 'integer', optional: true },
      { token: 'BLOCK', name: 'milliseconds', type: 'integer', optional: true },
      STREAMS_ARG,
    ],
    handler: xreadCommand,
  },
  {
    name: 'xreadgroup',
    arity: -7,
    flags: ['write', 'blocking'],
    acl: ['stream'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { keyword: 'STREAMS', startfrom: 4 }, find: { range: { lastkey: -1, step: 1, limit: 2 } } }],
    getKeys: xreadGetKeys,
    group: 'stream',
    since: '5.0.0',
    summary:
      'Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.',
    complexity:
      'For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.',
    args: [
      {
        token: 'GROUP',
        name: 'group_consumer',
        type: 'block',
        arguments: [
          { name: 'group', type: 'string' },
          { name: 'consumer', type: 'string' },
        ],
      },
      { token: 'COUNT', name: 'count', type: 'integer', optional: true },
      { token: 'BLOCK', name: 'milliseconds', type: 'integer', optional: true },
      { name: 'noack', token: 'NOACK', type: 'pure-token', optional: true },
      STREAMS_ARG,
    ],
    handler: xreadCommand,
  },
];
