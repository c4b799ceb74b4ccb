/*
 * BITFIELD and BITFIELD_RO (Redis 7.0.15's bitfieldGeneric): signed (i1..i64) and unsigned
 * (u1..u63) integers at arbitrary bit offsets of a string, read and written most significant
 * bit first (the SETBIT bit order), with GET / SET / INCRBY and OVERFLOW WRAP | SAT | FAIL.
 *
 * All subcommands are parsed (and every argument error reported) before the key is touched;
 * the value is then grown once to the highest bit any write reaches. Arithmetic is done on
 * 64-bit two's complement BigInts so that the overflow rules, including their corner cases
 * (a SET value outside the field's range counts as an overflow in the direction the C code's
 * wrapped comparisons decide), give exactly Redis's results.
 */

import type { Ctx } from './context.js';
import type { CommandSpec, KeyRef } from './spec.js';
import { keyRange } from './spec.js';
import * as E from '../protocol/errors.js';
import { NOTIFY_STRING } from '../keyspace/notify.js';
import type { RObject } from '../keyspace/object.js';
import type { Sds } from '../ds/sds.js';
import { parseInt64, string2ll } from '../util/numbers.js';
import { bitOffsetArg, stringForBitWrite } from './bitops.js';
import { notString, optionToken, readKey } from './strings-ranges.js';

const OP_GET = 0;
const OP_SET = 1;
const OP_INCRBY = 2;

const OW_WRAP = 0;
const OW_SAT = 1;
const OW_FAIL = 2;

interface BitfieldOp {
  offset: number;
  value: bigint;
  opcode: number;
  owtype: number;
  bits: number;
  signed: boolean;
}

const TYPE_ERR =
  'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

/** getBitfieldTypeFromArgument: [signed, bits] or null after the error reply. */
function bitfieldType(c: Ctx, s: string): [boolean, number] | null {
  const k = s.charCodeAt(0);
  if (k !== 105 /* i */ && k !== 117 /* u */) {
    c.reply.error(TYPE_ERR);
    return null;
  }
  const signed = k === 105;
  const n = string2ll(E.cstr(s.slice(1)));
  if (n === null || n < 1n || (signed && n > 64n) || (!signed && n > 63n)) {
    c.reply.error(TYPE_ERR);
    return null;
  }
  return [signed, Number(n)];
}

/* ---- Bit access ------------------------------------------------------------------------------- */

type ByteSource = (i: number) => number;

/** The unsigned field of `bits` bits at bit `offset` (bytes past the end read as 0). */
function getField(at: ByteSource, offset: number, bits: number): bigint {
  const byte = Math.floor(offset / 8);
  const shift = offset % 8;
  const nbytes = (shift + bits + 7) >> 3;
  let v: bigint;
  if (nbytes <= 6) {
    let n = 0;
    for (let i = 0; i < nbytes; i++) n = n * 256 + at(byte + i);
    const low = nbytes * 8 - shift - bits;
    v = BigInt(Math.floor(n / 2 ** low) % 2 ** bits);
  } else {
    v = 0n;
    for (let i = 0; i < nbytes; i++) v = (v << 8n) | BigInt(at(byte + i));
    v = BigInt.asUintN(bits, v >> BigInt(nbytes * 8 - shift - bits));
  }
  return v;
}

/** Write the low `bits` bits of `value` at bit `offset` (the bytes exist). */
function setField(b: Buffer, offset: number, bits: number, value: bigint): void {
  const byte = Math.floor(offset / 8);
  const shift = offset % 8;
  const nbytes = (shift + bits + 7) >> 3;
  let v = 0n;
  for (let i = 0; i < nbytes; i++) v = (v << 8n) | BigInt(b[byte + i]!);
  const low = BigInt(nbytes * 8 - shift - bits);
  const mask = ((1n << BigInt(bits)) - 1n) << low;
  v = (v & ~mask) | (BigInt.asUintN(bits, value) << low);
  for (let i = nbytes - 1; i >= 0; i--) {
    b[byte + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

function toSigned(u: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, u);
}

/* ---- Overflow rules (checkUnsignedBitfieldOverflow / checkSignedBitfieldOverflow) ------------- */

interface Overflow {
  /** 0 none, 1 overflow, -1 underflow. */
  dir: number;
  /** The value to store on overflow (WRAP / SAT). */
  limit: bigint;
}

function checkUnsigned(value: bigint, incr: bigint, bits: number, owtype: number): Overflow {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, -value);
  const wrap = (): bigint => BigInt.asUintN(bits, value + incr);
  if (value > max || (incr > 0n && incr > maxincr)) {
    return { dir: 1, limit: owtype === OW_WRAP ? wrap() : max };
  }
  if (incr < 0n && incr < minincr) {
    return { dir: -1, limit: owtype === OW_WRAP ? wrap() : 0n };
  }
  return { dir: 0, limit: 0n };
}

const INT64_MAX = (1n << 63n) - 1n;

function checkSigned(value: bigint, incr: bigint, bits: number, owtype: number): Overflow {
  const max = bits === 64 ? INT64_MAX : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  // The C code computes these in wrapping 64-bit arithmetic.
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, min - value);
  const wrap = (): bigint => BigInt.asIntN(bits, value + incr);
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) {
    return { dir: 1, limit: owtype === OW_WRAP ? wrap() : max };
  }
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) {
    return { dir: -1, limit: owtype === OW_WRAP ? wrap() : min };
  }
  return { dir: 0, limit: 0n };
}

/* ---- The command ------------------------------------------------------------------------------ */

function bitfieldGeneric(c: Ctx, argv: string[], readonlyCommand: boolean): void {
  const ops: BitfieldOp[] = [];
  let owtype = OW_WRAP;
  let readonly = true;
  let highest = 0;
  const argc = argv.length;
  for (let j = 2; j < argc; j++) {
    const remargs = argc - j - 1;
    const sub = optionToken(argv[j] as string);
    let opcode: number;
    if (sub === 'get' && remargs >= 2) opcode = OP_GET;
    else if (sub === 'set' && remargs >= 3) opcode = OP_SET;
    else if (sub === 'incrby' && remargs >= 3) opcode = OP_INCRBY;
    else if (sub === 'overflow' && remargs >= 1) {
      const t = optionToken(argv[++j] as string);
      if (t === 'wrap') owtype = OW_WRAP;
      else if (t === 'sat') owtype = OW_SAT;
      else if (t === 'fail') owtype = OW_FAIL;
      else {
        c.reply.error('ERR Invalid OVERFLOW type specified');
        return;
      }
      continue;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
    const type = bitfieldType(c, argv[j + 1] as string);
    if (type === null) return;
    const [signed, bits] = type;
    const offset = bitOffsetArg(c, argv[j + 2] as string, true, bits);
    if (offset === null) return;
    let value = 0n;
    if (opcode !== OP_GET) {
      readonly = false;
      if (highest < offset + bits - 1) highest = offset + bits - 1;
      const v = parseInt64(argv[j + 3] as string);
      if (v === null) {
        c.reply.error(E.NOT_INTEGER);
        return;
      }
      value = BigInt(v);
    }
    ops.push({ offset, value, opcode, owtype, bits, signed });
    j += opcode === OP_GET ? 2 : 3;
  }

  const key = argv[1] as string;
  let o: RObject | null = null;
  let sds: Sds | null = null;
  let grown = false;
  if (readonly) {
    o = readKey(c, key);
    if (o !== null && notString(c, o)) return;
  } else {
    if (readonlyCommand) {
      c.reply.error('ERR BITFIELD_RO only supports the GET subcommand');
      return;
    }
    const t = stringForBitWrite(c, key, highest);
    if (t === null) return;
    sds = t.sds;
    grown = t.grown;
  }

  // Readers of the value as it is at each step: an Sds being written, or the stored value.
  let at: ByteSource;
  if (sds !== null) {
    const s = sds;
    at = (i) => (i < s.len ? s.buf[i]! : 0);
  } else if (o !== null) {
    const p = o.ptr as string | Sds;
    if (typeof p === 'string') at = (i) => (i < p.length ? p.charCodeAt(i) : 0);
    else at = (i) => (i < p.len ? p.buf[i]! : 0);
  } else {
    at = () => 0;
  }

  const r = c.reply;
  r.array(ops.length);
  let changes = 0;
  for (const op of ops) {
    if (op.opcode === OP_GET) {
      const u = getField(at, op.offset, op.bits);
      r.integer(op.signed ? toSigned(u, op.bits) : u);
      continue;
    }
    const buf = (sds as Sds).buf;
    const raw = getField(at, op.offset, op.bits);
    const oldval = op.signed ? toSigned(raw, op.bits) : raw;
    let newval: bigint;
    let retval: bigint;
    let ovf: Overflow;
    if (op.opcode === OP_INCRBY) {
      ovf = op.signed
        ? checkSigned(oldval, op.value, op.bits, op.owtype)
        : checkUnsigned(oldval, op.value, op.bits, op.owtype);
      newval = ovf.dir !== 0 ? ovf.limit : op.signed ? oldval + op.value : BigInt.asUintN(64, oldval + op.value);
      retval = newval;
    } else {
      // A SET value is checked as `value + 0`; unsigned fields see it as a uint64.
      const v = op.signed ? op.value : BigInt.asUintN(64, op.value);
      ovf = op.signed ? checkSigned(v, 0n, op.bits, op.owtype) : checkUnsigned(v, 0n, op.bits, op.owtype);
      newval = ovf.dir !== 0 ? ovf.limit : v;
      retval = oldval;
    }
    if (ovf.dir !== 0 && op.owtype === OW_FAIL) {
      r.nullBulk();
      continue;
    }
    r.integer(retval);
    setField(buf, op.offset, op.bits, newval);
    if (grown || oldval !== newval) changes++;
  }
  if (changes > 0) {
    c.modified(c.db, key);
    c.notify(NOTIFY_STRING, 'setbit', key, c.db.id);
    c.dirty(changes);
  }
}

function bitfieldCommand(c: Ctx, argv: string[]): void {
  bitfieldGeneric(c, argv, false);
}

function bitfieldRoCommand(c: Ctx, argv: string[]): void {
  bitfieldGeneric(c, argv, true);
}

/**
 * bitfieldGetKeys: the key is read-only when only GET (and OVERFLOW) subcommands come before
 * the first SET / INCRBY or syntax error. Returns the key with its own flags (COMMAND
 * GETKEYSANDFLAGS, ACL read/write key checks).
 */
function bitfieldKeys(argv: readonly string[]): KeyRef[] {
  let readonly = true;
  for (let i = 2; i < argv.length; i++) {
    const remargs = argv.length - i - 1;
    const arg = optionToken(argv[i] as string);
    if (arg === 'get' && remargs >= 2) i += 2;
    else if ((arg === 'set' || arg === 'incrby') && remargs >= 3) {
      readonly = false;
      break;
    } else if (arg === 'overflow' && remargs >= 1) i += 1;
    else {
      readonly = false;
      break;
    }
  }
  return [{ pos: 1, flags: readonly ? ['RO', 'access'] : ['RW', 'access', 'update'] }];
}

/* ---- Metadata (src/commands/bitfield.json, bitfield_ro.json of Redis 7.0.15) ----------------- */

export const commands: CommandSpec[] = [
  {
    name: 'bitfield',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['bitmap'],
    keySpecs: [
      {
        ...keyRange(['RW', 'update', 'access', 'variable_flags'], 1),
        notes: 'This command allows both access and modification of the key',
      },
    ],
    group: 'bitmap',
    since: '3.2.0',
    summary: 'Perform arbitrary bitfield integer operations on strings',
    complexity: 'O(1) for each subcommand specified',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'operation',
        type: 'oneof',
        multiple: true,
        optional: true,
        arguments: [
          {
            token: 'GET',
            name: 'encoding_offset',
            type: 'block',
            arguments: [
              { name: 'encoding', type: 'string' },
              { name: 'offset', type: 'integer' },
            ],
          },
          {
            name: 'write',
            type: 'block',
            arguments: [
              {
                token: 'OVERFLOW',
                name: 'wrap_sat_fail',
                type: 'oneof',
                optional: true,
                arguments: [
                  { name: 'wrap', type: 'pure-token', token: 'WRAP' },
                  { name: 'sat', type: 'pure-token', token: 'SAT' },
                  { name: 'fail', type: 'pure-token', token: 'FAIL' },
                ],
              },
              {
                name: 'write_operation',
                type: 'oneof',
                arguments: [
                  {
                    token: 'SET',
                    name: 'encoding_offset_value',
                    type: 'block',
                    arguments: [
                      { name: 'encoding', type: 'string' },
                      { name: 'offset', type: 'integer' },
                      { name: 'value', type: 'integer' },
                    ],
                  },
                  {
                    token: 'INCRBY',
                    name: 'encoding_offset_increment',
                    type: 'block',
                    arguments: [
                      { name: 'encoding', type: 'string' },
                      { name: 'offset', type: 'integer' },
                      { name: 'increment', type: 'integer' },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
    getKeys: bitfieldKeys,
    handler: bitfieldCommand,
  },
  {
    name: 'bitfield_ro',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['bitmap'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'bitmap',
    since: '6.0.0',
    summary: 'Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD',
    complexity: 'O(1) for each subcommand specified',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        token: 'GET',
        name: 'encoding_offset',
        type: 'block',
        optional: true,
        multiple: true,
        multiple_token: true,
        arguments: [
          { name: 'encoding', type: 'string' },
          { name: 'offset', type: 'integer' },
        ],
      },
    ],
    handler: bitfieldRoCommand,
  },
];
