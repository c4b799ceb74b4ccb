/*
 * Lazy freeing, as far as it is observable: the free-effort rule and the INFO counters.
 *
 * Redis hands a deleted value to a background thread when freeing it would take many
 * allocations (UNLINK, DEL under lazyfree-lazy-user-del, FLUSHALL/FLUSHDB ASYNC) and counts it
 * in `lazyfree_pending_objects` until the thread is done, then in `lazyfreed_objects`. nodis
 * drops the last reference synchronously and leaves the reclaiming to the V8 garbage
 * collector, so nothing is ever pending; what stays observable is which deletions Redis would
 * have made asynchronous, which this module decides with Redis's own rule: a value goes to the
 * background when its "free effort" (a number proportional to its allocations, see
 * freeEffort) exceeds LAZYFREE_THRESHOLD; an asynchronous flush counts every key it drops.
 * Cost: O(1) per value except streams, whose radix-node count is computed from the block keys
 * (O(blocks), cached by the stream).
 */

import {
  ENC_HT, ENC_SKIPLIST, OBJ_HASH, OBJ_LIST, OBJ_SET, OBJ_STREAM, OBJ_ZSET, type RObject,
} from './object.js';
import { listQuicklist } from './types/list.js';
import { setSize } from './types/set.js';
import { zsetLength } from './types/zset.js';
import { hashLength } from './types/hash.js';
import { streamOf } from './types/stream.js';
import type { ConsumerGroup } from '../ds/stream-groups.js';

/** Values whose free effort is above this are freed "in the background". */
export const LAZYFREE_THRESHOLD = 64;

/**
 * lazyfreeGetFreeEffort: quicklist nodes for a list, elements for hash-table sets and hashes
 * and skiplist zsets, 1 for single-allocation values; for a stream its radix-tree nodes plus,
 * per consumer group, one plus the first group's PEL size (Redis's constant-time estimate).
 */
export function freeEffort(o: RObject): number {
  switch (o.type) {
    case OBJ_LIST:
      return listQuicklist(o).len;
    case OBJ_SET:
      return o.enc === ENC_HT ? setSize(o) : 1;
    case OBJ_ZSET:
      return o.enc === ENC_SKIPLIST ? zsetLength(o) : 1;
    case OBJ_HASH:
      return o.enc === ENC_HT ? hashLength(o) : 1;
    case OBJ_STREAM: {
      const s = streamOf(o);
      let effort = s.raxNodes();
      const groups = s.cgroups;
      if (groups !== null && groups.size > 0) {
        const firstName = groups.firstKey() as string;
        const first = groups.get(firstName) as ConsumerGroup;
        effort += groups.size * (1 + first.pel.size);
      }
      return effort;
    }
    default:
      return 1;
  }
}

/** Would Redis free this value in a background thread when deleted asynchronously? */
export function freesLazily(o: RObject): boolean {
  return freeEffort(o) > LAZYFREE_THRESHOLD;
}
