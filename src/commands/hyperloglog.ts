/*
 * The HyperLogLog family: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST (Redis 7.0.15's
 * hyperloglog.c). Values are plain strings in Redis's byte layout (see src/ds/hll.ts), so a
 * value copied with GET/SET or DUMP/RESTORE between nodis and Redis counts the same.
 *
 * Edits happen in place on the value's Sds (mutableString, Redis's dbUnshareStringValue):
 * PFADD and single-key PFCOUNT (which refreshes the cached cardinality in the header) turn
 * the value `raw`, as in Redis. Values that are not well-formed HLLs are refused with
 * "WRONGTYPE Key is not a valid HyperLogLog string value."; sparse values whose opcodes do not
 * cover exactly 16384 registers are refused with "INVALIDOBJ Corrupted HLL object detected"
 * when they are walked (edits already applied to the value by then stay, as in Redis).
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import * as E from '../protocol/errors.js';
import { NOTIFY_STRING } from '../keyspace/notify.js';
import { ENC_INT, OBJ_STRING, type RObject } from '../keyspace/object.js';
import { createRawSdsObject, mutableString } from '../keyspace/types/string.js';
import type { Sds } from '../ds/sds.js';
import {
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_REGISTER_MAX,
  HLL_SPARSE,
  createHll,
  denseGet,
  denseSet,
  hllAdd,
  hllCachedCard,
  hllCount,
  hllCountRaw,
  hllDecodeSparse,
  hllInvalidateCache,
  hllMerge,
  hllPatLen,
  hllSetCachedCard,
  hllSetRegister,
  hllSparseToDense,
  isHllValue,
} from '../ds/hll.js';
import { dbAdd, lookupRead } from './lookup.js';

const INVALID_HLL = 'INVALIDOBJ Corrupted HLL object detected';
const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';

/** The value's bytes for reading (a view of an Sds, a copy of a latin1 string). */
function hllBytes(o: RObject): Buffer {
  const p = o.ptr as string | Sds;
  return typeof p === 'string' ? Buffer.from(p, 'latin1') : p.view();
}

/** isHLLObjectOrReply: a string holding a structurally valid HLL, else the error reply. */
function isHllOrReply(c: Ctx, o: RObject): boolean {
  if (o.type !== OBJ_STRING) {
    c.reply.error(E.WRONGTYPE);
    return false;
  }
  if (o.enc !== ENC_INT) {
    const p = o.ptr as string | Sds;
    const ok =
      typeof p === 'string'
        ? isHllValue(Buffer.from(p.slice(0, HLL_HDR_SIZE), 'latin1'), p.length)
        : isHllValue(p.buf, p.len);
    if (ok) return true;
  }
  c.reply.error(NOT_HLL);
  return false;
}

function sparseMaxBytes(c: Ctx): number {
  return c.server.configNumber('hll-sparse-max-bytes');
}

/* ---- PFADD / PFCOUNT / PFMERGE ---------------------------------------------------------------- */

function pfaddCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const db = c.db;
  const o = db.lookupWrite(key);
  let updated = 0;
  let s: Sds;
  if (o === null) {
    s = createHll();
    dbAdd(c, db, key, createRawSdsObject(s));
    updated++;
  } else {
    if (!isHllOrReply(c, o)) return;
    s = mutableString(o);
  }
  const max = sparseMaxBytes(c);
  for (let j = 2; j < argv.length; j++) {
    const r = hllAdd(s, argv[j] as string, max);
    if (r === 1) updated++;
    else if (r === -1) {
      c.reply.error(INVALID_HLL);
      return;
    }
  }
  if (updated > 0) {
    c.modified(db, key);
    c.notify(NOTIFY_STRING, 'pfadd', key, db.id);
    c.dirty(updated);
    hllInvalidateCache(s.buf);
  }
  c.reply.integer(updated > 0 ? 1 : 0);
}

function pfcountCommand(c: Ctx, argv: string[]): void {
  const db = c.db;
  if (argv.length > 2) {
    // The cardinality of the union: merge every register into one byte per register.
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const o = lookupRead(c, db, argv[j] as string);
      if (o === null) continue;
      if (!isHllOrReply(c, o)) return;
      const b = hllBytes(o);
      if (!hllMerge(max, b, b.length)) {
        c.reply.error(INVALID_HLL);
        return;
      }
    }
    c.reply.integer(hllCountRaw(max));
    return;
  }
  const key = argv[1] as string;
  const o = lookupRead(c, db, key);
  if (o === null) {
    c.reply.integer(0);
    return;
  }
  if (!isHllOrReply(c, o)) return;
  const s = mutableString(o);
  const cached = hllCachedCard(s.buf);
  if (cached !== null) {
    c.reply.integer(cached);
    return;
  }
  const card = hllCount(s.buf, s.len);
  if (card < 0) {
    c.reply.error(INVALID_HLL);
    return;
  }
  hllSetCachedCard(s.buf, card);
  // Refreshing the cache changes the value: it is propagated like a write.
  c.modified(db, key);
  c.dirty();
  c.reply.integer(card);
}

function pfmergeCommand(c: Ctx, argv: string[]): void {
  const db = c.db;
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const o = lookupRead(c, db, argv[j] as string);
    if (o === null) continue;
    if (!isHllOrReply(c, o)) return;
    const b = hllBytes(o);
    if (b[4] === HLL_DENSE) useDense = true;
    if (!hllMerge(max, b, b.length)) {
      c.reply.error(INVALID_HLL);
      return;
    }
  }
  const key = argv[1] as string;
  const o = db.lookupWrite(key);
  let s: Sds;
  if (o === null) {
    s = createHll();
    dbAdd(c, db, key, createRawSdsObject(s));
  } else {
    s = mutableString(o);
  }
  if (useDense && !hllSparseToDense(s)) {
    c.reply.error(INVALID_HLL);
    return;
  }
  const sparseMax = sparseMaxBytes(c);
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const v = max[j]!;
    if (v !== 0) hllSetRegister(s, j, v, sparseMax);
  }
  hllInvalidateCache(s.buf);
  c.modified(db, key);
  // A merge is a mass add: Redis reports it as `pfadd`.
  c.notify(NOTIFY_STRING, 'pfadd', key, db.id);
  c.dirty();
  c.reply.ok();
}

/* ---- PFDEBUG / PFSELFTEST --------------------------------------------------------------------- */

function pfdebugCommand(c: Ctx, argv: string[]): void {
  const cmd = E.cstr(argv[1] as string);
  const key = argv[2] as string;
  const db = c.db;
  const o = db.lookupWrite(key);
  if (o === null) {
    c.reply.error('ERR The specified key does not exist');
    return;
  }
  if (!isHllOrReply(c, o)) return;
  const s = mutableString(o);
  const r = c.reply;
  switch (cmd.toLowerCase()) {
    case 'getreg': {
      if (s.buf[4] === HLL_SPARSE) {
        if (!hllSparseToDense(s)) {
          r.error(INVALID_HLL);
          return;
        }
        c.dirty(); // the encoding changed: propagate
      }
      r.array(HLL_REGISTERS);
      for (let j = 0; j < HLL_REGISTERS; j++) r.integer(denseGet(s.buf, HLL_HDR_SIZE, j));
      return;
    }
    case 'decode':
      if (s.buf[4] !== HLL_SPARSE) {
        r.error('ERR HLL encoding is not sparse');
        return;
      }
      r.bulk(hllDecodeSparse(s.buf, s.len));
      return;
    case 'encoding':
      r.simple(s.buf[4] === HLL_DENSE ? 'dense' : 'sparse');
      return;
    case 'todense': {
      let converted = false;
      if (s.buf[4] === HLL_SPARSE) {
        if (!hllSparseToDense(s)) {
          r.error(INVALID_HLL);
          return;
        }
        converted = true;
        c.dirty();
      }
      r.integer(converted ? 1 : 0);
      return;
    }
    default:
      r.error(`ERR Unknown PFDEBUG subcommand '${cmd}'`);
  }
}

const TEST_CYCLES = 1000;

/** Self test of the register code and of the estimator against a dense/sparse pair. */
function pfselftestCommand(c: Ctx): void {
  const r = c.reply;
  const dense = Buffer.alloc(HLL_DENSE_SIZE);
  const expected = new Uint8Array(HLL_REGISTERS);
  // 1: registers keep their values and do not disturb their neighbours.
  for (let j = 0; j < TEST_CYCLES; j++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = (Math.random() * (HLL_REGISTER_MAX + 1)) | 0;
      expected[i] = v;
      denseSet(dense, HLL_HDR_SIZE, i, v);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(dense, HLL_HDR_SIZE, i);
      if (v !== expected[i]) {
        r.error(`TESTFAILED Register ${i} should be ${expected[i]} but is ${v}`);
        return;
      }
    }
  }
  // 2: the estimate stays within 6 standard errors, sparse and dense agree.
  dense.fill(0);
  dense[4] = HLL_DENSE;
  const sparse = createHll();
  const sparseMax = sparseMaxBytes(c);
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedLo = (Math.random() * 0x100000000) >>> 0;
  const seedHi = (Math.random() * 0x100000000) >>> 0;
  const ele = Buffer.alloc(8);
  ele.writeUInt32LE(seedHi, 4);
  let checkpoint = 1;
  for (let j = 1; j <= 10_000_000; j++) {
    ele.writeUInt32LE((j ^ seedLo) >>> 0, 0);
    const pl = hllPatLen(ele);
    const index = pl >>> 6;
    const count = pl & 63;
    if (count > denseGet(dense, HLL_HDR_SIZE, index)) denseSet(dense, HLL_HDR_SIZE, index, count);
    hllSetRegister(sparse, index, count, sparseMax);
    if (j !== checkpoint) continue;
    if (j < sparseMax / 2 && sparse.buf[4] !== HLL_SPARSE) {
      r.error('TESTFAILED sparse encoding not used');
      return;
    }
    const est = hllCount(dense, HLL_DENSE_SIZE);
    if (est !== hllCount(sparse.buf, sparse.len)) {
      r.error('TESTFAILED dense/sparse disagree');
      return;
    }
    const abserr = Math.abs(checkpoint - est);
    const maxerr = j === 10 ? 1 : Math.ceil(relerr * 6 * checkpoint);
    if (abserr > maxerr) {
      r.error(`TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`);
      return;
    }
    checkpoint *= 10;
  }
  r.ok();
}

/* ---- Metadata (src/commands/pf*.json of Redis 7.0.15) ----------------------------------------- */

export const commands: CommandSpec[] = [
  {
    name: 'pfadd',
    arity: -2,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hyperloglog'],
    keySpecs: [keyRange(['RW', 'insert'], 1)],
    group: 'hyperloglog',
    since: '2.8.9',
    summary: 'Adds the specified elements to the specified HyperLogLog.',
    complexity: 'O(1) to add every element.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'element', type: 'string', optional: true, multiple: true },
    ],
    handler: pfaddCommand,
  },
  {
    name: 'pfcount',
    arity: -2,
    flags: ['readonly', 'may_replicate'],
    acl: ['hyperloglog'],
    keySpecs: [
      {
        ...keyRange(['RW', 'access'], 1, -1),
        notes: 'RW because it may change the internal representation of the key, and propagate to replicas',
      },
    ],
    group: 'hyperloglog',
    since: '2.8.9',
    summary: 'Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).',
    complexity:
      'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.',
    args: [{ name: 'key', type: 'key', key_spec_index: 0, multiple: true }],
    handler: pfcountCommand,
  },
  {
    name: 'pfmerge',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['hyperloglog'],
    keySpecs: [keyRange(['RW', 'access', 'insert'], 1), keyRange(['RO', 'access'], 2, -1)],
    group: 'hyperloglog',
    since: '2.8.9',
    summary: 'Merge N different HyperLogLogs into a single one.',
    complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.',
    args: [
      { name: 'destkey', type: 'key', key_spec_index: 0 },
      { name: 'sourcekey', type: 'key', key_spec_index: 1, multiple: true },
    ],
    handler: pfmergeCommand,
  },
  {
    name: 'pfdebug',
    arity: 3,
    flags: ['write', 'denyoom', 'admin'],
    acl: ['hyperloglog'],
    keySpecs: [keyRange(['RW', 'access'], 2)],
    group: 'hyperloglog',
    since: '2.8.9',
    summary: 'Internal commands for debugging HyperLogLog values',
    complexity: 'N/A',
    docFlags: ['syscmd'],
    args: [
      { name: 'subcommand', type: 'string' },
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    handler: pfdebugCommand,
  },
  {
    name: 'pfselftest',
    arity: 1,
    flags: ['admin'],
    acl: ['hyperloglog'],
    group: 'hyperloglog',
    since: '2.8.9',
    summary: 'An internal command for testing HyperLogLog values',
    complexity: 'N/A',
    docFlags: ['syscmd'],
    handler: pfselftestCommand,
  },
];
