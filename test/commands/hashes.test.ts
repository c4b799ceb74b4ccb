// Hash family tests.
//
// 1. Handler-level tests with the recording fake context: keyspace events, dirty counts,
//    HINCRBYFLOAT's propagation as HSET, encodings and the listpack -> hashtable conversions
//    driven by hash-max-listpack-entries / -value read at write time, COPY.
// 2. Server tests over ioredis in RESP2 and RESP3 (including CONFIG SET of the thresholds
//    and their ziplist aliases).
// 3. Raw RESP bytes where the reply shape matters (RESP3 maps, HRANDFIELD pairs, empty replies).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { FakeServer } from '../helpers/fake-ctx.js';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';
import { encodingName, type RObject } from '../../src/keyspace/object.js';
import { hashPairs } from '../../src/keyspace/types/hash.js';

function fake(entries = 512, value = 64): FakeServer {
  const f = new FakeServer();
  f.config.set('hash-max-listpack-entries', String(entries));
  f.config.set('hash-max-listpack-value', String(value));
  return f;
}

function enc(f: FakeServer, key: string): string {
  const o = f.db().peek(key);
  return o === undefined ? 'none' : encodingName(o);
}

function pairsOf(f: FakeServer, key: string): Record<string, string> {
  const o = f.db().peek(key) as RObject;
  const p = hashPairs(o);
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i += 2) out[p[i] as string] = p[i + 1] as string;
  return out;
}

describe('hash handlers: effects', () => {
  it('HSET creates, counts new fields, fires new + hset, dirty per pair', () => {
    const f = fake();
    expect(f.run('HSET', 'h', 'a', '1', 'b', '2')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:new:h', '0:hset:h']);
    expect(f.effects.modified).toEqual(['0:h']);
    expect(f.effects.dirty).toBe(2);
    expect(f.run('HSET', 'h', 'a', '10', 'c', '3')).toBe(':1\r\n');
    expect(f.effects.events).toEqual(['0:hset:h']);
    expect(f.effects.dirty).toBe(2);
    expect(f.run('HMSET', 'h', 'd', '4')).toBe('+OK\r\n');
    expect(f.run('hmset', 'h', 'd', '4')).toBe('+OK\r\n');
    expect(f.run('hSeT', 'h', 'd', '4')).toBe(':0\r\n');
    expect(pairsOf(f, 'h')).toEqual({ a: '10', b: '2', c: '3', d: '4' });
    expect(f.effects.propagateAs).toBeUndefined();
  });

  it('HSET/HMSET with an odd number of arguments is an arity error naming the command', () => {
    const f = fake();
    expect(f.run('HSET', 'h', 'a', '1', 'b')).toBe("-ERR wrong number of arguments for 'hset' command\r\n");
    expect(f.run('HMSET', 'h', 'a', '1', 'b')).toBe("-ERR wrong number of arguments for 'hmset' command\r\n");
    expect(f.db().peek('h')).toBeUndefined();
    expect(f.effects.dirty).toBe(0);
  });

  it('HSETNX sets only missing fields', () => {
    const f = fake();
    expect(f.run('HSETNX', 'h', 'a', '1')).toBe(':1\r\n');
    expect(f.effects.events).toEqual(['0:new:h', '0:hset:h']);
    expect(f.effects.dirty).toBe(1);
    expect(f.run('HSETNX', 'h', 'a', '2')).toBe(':0\r\n');
    expect(f.effects.events).toEqual([]);
    expect(f.effects.dirty).toBe(0);
    expect(f.effects.modified).toEqual([]);
    expect(pairsOf(f, 'h')).toEqual({ a: '1' });
  });

  it('HDEL counts deletions, deletes the emptied key with hdel + del events', () => {
    const f = fake();
    f.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    expect(f.run('HDEL', 'h', 'a', 'zz', 'a')).toBe(':1\r\n');
    expect(f.effects.events).toEqual(['0:hdel:h']);
    expect(f.effects.dirty).toBe(1);
    expect(f.run('HDEL', 'h', 'nope')).toBe(':0\r\n');
    expect(f.effects.events).toEqual([]);
    expect(f.effects.modified).toEqual([]);
    expect(f.run('HDEL', 'h', 'b', 'c', 'x')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:hdel:h', '0:del:h']);
    expect(f.effects.dirty).toBe(2);
    expect(f.db().peek('h')).toBeUndefined();
    expect(f.run('HDEL', 'h', 'a')).toBe(':0\r\n');
    // Emptied on the first field: the remaining arguments are not looked at.
    f.run('HSET', 'g', 'a', '1');
    expect(f.run('HDEL', 'g', 'a', 'a')).toBe(':1\r\n');
  });

  it('HINCRBY: creates, adds, detects non-integers and overflow', () => {
    const f = fake();
    expect(f.run('HINCRBY', 'h', 'n', '5')).toBe(':5\r\n');
    expect(f.effects.events).toEqual(['0:new:h', '0:hincrby:h']);
    expect(f.effects.dirty).toBe(1);
    expect(f.run('HINCRBY', 'h', 'n', '-10')).toBe(':-5\r\n');
    expect(f.run('HINCRBY', 'h', 'n', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    f.run('HSET', 'h', 'big', '9223372036854775806', 's', ' 1', 'f', '1.5');
    expect(f.run('HINCRBY', 'h', 'big', '1')).toBe(':9223372036854775807\r\n');
    expect(f.run('HINCRBY', 'h', 'big', '1')).toBe('-ERR increment or decrement would overflow\r\n');
    expect(f.run('HINCRBY', 'h', 'big', '-9223372036854775808')).toBe(':-1\r\n');
    expect(f.run('HINCRBY', 'h', 's', '1')).toBe('-ERR hash value is not an integer\r\n');
    expect(f.run('HINCRBY', 'h', 'f', '1')).toBe('-ERR hash value is not an integer\r\n');
    expect(f.effects.dirty).toBe(0);
    // The increment is parsed before the key is looked up or created.
    expect(f.run('HINCRBY', 'new', 'n', '1.0')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(f.db().peek('new')).toBeUndefined();
  });

  it('HINCRBYFLOAT: long double arithmetic, errors, propagates as HSET', () => {
    const f = fake();
    expect(f.run('HINCRBYFLOAT', 'h', 'x', '10.5')).toBe('$4\r\n10.5\r\n');
    expect(f.effects.propagateAs).toEqual(['HSET', 'h', 'x', '10.5']);
    expect(f.effects.events).toEqual(['0:new:h', '0:hincrbyfloat:h']);
    expect(f.run('HINCRBYFLOAT', 'h', 'x', '0.1')).toBe('$4\r\n10.6\r\n');
    f.run('HSET', 'h', 'y', '1.23');
    f.run('HINCRBYFLOAT', 'h', 'y', '0.77');
    expect(pairsOf(f, 'h').y).toBe('2');
    expect(f.run('HINCRBYFLOAT', 'h', 'x', 'abc')).toBe('-ERR value is not a valid float\r\n');
    expect(f.run('HINCRBYFLOAT', 'h', 'x', '+inf')).toBe('-ERR value is NaN or Infinity\r\n');
    expect(f.run('HINCRBYFLOAT', 'nokey', 'x', 'inf')).toBe('-ERR value is NaN or Infinity\r\n');
    expect(f.db().peek('nokey')).toBeUndefined();
    f.run('HSET', 'h', 'bad', '1 ', 'nul', '1\x002', 'huge', '1e4000');
    expect(f.run('HINCRBYFLOAT', 'h', 'bad', '1')).toBe('-ERR hash value is not a float\r\n');
    expect(f.run('HINCRBYFLOAT', 'h', 'nul', '1')).toBe('-ERR hash value is not a float\r\n');
    // 80-bit range: 1.7e308 * 2 does not overflow a long double
    f.run('HSET', 'h', 'max', '1.7e308');
    expect(f.run('HINCRBYFLOAT', 'h', 'max', '1.7e308')).toMatch(/^\$309\r\n34\d{307}\r\n$/);
  });
});

describe('hash handlers: encodings and conversions', () => {
  it('starts as listpack and converts after more than hash-max-listpack-entries fields', () => {
    const f = fake(4, 64);
    f.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
    expect(enc(f, 'h')).toBe('listpack');
    f.run('HSET', 'h', 'a', 'updated'); // an update does not grow the hash
    expect(enc(f, 'h')).toBe('listpack');
    f.run('HSET', 'h', 'e', '5');
    expect(enc(f, 'h')).toBe('hashtable');
    expect(pairsOf(f, 'h')).toEqual({ a: 'updated', b: '2', c: '3', d: '4', e: '5' });
    // one-way: shrinking does not convert back
    f.run('HDEL', 'h', 'a', 'b', 'c', 'd');
    expect(enc(f, 'h')).toBe('hashtable');
    expect(f.run('HLEN', 'h')).toBe(':1\r\n');
  });

  it('converts when any field or value argument is longer than hash-max-listpack-value', () => {
    const f = fake(512, 8);
    f.run('HSET', 'v', 'f', '12345678');
    expect(enc(f, 'v')).toBe('listpack');
    f.run('HSET', 'v', 'f', '123456789');
    expect(enc(f, 'v')).toBe('hashtable');
    f.run('HSET', 'k', '123456789', 'x');
    expect(enc(f, 'k')).toBe('hashtable');
    // all arguments are checked before any is written, even a pair that would be a no-op
    f.run('HSET', 'm', 'a', '1');
    f.run('HSET', 'm', 'a', '1', 'b', 'much too long');
    expect(enc(f, 'm')).toBe('hashtable');
    // HSETNX on an existing field does not convert
    f.run('HSET', 'n', 'a', '1');
    f.run('HSETNX', 'n', 'a', 'much too long');
    expect(enc(f, 'n')).toBe('listpack');
    f.run('HSETNX', 'n', 'b', 'much too long');
    expect(enc(f, 'n')).toBe('hashtable');
    // the created key is a listpack, converted by the write
    f.run('HSET', 'z', 'a', 'much too long');
    expect(enc(f, 'z')).toBe('hashtable');
  });

  it('HINCRBY / HINCRBYFLOAT results longer than the value limit convert', () => {
    const f = fake(512, 3);
    f.run('HINCRBY', 'h', 'n', '999');
    expect(enc(f, 'h')).toBe('listpack');
    f.run('HINCRBY', 'h', 'n', '1');
    expect(enc(f, 'h')).toBe('hashtable');
    expect(f.run('HGET', 'h', 'n')).toBe('$4\r\n1000\r\n');
    f.run('HINCRBYFLOAT', 'g', 'x', '1.5');
    expect(enc(f, 'g')).toBe('listpack');
    f.run('HINCRBYFLOAT', 'g', 'x', '0.25');
    expect(enc(f, 'g')).toBe('hashtable');
    // a long field name converts too (hashTypeSet's own check)
    f.run('HINCRBY', 'i', 'longfield', '1');
    expect(enc(f, 'i')).toBe('hashtable');
  });

  it('reads the thresholds at write time (config changes apply to the next write)', () => {
    const f = fake(512, 64);
    f.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    f.config.set('hash-max-listpack-entries', '2');
    expect(enc(f, 'h')).toBe('listpack');
    f.run('HGET', 'h', 'a');
    expect(enc(f, 'h')).toBe('listpack');
    f.run('HSET', 'h', 'a', 'x'); // an update checks the length too
    expect(enc(f, 'h')).toBe('hashtable');
    f.run('HSET', 'g', 'a', '1', 'b', '2', 'c', '3');
    expect(enc(f, 'g')).toBe('hashtable');
    f.config.set('hash-max-listpack-entries', '3');
    f.run('HSET', 'k', 'a', '1', 'b', '2', 'c', '3');
    f.config.set('hash-max-listpack-entries', '2');
    f.run('HINCRBY', 'k', 'a', '1');
    expect(enc(f, 'k')).toBe('hashtable');
    f.config.set('hash-max-listpack-entries', '0');
    f.run('HSET', 'z', 'a', '1');
    expect(enc(f, 'z')).toBe('hashtable');
  });

  it('every command answers WRONGTYPE on a string key', () => {
    const f = fake();
    f.set('s', 'v');
    const wt = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
    for (const argv of [
      ['HSET', 's', 'a', '1'], ['HSETNX', 's', 'a', '1'], ['HMSET', 's', 'a', '1'], ['HGET', 's', 'a'],
      ['HMGET', 's', 'a'], ['HDEL', 's', 'a'], ['HLEN', 's'], ['HSTRLEN', 's', 'a'], ['HEXISTS', 's', 'a'],
      ['HKEYS', 's'], ['HVALS', 's'], ['HGETALL', 's'], ['HINCRBY', 's', 'a', '1'],
      ['HINCRBYFLOAT', 's', 'a', '1'], ['HRANDFIELD', 's'], ['HRANDFIELD', 's', '2'], ['HSCAN', 's', '0'],
    ]) {
      expect(f.run(...argv), argv.join(' ')).toBe(wt);
    }
  });

  it('read commands on missing keys, and keymiss', () => {
    const f = fake();
    expect(f.run('HGET', 'no', 'a')).toBe('$-1\r\n');
    expect(f.effects.events).toEqual(['0:keymiss:no']);
    expect(f.run('HMGET', 'no', 'a', 'b')).toBe('*2\r\n$-1\r\n$-1\r\n');
    expect(f.run('HLEN', 'no')).toBe(':0\r\n');
    expect(f.run('HSTRLEN', 'no', 'a')).toBe(':0\r\n');
    expect(f.run('HEXISTS', 'no', 'a')).toBe(':0\r\n');
    expect(f.run('HKEYS', 'no')).toBe('*0\r\n');
    expect(f.run('HVALS', 'no')).toBe('*0\r\n');
    expect(f.run('HGETALL', 'no')).toBe('*0\r\n');
    expect(f.run('HRANDFIELD', 'no')).toBe('$-1\r\n');
    expect(f.run('HRANDFIELD', 'no', '5')).toBe('*0\r\n');
    expect(f.run('HSCAN', 'no', '0')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
    f.resp = 3;
    expect(f.run('HGETALL', 'no')).toBe('%0\r\n');
    expect(f.run('HGET', 'no', 'a')).toBe('_\r\n');
    expect(f.run('HRANDFIELD', 'no')).toBe('_\r\n');
  });

  it('HSTRLEN, HEXISTS, HMGET on both encodings', () => {
    for (const [entries, encoding] of [[512, 'listpack'], [1, 'hashtable']] as const) {
      const f = fake(entries);
      f.run('HSET', 'h', 'a', 'hello', 'n', '-123', 'e', '', 'b', '\x00\xff');
      expect(enc(f, 'h')).toBe(encoding);
      expect(f.run('HSTRLEN', 'h', 'a')).toBe(':5\r\n');
      expect(f.run('HSTRLEN', 'h', 'n')).toBe(':4\r\n');
      expect(f.run('HSTRLEN', 'h', 'e')).toBe(':0\r\n');
      expect(f.run('HSTRLEN', 'h', 'zz')).toBe(':0\r\n');
      expect(f.run('HEXISTS', 'h', 'e')).toBe(':1\r\n');
      expect(f.run('HEXISTS', 'h', 'zz')).toBe(':0\r\n');
      expect(f.run('HMGET', 'h', 'b', 'zz', 'e')).toBe('*3\r\n$2\r\n\x00\xff\r\n$-1\r\n$0\r\n\r\n');
      expect(f.run('HLEN', 'h')).toBe(':4\r\n');
    }
  });

  it('COPY duplicates both encodings independently', () => {
    for (const entries of [512, 1]) {
      const f = fake(entries);
      f.run('HSET', 'src', 'a', '1', 'b', '2');
      expect(f.run('COPY', 'src', 'dst')).toBe(':1\r\n');
      expect(enc(f, 'dst')).toBe(enc(f, 'src'));
      f.run('HSET', 'dst', 'a', 'changed', 'c', '3');
      f.run('HDEL', 'src', 'b');
      expect(pairsOf(f, 'src')).toEqual({ a: '1' });
      expect(pairsOf(f, 'dst')).toEqual({ a: 'changed', b: '2', c: '3' });
    }
  });

  it('HGETALL keeps listpack insertion order; HKEYS / HVALS match it', () => {
    const f = fake();
    f.run('HSET', 'h', 'z', '1', 'a', '2', 'm', '3');
    expect(f.run('HGETALL', 'h')).toBe('*6\r\n$1\r\nz\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nm\r\n$1\r\n3\r\n');
    expect(f.run('HKEYS', 'h')).toBe('*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nm\r\n');
    expect(f.run('HVALS', 'h')).toBe('*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
    f.resp = 3;
    expect(f.run('HGETALL', 'h')).toBe('%3\r\n$1\r\nz\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nm\r\n$1\r\n3\r\n');
  });
});

describe('HRANDFIELD and HSCAN (handlers)', () => {
  it('argument errors', () => {
    const f = fake();
    f.run('HSET', 'h', 'a', '1');
    expect(f.run('HRANDFIELD', 'h', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(f.run('HRANDFIELD', 'h', '-9223372036854775808')).toBe(
      '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n');
    expect(f.run('HRANDFIELD', 'h', '-9223372036854770000', 'withvalues')).toBe('-ERR value is out of range\r\n');
    expect(f.run('HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES')).toBe('-ERR value is out of range\r\n');
    expect(f.run('HRANDFIELD', 'h', '1', 'withvalue')).toBe('-ERR syntax error\r\n');
    expect(f.run('HRANDFIELD', 'h', '1', 'withvalues', 'x')).toBe('-ERR syntax error\r\n');
    // count parsed before the key is checked
    f.set('s', 'x');
    expect(f.run('HRANDFIELD', 's', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(f.run('HRANDFIELD', 'h', '0')).toBe('*0\r\n');
    expect(f.run('HRANDFIELD', 'h', '0', 'withvalues')).toBe('*0\r\n');
  });

  for (const entries of [512, 3]) {
    it(`HRANDFIELD shapes and membership (${entries === 512 ? 'listpack' : 'hashtable'})`, () => {
      const f = fake(entries);
      const all: Record<string, string> = {};
      for (let i = 0; i < 10; i++) all[`f${i}`] = `v${i}`;
      f.run('HSET', 'h', ...Object.entries(all).flat());
      const parse = (raw: string): string[] => raw.split('\r\n').filter((l) => l !== '' && !/^[*$%]/.test(l));
      // single
      expect(all[parse(f.run('HRANDFIELD', 'h'))[0] as string]).toBeDefined();
      for (const count of [1, 2, 5, 8, 10, 20]) {
        const raw = f.run('HRANDFIELD', 'h', String(count), 'WITHVALUES');
        const n = Math.min(count, 10);
        expect(raw.startsWith(`*${n * 2}\r\n`)).toBe(true);
        const items = parse(raw);
        const fields = new Set<string>();
        for (let i = 0; i < items.length; i += 2) {
          expect(all[items[i] as string]).toBe(items[i + 1]);
          fields.add(items[i] as string);
        }
        expect(fields.size).toBe(n); // unique
        expect(parse(f.run('HRANDFIELD', 'h', String(count)))).toHaveLength(n);
      }
      // negative: repetitions, exact count
      const neg = parse(f.run('HRANDFIELD', 'h', '-50'));
      expect(neg).toHaveLength(50);
      for (const x of neg) expect(all[x]).toBeDefined();
      // every field shows up eventually
      const seen = new Set(parse(f.run('HRANDFIELD', 'h', '-1000')));
      expect(seen.size).toBe(10);
      // RESP3: pairs as 2-element arrays
      f.resp = 3;
      const r3 = f.run('HRANDFIELD', 'h', '3', 'WITHVALUES');
      expect(r3.startsWith('*3\r\n*2\r\n$')).toBe(true);
      expect(f.run('HRANDFIELD', 'h', '-2', 'WITHVALUES').startsWith('*2\r\n*2\r\n$')).toBe(true);
      expect(f.run('HRANDFIELD', 'h', '2').startsWith('*2\r\n$')).toBe(true);
    });
  }

  it('HSCAN: listpack returns everything in one call with cursor 0; MATCH filters fields', () => {
    const f = fake();
    f.run('HSET', 'h', 'foo', '1', 'bar', '2', 'fab', '3');
    expect(f.run('HSCAN', 'h', '0')).toBe(
      '*2\r\n$1\r\n0\r\n*6\r\n$3\r\nfoo\r\n$1\r\n1\r\n$3\r\nbar\r\n$1\r\n2\r\n$3\r\nfab\r\n$1\r\n3\r\n');
    expect(f.run('HSCAN', 'h', '123', 'COUNT', '1', 'MATCH', 'f*')).toBe(
      '*2\r\n$1\r\n0\r\n*4\r\n$3\r\nfoo\r\n$1\r\n1\r\n$3\r\nfab\r\n$1\r\n3\r\n');
    expect(f.run('HSCAN', 'h', 'x')).toBe('-ERR invalid cursor\r\n');
    expect(f.run('HSCAN', 'h', '0', 'COUNT', '0')).toBe('-ERR syntax error\r\n');
    expect(f.run('HSCAN', 'h', '0', 'COUNT', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(f.run('HSCAN', 'h', '0', 'TYPE', 'string')).toBe('-ERR syntax error\r\n');
    expect(f.run('HSCAN', 'h', '0', 'MATCH')).toBe('-ERR syntax error\r\n');
    // options are not parsed for a missing key
    expect(f.run('HSCAN', 'no', '0', 'BAD')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
    expect(f.run('HSCAN', 'no', 'x')).toBe('-ERR invalid cursor\r\n');
  });

  it('HSCAN over a hashtable visits every field with a cursor', () => {
    const f = fake(16);
    const want = new Map<string, string>();
    for (let i = 0; i < 500; i++) want.set(`field:${i}`, `val:${i}`);
    for (const [k, v] of want) f.run('HSET', 'h', k, v);
    expect(enc(f, 'h')).toBe('hashtable');
    const got = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const raw = f.run('HSCAN', 'h', cursor, 'COUNT', '20');
      const lines = raw.split('\r\n');
      cursor = lines[2] as string;
      const items = lines.slice(4).filter((_, i) => i % 2 === 1);
      for (let i = 0; i + 1 < items.length; i += 2) got.set(items[i] as string, items[i + 1] as string);
      calls++;
    } while (cursor !== '0' && calls < 1000);
    expect(cursor).toBe('0');
    expect(calls).toBeGreaterThan(10);
    expect(got).toEqual(want);
    // MATCH on fields only
    const raw = f.run('HSCAN', 'h', '0', 'COUNT', '1000', 'MATCH', 'field:1?');
    expect(raw.split('\r\n').filter((l) => l.startsWith('field:'))).toHaveLength(10);
    expect(raw).toContain('val:15');
  });
});

/* ---- over the wire ------------------------------------------------------------------------ */

describe('hash commands over the wire', () => {
  let server: RunningServer;
  let r2: Redis;
  let r3: Redis;
  let raw: RawClient;
  beforeAll(async () => {
    server = await startServer({ port: 0, config: { loglevel: 'warning' } });
    r2 = new Redis({ port: server.port, protocol: 2 });
    r3 = new Redis({ port: server.port, protocol: 3, replyMapping: 'resp3' });
    raw = await RawClient.connect(server.port);
  });
  afterAll(async () => {
    raw.close();
    r2.disconnect();
    r3.disconnect();
    await server.close();
  });
  beforeEach(async () => {
    await r2.flushall();
    await r2.config('SET', 'hash-max-listpack-entries', '128');
    await r2.config('SET', 'hash-max-listpack-value', '64');
  });

  for (const proto of [2, 3] as const) {
    it(`basic commands (RESP${proto})`, async () => {
      const r = proto === 2 ? r2 : r3;
      expect(await r.hset('h', 'a', '1', 'b', '2')).toBe(2);
      expect(await r.hset('h', { c: '3' })).toBe(1);
      expect(await r.hmset('h', 'd', '4')).toBe('OK');
      expect(await r.hsetnx('h', 'a', 'x')).toBe(0);
      expect(await r.hget('h', 'a')).toBe('1');
      expect(await r.hget('h', 'zz')).toBeNull();
      expect(await r.hmget('h', 'a', 'zz', 'd')).toEqual(['1', null, '4']);
      expect(await r.hlen('h')).toBe(4);
      expect(await r.hstrlen('h', 'a')).toBe(1);
      expect(await r.hexists('h', 'b')).toBe(1);
      expect(await r.hkeys('h')).toEqual(['a', 'b', 'c', 'd']);
      expect(await r.hvals('h')).toEqual(['1', '2', '3', '4']);
      expect(await r.hgetall('h')).toEqual({ a: '1', b: '2', c: '3', d: '4' });
      expect(await r.hincrby('h', 'a', 41)).toBe(42);
      expect(await r.hincrbyfloat('h', 'f', '0.1')).toBe('0.1');
      expect(await r.hincrbyfloat('h', 'f', '0.2')).toBe('0.3');
      expect(await r.hdel('h', 'a', 'b', 'zz')).toBe(2);
      expect(await r.object('ENCODING', 'h')).toBe('listpack');
      expect(await r.type('h')).toBe('hash');
      const [cursor, items] = await r.hscan('h', '0');
      expect(cursor).toBe('0');
      expect(items).toEqual(['c', '3', 'd', '4', 'f', '0.3']);
      expect(await r.hrandfield('h')).toMatch(/^[cdf]$/);
      expect((await r.hrandfield('h', 5)) as string[]).toHaveLength(3);
      await expect(r.hincrby('h', 'c', 'x' as unknown as number)).rejects.toThrow('ERR value is not an integer or out of range');
      await expect(r.hincrbyfloat('h', 'd', 'inf')).rejects.toThrow('ERR value is NaN or Infinity');
    });
  }

  it('CONFIG SET of the thresholds and their ziplist aliases drives conversions', async () => {
    await r2.config('SET', 'hash-max-ziplist-entries', '3');
    expect(await r2.config('GET', 'hash-max-listpack-entries')).toEqual(['hash-max-listpack-entries', '3']);
    await r2.hset('h', 'a', '1', 'b', '2', 'c', '3');
    expect(await r2.object('ENCODING', 'h')).toBe('listpack');
    await r2.hset('h', 'd', '4');
    expect(await r2.object('ENCODING', 'h')).toBe('hashtable');
    await r2.config('SET', 'hash-max-ziplist-value', '4');
    await r2.hset('v', 'a', '1234');
    expect(await r2.object('ENCODING', 'v')).toBe('listpack');
    await r2.hset('v', 'b', '12345');
    expect(await r2.object('ENCODING', 'v')).toBe('hashtable');
    expect(await r2.hgetall('v')).toEqual({ a: '1234', b: '12345' });
    await r2.config('SET', 'hash-max-listpack-value', '64');
    await r2.hset('w', 'b', '12345');
    expect(await r2.object('ENCODING', 'w')).toBe('listpack');
  });

  it('big hashes: hashtable reads, HSCAN iteration, HRANDFIELD uniqueness', async () => {
    const args: string[] = [];
    for (let i = 0; i < 300; i++) args.push(`k${i}`, `v${i}`);
    expect(await r2.hset('big', ...args)).toBe(300);
    expect(await r2.object('ENCODING', 'big')).toBe('hashtable');
    const all = await r2.hgetall('big');
    expect(Object.keys(all)).toHaveLength(300);
    expect(all.k123).toBe('v123');
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, items] = await r2.hscan('big', cursor, 'COUNT', 50);
      for (let i = 0; i < items.length; i += 2) seen.add(items[i] as string);
      cursor = next;
    } while (cursor !== '0');
    expect(seen.size).toBe(300);
    const pick = (await r2.hrandfield('big', 250)) as string[];
    expect(new Set(pick).size).toBe(250);
    const pick2 = (await r2.hrandfield('big', 20, 'WITHVALUES')) as string[];
    expect(pick2).toHaveLength(40);
    for (let i = 0; i < 40; i += 2) expect(pick2[i + 1]).toBe(`v${(pick2[i] as string).slice(1)}`);
  });

  it('raw RESP3 shapes: HGETALL map, HRANDFIELD pairs, empty replies', async () => {
    await raw.call('HELLO', '3');
    await raw.call('HSET', 'h', 'a', '1');
    expect(await raw.call('HGETALL', 'h')).toBe('%1\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(await raw.call('HRANDFIELD', 'h', '1', 'WITHVALUES')).toBe('*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(await raw.call('HRANDFIELD', 'h', '-2', 'WITHVALUES')).toBe(
      '*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(await raw.call('HRANDFIELD', 'h', '5')).toBe('*1\r\n$1\r\na\r\n');
    expect(await raw.call('HGETALL', 'missing')).toBe('%0\r\n');
    expect(await raw.call('HKEYS', 'missing')).toBe('*0\r\n');
    expect(await raw.call('HGET', 'missing', 'a')).toBe('_\r\n');
    expect(await raw.call('HSCAN', 'h', '0')).toBe('*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    await raw.call('HELLO', '2');
    expect(await raw.call('HRANDFIELD', 'h', '-2', 'WITHVALUES')).toBe('*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(await raw.call('HGETALL', 'missing')).toBe('*0\r\n');
  });

  it('binary-safe fields and values', async () => {
    const field = Buffer.from([0, 255, 13, 10, 128]);
    const value = Buffer.from([1, 2, 0, 200]);
    await r2.hset('bin', field, value);
    expect(await r2.hgetBuffer('bin', field)).toEqual(value);
    const all = await r2.hgetallBuffer('bin');
    expect(Object.values(all)[0]).toEqual(value);
  });
});

describe('hash keyspace notifications over the wire', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, config: { loglevel: 'warning', 'notify-keyspace-events': 'KEA' } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('publishes hset, hincrby, hincrbyfloat, hdel and del', async () => {
    const sub = new Redis({ port: server.port, protocol: 2 });
    const r = new Redis({ port: server.port, protocol: 2 });
    const events: string[] = [];
    sub.on('pmessage', (_p: string, channel: string, message: string) => {
      if (channel.startsWith('__keyevent@0__:')) events.push(`${channel.slice(15)} ${message}`);
    });
    await sub.psubscribe('__keyevent@0__:*');
    await r.hset('h', 'a', '1');
    await r.hsetnx('h', 'a', '2'); // no event
    await r.hincrby('h', 'n', 1);
    await r.hincrbyfloat('h', 'f', '1.5');
    await r.hdel('h', 'zz'); // no event
    await r.hdel('h', 'a', 'n', 'f');
    await r.ping();
    await new Promise((res) => setTimeout(res, 50));
    // 'new' is not part of the A class
    expect(events).toEqual(['hset h', 'hincrby h', 'hincrbyfloat h', 'hdel h', 'del h']);
    sub.disconnect();
    r.disconnect();
  });
});
