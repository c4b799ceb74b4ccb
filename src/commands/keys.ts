/*
 * The generic key commands (Redis's db.c): DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX,
 * RANDOMKEY, TOUCH, COPY, MOVE. The rest of the generic group lives next door by concept:
 * expire.ts (TTLs), scan.ts (KEYS, SCAN), object.ts (OBJECT); this file exports the whole group
 * for table.ts.
 *
 * Effects follow Redis 7.0.15: every changed key is signalled (c.modified), every change
 * counts one dirty and fires the keyspace event Redis fires, and the command propagates as
 * sent (none of these rewrite their argv).
 */

import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import type { Ctx } from './context.js';
import { is } from './args.js';
import { lookupRead, dbAdd, int32Arg, dbByIndex, configYes } from './lookup.js';
import { commands as expireCommands } from './expire.js';
import { commands as scanCommands } from './scan.js';
import { commands as objectCommands } from './object.js';
import { typeName } from '../keyspace/object.js';
import { NOTIFY_GENERIC } from '../keyspace/notify.js';
import { duplicateObject } from '../keyspace/duplicate.js';
import { freesLazily } from '../keyspace/lazyfree.js';
import * as E from '../protocol/errors.js';

const SAME_OBJECT = 'ERR source and destination objects are the same';

/* ---- DEL / UNLINK / EXISTS / TYPE / TOUCH / RANDOMKEY ------------------------------------- */

/**
 * DEL and UNLINK. An expired key is first expired (which propagates its own DEL and fires
 * `expired`), so it does not count as deleted. nodis frees memory the same way for both; the
 * one trace of Redis's background freeing is INFO's lazyfreed_objects, counted for UNLINK (and
 * DEL under lazyfree-lazy-user-del) by Redis's free-effort rule.
 */
function delCommand(c: Ctx, argv: string[]): void {
  const db = c.db;
  const lazy = is(argv[0], 'unlink') || configYes(c, 'lazyfree-lazy-user-del');
  let n = 0;
  for (let j = 1; j < argv.length; j++) {
    const key = argv[j] as string;
    db.expireIfNeeded(key);
    if (lazy) {
      const o = db.peek(key);
      if (o !== undefined && freesLazily(o)) c.ks.stats.lazyfreedObjects++;
    }
    if (db.delete(key)) {
      c.modified(db, key);
      c.notify(NOTIFY_GENERIC, 'del', key, db.id);
      c.dirty();
      n++;
    }
  }
  c.reply.integer(n);
}

function existsCommand(c: Ctx, argv: string[]): void {
  const db = c.db;
  let n = 0;
  for (let j = 1; j < argv.length; j++) {
    if (lookupRead(c, db, argv[j] as string, true) !== null) n++;
  }
  c.reply.integer(n);
}

function typeCommand(c: Ctx, argv: string[]): void {
  const o = lookupRead(c, c.db, argv[1] as string, true);
  c.reply.simple(o === null ? 'none' : typeName(o));
}

/** TOUCH: a plain read lookup of each key (updates the access time), counting the hits. */
function touchCommand(c: Ctx, argv: string[]): void {
  const db = c.db;
  let n = 0;
  for (let j = 1; j < argv.length; j++) {
    if (lookupRead(c, db, argv[j] as string) !== null) n++;
  }
  c.reply.integer(n);
}

function randomkeyCommand(c: Ctx): void {
  const key = c.db.randomKey();
  if (key === null) c.reply.nullBulk();
  else c.reply.bulk(key);
}

/* ---- RENAME / RENAMENX -------------------------------------------------------------------- */

function renameGeneric(c: Ctx, argv: string[], nx: boolean): void {
  const db = c.db;
  const src = argv[1] as string;
  const dst = argv[2] as string;
  const o = db.lookupWrite(src);
  if (o === null) {
    c.reply.error(E.NO_SUCH_KEY);
    return;
  }
  if (src === dst) {
    if (nx) c.reply.integer(0);
    else c.reply.ok();
    return;
  }
  const expire = db.getExpire(src);
  if (db.lookupWrite(dst) !== null) {
    if (nx) {
      c.reply.integer(0);
      return;
    }
    db.delete(dst);
  }
  dbAdd(c, db, dst, o);
  if (expire !== -1) db.setExpire(dst, expire);
  db.delete(src);
  c.modified(db, src);
  c.modified(db, dst);
  c.notify(NOTIFY_GENERIC, 'rename_from', src, db.id);
  c.notify(NOTIFY_GENERIC, 'rename_to', dst, db.id);
  c.dirty();
  if (nx) c.reply.integer(1);
  else c.reply.ok();
}

function renameCommand(c: Ctx, argv: string[]): void {
  renameGeneric(c, argv, false);
}

function renamenxCommand(c: Ctx, argv: string[]): void {
  renameGeneric(c, argv, true);
}

/* ---- MOVE / COPY -------------------------------------------------------------------------- */

function moveCommand(c: Ctx, argv: string[]): void {
  if (configYes(c, 'cluster-enabled')) {
    c.reply.error('ERR MOVE is not allowed in cluster mode');
    return;
  }
  const src = c.db;
  const id = int32Arg(c, argv[2] as string);
  if (id === null) return;
  const dst = dbByIndex(c, id);
  if (dst === null) {
    c.reply.error(E.INVALID_DB);
    return;
  }
  if (dst === src) {
    c.reply.error(SAME_OBJECT);
    return;
  }
  const key = argv[1] as string;
  const o = src.lookupWrite(key);
  if (o === null) {
    c.reply.integer(0);
    return;
  }
  const expire = src.getExpire(key);
  if (dst.lookupWrite(key) !== null) {
    c.reply.integer(0);
    return;
  }
  dbAdd(c, dst, key, o);
  if (expire !== -1) dst.setExpire(key, expire);
  src.delete(key);
  c.modified(src, key);
  c.modified(dst, key);
  c.notify(NOTIFY_GENERIC, 'move_from', key, src.id);
  c.notify(NOTIFY_GENERIC, 'move_to', key, dst.id);
  c.dirty();
  c.reply.integer(1);
}

function copyCommand(c: Ctx, argv: string[]): void {
  const src = c.db;
  let dst = c.db;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    if (is(opt, 'replace')) {
      replace = true;
    } else if (is(opt, 'db') && j + 1 < argv.length) {
      const id = int32Arg(c, argv[j + 1] as string);
      if (id === null) return;
      const db = dbByIndex(c, id);
      if (db === null) {
        c.reply.error(E.INVALID_DB);
        return;
      }
      dst = db;
      j++;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  if ((src.id !== 0 || dst.id !== 0) && configYes(c, 'cluster-enabled')) {
    c.reply.error('ERR Copying to another database is not allowed in cluster mode');
    return;
  }
  const key = argv[1] as string;
  const newkey = argv[2] as string;
  if (src === dst && key === newkey) {
    c.reply.error(SAME_OBJECT);
    return;
  }
  const o = lookupRead(c, src, key);
  if (o === null) {
    c.reply.integer(0);
    return;
  }
  const expire = src.getExpire(key);
  let del = false;
  if (dst.lookupWrite(newkey) !== null) {
    if (!replace) {
      c.reply.integer(0);
      return;
    }
    del = true;
  }
  const copy = duplicateObject(o);
  if (del) dst.delete(newkey);
  dbAdd(c, dst, newkey, copy);
  if (expire !== -1) dst.setExpire(newkey, expire);
  c.modified(dst, newkey);
  c.notify(NOTIFY_GENERIC, 'copy_to', newkey, dst.id);
  c.dirty();
  c.reply.integer(1);
}

/* ---- metadata (src/commands/*.json of Redis 7.0.15) --------------------------------------- */

const genericCommands: CommandSpec[] = [
  {
    name: 'del',
    arity: -2,
    flags: ['write'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RM', 'delete'], 1, -1)],
    group: 'generic',
    since: '1.0.0',
    summary: 'Delete a key',
    complexity: 'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
    args: [
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
    ],
    // tips: REQUEST_POLICY:MULTI_SHARD, RESPONSE_POLICY:AGG_SUM
    handler: delCommand,
  },
  {
    name: 'unlink',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RM', 'delete'], 1, -1)],
    group: 'generic',
    since: '4.0.0',
    summary: 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
    complexity: 'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
    args: [
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
    ],
    // tips: REQUEST_POLICY:MULTI_SHARD, RESPONSE_POLICY:AGG_SUM
    handler: delCommand,
  },
  {
    name: 'exists',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RO'], 1, -1)],
    group: 'generic',
    since: '1.0.0',
    summary: 'Determine if a key exists',
    complexity: 'O(N) where N is the number of keys to check.',
    history: [['3.0.3', 'Accepts multiple `key` arguments.']],
    args: [
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
    ],
    // tips: REQUEST_POLICY:MULTI_SHARD, RESPONSE_POLICY:AGG_SUM
    handler: existsCommand,
  },
  {
    name: 'type',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RO'], 1)],
    group: 'generic',
    since: '1.0.0',
    summary: 'Determine the type stored at key',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    handler: typeCommand,
  },
  {
    name: 'rename',
    arity: 3,
    flags: ['write'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1), keyRange(['OW', 'update'], 2)],
    group: 'generic',
    since: '1.0.0',
    summary: 'Rename a key',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'newkey', type: 'key', key_spec_index: 1 },
    ],
    handler: renameCommand,
  },
  {
    name: 'renamenx',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RW', 'access', 'delete'], 1), keyRange(['OW', 'insert'], 2)],
    group: 'generic',
    since: '1.0.0',
    summary: 'Rename a key, only if the new key does not exist',
    complexity: 'O(1)',
    history: [['3.2.0', 'The command no longer returns an error when source and destination names are the same.']],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'newkey', type: 'key', key_spec_index: 1 },
    ],
    handler: renamenxCommand,
  },
  {
    name: 'randomkey',
    arity: 1,
    flags: ['readonly'], // + TOUCHES_ARBITRARY_KEYS (hidden in COMMAND INFO)
    acl: ['keyspace'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Return a random key from the keyspace',
    complexity: 'O(1)',
    // tips: REQUEST_POLICY:ALL_SHARDS, NONDETERMINISTIC_OUTPUT
    handler: randomkeyCommand,
  },
  {
    name: 'touch',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RO'], 1, -1)],
    group: 'generic',
    since: '3.2.1',
    summary: 'Alters the last access time of a key(s). Returns the number of existing keys specified.',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    args: [
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
    ],
    // tips: REQUEST_POLICY:MULTI_SHARD, RESPONSE_POLICY:AGG_SUM
    handler: touchCommand,
  },
  {
    name: 'copy',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RO', 'access'], 1), keyRange(['OW', 'update'], 2)],
    group: 'generic',
    since: '6.2.0',
    summary: 'Copy a key',
    complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      { name: 'destination-db', type: 'integer', token: 'DB', optional: true },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', optional: true },
    ],
    handler: copyCommand,
  },
  {
    name: 'move',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RW', 'access', 'update'], 1)],
    group: 'generic',
    since: '1.0.0',
    summary: 'Move a key to another database',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'db', type: 'integer' },
    ],
    handler: moveCommand,
  },
];

export const commands: CommandSpec[] = [
  ...genericCommands,
  ...expireCommands,
  ...scanCommands,
  ...objectCommands,
];
