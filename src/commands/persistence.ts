/*
 * Persistence commands: DUMP and RESTORE (serialized values in Redis's DUMP format: an RDB
 * value, the RDB version and a CRC-64, so payloads move between nodis and Redis both ways),
 * SAVE, BGSAVE [SCHEDULE] and LASTSAVE (through the server ports: engine/rdb-save.ts).
 */

import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import { CALL_FROM_AOF, type Ctx } from './context.js';
import { int64Arg, is } from './args.js';
import { dbAdd, lookupRead } from './lookup.js';
import { NOTIFY_GENERIC } from '../keyspace/notify.js';
import { lruFromSaved } from '../keyspace/evict.js';
import * as E from '../protocol/errors.js';

const BUSYKEY = 'BUSYKEY Target key name already exists.';

function dumpCommand(c: Ctx, argv: string[]): void {
  const o = lookupRead(c, c.db, argv[1] as string);
  if (o === null) {
    c.reply.nullBulk();
    return;
  }
  c.reply.bulk(c.server.dumpValue(o));
}

function restoreCommand(c: Ctx, argv: string[]): void {
  let replace = false;
  let absttl = false;
  let freq = -1;
  let idle = -1;
  for (let j = 4; j < argv.length; j++) {
    const more = argv.length - j - 1;
    const a = argv[j];
    if (is(a, 'replace')) {
      replace = true;
    } else if (is(a, 'absttl')) {
      absttl = true;
    } else if (is(a, 'idletime') && more >= 1 && freq === -1) {
      const v = int64Arg(c, argv[j + 1]);
      if (v === null) return;
      if (v < 0) {
        c.reply.error('ERR Invalid IDLETIME value, must be >= 0');
        return;
      }
      idle = Number(v);
      j++;
    } else if (is(a, 'freq') && more >= 1 && idle === -1) {
      const v = int64Arg(c, argv[j + 1]);
      if (v === null) return;
      if (v < 0 || v > 255) {
        c.reply.error('ERR Invalid FREQ value, must be >= 0 and <= 255');
        return;
      }
      freq = Number(v);
      j++;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  const db = c.db;
  const key = argv[1] as string;
  if (!replace && db.lookupWrite(key) !== null) {
    c.reply.error(BUSYKEY);
    return;
  }
  const ttlArg = int64Arg(c, argv[2]);
  if (ttlArg === null) return;
  if (ttlArg < 0) {
    c.reply.error('ERR Invalid TTL value, must be >= 0');
    return;
  }
  const payload = Buffer.from(argv[3] as string, 'latin1');
  const o = c.server.restoreValue(payload);
  if (o === 'version-or-checksum') {
    c.reply.error('ERR DUMP payload version or checksum are wrong');
    return;
  }
  if (o === null) {
    c.reply.error('ERR Bad data format');
    return;
  }
  let deleted = false;
  if (replace) deleted = db.delete(key);
  let ttl = Number(ttlArg);
  if (ttl !== 0 && !absttl) ttl += c.now;
  if (ttl !== 0 && ttl <= c.now && !(c.callFlags & CALL_FROM_AOF) && !c.ks.isReplica) {
    if (deleted) {
      c.rewritePropagation(['DEL', key]);
      c.modified(db, key);
      c.notify(NOTIFY_GENERIC, 'del', key, db.id);
      c.dirty();
    }
    c.reply.ok();
    return;
  }
  dbAdd(c, db, key, o);
  if (ttl !== 0) {
    db.setExpire(key, ttl);
    if (!absttl) {
      const out = argv.slice();
      out[2] = String(ttl);
      out.push('ABSTTL');
      c.rewritePropagation(out);
    }
  }
  const lru = lruFromSaved(c.ks.lfu, freq, idle, c.ks.lruClock, c.now);
  if (lru !== undefined) o.lru = lru;
  c.modified(db, key);
  c.notify(NOTIFY_GENERIC, 'restore', key, db.id);
  c.reply.ok();
  c.dirty();
}

function saveCommand(c: Ctx): void {
  const err = c.server.save();
  if (err === null) c.reply.ok();
  else c.reply.error(err);
}

function bgsaveCommand(c: Ctx, argv: string[]): void {
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && is(argv[1], 'schedule')) {
      schedule = true;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  const r = c.server.bgsave(schedule);
  if ('error' in r) c.reply.error(r.error);
  else c.reply.simple(r.status);
}

function lastsaveCommand(c: Ctx): void {
  c.reply.integer(c.server.lastsave());
}

export const commands: CommandSpec[] = [
  {
    name: 'save',
    arity: 1,
    flags: ['no_async_loading', 'admin', 'noscript', 'no_multi'],
    group: 'server',
    since: '1.0.0',
    summary: 'Synchronously save the dataset to disk',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler: saveCommand,
  },
  {
    name: 'bgsave',
    arity: -1,
    flags: ['no_async_loading', 'admin', 'noscript'],
    group: 'server',
    since: '1.0.0',
    summary: 'Asynchronously save the dataset to disk',
    complexity: 'O(1)',
    history: [['3.2.2', 'Added the `SCHEDULE` option.']],
    args: [{ name: 'schedule', type: 'pure-token', token: 'SCHEDULE', optional: true, since: '3.2.2' }],
    handler: bgsaveCommand,
  },
  {
    name: 'lastsave',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['admin', 'dangerous'],
    tips: ['nondeterministic_output'],
    group: 'server',
    since: '1.0.0',
    summary: 'Get the UNIX time stamp of the last successful save to disk',
    complexity: 'O(1)',
    handler: lastsaveCommand,
  },
  {
    name: 'dump',
    arity: 2,
    flags: ['readonly'],
    acl: ['keyspace'],
    tips: ['nondeterministic_output'],
    keySpecs: [keyRange(['RO', 'access'], 1)],
    group: 'generic',
    since: '2.6.0',
    summary: 'Return a serialized version of the value stored at the specified key.',
    complexity:
      'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).',
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: dumpCommand,
  },
  {
    name: 'restore',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['keyspace', 'dangerous'],
    keySpecs: [keyRange(['OW', 'update'], 1)],
    group: 'generic',
    since: '2.6.0',
    summary: 'Create a key using the provided serialized value, previously obtained using DUMP.',
    complexity:
      'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).',
    history: [
      ['3.0.0', 'Added the `REPLACE` modifier.'],
      ['5.0.0', 'Added the `ABSTTL` modifier.'],
      ['5.0.0', 'Added the `IDLETIME` and `FREQ` options.'],
    ],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'ttl', type: 'integer' },
      { name: 'serialized-value', type: 'string' },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', optional: true, since: '3.0.0' },
      { name: 'absttl', type: 'pure-token', token: 'ABSTTL', optional: true, since: '5.0.0' },
      { name: 'seconds', type: 'integer', token: 'IDLETIME', optional: true, since: '5.0.0' },
      { name: 'frequency', type: 'integer', token: 'FREQ', optional: true, since: '5.0.0' },
    ],
    handler: restoreCommand,
  },
];
