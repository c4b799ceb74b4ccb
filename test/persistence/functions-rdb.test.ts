// Function libraries in RDB files: SAVE / BGSAVE / DEBUG RELOAD / AOF preamble and plain
// rewrites / functions-only snapshots (redis-cli --functions-rdb) carry them, loading restores
// them, and files are exchanged both ways with a real redis-server 7.0.15 (required: a missing
// binary fails the run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { startRealRedis } from '../helpers/real-redis.js';
import { decodeRdb } from '../../src/persistence/rdb/decoder.js';
import { RdbWriter } from '../../src/persistence/rdb/byte-writer.js';
import { Crc64 } from '../../src/util/crc64.js';
import { waitBackgroundIdle } from '../helpers/background-idle.js';
import { field, until } from '../helpers/replication.js';

const LIB1 = "#!lua name=lib1\nredis.register_function('f1', function() return 123 end)";
const LIB2 = '#!lua name=lib2\n' +
  "redis.register_function{function_name='f2', callback=function(keys, args) return redis.call('get', keys[1]) end, " +
  "flags={'no-writes'}, description='reads a key'}\n" +
  '-- a long comment so that the record is LZF compressed '.repeat(5);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-fnrdb-'));

/** Load both libraries and a key, SAVE; returns FUNCTION LIST WITHCODE as it was. */
async function populateAndSave(c: Redis): Promise<unknown> {
  await c.call('function', 'load', LIB1);
  await c.call('function', 'load', LIB2);
  await c.set('k', 'v');
  const list = await c.call('function', 'list', 'withcode');
  await c.save();
  return list;
}

/** FUNCTION LIST replies compared regardless of the libraries' order. */
const sortLibs = (v: unknown): unknown[] => [...(v as unknown[][])].sort((a, b) => String(a[1]).localeCompare(String(b[1])));

describe('function libraries in RDB files', () => {
  let s: RunningServer;
  let r: Redis;

  beforeAll(async () => {
    s = await startServer({
      port: 0,
      config: { loglevel: 'warning', 'enable-debug-command': 'yes', dir: tmp, dbfilename: 'nodis.rdb' },
    });
    r = new Redis({ port: s.port, protocol: 2, lazyConnect: true });
    await r.connect();
  });

  afterAll(async () => {
    r.disconnect();
    await s?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('SAVE writes FUNCTION2 records before the databases', async () => {
    await r.call('function', 'flush');
    await r.flushall();
    await r.call('function', 'load', LIB1);
    await r.call('function', 'load', LIB2);
    await r.set('k', 'v');
    await r.save();
    const d = decodeRdb(fs.readFileSync(path.join(tmp, 'nodis.rdb')));
    expect(d.functions).toEqual([LIB1, LIB2]);
    expect(d.keys).toBe(1);
  });

  it('DEBUG RELOAD keeps the libraries and honours MERGE / NOFLUSH / NOSAVE', async () => {
    await r.call('function', 'flush');
    await r.call('function', 'load', LIB1);
    expect(await r.call('debug', 'reload')).toBe('OK');
    expect(await r.call('fcall', 'f1', '0')).toBe(123);
    // The file's library is already loaded: without MERGE the load fails.
    await expect(r.call('debug', 'reload', 'noflush')).rejects.toThrow(/^ERR Error trying to load the RDB dump$/);
    expect(await r.call('debug', 'reload', 'noflush', 'merge')).toBe('OK');
    expect(await r.call('function', 'list')).toEqual([
      ['library_name', 'lib1', 'engine', 'LUA', 'functions', [['name', 'f1', 'description', null, 'flags', []]]],
    ]);
    // NOSAVE NOFLUSH MERGE adds the saved libraries to the ones loaded since.
    await r.call('function', 'load', LIB2);
    expect(await r.call('debug', 'reload', 'nosave', 'noflush', 'merge')).toBe('OK');
    expect(await r.call('function', 'list')).toHaveLength(2);
    // Plain NOSAVE: the dataset is emptied first, so a library loaded after the save is gone.
    await r.call('function', 'delete', 'lib2');
    await r.save();
    await r.call('function', 'load', LIB2);
    expect(await r.call('debug', 'reload', 'nosave')).toBe('OK');
    expect((await r.call('function', 'list')) as unknown[]).toHaveLength(1);
  });

  it('BGSAVE includes the libraries', async () => {
    await r.call('function', 'flush');
    await r.call('function', 'load', LIB2);
    await r.bgsave();
    await waitBackgroundIdle(r);
    expect(decodeRdb(fs.readFileSync(path.join(tmp, 'nodis.rdb'))).functions).toEqual([LIB2]);
  });

  it.each(['yes', 'no'])('AOF rewrite (aof-use-rdb-preamble %s) keeps the libraries across DEBUG LOADAOF', async (preamble) => {
    await r.config('SET', 'aof-use-rdb-preamble', preamble);
    await r.config('SET', 'appendonly', 'yes');
    await waitBackgroundIdle(r);
    await r.call('function', 'flush');
    await r.call('function', 'load', LIB1);
    await r.set('x', '1');
    await r.bgrewriteaof();
    await waitBackgroundIdle(r);
    // Nothing in the incremental file: the libraries come from the base only.
    expect(await r.call('debug', 'loadaof')).toBe('OK');
    expect(await r.call('fcall', 'f1', '0')).toBe(123);
    expect(await r.get('x')).toBe('1');
    await r.config('SET', 'appendonly', 'no');
  });

  it('a functions-only snapshot (redis-cli --functions-rdb) holds the libraries and no keys', async () => {
    await r.call('function', 'flush');
    await r.flushall();
    await r.call('function', 'load', LIB1);
    await r.set('a', '1');
    const file = path.join(tmp, 'cli.rdb');
    // Asynchronously: the server runs in this process.
    const out = await new Promise<string>((resolve) => {
      execFile('redis-cli', ['-p', String(s.port), '--functions-rdb', file], { timeout: 10000 }, (_e, so, se) => resolve(so + se));
    });
    expect(out).toContain('Transfer finished with success');
    const d = decodeRdb(fs.readFileSync(file));
    expect(d.functions).toEqual([LIB1]);
    expect(d.keys).toBe(0);
  });

  it('a replica gets the libraries with the full synchronization snapshot', async () => {
    await r.call('function', 'flush');
    await r.call('function', 'load', LIB2);
    const replica = await startServer({ port: 0, config: { loglevel: 'warning' } });
    const rr = new Redis({ port: replica.port, protocol: 2 });
    try {
      await rr.call('function', 'load', LIB1); // dropped by the sync
      await rr.replicaof('127.0.0.1', String(s.port));
      await until(async () => (await field(rr, 'replication', 'master_link_status')) === 'up', 'the link up');
      expect(await rr.call('function', 'list', 'withcode')).toEqual(await r.call('function', 'list', 'withcode'));
    } finally {
      rr.disconnect();
      await replica.close();
    }
  });

  it('loads the pre-release FUNCTION opcode (name, engine, description, body)', () => {
    const w = new RdbWriter(false);
    w.latin1('REDIS0010');
    w.byte(246);
    w.rawString('old');
    w.rawString('LUA');
    w.len(1);
    w.rawString('a description');
    w.rawString("redis.register_function('oldf', function() return 1 end)");
    w.byte(255);
    const body = w.take();
    const file = Buffer.concat([body, new Crc64().update(body).digestLE()]);
    expect(decodeRdb(file).functions).toEqual(["#!LUA name=old\nredis.register_function('oldf', function() return 1 end)"]);
  });
});

describe('RDB files with functions, exchanged with redis-server 7.0.15', () => {
  it('nodis → redis-server: FUNCTION LIST WITHCODE is equal', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-fnrdb-a-'));
    const s = await startServer({ port: 0, config: { loglevel: 'warning', dir, dbfilename: 'out.rdb' } });
    const r = new Redis({ port: s.port, protocol: 2 });
    let expected: unknown;
    try {
      expected = await populateAndSave(r);
    } finally {
      r.disconnect();
      await s.close();
    }
    const real = await startRealRedis(['--dir', dir, '--dbfilename', 'out.rdb']);
    const rr = new Redis({ port: real.port, protocol: 2 });
    try {
      expect(sortLibs(await rr.call('function', 'list', 'withcode'))).toEqual(sortLibs(expected));
      expect(await rr.call('fcall', 'f2', '1', 'k')).toBe('v');
    } finally {
      rr.disconnect();
      await real.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('FUNCTION DUMP payloads are byte-identical and restore on the other side', async () => {
    const s = await startServer({ port: 0, config: { loglevel: 'warning' } });
    const real = await startRealRedis();
    const r = new Redis({ port: s.port, protocol: 2 });
    const rr = new Redis({ port: real.port, protocol: 2 });
    try {
      // LZF output is not canonical (compressors may find other matches): compare uncompressed.
      await r.config('SET', 'rdbcompression', 'no');
      await rr.config('SET', 'rdbcompression', 'no');
      await r.call('function', 'load', LIB2);
      await rr.call('function', 'load', LIB2);
      const ours = (await r.callBuffer('function', 'dump')) as Buffer;
      expect(ours).toEqual(await rr.callBuffer('function', 'dump'));
      await rr.config('SET', 'rdbcompression', 'yes');
      await rr.call('function', 'load', LIB1);
      const theirs = (await rr.callBuffer('function', 'dump')) as Buffer;
      expect(await r.call('function', 'restore', theirs, 'replace')).toBe('OK');
      expect(await r.call('fcall', 'f1', '0')).toBe(123);
    } finally {
      r.disconnect();
      rr.disconnect();
      await s.close();
      await real.stop();
    }
  });

  it('redis-server → nodis: the libraries load and run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-fnrdb-b-'));
    const real = await startRealRedis(['--dir', dir, '--dbfilename', 'real.rdb']);
    const rr = new Redis({ port: real.port, protocol: 2 });
    let expected: unknown;
    try {
      expected = await populateAndSave(rr);
    } finally {
      rr.disconnect();
      await real.stop();
    }
    const s = await startServer({ port: 0, config: { loglevel: 'warning', dir, dbfilename: 'real.rdb' } });
    const r = new Redis({ port: s.port, protocol: 2 });
    try {
      expect(sortLibs(await r.call('function', 'list', 'withcode'))).toEqual(sortLibs(expected));
      expect(await r.call('fcall', 'f1', '0')).toBe(123);
      expect(await r.call('fcall_ro', 'f2', '1', 'k')).toBe('v');
    } finally {
      r.disconnect();
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
