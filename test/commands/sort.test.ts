// SORT / SORT_RO tests.
//
// 1. Handler-level effects with the shared recording context (STORE events, dirty counts,
//    deletion of the destination, keymiss from pattern lookups).
// 2. Server tests over ioredis in RESP2 and RESP3: lists, sets and sorted sets, BY (keys, hash
//    fields, nosort), GET (#, keys, hash fields), LIMIT, ASC/DESC, ALPHA, STORE, errors.
// 3. The strtod-like weight parser.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { FakeServer } from '../helpers/fake-ctx.js';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';
import { sortWeight } from '../../src/commands/sort.js';
import { encodingName } from '../../src/keyspace/object.js';

function fake(): FakeServer {
  const f = new FakeServer();
  for (const [k, v] of [
    ['set-max-intset-entries', '512'],
    ['list-max-listpack-size', '-2'],
    ['list-compress-depth', '0'],
    ['zset-max-listpack-entries', '128'],
    ['zset-max-listpack-value', '64'],
  ]) f.config.set(k as string, v as string);
  return f;
}

describe('SORT effects', () => {
  let f: FakeServer;
  beforeEach(() => {
    f = fake();
  });

  it('STORE creates a list: new, sortstore, one dirty per element', () => {
    f.run('SADD', 's', '3', '1', '2');
    expect(f.run('SORT', 's', 'STORE', 'dst')).toBe(':3\r\n');
    expect(f.effects.events).toEqual(['0:new:dst', '0:sortstore:dst']);
    expect(f.effects.dirty).toBe(3);
    expect(f.effects.modified).toEqual(['0:dst']);
    expect(encodingName(f.db().peek('dst')!)).toBe('quicklist');
    expect(f.run('LRANGE', 'dst', '0', '-1')).toBe('*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
    // Overwriting: no `new`, the TTL goes.
    f.db().setExpire('dst', f.ks.now + 10000);
    f.run('SORT', 's', 'DESC', 'STORE', 'dst');
    expect(f.effects.events).toEqual(['0:sortstore:dst']);
    expect(f.db().getExpire('dst')).toBe(-1);
  });

  it('an empty result deletes the destination (and does nothing if it is missing)', () => {
    f.run('RPUSH', 'dst', 'x');
    expect(f.run('SORT', 'missing', 'STORE', 'dst')).toBe(':0\r\n');
    expect(f.effects.events).toEqual(['0:keymiss:missing', '0:del:dst']);
    expect(f.effects.dirty).toBe(1);
    expect(f.db().peek('dst')).toBeUndefined();
    expect(f.run('SORT', 'missing', 'STORE', 'dst')).toBe(':0\r\n');
    expect(f.effects.events).toEqual(['0:keymiss:missing']);
    expect(f.effects.dirty).toBe(0);
  });

  it('pattern lookups are reads (keymiss for missing weights)', () => {
    f.run('RPUSH', 'l', 'a', 'b');
    f.set('w_a', '1');
    expect(f.run('SORT', 'l', 'BY', 'w_*')).toBe('*2\r\n$1\r\nb\r\n$1\r\na\r\n');
    expect(f.effects.events).toEqual(['0:keymiss:w_b']);
    expect(f.effects.dirty).toBe(0);
  });

  it('a conversion error stores nothing', () => {
    f.run('RPUSH', 'l', '1', 'x');
    f.run('RPUSH', 'dst', 'keep');
    expect(f.run('SORT', 'l', 'STORE', 'dst')).toBe("-ERR One or more scores can't be converted into double\r\n");
    expect(f.run('LRANGE', 'dst', '0', '-1')).toBe('*1\r\n$4\r\nkeep\r\n');
  });

  it('BY nosort on a set sorts ALPHA when storing or inside a script', () => {
    f.run('SADD', 's', 'b', 'c', 'a');
    f.run('SORT', 's', 'BY', 'nosort', 'STORE', 'd');
    expect(f.run('LRANGE', 'd', '0', '-1')).toBe('*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n');
    f.callFlags = 2; // CALL_FROM_SCRIPT
    expect(f.run('SORT', 's', 'BY', 'nosort', 'DESC')).toBe('*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n');
  });

  it('sorting a sorted set converts it to the skiplist encoding, as Redis does', () => {
    f.run('ZADD', 'z', '1', 'a', '2', 'b');
    expect(encodingName(f.db().peek('z')!)).toBe('listpack');
    f.run('SORT', 'z', 'ALPHA');
    expect(encodingName(f.db().peek('z')!)).toBe('skiplist');
  });
});

describe('sortWeight (strtod rules)', () => {
  it('accepts what strtod consumes entirely', () => {
    expect(sortWeight('')).toBe(0);
    expect(sortWeight('1.5')).toBe(1.5);
    expect(sortWeight(' 7')).toBe(7);
    expect(sortWeight('\t-2e3')).toBe(-2000);
    expect(sortWeight('0x10')).toBe(16);
    expect(sortWeight('inf')).toBe(Infinity);
    expect(sortWeight('-Infinity')).toBe(-Infinity);
    expect(sortWeight('5.')).toBe(5);
    expect(sortWeight('.5')).toBe(0.5);
    expect(sortWeight('12\x00junk')).toBe(12);
    expect(sortWeight('0x1p-1074')).toBe(5e-324);
  });
  it('rejects the rest', () => {
    for (const bad of ['  ', 'x', '1x', '7 ', 'nan', '1e400', '-1e400', '1e-400', '1e-320', '1e', '--1']) {
      expect(sortWeight(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});

describe('SORT over the wire', () => {
  let server: RunningServer;
  let r2: Redis;
  let r3: Redis;
  let raw: RawClient;
  beforeAll(async () => {
    server = await startServer({ port: 0, config: { loglevel: 'warning' } });
    r2 = new Redis({ port: server.port, protocol: 2 });
    r3 = new Redis({ port: server.port, protocol: 3 });
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
  });

  for (const proto of [2, 3] as const) {
    it(`lists, sets and sorted sets (RESP${proto})`, async () => {
      const r = proto === 2 ? r2 : r3;
      await r.rpush('l', '3', '1', '2', '10', '1.5');
      expect(await r.sort('l')).toEqual(['1', '1.5', '2', '3', '10']);
      expect(await r.sort('l', 'DESC')).toEqual(['10', '3', '2', '1.5', '1']);
      expect(await r.sort('l', 'ALPHA')).toEqual(['1', '1.5', '10', '2', '3']);
      expect(await r.sort('l', 'LIMIT', 1, 2)).toEqual(['1.5', '2']);
      expect(await r.sort('l', 'LIMIT', -10, 2)).toEqual(['1', '1.5']);
      expect(await r.sort('l', 'LIMIT', 10, 2)).toEqual([]);
      expect(await r.sort('l', 'BY', 'nosort')).toEqual(['3', '1', '2', '10', '1.5']);
      expect(await r.call('SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2')).toEqual(['10', '2']);
      expect(await r.sort_ro('l', 'LIMIT', 0, 1)).toEqual(['1']);
      await r.sadd('s', 'b', 'a', 'c');
      expect(await r.sort('s', 'ALPHA')).toEqual(['a', 'b', 'c']);
      await r.zadd('z', 1, 'a', 5, 'b', 2, 'c', 10, 'd', 3, 'e');
      expect(await r.sort('z', 'BY', 'nosort')).toEqual(['a', 'c', 'e', 'b', 'd']);
      expect(await r.sort('z', 'BY', 'nosort', 'DESC')).toEqual(['d', 'b', 'e', 'c', 'a']);
      expect(await r.call('SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '0', '2')).toEqual(['d', 'b']);
      expect(await r.call('SORT', 'z', 'ALPHA', 'DESC')).toEqual(['e', 'd', 'c', 'b', 'a']);
      expect(await r.sort('missing')).toEqual([]);
    });

    it(`BY and GET with keys and hash fields (RESP${proto})`, async () => {
      const r = proto === 2 ? r2 : r3;
      await r.rpush('l', 'a', 'b', 'c');
      await r.mset('w_a', '3', 'w_b', '1', 'w_c', '2');
      await r.hset('h_a', 'f', 'x', 'n', '30');
      await r.hset('h_c', 'f', 'z', 'n', '10');
      expect(await r.sort('l', 'BY', 'w_*')).toEqual(['b', 'c', 'a']);
      expect(await r.sort('l', 'BY', 'h_*->n')).toEqual(['b', 'c', 'a']);
      expect(await r.sort('l', 'BY', 'w_*', 'GET', '#', 'GET', 'w_*', 'GET', 'h_*->f')).toEqual(['b', '1', null, 'c', '2', 'z', 'a', '3', 'x']);
      expect(await r.call('SORT', 'l', 'BY', 'h_*->f', 'ALPHA', 'DESC')).toEqual(['c', 'a', 'b']);
      expect(await r.call('SORT', 'l', 'ALPHA', 'GET', 'nostar')).toEqual([null, null, null]);
      expect(await r.sort('l', 'BY', 'w_*', 'LIMIT', 0, 1, 'STORE', 'dst')).toBe(1);
      expect(await r.lrange('dst', 0, -1)).toEqual(['b']);
      expect(await r.sort('l', 'BY', 'w_*', 'GET', 'h_*->f', 'STORE', 'dst')).toBe(3);
      expect(await r.lrange('dst', 0, -1)).toEqual(['', 'z', 'x']);
      // Equal weights fall back to the elements' byte order.
      await r.mset('w_a', '5', 'w_b', '5', 'w_c', '5');
      expect(await r.sort('l', 'BY', 'w_*', 'DESC')).toEqual(['c', 'b', 'a']);
    });
  }

  it('errors', async () => {
    await r2.rpush('l', '1', 'x');
    await r2.set('str', 'v');
    await expect(r2.sort('l')).rejects.toThrow("ERR One or more scores can't be converted into double");
    await expect(r2.sort('str')).rejects.toThrow(/^WRONGTYPE/);
    await expect(r2.call('SORT', 'str', 'FOO')).rejects.toThrow('ERR syntax error');
    await expect(r2.call('SORT', 'l', 'LIMIT', '1')).rejects.toThrow('ERR syntax error');
    await expect(r2.call('SORT', 'l', 'LIMIT', 'a', '1')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(r2.call('SORT_RO', 'l', 'STORE', 'x')).rejects.toThrow('ERR syntax error');
    await expect(r2.call('SORT', 'l', 'GET')).rejects.toThrow('ERR syntax error');
  });

  it('raw replies: RESP3 nulls for missing GET values', async () => {
    await raw.call('RPUSH', 'l', 'a');
    expect(await raw.call('HELLO', '3')).toMatch(/^%/);
    expect(await raw.call('SORT', 'l', 'ALPHA', 'GET', '#', 'GET', 'nope_*')).toBe('*2\r\n$1\r\na\r\n_\r\n');
    expect(await raw.call('HELLO', '2')).toMatch(/^\*/);
    expect(await raw.call('SORT', 'l', 'ALPHA', 'GET', 'nope_*')).toBe('*1\r\n$-1\r\n');
  });

  it('COMMAND GETKEYS finds the last STORE key', async () => {
    expect(await r2.call('COMMAND', 'GETKEYS', 'SORT', 'abc', 'STORE', 'invalid', 'STORE', 'def')).toEqual(['abc', 'def']);
    expect(await r2.call('COMMAND', 'GETKEYS', 'SORT', 'abc', 'GET', 'store', 'BY', 'store')).toEqual(['abc']);
    expect(await r2.call('COMMAND', 'GETKEYSANDFLAGS', 'SORT', 'abc', 'STORE', 'def')).toEqual([
      ['abc', ['RO', 'access']],
      ['def', ['OW', 'update']],
    ]);
    expect(await r2.call('COMMAND', 'GETKEYS', 'SORT_RO', 'abc')).toEqual(['abc']);
  });
});
