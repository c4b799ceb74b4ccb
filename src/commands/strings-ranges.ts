/*
 * String commands that read or edit part of a value: APPEND, STRLEN, GETRANGE, SUBSTR,
 * SETRANGE and LCS, plus the helpers the whole string family shares (read lookups that report
 * `keymiss`, the proto-max-bulk-len size check, option-token matching with C semantics).
 *
 * In-place edits (APPEND, SETRANGE) go through mutableString(), which turns the value into a
 * raw Sds once and then grows it with SDS's preallocation policy, so a loop of APPENDs costs
 * amortised O(1) per call and OBJECT ENCODING reports `raw` afterwards, as in Redis.
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import { intArg, int64Arg } from './args.js';
import * as E from '../protocol/errors.js';
import { OBJ_STRING, type RObject } from '../keyspace/object.js';
import { NOTIFY_STRING } from '../keyspace/notify.js';
import { dbAdd, lookupRead } from './lookup.js';
import {
  createRawSdsObject,
  createStringObject,
  mutableString,
  stringLength,
} from '../keyspace/types/string.js';
import { Sds } from '../ds/sds.js';
import { CALL_FROM_AOF, CALL_FROM_MASTER } from './context.js';

/* ---- Shared helpers ---------------------------------------------------------------------- */

/** lookupKeyRead in the selected database (`keymiss` on a miss). */
export function readKey(c: Ctx, key: string): RObject | null {
  return lookupRead(c, c.db, key);
}

/**
 * setKey: store a value written whole, replacing any old one (dbAdd, with its `new` event, when
 * the key is missing; an overwrite otherwise), clearing the TTL unless `keepTtl`, and signal
 * the modification. `found` is the caller's lookupKeyWrite result when it already has one.
 */
export function setKey(c: Ctx, key: string, o: RObject, keepTtl: boolean, found?: boolean): void {
  const db = c.db;
  const exists = found ?? db.lookupWrite(key) !== null;
  if (exists) db.set(key, o, keepTtl);
  else dbAdd(c, db, key, o);
  c.modified(db, key);
}

/** checkType for strings: replies WRONGTYPE and returns true when `o` is not a string. */
export function notString(c: Ctx, o: RObject): boolean {
  if (o.type === OBJ_STRING) return false;
  c.reply.error(E.WRONGTYPE);
  return true;
}

/**
 * checkStringLength: a value of `size + append` bytes must not exceed proto-max-bulk-len.
 * Commands from the master or the AOF are always obeyed.
 */
export function stringTooLong(c: Ctx, size: number, append: number): boolean {
  if ((c.callFlags & (CALL_FROM_MASTER | CALL_FROM_AOF)) !== 0) return false;
  if (size + append > c.server.configNumber('proto-max-bulk-len')) {
    c.reply.error('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    return true;
  }
  return false;
}

/**
 * An option argument as C code sees it: compared up to its first NUL byte (Redis compares
 * option tokens with strcasecmp or char by char, both of which stop there), lowercased.
 */
export function optionToken(arg: string): string {
  const nul = arg.indexOf('\0');
  return (nul === -1 ? arg : arg.slice(0, nul)).toLowerCase();
}

/* ---- APPEND / STRLEN ---------------------------------------------------------------------- */

function appendCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const tail = argv[2] as string;
  const db = c.db;
  const o = db.lookupWrite(key);
  let total: number;
  if (o === null) {
    dbAdd(c, db, key, createStringObject(tail));
    total = tail.length;
  } else {
    if (notString(c, o)) return;
    if (stringTooLong(c, stringLength(o), tail.length)) return;
    const sds = mutableString(o);
    sds.append(tail);
    total = sds.len;
  }
  c.modified(db, key);
  c.notify(NOTIFY_STRING, 'append', key, db.id);
  c.dirty();
  c.reply.integer(total);
}

function strlenCommand(c: Ctx, argv: string[]): void {
  const o = readKey(c, argv[1] as string);
  if (o === null) {
    c.reply.integer(0);
    return;
  }
  if (notString(c, o)) return;
  c.reply.integer(stringLength(o));
}

/* ---- GETRANGE / SUBSTR / SETRANGE -------------------------------------------------------- */

function getrangeCommand(c: Ctx, argv: string[]): void {
  let start = intArg(c, argv[2]);
  if (start === null) return;
  let end = intArg(c, argv[3]);
  if (end === null) return;
  const o = readKey(c, argv[1] as string);
  if (o === null) {
    c.reply.bulk('');
    return;
  }
  if (notString(c, o)) return;
  const len = stringLength(o);
  if (start < 0 && end < 0 && start > end) {
    c.reply.bulk('');
    return;
  }
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) {
    c.reply.bulk('');
    return;
  }
  const p = o.ptr as string | Sds;
  if (typeof p === 'string') c.reply.bulk(p.slice(start, end + 1));
  else c.reply.bulk(p.buf.subarray(start, end + 1));
}

function setrangeCommand(c: Ctx, argv: string[]): void {
  const key = argv[1] as string;
  const value = argv[3] as string;
  const offset = intArg(c, argv[2]);
  if (offset === null) return;
  if (offset < 0) {
    c.reply.error('ERR offset is out of range');
    return;
  }
  const db = c.db;
  const o = db.lookupWrite(key);
  let sds: Sds;
  if (o === null) {
    if (value.length === 0) {
      c.reply.integer(0);
      return;
    }
    if (stringTooLong(c, offset, value.length)) return;
    sds = new Sds('', offset + value.length);
    dbAdd(c, db, key, createRawSdsObject(sds));
  } else {
    if (notString(c, o)) return;
    if (value.length === 0) {
      c.reply.integer(stringLength(o));
      return;
    }
    if (stringTooLong(c, offset, value.length)) return;
    sds = mutableString(o);
  }
  sds.writeAt(offset, value);
  c.modified(db, key);
  c.notify(NOTIFY_STRING, 'setrange', key, db.id);
  c.dirty();
  c.reply.integer(sds.len);
}

/* ---- LCS ------------------------------------------------------------------------------------ */

const UINT32_MAX = 4294967295;

/** A string value's bytes (a missing key reads as empty); an Sds is viewed, not copied. */
function valueBytes(o: RObject | null): Buffer {
  if (o === null) return Buffer.alloc(0);
  const p = o.ptr as string | Sds;
  return typeof p === 'string' ? Buffer.from(p, 'latin1') : p.view();
}

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the classic O(N*M) dynamic
 * programme over a (N+1)x(M+1) table of prefix LCS lengths, then a walk back from the corner
 * that rebuilds the subsequence and, for IDX, the matching ranges (reported from the end of
 * the strings towards the start, as Redis does). Ties in the walk go the same way as Redis's
 * (towards shorter `key2` prefixes), so the ranges are identical.
 */
function lcsCommand(c: Ctx, argv: string[]): void {
  const oa = readKey(c, argv[1] as string);
  const ob = readKey(c, argv[2] as string);
  if ((oa !== null && oa.type !== OBJ_STRING) || (ob !== null && ob.type !== OBJ_STRING)) {
    c.reply.error('ERR The specified keys must contain string values');
    return;
  }
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = optionToken(argv[j] as string);
    const more = argv.length - 1 - j;
    if (opt === 'idx') getIdx = true;
    else if (opt === 'len') getLen = true;
    else if (opt === 'withmatchlen') withMatchLen = true;
    else if (opt === 'minmatchlen' && more > 0) {
      const v = int64Arg(c, argv[j + 1]);
      if (v === null) return;
      minMatchLen = v < 0 ? 0 : Number(v);
      j++;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  if (getLen && getIdx) {
    c.reply.error('ERR If you want both the length and indexes, please just use IDX.');
    return;
  }
  const a = valueBytes(oa);
  const b = valueBytes(ob);
  const alen = a.length;
  const blen = b.length;
  if (alen >= UINT32_MAX - 1 || blen >= UINT32_MAX - 1) {
    c.reply.error('ERR String too long for LCS');
    return;
  }
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > c.server.configNumber('proto-max-bulk-len')) {
    c.reply.error('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
    return;
  }
  let t: Uint32Array;
  try {
    t = new Uint32Array(cells);
  } catch {
    c.reply.error('ERR Insufficient memory, failed allocating transient memory for LCS');
    return;
  }

  // Fill the table: t[i*w + j] = LCS length of a[0..i) and b[0..j).
  const w = blen + 1;
  for (let i = 1; i <= alen; i++) {
    const ai = a[i - 1];
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ai === b[j - 1]) {
        t[row + j] = t[prev + j - 1]! + 1;
      } else {
        const up = t[prev + j]!;
        const left = t[row + j - 1]!;
        t[row + j] = up > left ? up : left;
      }
    }
  }
  const total = t[alen * w + blen]!;

  if (getLen) {
    c.reply.integer(total);
    return;
  }

  // Walk back from the corner, rebuilding the subsequence and the matching ranges.
  const result = Buffer.allocUnsafe(total);
  const ranges: number[] = []; // a_start, a_end, b_start, b_end, match_len per emitted range
  let idx = total;
  let aStart = alen; // alen: no range open
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[idx - 1] = a[i - 1]!;
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (t[(i - 1) * w + j]! > t[i * w + j - 1]!) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) {
        ranges.push(aStart, aEnd, bStart, bEnd, matchLen);
      }
      aStart = alen;
    }
  }

  if (!getIdx) {
    c.reply.bulk(result.latin1Slice(0, total));
    return;
  }
  const r = c.reply;
  r.map(2);
  r.bulk('matches');
  r.array(ranges.length / 5);
  for (let k = 0; k < ranges.length; k += 5) {
    r.array(withMatchLen ? 3 : 2);
    r.array(2);
    r.integer(ranges[k]!);
    r.integer(ranges[k + 1]!);
    r.array(2);
    r.integer(ranges[k + 2]!);
    r.integer(ranges[k + 3]!);
    if (withMatchLen) r.integer(ranges[k + 4]!);
  }
  r.bulk('len');
  r.integer(total);
}

/* ---- Metadata (src/commands/*.json of Redis 7.0.15) -------------------------------------- */

export const rangeCommands: CommandSpec[] = [
  {
    name: 'append',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [keyRange(['RW', 'insert'], 1, 0, 1, 0)],
    group: 'string',
    since: '2.0.0',
    summary: 'Append a value to a key',
    complexity:
      'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'value', type: 'string' },
    ],
    handler: appendCommand,
  },
  {
    name: 'strlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['string'],
    keySpecs: [keyRange(['RO'], 1, 0, 1, 0)],
    group: 'string',
    since: '2.2.0',
    summary: 'Get the length of the value stored in a key',
    complexity: 'O(1)',
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: strlenCommand,
  },
  {
    name: 'getrange',
    arity: 4,
    flags: ['readonly'],
    acl: ['string'],
    keySpecs: [keyRange(['RO', 'access'], 1, 0, 1, 0)],
    group: 'string',
    since: '2.4.0',
    summary: 'Get a substring of the string stored at a key',
    complexity:
      'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'integer' },
      { name: 'end', type: 'integer' },
    ],
    handler: getrangeCommand,
  },
  {
    name: 'substr',
    arity: 4,
    flags: ['readonly'],
    acl: ['string'],
    keySpecs: [keyRange(['RO', 'access'], 1, 0, 1, 0)],
    group: 'string',
    since: '1.0.0',
    summary: 'Get a substring of the string stored at a key',
    complexity:
      'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
    docFlags: ['deprecated'],
    deprecatedSince: '2.0.0',
    replacedBy: '`GETRANGE`',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'integer' },
      { name: 'end', type: 'integer' },
    ],
    handler: getrangeCommand,
  },
  {
    name: 'setrange',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keySpecs: [keyRange(['RW', 'update'], 1, 0, 1, 0)],
    group: 'string',
    since: '2.2.0',
    summary: 'Overwrite part of a string at key starting at the specified offset',
    complexity:
      'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'offset', type: 'integer' },
      { name: 'value', type: 'string' },
    ],
    handler: setrangeCommand,
  },
  {
    name: 'lcs',
    arity: -3,
    flags: ['readonly'],
    acl: ['string'],
    keySpecs: [keyRange(['RO', 'access'], 1, 1, 1, 0)],
    group: 'string',
    since: '7.0.0',
    summary: 'Find longest common substring',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    args: [
      { name: 'key1', type: 'key', key_spec_index: 0 },
      { name: 'key2', type: 'key', key_spec_index: 0 },
      { name: 'len', type: 'pure-token', token: 'LEN', optional: true },
      { name: 'idx', type: 'pure-token', token: 'IDX', optional: true },
      { name: 'len', type: 'integer', token: 'MINMATCHLEN', optional: true },
      { name: 'withmatchlen', type: 'pure-token', token: 'WITHMATCHLEN', optional: true },
    ],
    handler: lcsCommand,
  },
];
