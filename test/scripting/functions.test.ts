// FUNCTION libraries and FCALL over a socket: loading (REPLACE, all-or-nothing), the library
// environment (the load-time API, the per-call globals, protection), flags, LIST / STATS,
// DUMP / RESTORE policies, FLUSH, propagation of FUNCTION LOAD, and the engine hooks used by
// RDB snapshots.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { RunningServer } from '../../src/index.js';
import { startTestServer, stopTestServer } from '../helpers/server.js';
import { PROPAGATE_ALL } from '../../src/engine/propagation.js';

let s: RunningServer;
let r: Redis;

beforeAll(async () => {
  ({ s, r } = await startTestServer());
});

afterAll(() => stopTestServer({ s, r }));

beforeEach(async () => {
  await r.function('FLUSH');
});

const lib = (name: string, body: string): string => `#!lua name=${name}\n${body}`;

describe('FUNCTION LOAD and FCALL', () => {
  it('loads a library and calls its functions (names case-insensitive)', async () => {
    expect(await r.function('LOAD', lib('mylib', `
      local function add1(a) return a + 1 end
      redis.register_function('f1', function(keys, args) return add1(tonumber(args[1])) end)
      redis.register_function{function_name='f2', callback=function(keys, args) return keys[1] end, flags={'no-writes'}}
    `))).toBe('mylib');
    expect(await r.fcall('f1', 0, '41')).toBe(42);
    expect(await r.fcall('F1', 0, '1')).toBe(2);
    expect(await r.fcall_ro('f2', 1, 'k')).toBe('k');
    await expect(r.fcall_ro('f1', 0, '1')).rejects.toThrow('ERR Can not execute a script with write flag using *_ro command.');
    await expect(r.fcall('nosuch', 0)).rejects.toThrow('ERR Function not found');
  });

  it('refuses a library that exists unless REPLACE, and keeps the old one when a load fails', async () => {
    await r.function('LOAD', lib('l1', "redis.register_function('f', function() return 'v1' end)"));
    await expect(r.function('LOAD', lib('l1', "redis.register_function('f', function() return 'v2' end)")))
      .rejects.toThrow("ERR Library 'l1' already exists");
    await expect(r.function('LOAD', 'REPLACE', lib('l1', "redis.register_function('f', function() end) error('boom')")))
      .rejects.toThrow(/^ERR Error registering functions: ERR user_function:\d+: Script attempted to access nonexistent global variable 'error'$/);
    expect(await r.fcall('f', 0)).toBe('v1');
    await r.function('LOAD', 'REPLACE', lib('l1', "redis.register_function('f', function() return 'v2' end)"));
    expect(await r.fcall('f', 0)).toBe('v2');
    await expect(r.function('LOAD', lib('l2', "redis.register_function('F', function() end)")))
      .rejects.toThrow('ERR Function F already exists');
  });

  it('sandboxes the load: only the library API, read-only, time-limited', async () => {
    await expect(r.function('LOAD', lib('x', 'return math.random()'))).rejects.toThrow(/nonexistent global variable 'math'/);
    await expect(r.function('LOAD', lib('x', "return redis.call('ping')"))).rejects.toThrow(/nonexistent global variable 'call'/);
    await expect(r.function('LOAD', lib('x', 'a = 1'))).rejects.toThrow(/Attempt to modify a readonly table/);
    await expect(r.function('LOAD', lib('x', 'local a = 1 while 1 do a = a + 1 end'))).rejects.toThrow(/FUNCTION LOAD timeout/);
    await expect(r.function('LOAD', lib('x', 'return 1'))).rejects.toThrow('ERR No functions registered');
    await r.function('LOAD', lib('x', `
      redis.register_function('inner', function() redis.register_function('z', function() end) end)
      redis.register_function('log', function() redis.log(redis.LOG_DEBUG, 'x') return redis.REDIS_VERSION end)
    `));
    await expect(r.fcall('inner', 0)).rejects.toThrow(/attempt to call field 'register_function' \(a nil value\)/);
    expect(await r.fcall('log', 0)).toBe('7.0.15');
  });

  it('LIST, STATS, DELETE', async () => {
    await r.function('LOAD', lib('la', "redis.register_function{function_name='fa', callback=function() end, description='A', flags={'no-writes', 'allow-stale'}}"));
    await r.function('LOAD', lib('lb', "redis.register_function('fb', function() end)"));
    expect(await r.function('LIST', 'LIBRARYNAME', 'la')).toEqual([
      ['library_name', 'la', 'engine', 'LUA', 'functions', [['name', 'fa', 'description', 'A', 'flags', ['no-writes', 'allow-stale']]]],
    ]);
    const withCode = await r.call('FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'lb') as unknown[][];
    expect(withCode[0]?.[7]).toBe(lib('lb', "redis.register_function('fb', function() end)"));
    expect(await r.function('STATS')).toEqual(['running_script', null, 'engines', ['LUA', ['libraries_count', 2, 'functions_count', 2]]]);
    expect(await r.function('DELETE', 'la')).toBe('OK');
    await expect(r.function('DELETE', 'la')).rejects.toThrow('ERR Library not found');
    expect(await r.function('STATS')).toEqual(['running_script', null, 'engines', ['LUA', ['libraries_count', 1, 'functions_count', 1]]]);
  });

  it('DUMP and RESTORE with APPEND, REPLACE and FLUSH', async () => {
    await r.function('LOAD', lib('d1', "redis.register_function('g', function() return 'from-dump' end)"));
    const payload = await r.callBuffer('FUNCTION', 'DUMP') as Buffer;
    await r.function('LOAD', 'REPLACE', lib('d1', "redis.register_function('g', function() return 'current' end)"));
    await expect(r.call('FUNCTION', 'RESTORE', payload)).rejects.toThrow('ERR Library d1 already exists');
    expect(await r.call('FUNCTION', 'RESTORE', payload, 'REPLACE')).toBe('OK');
    expect(await r.fcall('g', 0)).toBe('from-dump');
    await r.function('LOAD', lib('other', "redis.register_function('h', function() end)"));
    expect(await r.call('FUNCTION', 'RESTORE', payload, 'FLUSH')).toBe('OK');
    expect((await r.function('LIST') as unknown[]).length).toBe(1);
    const bad = Buffer.from(payload);
    bad[0] = (bad[0] as number) ^ 1;
    await expect(r.call('FUNCTION', 'RESTORE', bad)).rejects.toThrow('ERR DUMP payload version or checksum are wrong');
  });

  it('propagates FUNCTION LOAD / DELETE / FLUSH as sent; FCALL by its effects', async () => {
    const ops: string[] = [];
    const stop = s.engine.propagation.addSink(PROPAGATE_ALL, (_db, argv) => ops.push(argv.slice(0, 2).join(' ').toUpperCase()));
    try {
      await r.function('LOAD', lib('p', "redis.register_function('w', function(keys) redis.call('set', keys[1], 'x') end)"));
      await r.fcall('w', 1, 'pk');
      await r.function('DELETE', 'p');
      await r.function('FLUSH');
    } finally {
      stop();
    }
    expect(ops).toEqual(['FUNCTION LOAD', 'SET PK', 'FUNCTION DELETE', 'FUNCTION FLUSH']);
  });

  it('exposes the libraries to the persistence layer (RDB records, load)', async () => {
    await r.function('LOAD', lib('persisted', "redis.register_function('pf', function() return 'p' end)"));
    const hooks = s.engine.scripting;
    expect(hooks).not.toBeNull();
    const records = hooks?.rdbFunctionRecords(false) as Buffer;
    expect(records[0]).toBe(245);
    expect(hooks?.functionCodes()).toEqual([lib('persisted', "redis.register_function('pf', function() return 'p' end)")]);
    hooks?.flushFunctions();
    await expect(r.fcall('pf', 0)).rejects.toThrow('ERR Function not found');
    expect(hooks?.loadLibrary(lib('persisted', "redis.register_function('pf', function() return 'again' end)"), false)).toBeNull();
    expect(await r.fcall('pf', 0)).toBe('again');
  });
});
