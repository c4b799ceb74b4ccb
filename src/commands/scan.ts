/*
 * Iterating the keyspace: KEYS (one pass, glob-filtered) and SCAN (cursor-based, MATCH, COUNT,
 * TYPE), as Redis's db.c does them.
 *
 * The SCAN cursor is the dict's own (ds/dict.ts): the number of slots not yet visited, 0 to
 * start and 0 again when done. It is parsed with strtoul's rules like Redis's (an unsigned
 * 64-bit decimal, optional sign, no leading space); a cursor the dict never handed out is
 * clamped by the dict to "start from the top", which keeps the guarantee that every key present
 * for the whole iteration is returned. As in Redis, one call collects about COUNT keys first and
 * filters them afterwards (pattern, then type, then expiry), so a call may return fewer than
 * COUNT keys, even none, with a non-zero cursor. Expired keys are deleted on the way.
 */

import type { CommandSpec } from './spec.js';
import type { Ctx } from './context.js';
import { is, intArg } from './args.js';
import { lookupRead } from './lookup.js';
import { typeName } from '../keyspace/object.js';
import { stringMatch } from '../util/glob.js';
import * as E from '../protocol/errors.js';

const ULONG_MAX = 18446744073709551615n;

/**
 * parseScanCursorOrReply: strtoul(s, 10) that must consume the whole string. Accepts an empty
 * string (0), a leading '+' or '-' (negation modulo 2^64); rejects leading white space,
 * trailing garbage and values beyond 2^64-1.
 */
export function parseCursor(s: string): bigint | null {
  const n = s.length;
  if (n === 0) return 0n;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  let i = 0;
  let neg = false;
  if (c0 === 43 || c0 === 45) {
    neg = c0 === 45;
    i = 1;
  }
  if (i === n) return null; // a sign without digits: nothing converted
  for (let j = i; j < n; j++) {
    const d = s.charCodeAt(j);
    if (d < 48 || d > 57) return null;
  }
  if (n - i <= 15 && !neg) return BigInt(Number(s.slice(i)));
  const v = BigInt(s.slice(i));
  if (v > ULONG_MAX) return null;
  return neg && v !== 0n ? ULONG_MAX + 1n - v : v;
}

/**
 * The cursor argument, or null after replying Redis's error (parseScanCursorOrReply). As a
 * number: one beyond 2^53 (rounded here) was never handed out and the dict clamps it to its size.
 */
export function cursorArg(c: Ctx, s: string): number | null {
  const cursor = parseCursor(s);
  if (cursor === null) {
    c.reply.error('ERR invalid cursor');
    return null;
  }
  return Number(cursor);
}

function keysCommand(c: Ctx, argv: string[]): void {
  const pattern = argv[1] as string;
  const all = pattern === '*';
  const db = c.db;
  const out: string[] = [];
  const volatile = db.expires.size !== 0;
  db.dict.scan(0, db.dict.size, (key) => {
    if ((all || stringMatch(pattern, key)) && !(volatile && db.isExpired(key))) out.push(key);
  });
  c.reply.array(out.length);
  for (const k of out) c.reply.bulk(k);
}

export interface ScanOptions {
  count: number;
  /** null for no pattern or `*`. */
  pattern: string | null;
  /** Lowercased TYPE filter (SCAN only), or null. */
  type: string | null;
}

/**
 * The options after a SCAN-family cursor, from argv[from] on: COUNT n (n >= 1), MATCH pattern,
 * and TYPE t when `withType` (SCAN). Replies Redis's error and returns null on a bad one.
 */
export function parseScanOptions(c: Ctx, argv: readonly string[], from: number, withType: boolean): ScanOptions | null {
  const o: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = from; i < argv.length; i += 2) {
    const opt = argv[i];
    const hasValue = i + 1 < argv.length;
    if (is(opt, 'count') && hasValue) {
      const n = intArg(c, argv[i + 1]);
      if (n === null) return null;
      if (n < 1) {
        c.reply.error(E.SYNTAX);
        return null;
      }
      o.count = n;
    } else if (is(opt, 'match') && hasValue) {
      const p = argv[i + 1] as string;
      o.pattern = p === '*' ? null : p;
    } else if (withType && is(opt, 'type') && hasValue) {
      o.type = (argv[i + 1] as string).toLowerCase();
    } else {
      c.reply.error(E.SYNTAX);
      return null;
    }
  }
  return o;
}

function scanCommand(c: Ctx, argv: string[]): void {
  const parsed = cursorArg(c, argv[1] as string);
  if (parsed === null) return;
  const opts = parseScanOptions(c, argv, 2, true);
  if (opts === null) return;
  const { count, pattern, type } = opts;

  const db = c.db;
  const keys: string[] = [];
  const cursor = db.dict.scan(parsed, count, (key) => {
    keys.push(key);
  });

  let n = 0;
  for (const key of keys) {
    if (pattern !== null && !stringMatch(pattern, key)) continue;
    if (type !== null) {
      const o = lookupRead(c, db, key, true);
      if ((o === null ? 'none' : typeName(o)) !== type) continue;
    }
    if (db.expireIfNeeded(key)) continue;
    keys[n++] = key;
  }
  keys.length = n;

  c.reply.array(2);
  c.reply.bulk(String(cursor));
  c.reply.array(n);
  for (const k of keys) c.reply.bulk(k);
}

/* ---- metadata (src/commands/*.json of Redis 7.0.15) --------------------------------------- */

export const commands: CommandSpec[] = [
  {
    name: 'keys',
    arity: 2,
    flags: ['readonly'],
    acl: ['keyspace', 'dangerous'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Find all keys matching the given pattern',
    complexity: 'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
    args: [
      { name: 'pattern', type: 'pattern' },
    ],
    // tips: REQUEST_POLICY:ALL_SHARDS, NONDETERMINISTIC_OUTPUT_ORDER
    handler: keysCommand,
  },
  {
    name: 'scan',
    arity: -2,
    flags: ['readonly'], // + TOUCHES_ARBITRARY_KEYS (hidden in COMMAND INFO)
    acl: ['keyspace'],
    group: 'generic',
    since: '2.8.0',
    summary: 'Incrementally iterate the keys space',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    history: [['6.0.0', 'Added the `TYPE` subcommand.']],
    args: [
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
      { name: 'type', type: 'string', token: 'TYPE', optional: true, since: '6.0.0' },
    ],
    // tips: NONDETERMINISTIC_OUTPUT, REQUEST_POLICY:SPECIAL
    handler: scanCommand,
  },
];
