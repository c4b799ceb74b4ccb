// The hot path of a script call: numkeys parsing, KEYS / ARGV made fresh for every call (EVAL
// and FCALL), and the conversion of command replies into Lua values (status, integers, bulk
// strings short and long, binary, null, arrays), with the values real Redis 7.0.15 gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { RunningServer } from '../../src/index.js';
import { startTestServer, stopTestServer } from '../helpers/server.js';

let s: RunningServer;
let r: Redis;

beforeAll(async () => {
  ({ s, r } = await startTestServer());
});

afterAll(() => stopTestServer({ s, r }));

describe('numkeys', () => {
  it('is read with string2ll: out-of-range and malformed values', async () => {
    const notInt = 'ERR value is not an integer or out of range';
    const greater = "ERR Number of keys can't be greater than number of args";
    const negative = "ERR Number of keys can't be negative";
    await expect(r.eval('return 1', '99999999999999999999')).rejects.toThrow(notInt);
    await expect(r.eval('return 1', '01')).rejects.toThrow(notInt);
    await expect(r.eval('return 1', ' 1')).rejects.toThrow(notInt);
    await expect(r.eval('return 1', '9223372036854775807')).rejects.toThrow(greater);
    await expect(r.eval('return 1', '123456789012345678')).rejects.toThrow(greater);
    await expect(r.eval('return 1', '-9223372036854775808')).rejects.toThrow(negative);
    await expect(r.eval('return 1', '-12345678901234567')).rejects.toThrow(negative);
    await expect(r.call('fcall', 'nofn', '99999999999999999999')).rejects.toThrow('ERR Function not found');
    expect(await r.eval('return #KEYS + #ARGV', '2', 'a', 'b', 'c')).toBe(3);
  });
});

describe('KEYS and ARGV', () => {
  it('are new tables on every call: changes made by a script do not leak into the next', async () => {
    expect(await r.eval('KEYS[1] = "changed"; ARGV[2] = "added"; return {KEYS[1], ARGV[2]}', 1, 'k', 'a'))
      .toEqual(['changed', 'added']);
    expect(await r.eval('return {#KEYS, #ARGV, KEYS[1], ARGV[1], tostring(ARGV[2])}', 1, 'k2', 'a2'))
      .toEqual([1, 1, 'k2', 'a2', 'nil']);
  });

  it('reach commands unchanged (binary values, long values)', async () => {
    const bin = Buffer.from([0, 1, 0xff, 13, 10, 0x80]);
    const long = 'x'.repeat(200) + '\u00e9';
    await r.eval("redis.call('set', KEYS[1], ARGV[1]) redis.call('set', KEYS[2], ARGV[2])", 2, 'cp:bin', 'cp:long', bin,
      Buffer.from(long, 'latin1'));
    expect(await r.getBuffer('cp:bin')).toEqual(bin);
    expect((await r.getBuffer('cp:long'))?.toString('latin1')).toBe(long);
  });

  it('are passed to functions as tables too', async () => {
    await r.call('function', 'load', 'replace',
      "#!lua name=cplib\nredis.register_function('cpf', function(keys, args) keys[1] = 'x' " +
      'return {#keys, #args, keys[1], args[1]} end)');
    expect(await r.call('fcall', 'cpf', 1, 'k', 'a', 'b')).toEqual([1, 2, 'x', 'a']);
    expect(await r.call('fcall', 'cpf', 0, 'a')).toEqual([1, 1, 'x', 'a']);
    await r.call('function', 'delete', 'cplib');
  });
});

describe('command replies as Lua values', () => {
  it('status replies are {ok=...} tables, errors {err=...}', async () => {
    const script = "local t = redis.call('set', KEYS[1], 'v') local p = redis.call('ping') " +
      "local x = redis.pcall('set') return {t.ok, p.ok, type(t), x.err, redis.call('type', KEYS[1]).ok}";
    expect(await r.eval(script, 1, 'cp:k')).toEqual([
      'OK', 'PONG', 'table', 'ERR Wrong number of args calling Redis command from script', 'string',
    ]);
    // A status returned as is is a status reply again.
    expect(await r.eval("return redis.call('set', KEYS[1], 'v')", 1, 'cp:k')).toBe('OK');
  });

  it('integers, bulk strings of every size, nulls and arrays', async () => {
    await r.del('cp:cnt', 'cp:list');
    expect(await r.eval("return {redis.call('incrby', KEYS[1], '-12345678901234'), " +
      "tostring(redis.call('incrby', KEYS[1], '-99999999999999999'))}", 1, 'cp:cnt'))
      .toEqual([-12345678901234, '-1.000123456789e+17']);
    const long = 'y'.repeat(100);
    await r.rpush('cp:list', 'a', '', long, '12');
    expect(await r.eval("local t = redis.call('lrange', KEYS[1], 0, -1) return {#t, t[1], #t[2], t[3], t[4] + 1}", 1, 'cp:list'))
      .toEqual([4, 'a', 0, long, 13]);
    expect(await r.eval("return tostring(redis.call('get', KEYS[1]))", 1, 'cp:none')).toBe('false');
    expect(await r.eval("return redis.call('get', KEYS[1])", 1, 'cp:none')).toBeNull();
  });
});
