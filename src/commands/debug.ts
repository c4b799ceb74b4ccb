/*
 * DEBUG (a single command with an argument-dispatched "subcommand", as in Redis 7.0) and
 * LOLWUT. server.ts declares their metadata; this file holds the handlers.
 *
 * DEBUG subcommands that only need the keyspace and the reply live here (SLEEP, LOG, OBJECT,
 * POPULATE, PROTOCOL, ERROR, STRINGMATCH-TEST, HELP); anything that reaches into engine state
 * (SET-ACTIVE-EXPIRE, CHANGE-REPL-ID, RELOAD, ...) is offered to c.server.debug(), where engine
 * subsystems register their own subcommands. What neither knows gets Redis's error.
 */

import type { Ctx } from './context.js';
import { is } from './args.js';
import { dbAdd, replyHelp } from './lookup.js';
import * as E from '../protocol/errors.js';
import { ENC_INT, ENC_QUICKLIST, OBJ_LIST, OBJ_STRING, encodingName, type RObject } from '../keyspace/object.js';
import { listDebugInfo, listSerializedLength } from '../keyspace/types/list.js';
import { listDebugSubcommand } from './lists-debug.js';
import { createPlainStringObject, stringLength, stringValue } from '../keyspace/types/string.js';
import { stringMatch } from '../util/glob.js';
import { formatDouble17g, string2l } from '../util/numbers.js';
import { datasetDigest, valueDigest } from '../keyspace/digest.js';

/* ---- DEBUG OBJECT ---------------------------------------------------------------------------- */

/** Stable pseudo addresses for objects, so "Value at:" identifies an object as Redis's does. */
const addresses = new WeakMap<object, number>();
let nextAddress = 0;

function objectAddress(o: RObject): string {
  let n = addresses.get(o);
  if (n === undefined) {
    n = nextAddress++;
    addresses.set(o, n);
  }
  return '0x7f' + (0x10000000 + n * 0x40).toString(16).padStart(10, '0');
}

/** Bytes of an RDB length prefix. */
function rdbLenBytes(len: number): number {
  if (len < 1 << 6) return 1;
  if (len < 1 << 14) return 2;
  if (len <= 0xffffffff) return 5;
  return 9;
}

/** rdbSaveLongLongAsStringObject's size for an integer value. */
function rdbIntBytes(text: string): number {
  const v = string2l(text);
  if (v !== null) {
    if (v >= -128 && v <= 127) return 2;
    if (v >= -32768 && v <= 32767) return 3;
    if (v >= -2147483648 && v <= 2147483647) return 5;
  }
  return rdbLenBytes(text.length) + text.length;
}

/**
 * An estimate of rdbSavedObjectLen: exact for strings stored uncompressed, a structural
 * estimate (prefixes plus element bytes) for other payloads.
 */
function serializedLength(o: RObject): number {
  if (o.type === OBJ_STRING) {
    if (o.enc === ENC_INT) return rdbIntBytes(stringValue(o));
    const len = stringLength(o);
    return rdbLenBytes(len) + len;
  }
  if (o.type === OBJ_LIST) return listSerializedLength(o);
  let budget = 100000;
  const walk = (v: unknown): number => {
    if (budget-- <= 0) return 0;
    if (typeof v === 'string') return rdbLenBytes(v.length) + v.length;
    if (typeof v === 'number' || typeof v === 'bigint') return 9;
    if (Buffer.isBuffer(v)) return rdbLenBytes(v.length) + v.length;
    if (v instanceof Map) {
      let n = rdbLenBytes(v.size);
      for (const [k, x] of v) n += walk(k) + walk(x);
      return n;
    }
    if (Array.isArray(v) || v instanceof Set) {
      let n = 0;
      for (const x of v) n += walk(x);
      return n;
    }
    if (v !== null && typeof v === 'object') {
      let n = 0;
      for (const x of Object.values(v)) n += walk(x);
      return n;
    }
    return 0;
  };
  return 1 + walk(o.ptr);
}

const SHARED_REFCOUNT = 2147483647;

/**
 * Redis shares the integer objects 0..9999 (refcount INT_MAX) unless maxmemory is set with an
 * LRU/LFU policy, which needs a private LRU field per key.
 */
function refcount(c: Ctx, o: RObject): number {
  if (o.type !== OBJ_STRING || o.enc !== ENC_INT) return 1;
  const v = string2l(stringValue(o));
  if (v === null || v < 0 || v >= 10000) return 1;
  let policy = 'noeviction';
  let maxmemory = 0;
  try {
    policy = c.server.configString('maxmemory-policy');
    maxmemory = c.server.configNumber('maxmemory');
  } catch {
    /* config without these directives: sharing applies */
  }
  if (maxmemory !== 0 && (policy.includes('lru') || policy.includes('lfu'))) return 1;
  return SHARED_REFCOUNT;
}

function debugObject(c: Ctx, key: string): void {
  const o = c.db.peek(key);
  if (o === undefined) {
    c.reply.error(E.NO_SUCH_KEY);
    return;
  }
  const clock = c.ks.lruClock;
  const idle = clock >= o.lru ? clock - o.lru : clock + (0xffffff - o.lru);
  c.reply.simple(
    `Value at:${objectAddress(o)} refcount:${refcount(c, o)} encoding:${encodingName(o)} ` +
      `serializedlength:${serializedLength(o)} lru:${o.lru} lru_seconds_idle:${idle}` +
      (o.enc === ENC_QUICKLIST ? listDebugInfo(o) : ''),
  );
}

/* ---- DEBUG POPULATE / PROTOCOL / SLEEP ------------------------------------------------------- */

/** getPositiveLongFromObjectOrReply: one message for junk and for negative values. */
function positiveArg(c: Ctx, s: string): number | null {
  const v = string2l(s);
  if (v === null || v < 0) {
    c.reply.error('ERR value is out of range, must be positive');
    return null;
  }
  return v;
}

function debugPopulate(c: Ctx, argv: string[]): void {
  const count = positiveArg(c, argv[2] as string);
  if (count === null) return;
  let size = 0;
  if (argv.length === 5) {
    const s = positiveArg(c, argv[4] as string);
    if (s === null) return;
    size = s;
  }
  const prefix = argv.length >= 4 ? (argv[3] as string) : 'key';
  const db = c.db;
  for (let j = 0; j < count; j++) {
    const key = `${prefix}:${j}`;
    if (db.lookupWrite(key) !== null) continue;
    let value = `value:${j}`;
    if (size !== 0) {
      value = value.length >= size ? value.slice(0, size) : value + '\0'.repeat(size - value.length);
    }
    dbAdd(c, db, key, createPlainStringObject(value));
    c.modified(db, key);
  }
  c.reply.ok();
}

function debugProtocol(c: Ctx, type: string): void {
  const r = c.reply;
  switch (type.toLowerCase()) {
    case 'string':
      r.bulk('Hello World');
      return;
    case 'integer':
      r.integer(12345);
      return;
    case 'double':
      r.doubleText(formatDouble17g(3.141));
      return;
    case 'bignum':
      r.bigNumber('1234567999999999999999999999999999999');
      return;
    case 'null':
      r.null();
      return;
    case 'array':
      r.array(3);
      for (let j = 0; j < 3; j++) r.integer(j);
      return;
    case 'set':
      r.set(3);
      for (let j = 0; j < 3; j++) r.integer(j);
      return;
    case 'map':
      r.map(3);
      for (let j = 0; j < 3; j++) {
        r.integer(j);
        r.bool(j === 1);
      }
      return;
    case 'attrib':
      if (r.resp >= 3) {
        r.raw('|1\r\n');
        r.bulk('key-popularity');
        r.array(2);
        r.bulk('key:123');
        r.integer(90);
      }
      r.bulk('Some real reply following the attribute');
      return;
    case 'push':
      if (r.resp < 3) {
        r.error('ERR RESP2 is not supported by this command');
        return;
      }
      r.push(2);
      r.bulk('server-cpu-usage');
      r.integer(42);
      r.bulk('Some real reply following the push reply');
      return;
    case 'true':
      r.bool(true);
      return;
    case 'false':
      r.bool(false);
      return;
    case 'verbatim':
      r.verbatim('This is a verbatim\nstring');
      return;
    default:
      r.error(
        'ERR Wrong protocol type name. Please use one of the following: ' +
          'string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
      );
  }
}

/** Block the whole server, as Redis's nanosleep does (the test suite relies on it). */
function sleepSync(ms: number): void {
  if (!(ms > 0)) return;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(cell, 0, 0, ms);
}

/** strtod's leniency: the longest numeric prefix, 0 when there is none. */
function strtod(s: string): number {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s);
  return m ? Number(m[0]) : 0;
}

/** A small fuzz run of the glob matcher with random patterns (DEBUG STRINGMATCH-TEST). */
function stringmatchFuzz(): void {
  const alphabet = 'ab*?[]^-\\c';
  const pick = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
    return s;
  };
  for (let i = 0; i < 10000; i++) stringMatch(pick(1 + (i % 32)), pick(1 + (i % 24)), i % 2 === 0);
}

const DEBUG_HELP = [
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  '    it is used instead of the \'key\' prefix. These are not propagated to',
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
];

export function debugCommand(c: Ctx, argv: string[]): void {
  const sub = (argv[1] as string).toLowerCase();
  const argc = argv.length;
  if (sub === 'help' && argc === 2) {
    replyHelp(c, argv[0] as string, DEBUG_HELP);
  } else if (sub === 'log' && argc === 3) {
    c.server.log('warning', `DEBUG LOG: ${argv[2] as string}`);
    c.reply.ok();
  } else if (sub === 'object' && argc === 3) {
    debugObject(c, argv[2] as string);
  } else if (sub === 'populate' && argc >= 3 && argc <= 5) {
    debugPopulate(c, argv);
  } else if (sub === 'protocol' && argc === 3) {
    debugProtocol(c, argv[2] as string);
  } else if (sub === 'sleep' && argc === 3) {
    sleepSync(Math.floor(strtod(argv[2] as string) * 1000));
    c.reply.ok();
  } else if (sub === 'error' && argc === 3) {
    c.reply.error((argv[2] as string).replace(/[\r\n]/g, ' '));
  } else if (sub === 'stringmatch-test' && argc === 2) {
    stringmatchFuzz();
    c.reply.simple('Apparently Redis did not crash: test passed');
  } else if (sub === 'digest' && argc === 2) {
    c.reply.simple(datasetDigest(c.ks));
  } else if (sub === 'digest-value' && argc >= 2) {
    c.reply.array(argc - 2);
    for (let j = 2; j < argc; j++) c.reply.simple(valueDigest(c.db, argv[j] as string));
  } else if (listDebugSubcommand(c, argv)) {
    // DEBUG QUICKLIST-PACKED-THRESHOLD / QUICKLIST (lists-debug.ts)
  } else if (!c.server.debug(argv, c.reply)) {
    c.reply.error(E.subcommandSyntax(argv[1] as string, argv[0] as string));
  }
}

/* ---- LOLWUT ------------------------------------------------------------------------------- */

/**
 * nodis's LOLWUT: a "10 PRINT" maze, after the Commodore 64 one-liner
 * `10 PRINT CHR$(205.5+RND(1)); : GOTO 10`, drawn with box-drawing diagonals. Optional
 * arguments after VERSION: the width and height in characters.
 */
function maze(cols: number, rows: number): string {
  const lines: string[] = [];
  for (let y = 0; y < rows; y++) {
    let line = '';
    for (let x = 0; x < cols; x++) line += Math.random() < 0.5 ? '\u2571' : '\u2572';
    lines.push(line);
  }
  return lines.join('\n');
}

/** The `nodis_version` INFO reports. */
function nodisVersion(c: Ctx): string {
  const m = /nodis_version:([^\r\n]*)/.exec(c.server.info(['server']));
  return m ? (m[1] as string) : 'unknown';
}

export function lolwutCommand(c: Ctx, argv: string[]): void {
  let args = argv.slice(1);
  if (args.length >= 2 && is(args[0], 'version')) {
    if (string2l(args[1] as string) === null) {
      c.reply.error(E.NOT_INTEGER);
      return;
    }
    args = args.slice(2);
  }
  const dims = [66, 16];
  for (let i = 0; i < 2 && i < args.length; i++) {
    const v = string2l(args[i] as string);
    if (v === null) {
      c.reply.error(E.NOT_INTEGER);
      return;
    }
    dims[i] = Math.min(1000, Math.max(1, v));
  }
  const text =
    maze(dims[0] as number, dims[1] as number) +
    '\n\n10 PRINT maze, after the Commodore 64 one-liner (1982). ' +
    `nodis ver. ${nodisVersion(c)}, Redis ver. 7.0.15 compatible\n`;
  c.reply.verbatim(Buffer.from(text, 'utf8').latin1Slice());
}
