/*
 * List objects. Redis 7.0 stores every list as a quicklist (OBJECT ENCODING reports
 * `quicklist` whatever the size): the payload is a ds/quicklist.ts Quicklist created with the
 * list-max-listpack-size and list-compress-depth in force when the key is created (like Redis,
 * later CONFIG SET changes affect new lists only). Lists are never empty: the commands delete
 * the key when the last element goes.
 *
 * Duplication (COPY) copies the node chain; node strings are immutable and shared, so a copy
 * costs O(nodes), and later edits on either side build new strings.
 */

import { RObject, OBJ_LIST, ENC_QUICKLIST } from '../object.js';
import { Quicklist } from '../../ds/quicklist.js';

export { setPackedThreshold, getPackedThreshold } from '../../ds/quicklist.js';

/** A new empty list object with the given node fill and compress depth. */
export function createListObject(fill: number, compress: number): RObject {
  return new RObject(OBJ_LIST, ENC_QUICKLIST, new Quicklist(fill, compress));
}

/** A list object holding `values` (RDB loading, tests). */
export function createListFromValues(values: readonly string[], fill = -2, compress = 0): RObject {
  return new RObject(OBJ_LIST, ENC_QUICKLIST, Quicklist.fromValues(values, fill, compress));
}

/** The quicklist payload of a list object. */
export function listQuicklist(o: RObject): Quicklist {
  return o.ptr as Quicklist;
}

export function listLength(o: RObject): number {
  return (o.ptr as Quicklist).count;
}

/** listTypeDup: an independent copy with the same encoding and options. */
export function duplicateList(o: RObject): RObject {
  return new RObject(OBJ_LIST, o.enc, (o.ptr as Quicklist).dup());
}

/** DEBUG OBJECT's quicklist details (" ql_nodes:... ql_uncompressed_size:..."). */
export function listDebugInfo(o: RObject): string {
  const q = o.ptr as Quicklist;
  const avg = q.len === 0 ? 'nan' : (q.count / q.len).toFixed(2);
  return (
    ` ql_nodes:${q.len} ql_avg_node:${avg} ql_listpack_max:${q.fill}` +
    ` ql_compressed:${q.compress !== 0 ? 1 : 0} ql_uncompressed_size:${q.uncompressedSize()}`
  );
}

function rdbLenBytes(len: number): number {
  return len < 1 << 6 ? 1 : len < 1 << 14 ? 2 : len <= 0xffffffff ? 5 : 9;
}

/**
 * An estimate of rdbSavedObjectLen for a list (RDB_TYPE_LIST_QUICKLIST_2: node count, then a
 * container byte and one blob per node); the blob size is this node's packed size.
 */
export function listSerializedLength(o: RObject): number {
  const q = o.ptr as Quicklist;
  let n = rdbLenBytes(q.len);
  for (let node = q.head; node !== null; node = node.next) {
    const sz = node.size;
    n += 1 + rdbLenBytes(sz) + sz;
  }
  return n;
}
