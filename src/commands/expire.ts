/*
 * Key TTLs (Redis's expire.c): EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX/XX/GT/LT, TTL, PTTL,
 * EXPIRETIME, PEXPIRETIME, PERSIST.
 *
 * Deadlines are absolute unix milliseconds. The four setters compute the deadline with Redis's
 * 64-bit overflow checks (exact, in BigInt when the plain double arithmetic would leave the
 * safe-integer range), and propagate deterministically: a deadline in the future as
 * `PEXPIREAT key <ms> [flag]`, a deadline already past as `DEL key` (or `UNLINK key` under
 * lazyfree-lazy-expire), since that is what the master did with it. A replica or the AOF loader
 * never deletes on a past deadline: it stores it and waits for the master's DEL.
 * Deadlines beyond 2^53 ms (year 287,396) are kept as the nearest double.
 */

import { cstr } from '../protocol/errors.js';
import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import { CALL_FROM_AOF, type Ctx } from './context.js';
import { int64Arg } from './args.js';
import { lookupRead, configYes } from './lookup.js';
import { NOTIFY_GENERIC } from '../keyspace/notify.js';

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/** parseExtendedExpireArgumentsOrReply: the NX/XX/GT/LT flags after the time argument. */
function parseExpireFlags(c: Ctx, argv: string[]): number | null {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j] as string;
    switch (opt.toLowerCase()) {
      case 'nx': flags |= EXPIRE_NX; break;
      case 'xx': flags |= EXPIRE_XX; break;
      case 'gt': flags |= EXPIRE_GT; break;
      case 'lt': flags |= EXPIRE_LT; break;
      default:
        c.reply.error(`ERR Unsupported option ${cstr(opt)}`);
        return null;
    }
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    c.reply.error('ERR NX and XX, GT or LT options at the same time are not compatible');
    return null;
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    c.reply.error('ERR GT and LT options at the same time are not compatible');
    return null;
  }
  return flags;
}

/**
 * The absolute deadline in ms (as a number and as its exact decimal text), or null after an
 * error reply. `base` is 0 for the *AT forms, else the current time.
 */
function deadline(c: Ctx, arg: string | undefined, base: number, seconds: boolean): [number, string] | null {
  const v = int64Arg(c, arg);
  if (v === null) return null;
  if (typeof v === 'number') {
    const ms = seconds ? v * 1000 : v;
    const when = ms + base;
    if (Number.isSafeInteger(ms) && Number.isSafeInteger(when)) return [when, String(when)];
  }
  let when = BigInt(v);
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) {
      c.reply.error(`ERR invalid expire time in '${c.spec.name}' command`);
      return null;
    }
    when *= 1000n;
  }
  const b = BigInt(base);
  if (when > LLONG_MAX - b) {
    c.reply.error(`ERR invalid expire time in '${c.spec.name}' command`);
    return null;
  }
  when += b;
  return [Number(when), String(when)];
}

/** expireGenericCommand. */
function expireGeneric(c: Ctx, argv: string[], relative: boolean, seconds: boolean): void {
  const flags = parseExpireFlags(c, argv);
  if (flags === null) return;
  const d = deadline(c, argv[2], relative ? c.now : 0, seconds);
  if (d === null) return;
  const [when, whenText] = d;
  const db = c.db;
  const key = argv[1] as string;
  if (db.lookupWrite(key) === null) {
    c.reply.integer(0);
    return;
  }
  if (flags !== 0) {
    const current = db.getExpire(key);
    if (
      (flags & EXPIRE_NX && current !== -1) ||
      (flags & EXPIRE_XX && current === -1) ||
      (flags & EXPIRE_GT && (current === -1 || when <= current)) ||
      (flags & EXPIRE_LT && current !== -1 && when >= current)
    ) {
      c.reply.integer(0);
      return;
    }
  }
  if (when <= c.now && !(c.callFlags & CALL_FROM_AOF) && !c.ks.isReplica) {
    db.delete(key);
    c.dirty();
    c.rewritePropagation([configYes(c, 'lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
    c.modified(db, key);
    c.notify(NOTIFY_GENERIC, 'del', key, db.id);
    c.reply.integer(1);
    return;
  }
  db.setExpire(key, when);
  c.reply.integer(1);
  if (relative || seconds) {
    const out = argv.slice();
    out[0] = 'PEXPIREAT';
    out[2] = whenText;
    c.rewritePropagation(out);
  }
  c.modified(db, key);
  c.notify(NOTIFY_GENERIC, 'expire', key, db.id);
  c.dirty();
}

function expireCommand(c: Ctx, argv: string[]): void {
  expireGeneric(c, argv, true, true);
}

function pexpireCommand(c: Ctx, argv: string[]): void {
  expireGeneric(c, argv, true, false);
}

function expireatCommand(c: Ctx, argv: string[]): void {
  expireGeneric(c, argv, false, true);
}

function pexpireatCommand(c: Ctx, argv: string[]): void {
  expireGeneric(c, argv, false, false);
}

/** ttlGenericCommand: -2 for a missing key, -1 without a TTL, else the (rounded) value. */
function ttlGeneric(c: Ctx, argv: string[], ms: boolean, absolute: boolean): void {
  const db = c.db;
  const key = argv[1] as string;
  if (lookupRead(c, db, key, true) === null) {
    c.reply.integer(-2);
    return;
  }
  const expire = db.getExpire(key);
  if (expire === -1) {
    c.reply.integer(-1);
    return;
  }
  let ttl = absolute ? expire : expire - c.now;
  if (ttl < 0) ttl = 0;
  c.reply.integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function ttlCommand(c: Ctx, argv: string[]): void {
  ttlGeneric(c, argv, false, false);
}

function pttlCommand(c: Ctx, argv: string[]): void {
  ttlGeneric(c, argv, true, false);
}

function expiretimeCommand(c: Ctx, argv: string[]): void {
  ttlGeneric(c, argv, false, true);
}

function pexpiretimeCommand(c: Ctx, argv: string[]): void {
  ttlGeneric(c, argv, true, true);
}

function persistCommand(c: Ctx, argv: string[]): void {
  const db = c.db;
  const key = argv[1] as string;
  if (db.lookupWrite(key) !== null && db.persist(key)) {
    c.modified(db, key);
    c.notify(NOTIFY_GENERIC, 'persist', key, db.id);
    c.reply.integer(1);
    c.dirty();
    return;
  }
  c.reply.integer(0);
}

/* ---- metadata (src/commands/*.json of Redis 7.0.15) --------------------------------------- */

export const commands: CommandSpec[] = [
  {
    name: 'expire',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RW', 'update'], 1)],
    group: 'generic',
    since: '1.0.0',
    summary: 'Set a key\'s time to live in seconds',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'seconds', type: 'integer' },
      { name: 'condition', type: 'oneof', optional: true, since: '7.0.0', arguments: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ] },
    ],
    handler: expireCommand,
  },
  {
    name: 'pexpire',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RW', 'update'], 1)],
    group: 'generic',
    since: '2.6.0',
    summary: 'Set a key\'s time to live in milliseconds',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'milliseconds', type: 'integer' },
      { name: 'condition', type: 'oneof', optional: true, since: '7.0.0', arguments: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ] },
    ],
    handler: pexpireCommand,
  },
  {
    name: 'expireat',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RW', 'update'], 1)],
    group: 'generic',
    since: '1.2.0',
    summary: 'Set the expiration for a key as a UNIX timestamp',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'unix-time-seconds', type: 'unix-time' },
      { name: 'condition', type: 'oneof', optional: true, since: '7.0.0', arguments: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ] },
    ],
    handler: expireatCommand,
  },
  {
    name: 'pexpireat',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RW', 'update'], 1)],
    group: 'generic',
    since: '2.6.0',
    summary: 'Set the expiration for a key as a UNIX timestamp specified in milliseconds',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'unix-time-milliseconds', type: 'unix-time' },
      { name: 'condition', type: 'oneof', optional: true, since: '7.0.0', arguments: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ] },
    ],
    handler: pexpireatCommand,
  },
  {
    name: 'ttl',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'generic',
    since: '1.0.0',
    summary: 'Get the time to live for a key in seconds',
    complexity: 'O(1)',
    history: [['2.8.0', 'Added the -2 reply.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    // tips: NONDETERMINISTIC_OUTPUT
    handler: ttlCommand,
  },
  {
    name: 'pttl',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'generic',
    since: '2.6.0',
    summary: 'Get the time to live for a key in milliseconds',
    complexity: 'O(1)',
    history: [['2.8.0', 'Added the -2 reply.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    // tips: NONDETERMINISTIC_OUTPUT
    handler: pttlCommand,
  },
  {
    name: 'expiretime',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'generic',
    since: '7.0.0',
    summary: 'Get the expiration Unix timestamp for a key',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    handler: expiretimeCommand,
  },
  {
    name: 'pexpiretime',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'generic',
    since: '7.0.0',
    summary: 'Get the expiration Unix timestamp for a key in milliseconds',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    handler: pexpiretimeCommand,
  },
  {
    name: 'persist',
    arity: 2,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RW', 'update'], 1)],
    group: 'generic',
    since: '2.2.0',
    summary: 'Remove the expiration from a key',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    handler: persistCommand,
  },
];
