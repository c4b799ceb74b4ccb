/*
 * The numbers of Redis 7.0's RDB format (version 10): value types, opcodes and the length /
 * special-string encodings. They are part of the file format, so they are fixed forever; this
 * file only names them. See encoder.ts for how they combine into a file.
 */

export const RDB_VERSION = 10;

/* Value types (the byte before each key). */
export const RDB_TYPE_STRING = 0;
export const RDB_TYPE_LIST = 1;
export const RDB_TYPE_SET = 2;
export const RDB_TYPE_ZSET = 3;
export const RDB_TYPE_HASH = 4;
export const RDB_TYPE_ZSET_2 = 5;
export const RDB_TYPE_MODULE_2 = 7;
export const RDB_TYPE_HASH_ZIPMAP = 9;
export const RDB_TYPE_LIST_ZIPLIST = 10;
export const RDB_TYPE_SET_INTSET = 11;
export const RDB_TYPE_ZSET_ZIPLIST = 12;
export const RDB_TYPE_HASH_ZIPLIST = 13;
export const RDB_TYPE_LIST_QUICKLIST = 14;
export const RDB_TYPE_STREAM_LISTPACKS = 15;
export const RDB_TYPE_HASH_LISTPACK = 16;
export const RDB_TYPE_ZSET_LISTPACK = 17;
export const RDB_TYPE_LIST_QUICKLIST_2 = 18;
export const RDB_TYPE_STREAM_LISTPACKS_2 = 19;
export const RDB_TYPE_STREAM_LISTPACKS_3 = 21;

/**
 * nodis's own value types, found only in the stream the parallel loader's worker hands to the
 * main thread (predigest.ts), never in a file: a hash / a sorted set whose payload is one plain
 * string holding the value's nodis listpack (ds/listpack.ts), already translated and checked.
 */
export const RDB_TYPE_PREDIGESTED_HASH = 200;
export const RDB_TYPE_PREDIGESTED_ZSET = 201;

/** Is `t` a value type of the file format? (rdbIsObjectType plus the 7.2 stream type) */
export function isValueType(t: number): boolean {
  return (t >= 0 && t <= 5) || (t >= 9 && t <= 19) || t === RDB_TYPE_STREAM_LISTPACKS_3;
}

/* Opcodes (special "types" that are not keys). */
export const RDB_OPCODE_FUNCTION2 = 245;
/** A function library in the 7.0 release candidates' form (name, engine, description, body). */
export const RDB_OPCODE_FUNCTION = 246;
export const RDB_OPCODE_MODULE_AUX = 247;
export const RDB_OPCODE_IDLE = 248;
export const RDB_OPCODE_FREQ = 249;
export const RDB_OPCODE_AUX = 250;
export const RDB_OPCODE_RESIZEDB = 251;
export const RDB_OPCODE_EXPIRETIME_MS = 252;
export const RDB_OPCODE_EXPIRETIME = 253;
export const RDB_OPCODE_SELECTDB = 254;
export const RDB_OPCODE_EOF = 255;

/* Length encoding: the two top bits of the first byte. */
export const RDB_6BITLEN = 0;
export const RDB_14BITLEN = 1;
export const RDB_32BITLEN = 0x80;
export const RDB_64BITLEN = 0x81;
/** Top bits 11: the rest of the byte names a special string encoding below. */
export const RDB_ENCVAL = 3;

export const RDB_ENC_INT8 = 0;
export const RDB_ENC_INT16 = 1;
export const RDB_ENC_INT32 = 2;
export const RDB_ENC_LZF = 3;

/* Quicklist node containers in RDB_TYPE_LIST_QUICKLIST_2. */
export const QUICKLIST_NODE_CONTAINER_PLAIN = 1;
export const QUICKLIST_NODE_CONTAINER_PACKED = 2;
