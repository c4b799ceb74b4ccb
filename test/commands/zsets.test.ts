// Sorted-set family tests.
//
// 1. Handler-level tests with the shared recording context: keyspace events, dirty counts,
//    modified keys, propagation forms (ZMPOP / BZPOP* -> ZPOPMIN/ZPOPMAX), encodings and their
//    conversions at the configured thresholds, COPY independence.
// 2. Server tests over ioredis in RESP2 and RESP3, blocking pops served by another client.
// 3. Raw RESP bytes where the reply shape matters (score formatting, nested pairs, nulls).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { FakeServer } from '../helpers/fake-ctx.js';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';
import { encodingName } from '../../src/keyspace/object.js';
import { duplicateObject } from '../../src/keyspace/duplicate.js';
import { zsetEntries, zsetValidate } from '../../src/keyspace/types/zset.js';
import { parseScoreRange, parseLexRange, strtodWhole } from '../../src/commands/zsets-common.js';

function fake(entries = 128, value = 64): FakeServer {
  const f = new FakeServer();
  f.config.set('zset-max-listpack-entries', String(entries));
  f.config.set('zset-max-listpack-value', String(value));
  f.config.set('set-max-intset-entries', '512');
  return f;
}

function enc(f: FakeServer, key: string): string {
  const o = f.db().peek(key);
  return o === undefined ? 'none' : encodingName(o);
}

function valid(f: FakeServer, key: string): void {
  const o = f.db().peek(key);
  expect(o).toBeDefined();
  expect(zsetValidate(o!)).toBeNull();
}

describe('zset argument parsing', () => {
  it('score ranges follow strtod: spaces before, hex, inf, empty = 0; no NaN, no trailing bytes', () => {
    expect(strtodWhole('1.5')).toBe(1.5);
    expect(strtodWhole(' 7')).toBe(7);
    expect(strtodWhole('')).toBe(0);
    expect(strtodWhole('   ')).toBeNull();
    expect(strtodWhole('7 ')).toBeNull();
    expect(strtodWhole('0x10')).toBe(16);
    expect(strtodWhole('-inf')).toBe(-Infinity);
    expect(strtodWhole('+Infinity')).toBe(Infinity);
    expect(strtodWhole('1e400')).toBe(Infinity);
    expect(strtodWhole('nan')).toBeNull();
    expect(strtodWhole('1\x00junk')).toBe(1);
    expect(strtodWhole('abc')).toBeNull();
    expect(parseScoreRange('(1', '(2')).toEqual({ min: 1, max: 2, minex: true, maxex: true });
    expect(parseScoreRange('(', '5')).toEqual({ min: 0, max: 5, minex: true, maxex: false });
    expect(parseScoreRange('x', '5')).toBeNull();
  });

  it('lex ranges accept only [x, (x, - and +', () => {
    expect(parseLexRange('-', '+')).not.toBeNull();
    expect(parseLexRange('[a', '(b')).toMatchObject({ min: 'a', minex: false, max: 'b', maxex: true });
    expect(parseLexRange('a', '+')).toBeNull();
    expect(parseLexRange('', '+')).toBeNull();
    expect(parseLexRange('-x', '+')).toBeNull();
    expect(parseLexRange('[', '(')).toMatchObject({ min: '', max: '' });
  });
});

describe('zset handlers: effects, encodings, propagation', () => {
  let f: FakeServer;
  beforeEach(() => {
    f = fake();
  });

  it('ZADD creates a listpack, records new + zadd, dirty and modified', () => {
    expect(f.run('ZADD', 'z', '1', 'a', '2', 'b')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:new:z', '0:zadd:z']);
    expect(f.effects.dirty).toBe(2);
    expect(f.effects.modified).toEqual(['0:z']);
    expect(enc(f, 'z')).toBe('listpack');
    // Same score: nothing changes, nothing recorded.
    expect(f.run('ZADD', 'z', '1', 'a')).toBe(':0\r\n');
    expect(f.effects.events).toEqual([]);
    expect(f.effects.dirty).toBe(0);
    // CH counts updates.
    expect(f.run('ZADD', 'z', 'CH', '5', 'a', '3', 'c')).toBe(':2\r\n');
    expect(f.effects.dirty).toBe(2);
    valid(f, 'z');
  });

  it('ZADD option errors, in Redis order', () => {
    expect(f.run('ZADD', 'z', 'NX', 'XX', '1', 'a')).toBe('-ERR XX and NX options at the same time are not compatible\r\n');
    expect(f.run('ZADD', 'z', 'GT', 'LT', '1', 'a')).toBe('-ERR GT, LT, and/or NX options at the same time are not compatible\r\n');
    expect(f.run('ZADD', 'z', 'NX', 'GT', '1', 'a')).toBe('-ERR GT, LT, and/or NX options at the same time are not compatible\r\n');
    expect(f.run('ZADD', 'z', 'INCR', '1', 'a', '2', 'b')).toBe('-ERR INCR option supports a single increment-element pair\r\n');
    expect(f.run('ZADD', 'z', '1')).toBe('-ERR syntax error\r\n');
    expect(f.run('ZADD', 'z', 'NX', 'XX', '1')).toBe('-ERR syntax error\r\n');
    expect(f.run('ZADD', 'z', 'x', 'a')).toBe('-ERR value is not a valid float\r\n');
    expect(f.run('ZADD', 'z', '1', 'a', 'nan', 'b')).toBe('-ERR value is not a valid float\r\n');
    expect(f.db().peek('z')).toBeUndefined(); // nothing created on errors
    f.run('ZADD', 'z', 'inf', 'a');
    expect(f.run('ZADD', 'z', 'INCR', '-inf', 'a')).toBe('-ERR resulting score is not a number (NaN)\r\n');
    expect(f.run('ZINCRBY', 'z', '-inf', 'a')).toBe('-ERR resulting score is not a number (NaN)\r\n');
    f.set('s', 'x');
    expect(f.run('ZADD', 's', '1', 'a')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  });

  it('ZADD XX / NX / GT / LT / INCR semantics', () => {
    expect(f.run('ZADD', 'z', 'XX', '1', 'a')).toBe(':0\r\n');
    expect(f.db().peek('z')).toBeUndefined();
    expect(f.run('ZADD', 'z', 'XX', 'INCR', '1', 'a')).toBe('$-1\r\n');
    f.run('ZADD', 'z', '10', 'a');
    expect(f.run('ZADD', 'z', 'GT', 'CH', '5', 'a')).toBe(':0\r\n');
    expect(f.run('ZADD', 'z', 'GT', 'CH', '15', 'a')).toBe(':1\r\n');
    expect(f.run('ZADD', 'z', 'LT', 'CH', '20', 'a')).toBe(':0\r\n');
    expect(f.run('ZADD', 'z', 'GT', '1', 'new')).toBe(':1\r\n'); // GT only applies to existing
    expect(f.run('ZADD', 'z', 'NX', 'INCR', '1', 'a')).toBe('$-1\r\n');
    expect(f.run('ZADD', 'z', 'INCR', '2.5', 'a')).toBe('$4\r\n17.5\r\n');
    expect(f.effects.events).toEqual(['0:zincr:z']);
    expect(f.run('ZINCRBY', 'z', '0.1', 'x')).toBe('$19\r\n0.10000000000000001\r\n');
  });

  it('converts listpack -> skiplist at zset-max-listpack-entries and -value, never back on delete', () => {
    f = fake(4, 8);
    f.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    expect(enc(f, 'z')).toBe('listpack');
    f.run('ZADD', 'z', '5', 'e');
    expect(enc(f, 'z')).toBe('skiplist');
    valid(f, 'z');
    f.run('ZREM', 'z', 'a', 'b', 'c');
    expect(enc(f, 'z')).toBe('skiplist');
    f.run('ZADD', 'y', '1', 'short');
    expect(enc(f, 'y')).toBe('listpack');
    f.run('ZADD', 'y', '1', 'muchlonger');
    expect(enc(f, 'y')).toBe('skiplist');
    // A first member that is too long creates a skiplist directly.
    f.run('ZADD', 'w', '1', 'waytoolong');
    expect(enc(f, 'w')).toBe('skiplist');
    // CONFIG SET takes effect at the next decision.
    f.config.set('zset-max-listpack-entries', '0');
    f.run('ZADD', 'v', '1', 'a');
    expect(enc(f, 'v')).toBe('skiplist');
    expect(zsetEntries(f.db().peek('z')!)).toEqual([['d', 4], ['e', 5]]);
  });

  it('listpack stores -0 as 0 (like Redis), skiplist keeps -0', () => {
    f.run('ZADD', 'lp', '-0', 'a');
    expect(f.run('ZSCORE', 'lp', 'a')).toBe('$1\r\n0\r\n');
    f.config.set('zset-max-listpack-entries', '0');
    f.run('ZADD', 'sl', '-0', 'a');
    expect(f.run('ZSCORE', 'sl', 'a')).toBe('$2\r\n-0\r\n');
  });

  it('ZREM deletes the key when emptied: zrem + del', () => {
    f.run('ZADD', 'z', '1', 'a', '2', 'b');
    expect(f.run('ZREM', 'z', 'a', 'b', 'c')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:zrem:z', '0:del:z']);
    expect(f.effects.dirty).toBe(2);
    expect(f.db().peek('z')).toBeUndefined();
    expect(f.run('ZREM', 'z', 'a')).toBe(':0\r\n');
  });

  it('ZREMRANGEBY* events and key removal', () => {
    for (const [cmd, a, b, all0, all1, ev] of [
      ['ZREMRANGEBYRANK', '0', '1', '0', '-1', 'zremrangebyrank'],
      ['ZREMRANGEBYSCORE', '1', '2', '-inf', '+inf', 'zremrangebyscore'],
      ['ZREMRANGEBYLEX', '[a', '[b', '-', '+', 'zremrangebylex'],
    ] as const) {
      f.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
      expect(f.run(cmd, 'z', a, b)).toBe(':2\r\n');
      expect(f.effects.events).toEqual([`0:${ev}:z`]);
      expect(f.effects.dirty).toBe(2);
      expect(f.run(cmd, 'z', all0, all1)).toBe(':1\r\n');
      expect(f.effects.events).toEqual([`0:${ev}:z`, '0:del:z']);
    }
    expect(f.run('ZREMRANGEBYSCORE', 'z', 'x', '1')).toBe('-ERR min or max is not a float\r\n');
    expect(f.run('ZREMRANGEBYLEX', 'z', 'x', '+')).toBe('-ERR min or max not valid string range item\r\n');
  });

  it('ZPOPMIN/ZPOPMAX: events, reply shapes, key removal', () => {
    f.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    expect(f.run('ZPOPMIN', 'z')).toBe('*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(f.effects.events).toEqual(['0:zpopmin:z']);
    expect(f.effects.propagateAs).toBeUndefined();
    expect(f.run('ZPOPMAX', 'z', '5')).toBe('*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n');
    expect(f.effects.events).toEqual(['0:zpopmax:z', '0:del:z']);
    expect(f.effects.dirty).toBe(2);
    expect(f.run('ZPOPMIN', 'z')).toBe('*0\r\n');
    expect(f.run('ZPOPMIN', 'z', '-1')).toBe('-ERR value is out of range, must be positive\r\n');
    expect(f.run('ZPOPMIN', 'z', '1', '2')).toBe('-ERR syntax error\r\n');
    f.resp = 3;
    f.run('ZADD', 'z', '1', 'a');
    expect(f.run('ZPOPMIN', 'z', '1')).toBe('*1\r\n*2\r\n$1\r\na\r\n,1\r\n');
  });

  it('ZMPOP is propagated as ZPOPMIN/ZPOPMAX key count', () => {
    f.run('ZADD', 'z2', '1', 'a', '2', 'b', '3', 'c');
    expect(f.run('ZMPOP', '2', 'z1', 'z2', 'MAX', 'COUNT', '10')).toBe(
      '*2\r\n$2\r\nz2\r\n*3\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n',
    );
    expect(f.effects.propagateAs).toEqual(['ZPOPMAX', 'z2', '3']);
    expect(f.run('ZMPOP', '1', 'z2', 'MIN')).toBe('*-1\r\n');
    expect(f.run('ZMPOP', '0', 'z2', 'MIN')).toBe('-ERR numkeys should be greater than 0\r\n');
    expect(f.run('ZMPOP', '1', 'z2', 'MIN', 'COUNT', '0')).toBe('-ERR count should be greater than 0\r\n');
    expect(f.run('ZMPOP', '1', 'z2', 'MIN', 'COUNT', '1', 'COUNT', '1')).toBe('-ERR syntax error\r\n');
    expect(f.run('ZMPOP', '2', 'z2', 'MIN')).toBe('-ERR syntax error\r\n');
  });

  it('BZPOPMIN / BZMPOP served at once are propagated as ZPOPMIN / ZPOPMAX; without blocking they reply null', () => {
    f.run('ZADD', 'z', '1', 'a', '2', 'b');
    expect(f.run('BZPOPMIN', 'none', 'z', '0')).toBe('*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(f.effects.propagateAs).toEqual(['ZPOPMIN', 'z']);
    expect(f.run('BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '5')).toBe('*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n');
    expect(f.effects.propagateAs).toEqual(['ZPOPMAX', 'z', '1']);
    expect(f.run('BZPOPMAX', 'z', '0')).toBe('*-1\r\n'); // canBlock is false here
    expect(f.run('BZPOPMAX', 'z', 'x')).toBe('-ERR timeout is not a float or out of range\r\n');
    expect(f.run('BZPOPMAX', 'z', '-1')).toBe('-ERR timeout is negative\r\n');
  });

  it('ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE: events, conversion back to listpack, empty result deletes', () => {
    f.config.set('zset-max-listpack-entries', '2');
    f.run('ZADD', 'a', '1', 'x', '2', 'y', '3', 'z');
    f.run('ZADD', 'b', '1', 'y', '1', 'z', '1', 'w');
    expect(enc(f, 'a')).toBe('skiplist');
    expect(f.run('ZINTERSTORE', 'dst', '2', 'a', 'b', 'WEIGHTS', '2', '3')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:new:dst', '0:zinterstore:dst']);
    expect(f.effects.dirty).toBe(1);
    expect(enc(f, 'dst')).toBe('listpack'); // 2 members <= 2 entries
    expect(f.run('ZRANGE', 'dst', '0', '-1', 'WITHSCORES')).toBe('*4\r\n$1\r\ny\r\n$1\r\n7\r\n$1\r\nz\r\n$1\r\n9\r\n');
    expect(f.run('ZUNIONSTORE', 'dst', '2', 'a', 'b', 'AGGREGATE', 'MAX')).toBe(':4\r\n');
    expect(f.effects.events).toEqual(['0:zunionstore:dst']);
    expect(enc(f, 'dst')).toBe('skiplist');
    valid(f, 'dst');
    expect(f.run('ZDIFFSTORE', 'dst', '2', 'a', 'a')).toBe(':0\r\n');
    expect(f.effects.events).toEqual(['0:del:dst']);
    expect(f.db().peek('dst')).toBeUndefined();
    expect(f.run('ZDIFFSTORE', 'dst', '2', 'a', 'b')).toBe(':1\r\n');
    expect(f.effects.events).toEqual(['0:new:dst', '0:zdiffstore:dst']);
    // Sets are inputs with score 1.
    f.run('SADD', 'set', 'x', 'q');
    expect(f.run('ZUNION', '2', 'set', 'a', 'WITHSCORES')).toBe(
      '*8\r\n$1\r\nq\r\n$1\r\n1\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n',
    );
    f.set('str', 'v');
    expect(f.run('ZUNION', '2', 'a', 'str')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    expect(f.run('ZUNIONSTORE', 'd', '0', 'a')).toBe("-ERR at least 1 input key is needed for 'zunionstore' command\r\n");
    expect(f.run('ZINTER', '3', 'a', 'b')).toBe('-ERR syntax error\r\n');
    expect(f.run('ZINTER', '1', 'a', 'WEIGHTS', 'x')).toBe('-ERR weight value is not a float\r\n');
    expect(f.run('ZINTERCARD', '2', 'a', 'b', 'LIMIT', '-1')).toBe("-ERR LIMIT can't be negative\r\n");
    expect(f.run('ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1')).toBe(':1\r\n');
    expect(f.run('ZINTERCARD', '2', 'a', 'b')).toBe(':2\r\n');
  });

  it('ZRANGESTORE: listpack unless the rank range is known to be large; zrangestore event', () => {
    f.config.set('zset-max-listpack-entries', '3');
    f.run('ZADD', 'src', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
    expect(f.run('ZRANGESTORE', 'dst', 'src', '0', '1')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:new:dst', '0:zrangestore:dst']);
    expect(enc(f, 'dst')).toBe('listpack');
    expect(f.run('ZRANGESTORE', 'dst', 'src', '0', '-1')).toBe(':5\r\n');
    expect(enc(f, 'dst')).toBe('skiplist');
    expect(f.run('ZRANGESTORE', 'dst', 'src', '(1', '3', 'BYSCORE')).toBe(':2\r\n');
    expect(enc(f, 'dst')).toBe('listpack');
    expect(f.run('ZRANGESTORE', 'dst', 'src', '+', '-', 'BYLEX', 'REV', 'LIMIT', '0', '4')).toBe(':4\r\n');
    expect(enc(f, 'dst')).toBe('skiplist'); // grew past 3 and converted
    expect(f.run('ZRANGE', 'dst', '0', '-1')).toBe('*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n');
    expect(f.run('ZRANGESTORE', 'dst', 'src', '10', '20')).toBe(':0\r\n');
    expect(f.effects.events).toEqual(['0:del:dst']);
    expect(f.run('ZRANGESTORE', 'dst', 'src', '0', '1', 'WITHSCORES')).toBe('-ERR syntax error\r\n');
  });

  it('ZRANGE argument errors and LIMIT rules', () => {
    f.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    expect(f.run('ZRANGE', 'z', '0', '-1', 'LIMIT', '0', '1')).toBe(
      '-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n',
    );
    expect(f.run('ZRANGE', 'z', '0', '-1', 'LIMIT', '0', '-1')).toBe('*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n');
    expect(f.run('ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES')).toBe(
      '-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n',
    );
    expect(f.run('ZRANGE', 'z', '(1', '+inf', 'BYSCORE', 'LIMIT', '1', '1')).toBe('*1\r\n$1\r\nc\r\n');
    expect(f.run('ZRANGE', 'z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '0', '2')).toBe('*2\r\n$1\r\nc\r\n$1\r\nb\r\n');
    expect(f.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '-1', '2')).toBe('*0\r\n');
    expect(f.run('ZREVRANGE', 'z', '0', '0', 'WITHSCORES')).toBe('*2\r\n$1\r\nc\r\n$1\r\n3\r\n');
    expect(f.run('ZREVRANGE', 'z', '0', '0', 'REV')).toBe('-ERR syntax error\r\n');
    expect(f.run('ZRANGE', 'z', 'a', '1')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(f.run('ZRANGE', 'none', '0', '-1')).toBe('*0\r\n');
    expect(f.run('ZCOUNT', 'z', '(1', '3')).toBe(':2\r\n');
    expect(f.run('ZLEXCOUNT', 'z', '[b', '+')).toBe(':2\r\n');
  });

  it('ZSCAN: listpack text form of scores, skiplist %.17g, MATCH and COUNT', () => {
    f.run('ZADD', 'lp', '1e18', 'a', '0.5', 'b');
    expect(f.run('ZSCAN', 'lp', '0')).toBe('*2\r\n$1\r\n0\r\n*4\r\n$1\r\nb\r\n$3\r\n0.5\r\n$1\r\na\r\n$19\r\n1000000000000000000\r\n');
    f.config.set('zset-max-listpack-entries', '0');
    f.run('ZADD', 'sl', '1e18', 'a');
    expect(f.run('ZSCAN', 'sl', '0')).toBe('*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$5\r\n1e+18\r\n');
    for (let i = 0; i < 100; i++) f.run('ZADD', 'big', String(i), 'm' + i);
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const r = f.run('ZSCAN', 'big', cursor, 'COUNT', '7', 'MATCH', 'm1*');
      const parts = r.split('\r\n');
      cursor = parts[2] as string;
      for (let i = 4; i < parts.length; i += 4) if (parts[i + 1] !== undefined && parts[i]?.startsWith('$')) seen.add(parts[i + 1] as string);
      calls++;
    } while (cursor !== '0' && calls < 100);
    expect(calls).toBeGreaterThan(5);
    expect([...seen].sort()).toEqual(['m1', ...Array.from({ length: 10 }, (_, i) => 'm1' + i)].sort());
    expect(f.run('ZSCAN', 'big', 'x')).toBe('-ERR invalid cursor\r\n');
    expect(f.run('ZSCAN', 'big', '0', 'COUNT', '0')).toBe('-ERR syntax error\r\n');
    expect(f.run('ZSCAN', 'none', '0', 'BAD')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
  });

  it('COPY duplicates both encodings independently', () => {
    f.run('ZADD', 'lp', '1', 'a', '2', 'b');
    f.config.set('zset-max-listpack-entries', '0');
    for (let i = 0; i < 50; i++) f.run('ZADD', 'sl', String(i % 7), 'm' + i);
    for (const key of ['lp', 'sl']) {
      const o = f.db().peek(key)!;
      const copy = duplicateObject(o);
      expect(encodingName(copy)).toBe(encodingName(o));
      expect(zsetEntries(copy)).toEqual(zsetEntries(o));
      f.db().set(key + '2', copy);
      f.run('ZADD', key + '2', '100', 'new');
      f.run('ZREM', key + '2', key === 'lp' ? 'a' : 'm3');
      expect(zsetEntries(o).some(([m]) => m === 'new')).toBe(false);
      expect(zsetValidate(o)).toBeNull();
      valid(f, key + '2');
    }
  });

  it('ZRANDMEMBER: shapes, count rules, errors', () => {
    f.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    expect(f.run('ZRANDMEMBER', 'z', '10')).toBe('*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n');
    expect(f.run('ZRANDMEMBER', 'z', '0')).toBe('*0\r\n');
    expect(f.run('ZRANDMEMBER', 'z', '-5').startsWith('*5\r\n')).toBe(true);
    expect(f.run('ZRANDMEMBER', 'z', '2', 'WITHSCORES').startsWith('*4\r\n')).toBe(true);
    expect(f.run('ZRANDMEMBER', 'z', '2', 'BAD')).toBe('-ERR syntax error\r\n');
    expect(f.run('ZRANDMEMBER', 'z', '-9223372036854775808')).toBe(
      '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n',
    );
    expect(f.run('ZRANDMEMBER', 'z', '-9223372036854770000', 'WITHSCORES')).toBe('-ERR value is out of range\r\n');
    expect(f.run('ZRANDMEMBER', 'none')).toBe('$-1\r\n');
    expect(f.run('ZRANDMEMBER', 'none', '3')).toBe('*0\r\n');
    const picked = new Set<string>();
    for (let i = 0; i < 200; i++) picked.add(f.run('ZRANDMEMBER', 'z'));
    expect(picked.size).toBe(3);
  });

  it('a skiplist that shrinks a lot compacts and stays consistent', () => {
    f.config.set('zset-max-listpack-entries', '0');
    for (let i = 0; i < 3000; i++) f.run('ZADD', 'z', String(i), 'm' + i);
    f.run('ZREMRANGEBYRANK', 'z', '0', '2899');
    valid(f, 'z');
    expect(f.run('ZCARD', 'z')).toBe(':100\r\n');
    expect(f.run('ZRANK', 'z', 'm2950')).toBe(':50\r\n');
    expect(f.run('ZSCORE', 'z', 'm2999')).toBe('$4\r\n2999\r\n');
  });
});

describe('zset commands over the wire', () => {
  let s: RunningServer;
  let r2: Redis;
  let r3: Redis;
  beforeAll(async () => {
    s = await startServer({ port: 0, config: { loglevel: 'warning' } });
    r2 = new Redis({ port: s.port, protocol: 2, lazyConnect: false });
    r3 = new Redis({ port: s.port, protocol: 3, lazyConnect: false });
  });
  afterAll(async () => {
    r2.disconnect();
    r3.disconnect();
    await s.close();
  });

  it('basic replies in RESP2 and RESP3', async () => {
    await r2.del('z');
    expect(await r2.zadd('z', 1, 'a', 2.5, 'b', 'inf', 'c')).toBe(3);
    expect(await r2.zscore('z', 'b')).toBe('2.5');
    expect(await r2.zscore('z', 'c')).toBe('inf');
    expect(await r3.zscore('z', 'b')).toBe('2.5'); // ioredis gives RESP3 doubles as text
    expect(await r2.zrange('z', '0', '-1', 'WITHSCORES')).toEqual(['a', '1', 'b', '2.5', 'c', 'inf']);
    expect(await r3.call('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toEqual([['a', '1'], ['b', '2.5'], ['c', 'inf']]);
    expect(await r2.zmscore('z', 'a', 'nope')).toEqual(['1', null]);
    expect(await r2.zrank('z', 'c')).toBe(2);
    expect(await r2.zrevrank('z', 'c')).toBe(0);
    expect(await r2.zcard('z')).toBe(3);
    expect(await r2.object('ENCODING', 'z')).toBe('listpack');
  });

  it('exact RESP bytes for doubles and nulls', async () => {
    const a = await RawClient.connect(s.port);
    try {
      await a.call('DEL', 'z');
      await a.call('ZADD', 'z', '-inf', 'a', '0.1', 'b');
      expect(await a.call('ZSCORE', 'z', 'a')).toBe('$4\r\n-inf\r\n');
      expect(await a.call('ZSCORE', 'z', 'nope')).toBe('$-1\r\n');
      expect(await a.call('HELLO', '3')).toMatch(/^%/);
      expect(await a.call('ZSCORE', 'z', 'a')).toBe(',-inf\r\n');
      expect(await a.call('ZSCORE', 'z', 'b')).toBe(',0.10000000000000001\r\n');
      expect(await a.call('ZSCORE', 'z', 'nope')).toBe('_\r\n');
      expect(await a.call('ZRANK', 'nokey', 'x')).toBe('_\r\n');
      expect(await a.call('ZPOPMIN', 'z')).toBe('*2\r\n$1\r\na\r\n,-inf\r\n');
      expect(await a.call('ZMPOP', '1', 'nokey', 'MIN')).toBe('_\r\n');
    } finally {
      a.close();
    }
  });

  it('BZPOPMIN blocks and is served by a ZADD from another client; BZMPOP times out with null', async () => {
    const blocker = new Redis({ port: s.port, protocol: 2 });
    try {
      await r2.del('bz');
      const p = blocker.bzpopmin('bz', 0);
      await new Promise((res) => setTimeout(res, 50));
      await r2.zadd('bz', 5, 'x', 3, 'y');
      expect(await p).toEqual(['bz', 'y', '3']);
      expect(await r2.zrange('bz', '0', '-1')).toEqual(['x']);
      const t0 = Date.now();
      expect(await blocker.call('BZMPOP', '0.1', '1', 'nothing', 'MIN')).toBeNull();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
      // Inside MULTI a blocking pop does not block.
      const res = await r2.multi().bzpopmax('nothing', 0).exec();
      expect(res).toEqual([[null, null]]);
    } finally {
      blocker.disconnect();
    }
  });

  it('BZMPOP blocked on two keys is served from a ZUNIONSTORE destination', async () => {
    const blocker = new Redis({ port: s.port, protocol: 3 });
    try {
      await r2.del('k1', 'k2', 'src');
      await r2.zadd('src', 1, 'a', 2, 'b');
      const p = blocker.call('BZMPOP', '0', '2', 'k1', 'k2', 'MAX', 'COUNT', '5');
      await new Promise((res) => setTimeout(res, 50));
      expect(await r2.zunionstore('k2', 1, 'src')).toBe(2);
      expect(await p).toEqual(['k2', [['b', '2'], ['a', '1']]]);
      expect(await r2.exists('k2')).toBe(0);
    } finally {
      blocker.disconnect();
    }
  });

  it('large skiplist round trip (ranks, ranges, lex)', async () => {
    await r2.del('big');
    const args: string[] = [];
    for (let i = 0; i < 2000; i++) args.push(String(i % 100), 'm' + String(i).padStart(4, '0'));
    await r2.zadd('big', ...args);
    expect(await r2.object('ENCODING', 'big')).toBe('skiplist');
    expect(await r2.zcard('big')).toBe(2000);
    expect(await r2.zcount('big', 10, '(20')).toBe(200);
    expect(await r2.zrangebyscore('big', 99, 99, 'LIMIT', 0, 2)).toEqual(['m0099', 'm0199']);
    expect(await r2.zrevrange('big', 0, 1)).toEqual(['m1999', 'm1899']);
    expect(await r2.zrank('big', 'm0100')).toBe(1); // score 0, after m0000
    expect(await r2.zrank('big', 'm0001')).toBe(20);
    expect(await r2.zremrangebyscore('big', '-inf', '(50')).toBe(1000);
    expect(await r2.zcard('big')).toBe(1000);
  });
});
