/*
 * The object model: every value in the keyspace is an RObject, one class for every type so that
 * V8 sees a single hidden class on the hot path (GET/SET touch `type`, `enc`, `ptr`, `lru` of
 * objects of every type; one shape keeps those property loads monomorphic). `ptr` holds the
 * type's payload in its current encoding; the functions in types/*.ts own each payload.
 *
 * Type and encoding codes follow Redis's numbering (OBJ_STRING = 0 ... OBJ_STREAM = 6) so RDB
 * code can use them directly; `encodingName` gives what OBJECT ENCODING reports.
 */

export const OBJ_STRING = 0;
export const OBJ_LIST = 1;
export const OBJ_SET = 2;
export const OBJ_ZSET = 3;
export const OBJ_HASH = 4;
export const OBJ_MODULE = 5;
export const OBJ_STREAM = 6;
export type ObjType = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export const ENC_RAW = 0;
export const ENC_INT = 1;
export const ENC_HT = 2;
export const ENC_ZIPMAP = 3;
export const ENC_LINKEDLIST = 4;
export const ENC_ZIPLIST = 5;
export const ENC_INTSET = 6;
export const ENC_SKIPLIST = 7;
export const ENC_EMBSTR = 8;
export const ENC_QUICKLIST = 9;
export const ENC_STREAM = 10;
export const ENC_LISTPACK = 11;
export type Encoding = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11;

const ENCODING_NAMES = [
  'raw', 'int', 'hashtable', 'zipmap', 'linkedlist', 'ziplist', 'intset', 'skiplist', 'embstr',
  'quicklist', 'stream', 'listpack',
] as const;

const TYPE_NAMES = ['string', 'list', 'set', 'zset', 'hash', 'module', 'stream'] as const;

export class RObject {
  /** LRU clock (seconds resolution, 24 bits) or LFU data, as Redis keeps in robj.lru. */
  lru = 0;
  /** Bytes this value (with its key) is charged in its Db's memory total; 0 outside a Db. */
  mem = 0;
  constructor(
    public type: ObjType,
    public enc: Encoding,
    /** Payload; its shape depends on type and encoding (see types/*.ts). */
    public ptr: unknown,
  ) {}
}

export function encodingName(o: RObject): string {
  return ENCODING_NAMES[o.enc];
}

export function typeName(o: RObject): string {
  return TYPE_NAMES[o.type];
}

/** TYPE names accepted by SCAN ... TYPE, mapped to the type code. */
export function typeByName(name: string): ObjType | -1 {
  const i = (TYPE_NAMES as readonly string[]).indexOf(name.toLowerCase());
  return i === -1 || i === OBJ_MODULE ? -1 : (i as ObjType);
}
