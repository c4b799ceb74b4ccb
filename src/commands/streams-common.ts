/*
 * Shared machinery of the stream commands (Redis 7.0.15's t_stream.c): ID parsing with
 * Redis's exact grammar and errors, range replies (streamReplyWithRange, including the
 * consumer-group side effects XREADGROUP relies on), consumer-group helpers (lag, read
 * counter estimates, consumer creation) and the propagation forms Redis emits for group
 * state (XCLAIM ... FORCE JUSTID LASTID, XGROUP SETID ... ENTRIESREAD, XGROUP CREATECONSUMER).
 *
 * Replies whose length is only known after walking the data are written after a counting
 * pass over the same (unchanged) data, since the reply writer has no deferred lengths.
 */

import type { Ctx } from './context.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import * as E from '../protocol/errors.js';
import { cstr } from '../protocol/errors.js';
import type { RObject } from '../keyspace/object.js';
import { OBJ_STREAM } from '../keyspace/object.js';
import { NOTIFY_STREAM } from '../keyspace/notify.js';
import { createStreamObject } from '../keyspace/types/stream.js';
import type { Stream } from '../ds/stream-store.js';
import {
  ID_MAX, ID_ZERO, U64_MAX, compareIds, compareParts, decrId, formatId, idFromKey, idIsZero, idKey, incrId, parseU64, u64Inc,
  type StreamId, type U64,
} from '../ds/stream-id.js';
import {
  ConsumerGroup, ENTRIES_READ_INVALID, StreamNack, type StreamConsumer,
  addI64, subI64, estimateDistanceFromFirstEverEntry, type I64,
} from '../ds/stream-groups.js';
import { OrderedMap } from '../ds/ordered-map.js';
import { dbAdd, lookupRead } from './lookup.js';

export const ERR_INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';

/* ---- ID parsing --------------------------------------------------------------------------- */

export interface ParsedId {
  ms: U64;
  seq: U64;
  /** False for the `<ms>-*` form (only accepted when asked for). */
  seqGiven: boolean;
}

/**
 * streamGenericParseIDOrReply without the reply: `<ms>[-<seq>]`, `-`, `+` (unless strict),
 * `<ms>-*` when `allowSeqStar`. Returns null for an invalid ID.
 */
export function parseStreamId(arg: string, missingSeq: U64, strict: boolean, allowSeqStar = false): ParsedId | null {
  if (arg.length > 127) return null;
  const buf = cstr(arg);
  if (buf === '-' || buf === '+') {
    if (strict) return null;
    return buf === '-' ? { ms: 0, seq: 0, seqGiven: true } : { ms: ID_MAX.ms, seq: ID_MAX.seq, seqGiven: true };
  }
  const dash = buf.indexOf('-');
  const ms = parseU64(dash === -1 ? buf : buf.slice(0, dash));
  if (ms === null) return null;
  if (dash === -1) return { ms, seq: missingSeq, seqGiven: true };
  const rest = buf.slice(dash + 1);
  if (allowSeqStar && rest === '*') return { ms, seq: 0, seqGiven: false };
  const seq = parseU64(rest);
  if (seq === null) return null;
  return { ms, seq, seqGiven: true };
}

/** streamParseIDOrReply (non-strict: `-` and `+` allowed). */
export function idArg(c: Ctx, arg: string, missingSeq: U64 = 0): StreamId | null {
  const p = parseStreamId(arg, missingSeq, false);
  if (p === null) {
    c.reply.error(ERR_INVALID_ID);
    return null;
  }
  return { ms: p.ms, seq: p.seq };
}

/** streamParseStrictIDOrReply. */
export function strictIdArg(c: Ctx, arg: string, missingSeq: U64 = 0): StreamId | null {
  const p = parseStreamId(arg, missingSeq, true);
  if (p === null) {
    c.reply.error(ERR_INVALID_ID);
    return null;
  }
  return { ms: p.ms, seq: p.seq };
}

/**
 * streamParseIntervalIDOrReply: a range bound, `(`-prefixed for an exclusive one (then
 * parsed strictly). Returns [id, exclusive] or null after replying the error.
 */
function intervalIdArg(c: Ctx, arg: string, missingSeq: U64): [StreamId, boolean] | null {
  const exclude = arg.length > 1 && arg.charCodeAt(0) === 40;
  const id = exclude ? strictIdArg(c, arg.slice(1), missingSeq) : idArg(c, arg, missingSeq);
  return id === null ? null : [id, exclude];
}

/**
 * The start of a range (missing sequence 0), an exclusive one turned into the next ID.
 * Null after replying the error.
 */
export function rangeStartArg(c: Ctx, arg: string): StreamId | null {
  const st = intervalIdArg(c, arg, 0);
  if (st === null) return null;
  if (!st[1]) return st[0];
  const id = incrId(st[0]);
  if (id === null) c.reply.error('ERR invalid start ID for the interval');
  return id;
}

/**
 * The end of a range (missing sequence the largest one), an exclusive one turned into the
 * previous ID. Null after replying the error.
 */
export function rangeEndArg(c: Ctx, arg: string): StreamId | null {
  const en = intervalIdArg(c, arg, U64_MAX);
  if (en === null) return null;
  if (!en[1]) return en[0];
  const id = decrId(en[0]);
  if (id === null) c.reply.error('ERR invalid end ID for the interval');
  return id;
}

/* ---- lookups ----------------------------------------------------------------------------- */

/** lookupKeyRead + checkType: the stream, null when missing, undefined after WRONGTYPE. */
export function readStream(c: Ctx, key: string): Stream | null | undefined {
  const o = lookupRead(c, c.db, key);
  if (o === null) return null;
  if (o.type !== OBJ_STREAM) {
    c.reply.error(E.WRONGTYPE);
    return undefined;
  }
  return o.ptr as Stream;
}

/** lookupKeyWrite + checkType. */
export function writeStream(c: Ctx, key: string): Stream | null | undefined {
  const o = c.db.lookupWrite(key);
  if (o === null) return null;
  if (o.type !== OBJ_STREAM) {
    c.reply.error(E.WRONGTYPE);
    return undefined;
  }
  return o.ptr as Stream;
}

/** Create an empty stream at `key` (dbAdd with its `new` notification). */
export function createStreamKey(c: Ctx, key: string): Stream {
  const o: RObject = createStreamObject();
  dbAdd(c, c.db, key, o);
  return o.ptr as Stream;
}

/* ---- replies ------------------------------------------------------------------------------ */

export function replyStreamId(r: ReplyWriter, id: StreamId): void {
  r.bulk(formatId(id));
}

/** streamReplyWithRange flags. */
export const RWR_NOACK = 1;
export const RWR_RAWENTRIES = 2;
export const RWR_HISTORY = 4;

/** What propagation of group side effects needs (streamPropInfo). */
export interface PropInfo {
  key: string;
  group: string;
}

/** Number of entries a range reply would hold (count 0 = no limit). */
function countRange(s: Stream, start: StreamId | null, end: StreamId | null, count: number, rev: boolean): number {
  const it = s.iterate(start, end, rev);
  let n = 0;
  while ((count === 0 || n < count) && it.next()) n++;
  return n;
}

/**
 * streamReplyWithRange. With a group and consumer: advances the group's last-delivered ID and
 * read counter, creates or reassigns PEL entries (unless NOACK) and propagates them as XCLAIM
 * (plus XGROUP SETID after NOACK reads), or serves the consumer's own history (HISTORY).
 * Returns the number of entries emitted.
 */
export function replyRange(
  c: Ctx,
  r: ReplyWriter,
  s: Stream,
  start: StreamId | null,
  end: StreamId | null,
  count: number,
  rev: boolean,
  group: ConsumerGroup | null,
  consumer: StreamConsumer | null,
  flags: number,
  spi: PropInfo | null,
): number {
  if (group !== null && flags & RWR_HISTORY) {
    return replyRangeFromConsumerPel(c, r, s, start ?? ID_ZERO, end, count, consumer as StreamConsumer);
  }
  const noack = (flags & RWR_NOACK) !== 0;
  if (!(flags & RWR_RAWENTRIES)) r.array(countRange(s, start, end, count, rev));
  const it = s.iterate(start, end, rev);
  let emitted = 0;
  let propagateLastId = false;
  while (it.next()) {
    if (group !== null && compareParts(it.ms, it.seq, group.lastId.ms, group.lastId.seq) > 0) {
      const id: StreamId = { ms: it.ms, seq: it.seq };
      if (group.entriesRead !== ENTRIES_READ_INVALID && !rangeHasTombstones(s, id, null)) {
        group.entriesRead = addI64(group.entriesRead, 1);
      } else if (s.entriesAdded !== 0) {
        group.entriesRead = estimateDistanceFromFirstEverEntry(s, id);
      }
      group.lastId = id;
      if (noack) propagateLastId = true;
    }
    const idText = `${it.ms}-${it.seq}`;
    r.array(2);
    r.bulk(idText);
    const n = it.numFields;
    r.array(n * 2);
    for (let i = 0; i < n; i++) {
      it.nextField();
      r.bulk(it.field);
      r.bulk(it.value);
    }
    if (group !== null && !noack) {
      const cons = consumer as StreamConsumer;
      const key = idKey(it.ms, it.seq);
      let nack = group.pel.get(key);
      if (nack === undefined) {
        nack = new StreamNack(c.now, 1, cons);
        group.pel.set(key, nack);
        cons.pel.set(key, nack);
      } else {
        moveNack(nack, key, cons);
        nack.deliveryTime = c.now;
        nack.deliveryCount = 1;
      }
      if (spi !== null) propagateXclaim(c, spi.key, group, spi.group, idText, nack);
    }
    emitted++;
    if (count !== 0 && count === emitted) break;
  }
  if (spi !== null && propagateLastId && group !== null) propagateGroupId(c, spi.key, group, spi.group);
  return emitted;
}

/**
 * streamReplyWithRangeFromConsumerPEL: the consumer's pending entries from `start` (to `end`),
 * each with its fields, or a null array for entries deleted meanwhile; a delivered entry has its
 * delivery time and count updated.
 */
function replyRangeFromConsumerPel(
  c: Ctx,
  r: ReplyWriter,
  s: Stream,
  start: StreamId,
  end: StreamId | null,
  count: number,
  consumer: StreamConsumer,
): number {
  const startKey = idKey(start.ms, start.seq);
  const endKey = end === null ? null : idKey(end.ms, end.seq);
  const ids: string[] = [];
  const cur = consumer.pel.seek(startKey);
  while ((count === 0 || ids.length < count) && cur.next()) {
    if (endKey !== null && cur.key > endKey) break;
    ids.push(cur.key);
  }
  r.array(ids.length);
  for (const k of ids) {
    const nack = consumer.pel.get(k) as StreamNack;
    const id = idFromKey(k);
    if (replyRange(c, r, s, id, id, 1, false, null, null, RWR_RAWENTRIES, null) === 0) {
      r.array(2);
      replyStreamId(r, id);
      r.nullArray();
    } else {
      nack.deliveryTime = c.now;
      nack.deliveryCount = u64Inc(nack.deliveryCount);
    }
  }
  return ids.length;
}

/** Give a pending entry (PEL key `key`) to `cons`, moving it out of its former owner's PEL. */
export function moveNack(nack: StreamNack, key: string, cons: StreamConsumer): void {
  if (nack.consumer === cons) return;
  nack.consumer?.pel.delete(key);
  cons.pel.set(key, nack);
  nack.consumer = cons;
}

/** One entry by ID in the range reply's raw form; false when it does not exist. */
export function replyEntry(c: Ctx, r: ReplyWriter, s: Stream, id: StreamId): boolean {
  return replyRange(c, r, s, id, id, 1, false, null, null, RWR_RAWENTRIES, null) === 1;
}

/* ---- consumer groups ---------------------------------------------------------------------- */

export function lookupGroup(s: Stream, name: string): ConsumerGroup | null {
  return s.cgroups?.get(name) ?? null;
}

/** streamCreateCG: null when the group exists. */
export function createGroup(s: Stream, name: string, id: StreamId, entriesRead: I64): ConsumerGroup | null {
  if (s.cgroups === null) s.cgroups = new OrderedMap<ConsumerGroup>();
  if (s.cgroups.has(name)) return null;
  const g = new ConsumerGroup(id, entriesRead);
  s.cgroups.set(name, g);
  return g;
}

export const SCC_NO_NOTIFY = 1;
export const SCC_NO_DIRTIFY = 2;

/** streamCreateConsumer: with dirty++ and the `xgroup-createconsumer` event unless flagged off. */
export function createConsumer(c: Ctx, g: ConsumerGroup, name: string, key: string, dbid: number, flags = 0): StreamConsumer | null {
  const cons = g.createConsumer(name, c.now);
  if (cons === null) return null;
  if (!(flags & SCC_NO_DIRTIFY)) c.dirty();
  if (!(flags & SCC_NO_NOTIFY)) c.notify(NOTIFY_STREAM, 'xgroup-createconsumer', key, dbid);
  return cons;
}

/** streamRangeHasTombstones. */
export function rangeHasTombstones(s: Stream, start: StreamId | null, end: StreamId | null): boolean {
  if (s.length === 0 || idIsZero(s.maxDeletedId)) return false;
  if (compareIds(s.firstId, s.maxDeletedId) > 0) return false;
  const a = start ?? ID_ZERO;
  const b = end ?? ID_MAX;
  return compareIds(a, s.maxDeletedId) <= 0 && compareIds(s.maxDeletedId, b) <= 0;
}

/** streamReplyWithCGLag: the group's lag, or null when it cannot be known. */
export function replyGroupLag(r: ReplyWriter, s: Stream, g: ConsumerGroup): void {
  let lag: I64 | null = null;
  if (s.entriesAdded === 0) {
    lag = 0;
  } else if (g.entriesRead !== ENTRIES_READ_INVALID && !rangeHasTombstones(s, g.lastId, null)) {
    lag = subI64(s.entriesAdded, g.entriesRead);
  } else {
    const read = estimateDistanceFromFirstEverEntry(s, g.lastId);
    if (read !== ENTRIES_READ_INVALID) lag = subI64(s.entriesAdded, read);
  }
  if (lag === null) r.nullBulk();
  else r.integer(lag);
}

/* ---- propagation of group state ----------------------------------------------------------- */

/** streamPropagateXCLAIM. */
export function propagateXclaim(c: Ctx, key: string, g: ConsumerGroup, groupName: string, id: string, nack: StreamNack): void {
  c.alsoPropagate(c.db.id, [
    'XCLAIM', key, groupName, nack.consumer?.name ?? '', '0', id, 'TIME', String(nack.deliveryTime),
    'RETRYCOUNT', String(nack.deliveryCount), 'FORCE', 'JUSTID', 'LASTID', formatId(g.lastId),
  ]);
}

/** streamPropagateGroupID. */
export function propagateGroupId(c: Ctx, key: string, g: ConsumerGroup, groupName: string): void {
  c.alsoPropagate(c.db.id, ['XGROUP', 'SETID', key, groupName, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
}

/** streamPropagateConsumerCreation. */
export function propagateConsumerCreation(c: Ctx, key: string, groupName: string, consumer: string): void {
  c.alsoPropagate(c.db.id, ['XGROUP', 'CREATECONSUMER', key, groupName, consumer]);
}
