/*
 * Consumer groups of a stream (Redis's streamCG / streamConsumer / streamNACK).
 *
 * A group has a last-delivered ID, a logical read counter (entries_read, -1 when unknown), a
 * pending entries list (PEL: every ID delivered and not yet acknowledged, mapped to its NACK)
 * and its consumers by name. Each consumer has its own PEL holding the same NACK objects as
 * the group's for the IDs it owns, so a NACK is shared by exactly two maps while pending, and
 * `nack.consumer` always names the consumer whose PEL holds it (null only transiently while
 * XCLAIM FORCE creates one). Both PELs are OrderedMaps keyed by the 16-char big-endian ID key
 * (stream-id.ts idKey), so XPENDING ranges and XAUTOCLAIM scans walk them in ID order.
 *
 * Invariants: an ID is in a consumer's PEL iff it is in the group PEL with nack.consumer set
 * to that consumer. Deleting a consumer deletes its pending IDs from the group PEL too.
 *
 * Also here, shared by the commands and the RDB loader: the signed 64-bit counter helpers and
 * streamEstimateDistanceFromFirstEverEntry, which derives a read counter from an ID when it
 * can be known (XGROUP SETID, lag, and groups loaded from Redis <= 6.2 payloads, which carry
 * no entries_read).
 */

import { OrderedMap } from './ordered-map.js';
import { compareIds, idIsZero, type StreamId, type U64 } from './stream-id.js';
import type { Stream } from './stream-store.js';

/** SCG_INVALID_ENTRIES_READ. */
export const ENTRIES_READ_INVALID = -1;

export class StreamNack {
  constructor(
    /** Unix ms of the last delivery. */
    public deliveryTime: number,
    /** Number of deliveries (uint64 in Redis; RETRYCOUNT can set any int64). */
    public deliveryCount: U64,
    public consumer: StreamConsumer | null,
  ) {}
}

export class StreamConsumer {
  readonly pel = new OrderedMap<StreamNack>();
  constructor(
    readonly name: string,
    /** Unix ms of the consumer's last activity. */
    public seenTime: number,
  ) {}
}

export class ConsumerGroup {
  readonly pel = new OrderedMap<StreamNack>();
  readonly consumers = new OrderedMap<StreamConsumer>();
  constructor(
    public lastId: StreamId,
    /** Logical read counter: -1 when invalid, else a non-negative int64. */
    public entriesRead: number | bigint,
  ) {}

  /** streamLookupConsumer; refreshes seen-time unless `noRefresh`. */
  lookupConsumer(name: string, now: number, noRefresh = false): StreamConsumer | null {
    const c = this.consumers.get(name);
    if (c === undefined) return null;
    if (!noRefresh) c.seenTime = now;
    return c;
  }

  /** streamCreateConsumer without side effects; null when it exists already. */
  createConsumer(name: string, now: number): StreamConsumer | null {
    if (this.consumers.has(name)) return null;
    const c = new StreamConsumer(name, now);
    this.consumers.set(name, c);
    return c;
  }

  /** streamDelConsumer: drop the consumer and its pending entries. Returns how many it had. */
  deleteConsumer(c: StreamConsumer): number {
    const pending = c.pel.size;
    c.pel.forEach((k) => {
      this.pel.delete(k);
    });
    this.consumers.delete(c.name);
    return pending;
  }

  /** Remove a pending entry from the group PEL and its owner's PEL; true if it was pending. */
  ack(key: string): boolean {
    const nack = this.pel.delete(key);
    if (nack === undefined) return false;
    nack.consumer?.pel.delete(key);
    return true;
  }

  /** A deep copy: NACKs are copied once and shared between the copied group and consumer PELs. */
  dup(): ConsumerGroup {
    const g = new ConsumerGroup(this.lastId, this.entriesRead);
    const copies = new Map<StreamNack, StreamNack>();
    this.pel.forEach((k, n) => {
      const m = new StreamNack(n.deliveryTime, n.deliveryCount, null);
      copies.set(n, m);
      g.pel.set(k, m);
    });
    this.consumers.forEach((name, c) => {
      const d = new StreamConsumer(name, c.seenTime);
      g.consumers.set(name, d);
      c.pel.forEach((k, n) => {
        const m = copies.get(n);
        if (m === undefined) return;
        m.consumer = d;
        d.pel.set(k, m);
      });
    });
    return g;
  }
}

/* ---- 64-bit signed counters (entries_read, entries_added, lag) ------------------------------ */

export type I64 = number | bigint;

function canonI64(b: bigint): I64 {
  return b >= -BigInt(Number.MAX_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

export function addI64(a: I64, b: I64): I64 {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s)) return s;
  }
  return canonI64(BigInt(a) + BigInt(b));
}

export function subI64(a: I64, b: I64): I64 {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a - b;
    if (Number.isSafeInteger(s)) return s;
  }
  return canonI64(BigInt(a) - BigInt(b));
}

/** streamEstimateDistanceFromFirstEverEntry: a read counter for `id`, or -1 when unknown. */
export function estimateDistanceFromFirstEverEntry(s: Stream, id: StreamId): I64 {
  if (s.entriesAdded === 0) return 0;
  if (s.length === 0 && compareIds(id, s.lastId) < 1) return s.entriesAdded;
  const cmpLast = compareIds(id, s.lastId);
  if (cmpLast === 0) return s.entriesAdded;
  if (cmpLast > 0) return ENTRIES_READ_INVALID;
  const cmpFirst = compareIds(id, s.firstId);
  const cmpXdelFirst = compareIds(s.maxDeletedId, s.firstId);
  if (idIsZero(s.maxDeletedId) || cmpXdelFirst < 0) {
    if (cmpFirst < 0) return subI64(s.entriesAdded, s.length);
    if (cmpFirst === 0) return addI64(subI64(s.entriesAdded, s.length), 1);
  }
  return ENTRIES_READ_INVALID;
}
