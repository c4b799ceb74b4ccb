/*
 * String objects and Redis 7.0's string encodings.
 *
 * Payload: a latin1 JS string for values written whole (SET, INCR, GETSET...), or an Sds for
 * values edited in place (APPEND, SETRANGE, SETBIT...). The encoding follows Redis's rules:
 * - `int`: a value written whole whose text is a canonical 64-bit integer of at most 20 chars
 *   (tryObjectEncoding); INCR-family results are always `int`.
 * - `embstr`: a value written whole of at most 44 bytes that is not an integer.
 * - `raw`: longer values, and any value after an in-place edit (Redis unshares the object
 *   into a raw SDS before mutating it), even when short.
 * The int encoding keeps the canonical text (it is what clients read back); INCR parses it.
 */

import { RObject, OBJ_STRING, ENC_INT, ENC_EMBSTR, ENC_RAW } from '../object.js';
import { Sds } from '../../ds/sds.js';
import { formatInt64, string2l, string2ll } from '../../util/numbers.js';

export const EMBSTR_SIZE_LIMIT = 44;

/** True when `s` is a canonical signed 64-bit integer, as string2ll accepts it. */
export function isInt64Text(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  const c = s.charCodeAt(0);
  if (c !== 45 && (c < 48 || c > 57)) return false;
  if (string2l(s) !== null) return true;
  return n >= 16 && string2ll(s) !== null;
}

/** A string object for a value written whole, with tryObjectEncoding's choice of encoding. */
export function createStringObject(s: string): RObject {
  if (isInt64Text(s)) return new RObject(OBJ_STRING, ENC_INT, s);
  return new RObject(OBJ_STRING, s.length <= EMBSTR_SIZE_LIMIT ? ENC_EMBSTR : ENC_RAW, s);
}

/** A string object holding an integer (INCR family): always `int`. */
export function createIntObject(v: number | bigint): RObject {
  return new RObject(OBJ_STRING, ENC_INT, formatInt64(v));
}

/** A string object as createStringObject() (no int detection): embstr up to 44 bytes, else raw. */
export function createPlainStringObject(s: string): RObject {
  return new RObject(OBJ_STRING, s.length <= EMBSTR_SIZE_LIMIT ? ENC_EMBSTR : ENC_RAW, s);
}

/** The value as a latin1 string (copies an Sds). */
export function stringValue(o: RObject): string {
  const p = o.ptr as string | Sds;
  return typeof p === 'string' ? p : p.toString();
}

/** The value for a reply: the string, or a no-copy view of an Sds. */
export function stringReplyValue(o: RObject): string | Buffer {
  const p = o.ptr as string | Sds;
  return typeof p === 'string' ? p : p.view();
}

export function stringLength(o: RObject): number {
  const p = o.ptr as string | Sds;
  return typeof p === 'string' ? p.length : p.len;
}

/**
 * The mutable form of a string object's value, converting it (once) to an Sds with the `raw`
 * encoding, as Redis's dbUnshareStringValue does before an in-place edit.
 */
export function mutableString(o: RObject): Sds {
  const p = o.ptr as string | Sds;
  o.enc = ENC_RAW;
  if (typeof p !== 'string') return p;
  const sds = new Sds(p);
  o.ptr = sds;
  return sds;
}

/** A fresh raw string object around an Sds (SETRANGE/SETBIT on a missing key). */
export function createRawSdsObject(sds: Sds): RObject {
  return new RObject(OBJ_STRING, ENC_RAW, sds);
}

/**
 * dupStringObject: an independent copy with the same encoding (COPY). An Sds payload is copied
 * (the copy may be edited in place without touching the original); a JS string is immutable
 * and is shared as is.
 */
export function duplicateString(o: RObject): RObject {
  const p = o.ptr as string | Sds;
  return new RObject(OBJ_STRING, o.enc, typeof p === 'string' ? p : new Sds(p.view()));
}
