/*
 * Stream objects. Redis 7.0 has one encoding for streams (OBJECT ENCODING `stream`): the
 * payload is a ds/stream-store.ts Stream (blocks of delta-encoded entries plus the consumer
 * groups of ds/stream-groups.ts). Unlike the other collections an empty stream is a valid
 * value: XADD ... MAXLEN 0, XTRIM and XDEL can leave a key holding a stream with no entries
 * (its last ID, groups and counters still matter), so commands never delete a stream key for
 * being empty.
 *
 * Duplication (COPY) copies every block Buffer and rebuilds the groups with their own NACKs
 * shared between each copied group PEL and consumer PEL: O(size of the stream).
 *
 * Also here: the memory estimate MEMORY USAGE can use, and the command sequence an AOF
 * rewrite emits to rebuild a stream (Redis's rewriteStreamObject).
 */

import { RObject, OBJ_STREAM, ENC_STREAM } from '../object.js';
import { Stream } from '../../ds/stream-store.js';
import { formatId, idFromKey } from '../../ds/stream-id.js';

export { Stream };

export function createStreamObject(): RObject {
  return new RObject(OBJ_STREAM, ENC_STREAM, new Stream());
}

export function streamOf(o: RObject): Stream {
  return o.ptr as Stream;
}

/** streamDup. */
export function duplicateStream(o: RObject): RObject {
  return new RObject(OBJ_STREAM, ENC_STREAM, (o.ptr as Stream).dup());
}

/** Per-block heap overhead: the block object, its Buffer object and ArrayBuffer bookkeeping. */
const BLOCK_OVERHEAD = 240;
const STREAM_OVERHEAD = 120;
const GROUP_OVERHEAD = 200;
/** A NACK object plus its key string and its two map slots. */
const NACK_BYTES = 96;
const CONSUMER_BYTES = 120;

/** Estimated bytes of a stream payload (blocks, master fields, groups, PEL entries). */
export function streamBytes(s: Stream): number {
  let n = STREAM_OVERHEAD;
  for (const b of s.blocks) {
    n += BLOCK_OVERHEAD + b.buf.length;
    for (const f of b.fields) n += 16 + ((f.length + 7) & ~7) + 8;
  }
  if (s.cgroups !== null) {
    s.cgroups.forEach((name, g) => {
      n += GROUP_OVERHEAD + name.length + g.pel.size * NACK_BYTES + g.consumers.size * CONSUMER_BYTES;
    });
  }
  return n;
}

/**
 * What DEBUG DIGEST / DIGEST-VALUE mix for a stream (xorObjectDigest): for every live entry in
 * order, "<ms>.<seq>", then each field and value. Consumer groups are not part of the digest.
 */
export function streamDigestParts(s: Stream, mix: (bytes: string) => void): void {
  const it = s.iterate(null, null, false);
  while (it.next()) {
    mix(`${it.ms}.${it.seq}`);
    for (let i = 0; i < it.numFields; i++) {
      it.nextField();
      mix(it.field);
      mix(it.value);
    }
  }
}

/**
 * rewriteStreamObject: the commands that rebuild `s` under `key` (XADD per entry, or the
 * XADD MAXLEN 0 trick for an empty stream, then XSETID, XGROUP CREATE per group, XCLAIM per
 * pending entry and XGROUP CREATECONSUMER for consumers without pending entries).
 */
/** A uint64 counter as Redis prints it through a long long (values >= 2^63 wrap negative). */
function asLongLong(v: number | bigint): string {
  return typeof v === 'number' ? String(v) : String(BigInt.asIntN(64, v));
}

export function streamRewriteCommands(key: string, s: Stream, emit: (argv: string[]) => void): void {
  if (s.length > 0) {
    const it = s.iterate(null, null, false);
    while (it.next()) {
      const argv = ['XADD', key, `${it.ms}-${it.seq}`];
      for (let i = 0; i < it.numFields; i++) {
        it.nextField();
        argv.push(it.field, it.value);
      }
      emit(argv);
    }
  } else {
    emit(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']);
  }
  emit(['XSETID', key, formatId(s.lastId), 'ENTRIESADDED', asLongLong(s.entriesAdded), 'MAXDELETEDID', formatId(s.maxDeletedId)]);
  if (s.cgroups === null) return;
  s.cgroups.forEach((gname, g) => {
    emit(['XGROUP', 'CREATE', key, gname, formatId(g.lastId), 'ENTRIESREAD', asLongLong(g.entriesRead)]);
    g.consumers.forEach((cname, c) => {
      if (c.pel.size === 0) {
        emit(['XGROUP', 'CREATECONSUMER', key, gname, cname]);
        return;
      }
      c.pel.forEach((k, nack) => {
        emit([
          'XCLAIM', key, gname, cname, '0', formatId(idFromKey(k)), 'TIME', String(nack.deliveryTime),
          'RETRYCOUNT', asLongLong(nack.deliveryCount), 'JUSTID', 'FORCE',
        ]);
      });
    });
  });
}
