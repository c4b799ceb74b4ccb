/*
 * The bitmap family: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP (BITFIELD lives in bitfield.ts),
 * following Redis 7.0.15's bitops.c: the same argument order of checks and errors, the same
 * BYTE|BIT range rules (negative indexes, clamping, the partial first and last bytes of a BIT
 * range), BITPOS's "end given" rule for clear bits, BITOP's zero padding of shorter sources.
 *
 * Bitmaps are strings edited in place: the first bit write turns the value into an Sds (once,
 * which makes the encoding `raw` as in Redis) and later writes touch one byte, so SETBIT near
 * the end of a 512 MB bitmap costs O(1), not a copy. Growth zero-fills with SDS's
 * preallocation policy. Reads of values that are still plain latin1 strings copy the bytes
 * into a Buffer once per command (never stored back: a read does not change the encoding).
 * Counting and scanning use 32-bit words (SWAR popcount) and native memcmp against constant
 * blocks to skip runs of all-zero / all-one bytes.
 */

import type { Ctx } from './context.js';
import { CALL_FROM_AOF, CALL_FROM_MASTER } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import { int64Arg } from './args.js';
import * as E from '../protocol/errors.js';
import { NOTIFY_GENERIC, NOTIFY_STRING } from '../keyspace/notify.js';
import { ENC_RAW, OBJ_STRING, RObject } from '../keyspace/object.js';
import { createRawSdsObject, mutableString } from '../keyspace/types/string.js';
import { Sds } from '../ds/sds.js';
import { parseInt64 } from '../util/numbers.js';
import { dbAdd } from './lookup.js';
import { notString, optionToken, readKey, setKey } from './strings-ranges.js';

/* ---- Shared helpers (also used by BITFIELD) ------------------------------------------------- */

const BIT_OFFSET_ERR = 'ERR bit offset is not an integer or out of range';

/**
 * getBitOffsetFromArgument: a bit offset >= 0 whose byte lies below proto-max-bulk-len
 * (commands from the master or the AOF are exempt). With `hash` and `bits` > 0 the
 * `#<n>` form means n * bits.
 */
export function bitOffsetArg(c: Ctx, s: string, hash: boolean, bits: number): number | null {
  const useHash = hash && bits > 0 && s.charCodeAt(0) === 35; /* # */
  const v = parseInt64(useHash ? s.slice(1) : s);
  if (v === null) {
    c.reply.error(BIT_OFFSET_ERR);
    return null;
  }
  const obey = (c.callFlags & (CALL_FROM_MASTER | CALL_FROM_AOF)) !== 0;
  const limit = c.server.configNumber('proto-max-bulk-len');
  if (typeof v === 'number' && !useHash) {
    if (v < 0 || (!obey && Math.floor(v / 8) >= limit)) {
      c.reply.error(BIT_OFFSET_ERR);
      return null;
    }
    return v;
  }
  // The #form multiplies in signed 64-bit arithmetic (wrapping, as the C code does in practice).
  let off = BigInt(v);
  if (useHash) off = BigInt.asIntN(64, off * BigInt(bits));
  if (off < 0n || (!obey && off >> 3n >= BigInt(limit))) {
    c.reply.error(BIT_OFFSET_ERR);
    return null;
  }
  return Number(off);
}

/** The bytes of a string value (a view of an Sds, a copy of a latin1 string). */
export function stringBytes(o: RObject): Buffer {
  const p = o.ptr as string | Sds;
  return typeof p === 'string' ? Buffer.from(p, 'latin1') : p.view();
}

/** The byte at `i` of a string value, 0 past its end. */
function byteAt(o: RObject, i: number): number {
  const p = o.ptr as string | Sds;
  if (typeof p === 'string') return i < p.length ? p.charCodeAt(i) : 0;
  return i < p.len ? p.buf[i]! : 0;
}

export interface BitTarget {
  sds: Sds;
  /** The key was created or the value grew. */
  grown: boolean;
}

/**
 * lookupStringForBitCommand: the value of argv[1] made mutable and zero-padded so that bit
 * `maxbit` exists; the key is created when missing. Null after a WRONGTYPE reply.
 */
export function stringForBitWrite(c: Ctx, key: string, maxbit: number): BitTarget | null {
  const bytes = Math.floor(maxbit / 8) + 1;
  const db = c.db;
  const o = db.lookupWrite(key);
  if (o === null) {
    const sds = new Sds('', bytes);
    sds.growZero(bytes);
    dbAdd(c, db, key, createRawSdsObject(sds));
    return { sds, grown: true };
  }
  if (notString(c, o)) return null;
  const sds = mutableString(o);
  const old = sds.len;
  sds.growZero(bytes);
  return { sds, grown: old !== sds.len };
}

/* ---- Word-level scanning ---------------------------------------------------------------------- */

const POP8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POP8[i] = (i & 1) + POP8[i >> 1]!;

/** Number of set bits in b[from, to). */
export function popcount(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  let i = from;
  if (to - i >= 64) {
    while (((b.byteOffset + i) & 3) !== 0) n += POP8[b[i++]!]!;
    const words = (to - i) >>> 2;
    const w = new Int32Array(b.buffer, b.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      let x = w[k]!;
      x = x - ((x >>> 1) & 0x55555555);
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      n += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  while (i < to) n += POP8[b[i++]!]!;
  return n;
}

const BLOCK = 4096;
const ZEROS = Buffer.alloc(BLOCK);
const ONES = Buffer.alloc(BLOCK, 0xff);

/**
 * redisBitpos: the position of the first bit equal to `bit` in b[from, from+count), counted
 * from the most significant bit of b[from]. Looking for 0 in all-one bytes gives count*8 (the
 * string is taken as zero-padded on the right); looking for 1 in all-zero bytes gives -1.
 */
export function bitpos(b: Buffer, from: number, count: number, bit: number): number {
  const skip = bit ? 0 : 0xff;
  const end = from + count;
  let i = from;
  if (count >= BLOCK) {
    const block = bit ? ZEROS : ONES;
    while (i + BLOCK <= end && block.compare(b, i, i + BLOCK) === 0) i += BLOCK;
  }
  while (i < end && b[i] === skip) i++;
  if (i === end) return bit ? -1 : count * 8;
  const v = bit ? b[i]! : ~b[i]! & 0xff;
  return (i - from) * 8 + Math.clz32(v) - 24;
}

/* ---- SETBIT / GETBIT -------------------------------------------------------------------------- */

const BIT_VALUE_ERR = 'ERR bit is not an integer or out of range';

function setbitCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const offset = bitOffsetArg(c, argv[2] as string, false, 0);
  if (offset === null) return;
  const on = parseInt64(argv[3] as string);
  if (on === null || (on !== 0 && on !== 1)) {
    c.reply.error(BIT_VALUE_ERR);
    return;
  }
  const t = stringForBitWrite(c, key, offset);
  if (t === null) return;
  const byte = Math.floor(offset / 8);
  const shift = 7 - (offset % 8);
  const b = t.sds.buf;
  const old = b[byte]!;
  const bitval = (old >> shift) & 1;
  if (t.grown || bitval !== on) {
    b[byte] = (old & ~(1 << shift)) | (on << shift);
    c.modified(c.db, key);
    c.notify(NOTIFY_STRING, 'setbit', key, c.db.id);
    c.dirty();
  }
  c.reply.integer(bitval);
}

function getbitCommand(c: Ctx, argv: string[]): void {
  const offset = bitOffsetArg(c, argv[2] as string, false, 0);
  if (offset === null) return;
  const o = readKey(c, argv[1] as string);
  if (o === null) {
    c.reply.integer(0);
    return;
  }
  if (notString(c, o)) return;
  const byte = Math.floor(offset / 8);
  c.reply.integer((byteAt(o, byte) >> (7 - (offset % 8))) & 1);
}

/* ---- Ranges ------------------------------------------------------------------------------------- */

/**
 * Index normalization shared by BITCOUNT and BITPOS: negative indexes count from the end,
 * both are clamped to [0, totlen-1]. Exact over the whole int64 range (BigInt only when an
 * argument is beyond 2^53). The returned start may be clamped to totlen (still > end).
 */
function normalizeRange(start: number | bigint, end: number | bigint, totlen: number): [number, number] {
  if (typeof start === 'number' && typeof end === 'number') {
    if (start < 0) start += totlen;
    if (end < 0) end += totlen;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= totlen) end = totlen - 1;
    return [start, end];
  }
  const t = BigInt(totlen);
  let s = BigInt(start);
  let e = BigInt(end);
  if (s < 0n) s += t;
  if (e < 0n) e += t;
  if (s < 0n) s = 0n;
  if (e < 0n) e = 0n;
  if (e >= t) e = t - 1n;
  if (s > t) s = t;
  return [Number(s), Number(e)];
}

function lt(a: number | bigint, b: number | bigint): boolean {
  return a < b;
}

/* ---- BITCOUNT ----------------------------------------------------------------------------------- */

function bitcountCommand(c: Ctx, argv: string[]): void {
  const o = readKey(c, argv[1] as string);
  if (o === null) {
    c.reply.integer(0);
    return;
  }
  if (notString(c, o)) return;
  const p = stringBytes(o);
  const strlen = p.length;
  let start: number;
  let end: number;
  let firstMask = 0;
  let lastMask = 0;
  if (argv.length === 4 || argv.length === 5) {
    const s = int64Arg(c, argv[2]);
    if (s === null) return;
    const e = int64Arg(c, argv[3]);
    if (e === null) return;
    if (lt(s, 0) && lt(e, 0) && lt(e, s)) {
      c.reply.integer(0);
      return;
    }
    let isbit = false;
    if (argv.length === 5) {
      const unit = optionToken(argv[4] as string);
      if (unit === 'bit') isbit = true;
      else if (unit !== 'byte') {
        c.reply.error(E.SYNTAX);
        return;
      }
    }
    const totlen = isbit ? strlen * 8 : strlen;
    [start, end] = normalizeRange(s, e, totlen);
    if (isbit && start <= end) {
      firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
      lastMask = (1 << (7 - (end & 7))) - 1;
      start = Math.floor(start / 8);
      end = Math.floor(end / 8);
    }
  } else if (argv.length === 2) {
    start = 0;
    end = strlen - 1;
  } else {
    c.reply.error(E.SYNTAX);
    return;
  }
  if (start > end) {
    c.reply.integer(0);
    return;
  }
  let count = popcount(p, start, end + 1);
  if (firstMask !== 0) count -= POP8[p[start]! & firstMask]!;
  if (lastMask !== 0) count -= POP8[p[end]! & lastMask]!;
  c.reply.integer(count);
}

/* ---- BITPOS ------------------------------------------------------------------------------------- */

function bitposCommand(c: Ctx, argv: string[]): void {
  const bitArg = int64Arg(c, argv[2]);
  if (bitArg === null) return;
  if (bitArg !== 0 && bitArg !== 1) {
    c.reply.error('ERR The bit argument must be 1 or 0.');
    return;
  }
  const bit = bitArg;
  const o = readKey(c, argv[1] as string);
  if (o === null) {
    c.reply.integer(bit ? -1 : 0);
    return;
  }
  if (notString(c, o)) return;
  const p = stringBytes(o);
  const strlen = p.length;
  let start: number;
  let end: number;
  let endGiven = false;
  let firstMask = 0;
  let lastMask = 0;
  const argc = argv.length;
  if (argc === 4 || argc === 5 || argc === 6) {
    const s = int64Arg(c, argv[3]);
    if (s === null) return;
    let isbit = false;
    if (argc === 6) {
      const unit = optionToken(argv[5] as string);
      if (unit === 'bit') isbit = true;
      else if (unit !== 'byte') {
        c.reply.error(E.SYNTAX);
        return;
      }
    }
    let e: number | bigint;
    if (argc >= 5) {
      const v = int64Arg(c, argv[4]);
      if (v === null) return;
      e = v;
      endGiven = true;
    } else {
      e = isbit ? strlen * 8 + 7 : strlen - 1;
    }
    [start, end] = normalizeRange(s, e, isbit ? strlen * 8 : strlen);
    if (isbit && start <= end) {
      firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
      lastMask = (1 << (7 - (end & 7))) - 1;
      start = Math.floor(start / 8);
      end = Math.floor(end / 8);
    }
  } else if (argc === 3) {
    start = 0;
    end = strlen - 1;
  } else {
    c.reply.error(E.SYNTAX);
    return;
  }

  if (start > end) {
    c.reply.integer(-1);
    return;
  }
  let bytes = end - start + 1;
  let pos = -1;
  const one = Buffer.alloc(1);
  search: {
    if (firstMask !== 0) {
      let t = bit ? p[start]! & ~firstMask : p[start]! | firstMask;
      if (lastMask !== 0 && bytes === 1) t = bit ? t & ~lastMask : t | lastMask;
      one[0] = t;
      pos = bitpos(one, 0, 1, bit);
      if (bytes === 1 || (pos !== -1 && pos !== 8)) break search;
      start++;
      bytes--;
    }
    const cur = bytes - (lastMask !== 0 ? 1 : 0);
    if (cur > 0) {
      pos = bitpos(p, start, cur, bit);
      if (bytes === cur || (pos !== -1 && pos !== cur * 8)) break search;
      start += cur;
      bytes -= cur;
    }
    one[0] = bit ? p[end]! & ~lastMask : p[end]! | lastMask;
    pos = bitpos(one, 0, 1, bit);
  }
  // With an explicit end, "no clear bit in the range" is -1, not the first bit after it.
  if (endGiven && bit === 0 && pos === bytes * 8) {
    c.reply.integer(-1);
    return;
  }
  if (pos !== -1) pos += start * 8;
  c.reply.integer(pos);
}

/* ---- BITOP -------------------------------------------------------------------------------------- */

const OP_AND = 0;
const OP_OR = 1;
const OP_XOR = 2;
const OP_NOT = 3;

/** res[0, len) op= src[0, len), by 32-bit words when both are aligned. */
function combine(res: Buffer, src: Uint8Array, len: number, op: number): void {
  let i = 0;
  if (len >= 64 && ((res.byteOffset | src.byteOffset) & 3) === 0) {
    const words = len >>> 2;
    const a = new Int32Array(res.buffer, res.byteOffset, words);
    const b = new Int32Array(src.buffer, src.byteOffset, words);
    if (op === OP_AND) for (let k = 0; k < words; k++) a[k] = a[k]! & b[k]!;
    else if (op === OP_OR) for (let k = 0; k < words; k++) a[k] = a[k]! | b[k]!;
    else for (let k = 0; k < words; k++) a[k] = a[k]! ^ b[k]!;
    i = words * 4;
  }
  if (op === OP_AND) for (; i < len; i++) res[i] = res[i]! & src[i]!;
  else if (op === OP_OR) for (; i < len; i++) res[i] = res[i]! | src[i]!;
  else for (; i < len; i++) res[i] = res[i]! ^ src[i]!;
}

function bitopCommand(c: Ctx, argv: string[]): void {
  const name = optionToken(argv[1] as string);
  const op = name === 'and' ? OP_AND : name === 'or' ? OP_OR : name === 'xor' ? OP_XOR : name === 'not' ? OP_NOT : -1;
  if (op === -1) {
    c.reply.error(E.SYNTAX);
    return;
  }
  if (op === OP_NOT && argv.length !== 4) {
    c.reply.error('ERR BITOP NOT must be called with a single source key.');
    return;
  }
  const target = argv[2] as string;
  const srcs: Buffer[] = [];
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const o = readKey(c, argv[j] as string);
    if (o === null) {
      srcs.push(Buffer.alloc(0));
      continue;
    }
    if (notString(c, o)) return;
    const b = stringBytes(o);
    srcs.push(b);
    if (b.length > maxlen) maxlen = b.length;
  }

  const db = c.db;
  if (maxlen === 0) {
    if (db.delete(target)) {
      c.modified(db, target);
      c.notify(NOTIFY_GENERIC, 'del', target, db.id);
      c.dirty();
    }
    c.reply.integer(0);
    return;
  }

  const res = Buffer.alloc(maxlen);
  const first = srcs[0] as Buffer;
  first.copy(res, 0, 0, first.length);
  if (op === OP_NOT) {
    for (let i = 0; i < maxlen; i++) res[i] = ~res[i]! & 0xff;
  } else {
    for (let k = 1; k < srcs.length; k++) {
      const s = srcs[k] as Buffer;
      const n = s.length;
      combine(res, s, Math.min(n, maxlen), op);
      // Missing bytes are zeros: they clear an AND and leave OR / XOR unchanged.
      if (op === OP_AND && n < maxlen) res.fill(0, n);
    }
  }
  const sds = new Sds();
  sds.buf = res;
  sds.len = maxlen;
  setKey(c, target, new RObject(OBJ_STRING, ENC_RAW, sds), false);
  c.notify(NOTIFY_STRING, 'set', target, db.id);
  c.dirty();
  c.reply.integer(maxlen);
}

/* ---- Metadata (src/commands/*.json of Redis 7.0.15) -------------------------------------- */

const INDEX_UNIT = {
  name: 'index_unit',
  type: 'oneof',
  optional: true,
  since: '7.0.0',
  arguments: [
    { name: 'byte', type: 'pure-token', token: 'BYTE' },
    { name: 'bit', type: 'pure-token', token: 'BIT' },
  ],
} as const;

export const commands: CommandSpec[] = [
  {
    name: 'setbit',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['bitmap'],
    keySpecs: [keyRange(['RW', 'access', 'update'], 1)],
    group: 'bitmap',
    since: '2.2.0',
    summary: 'Sets or clears the bit at offset in the string value stored at key',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'offset', type: 'integer' },
      { name: 'value', type: 'integer' },
    ],
    handler: setbitCommand,
  },
  {
    name: 'getbit',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['bitmap'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'bitmap',
    since: '2.2.0',
    summary: 'Returns the bit value at offset in the string value stored at key',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'offset', type: 'integer' },
    ],
    handler: getbitCommand,
  },
  {
    name: 'bitcount',
    arity: -2,
    flags: ['readonly'],
    acl: ['bitmap'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'bitmap',
    since: '2.6.0',
    summary: 'Count set bits in a string',
    complexity: 'O(N)',
    history: [['7.0.0', 'Added the `BYTE|BIT` option.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'index',
        type: 'block',
        optional: true,
        arguments: [{ name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }, INDEX_UNIT],
      },
    ],
    handler: bitcountCommand,
  },
  {
    name: 'bitpos',
    arity: -3,
    flags: ['readonly'],
    acl: ['bitmap'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'bitmap',
    since: '2.8.7',
    summary: 'Find first bit set or clear in a string',
    complexity: 'O(N)',
    history: [['7.0.0', 'Added the `BYTE|BIT` option.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'bit', type: 'integer' },
      {
        name: 'index',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'start', type: 'integer' },
          {
            name: 'end_index',
            type: 'block',
            optional: true,
            arguments: [{ name: 'end', type: 'integer' }, INDEX_UNIT],
          },
        ],
      },
    ],
    handler: bitposCommand,
  },
  {
    name: 'bitop',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['bitmap'],
    keySpecs: [keyRange(['OW', 'update'], 2), keyRange(['RO', 'access'], 3, -1)],
    group: 'bitmap',
    since: '2.6.0',
    summary: 'Perform bitwise operations between strings',
    complexity: 'O(N)',
    args: [
      { name: 'operation', type: 'string' },
      { name: 'destkey', type: 'key', key_spec_index: 0 },
      { name: 'key', type: 'key', key_spec_index: 1, multiple: true },
    ],
    handler: bitopCommand,
  },
];
