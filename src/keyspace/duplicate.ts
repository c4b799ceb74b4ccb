/*
 * Deep copy of a value (COPY), dispatched on the object's type. Each type module owns its own
 * duplicate function, which keeps the encoding and copies every mutable part of the payload so
 * that the copy and the original can change independently afterwards. Copying is O(N) in the
 * number of elements of a collection and O(1) for an immutable string payload.
 *
 * Module values (nodis loads no modules) have no duplicate function: asking for one throws,
 * which a handler reports as an internal error rather than silently sharing mutable state.
 */

import type { RObject } from './object.js';
import { typeName } from './object.js';
import { duplicateString } from './types/string.js';
import { duplicateHash } from './types/hash.js';
import { duplicateSet } from './types/set.js';
import { duplicateList } from './types/list.js';
import { duplicateZset } from './types/zset.js';
import { duplicateStream } from './types/stream.js';

type Duplicator = (o: RObject) => RObject;

/** One entry per type code; null where the type cannot be copied. */
const DUPLICATORS: ReadonlyArray<Duplicator | null> = [
  duplicateString, // OBJ_STRING
  duplicateList, // OBJ_LIST
  duplicateSet, // OBJ_SET
  duplicateZset, // OBJ_ZSET
  duplicateHash, // OBJ_HASH
  null, // OBJ_MODULE
  duplicateStream, // OBJ_STREAM
];

/** A deep copy of `o` with the same type and encoding. */
export function duplicateObject(o: RObject): RObject {
  const dup = DUPLICATORS[o.type];
  if (dup === undefined || dup === null) {
    throw new Error(`copying a ${typeName(o)} value is not supported yet`);
  }
  return dup(o);
}
